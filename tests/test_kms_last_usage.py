"""GetKeyLastUsage: the last successful cryptographic operation of a key.

Each test states the AWS behaviour it checks, through a real boto3 client; every
successful response is checked against the botocore output shape.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from helpers import call, fails, new_key, requires_operation

pytestmark = requires_operation("GetKeyLastUsage")


def last_usage(client: Any, key_id: str) -> dict[str, Any]:
    usage: dict[str, Any] = call(client, "GetKeyLastUsage", KeyId=key_id)["KeyLastUsage"]
    return usage


def test_a_new_key_has_no_last_usage_and_is_tracked_since_its_creation(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    response = call(kms_client, "GetKeyLastUsage", KeyId=symmetric_key["Arn"])

    assert response["KeyId"] == symmetric_key["KeyId"]
    assert response["KeyLastUsage"] == {}
    assert response["TrackingStartDate"] == response["KeyCreationDate"] == (
        symmetric_key["CreationDate"])


def test_the_last_successful_cryptographic_operation_is_reported(
    cloudhsm_kms: Any, kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    blob = kms_client.encrypt(KeyId=symmetric_key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert last_usage(kms_client, symmetric_key["KeyId"])["Operation"] == "Encrypt"

    cloudhsm_kms.clock.advance(3600)
    kms_client.decrypt(CiphertextBlob=blob)

    usage = last_usage(kms_client, symmetric_key["KeyId"])
    assert usage["Operation"] == "Decrypt"
    assert usage["Timestamp"].timestamp() == pytest.approx(cloudhsm_kms.clock.now(), abs=5)
    assert uuid.UUID(usage["CloudTrailEventId"]).version == 4


def test_failed_calls_dry_runs_and_management_calls_are_not_usage(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.encrypt(KeyId=symmetric_key["KeyId"], Plaintext=b"x")
    before = last_usage(kms_client, symmetric_key["KeyId"])

    fails(kms_client, "Encrypt", "DryRunOperationException", KeyId=symmetric_key["KeyId"],
          Plaintext=b"x",
          DryRun=True)
    fails(kms_client, "GenerateDataKey", "ValidationException", KeyId=symmetric_key["KeyId"])
    kms_client.describe_key(KeyId=symmetric_key["KeyId"])
    kms_client.tag_resource(KeyId=symmetric_key["KeyId"], Tags=[{"TagKey": "a", "TagValue": "b"}])

    assert last_usage(kms_client, symmetric_key["KeyId"]) == before


def test_re_encrypt_is_recorded_on_both_keys(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    other = new_key(kms_client)
    blob = kms_client.encrypt(KeyId=symmetric_key["KeyId"], Plaintext=b"x")["CiphertextBlob"]

    kms_client.re_encrypt(CiphertextBlob=blob, DestinationKeyId=other["KeyId"])

    assert last_usage(kms_client, symmetric_key["KeyId"])["Operation"] == "ReEncrypt"
    assert last_usage(kms_client, other["KeyId"])["Operation"] == "ReEncrypt"


def test_keys_are_tracked_independently(kms_client: Any, symmetric_key: dict[str, Any]) -> None:
    signing = new_key(kms_client, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")

    kms_client.sign(KeyId=signing["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")

    assert last_usage(kms_client, signing["KeyId"])["Operation"] == "Sign"
    assert last_usage(kms_client, symmetric_key["KeyId"]) == {}


def test_get_key_last_usage_takes_a_key_id_or_arn_only(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.create_alias(AliasName="alias/tracked", TargetKeyId=symmetric_key["KeyId"])

    fails(kms_client, "GetKeyLastUsage", "InvalidArnException", KeyId="alias/tracked")
    fails(kms_client, "GetKeyLastUsage", "NotFoundException",
          KeyId="00000000-0000-4000-8000-000000000000")


def test_a_primary_and_its_replica_track_their_usage_independently(
    cloudhsm_kms: Any, kms_client: Any,
) -> None:
    # AWS: primary and replica keys track last usage independently (docs/aws-behaviour.md §11.8).
    primary = new_key(kms_client, MultiRegion=True)
    kms_client.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="us-west-2")
    west = cloudhsm_kms.client("kms", region="us-west-2")

    kms_client.encrypt(KeyId=primary["KeyId"], Plaintext=b"x")

    assert last_usage(kms_client, primary["KeyId"])["Operation"] == "Encrypt"
    assert last_usage(west, primary["KeyId"]) == {}
