"""Multi-Region keys: CreateKey with MultiRegion, ReplicateKey and UpdatePrimaryRegion, with
clients in two and three Regions of one environment.

Each test states the AWS behaviour it checks, through real boto3 clients; every
successful response is checked against the botocore output shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from helpers import ARN_PREFIX, DAY, call, fails, new_key, schedule_deletion

WEST = "us-west-2"
EUROPE = "eu-west-1"


@pytest.fixture
def west(cloudhsm_kms: Any) -> Any:
    return cloudhsm_kms.client("kms", region=WEST)


@pytest.fixture
def primary(kms_client: Any) -> dict[str, Any]:
    return new_key(kms_client, MultiRegion=True, Description="orders")


def replicate(client: Any, key_id: str, region: str = WEST, **params: Any) -> dict[str, Any]:
    return call(client, "ReplicateKey", KeyId=key_id, ReplicaRegion=region, **params)


def configuration(client: Any, key_id: str) -> dict[str, Any]:
    config: dict[str, Any] = client.describe_key(
        KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]
    return config


# -- CreateKey and ReplicateKey --------------------------------------------------------------


def test_a_multi_region_key_is_a_primary_key_with_an_mrk_id(primary: dict[str, Any]) -> None:
    assert re.fullmatch(r"mrk-[0-9a-f]{32}", primary["KeyId"])
    assert primary["Arn"] == f"{ARN_PREFIX}key/{primary['KeyId']}"
    assert primary["MultiRegion"] is True
    assert primary["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY",
        "PrimaryKey": {"Arn": primary["Arn"], "Region": "us-east-1"},
        "ReplicaKeys": [],
    }


def test_replicate_key_makes_a_replica_with_the_same_key_id_in_another_region(
    kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    response = replicate(kms_client, primary["KeyId"], Tags=[{"TagKey": "team",
                                                              "TagValue": "payments"}])

    replica = response["ReplicaKeyMetadata"]
    replica_arn = f"arn:aws:kms:{WEST}:111122223333:key/{primary['KeyId']}"
    assert replica["KeyId"] == primary["KeyId"]
    assert replica["Arn"] == replica_arn
    assert replica["KeyState"] == "Creating"
    assert replica["Description"] == ""
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert response["ReplicaTags"] == [{"TagKey": "team", "TagValue": "payments"}]
    assert json.loads(response["ReplicaPolicy"])["Statement"][0]["Action"] == "kms:*"

    described = west.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]
    assert described["KeyState"] == "Enabled"
    assert described["MultiRegionConfiguration"]["PrimaryKey"] == {
        "Arn": primary["Arn"], "Region": "us-east-1"}
    assert configuration(kms_client, primary["KeyId"])["ReplicaKeys"] == [
        {"Arn": replica_arn, "Region": WEST}]


def test_ciphertext_of_one_region_decrypts_in_the_other(
    kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    replicate(kms_client, primary["KeyId"])

    east_blob = kms_client.encrypt(KeyId=primary["KeyId"], Plaintext=b"east")["CiphertextBlob"]
    west_blob = west.encrypt(KeyId=primary["KeyId"], Plaintext=b"west")["CiphertextBlob"]

    assert call(west, "Decrypt", CiphertextBlob=east_blob)["Plaintext"] == b"east"
    decrypted = call(kms_client, "Decrypt", CiphertextBlob=west_blob)
    assert decrypted["Plaintext"] == b"west"
    assert decrypted["KeyId"] == primary["Arn"]


def test_a_replica_takes_its_own_policy_description_and_state(
    kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    response = replicate(kms_client, primary["Arn"], Policy=policy, Description="west copy",
                         BypassPolicyLockoutSafetyCheck=True)
    assert response["ReplicaPolicy"] == policy

    west.disable_key(KeyId=primary["KeyId"])

    assert west.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["Description"] == "west copy"
    assert west.get_key_policy(KeyId=primary["KeyId"])["Policy"] == policy
    assert west.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    assert kms_client.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_a_replica_is_creating_until_replication_ends(
    cloudhsm_kms: Any, kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(replication_delay=5.0)
    replicate(kms_client, primary["KeyId"])

    message = fails(west, "Encrypt", "KMSInvalidStateException", KeyId=primary["KeyId"],
                    Plaintext=b"x")
    assert message == f"arn:aws:kms:{WEST}:111122223333:key/{primary['KeyId']} is creating."

    cloudhsm_kms.clock.advance(6)
    call(west, "Encrypt", KeyId=primary["KeyId"], Plaintext=b"x")


def test_asymmetric_and_hmac_keys_can_be_multi_region(kms_client: Any, west: Any) -> None:
    signing = new_key(kms_client, MultiRegion=True, KeySpec="ECC_NIST_P256",
                      KeyUsage="SIGN_VERIFY")
    mac_key = new_key(kms_client, MultiRegion=True, KeySpec="HMAC_256",
                      KeyUsage="GENERATE_VERIFY_MAC")
    replicate(kms_client, signing["KeyId"])
    replicate(kms_client, mac_key["KeyId"])

    signature = west.sign(KeyId=signing["KeyId"], Message=b"m",
                          SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    call(kms_client, "Verify", KeyId=signing["KeyId"], Message=b"m", Signature=signature,
         SigningAlgorithm="ECDSA_SHA_256")
    mac = west.generate_mac(KeyId=mac_key["KeyId"], Message=b"m",
                            MacAlgorithm="HMAC_SHA_256")["Mac"]
    call(kms_client, "VerifyMac", KeyId=mac_key["KeyId"], Message=b"m", Mac=mac,
         MacAlgorithm="HMAC_SHA_256")


def test_replicate_key_needs_a_multi_region_primary_key(
    kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    single = new_key(kms_client)
    fails(kms_client, "ReplicateKey", "UnsupportedOperationException", KeyId=single["KeyId"],
          ReplicaRegion=WEST)
    replicate(kms_client, primary["KeyId"])

    fails(kms_client, "ReplicateKey", "AlreadyExistsException", KeyId=primary["KeyId"],
          ReplicaRegion=WEST)
    fails(west, "ReplicateKey", "UnsupportedOperationException", KeyId=primary["KeyId"],
          ReplicaRegion=EUROPE)
    fails(kms_client, "ReplicateKey", "ValidationException", KeyId=primary["KeyId"],
          ReplicaRegion="us-east-1")
    kms_client.create_alias(AliasName="alias/mrk", TargetKeyId=primary["KeyId"])
    fails(kms_client, "ReplicateKey", "InvalidArnException", KeyId="alias/mrk",
          ReplicaRegion=EUROPE)
    fails(kms_client, "ReplicateKey", "NotFoundException", KeyId="mrk-" + "0" * 32,
          ReplicaRegion=EUROPE)


def test_replicate_key_checks_the_replica_policy_tags_and_key_quota(
    cloudhsm_kms: Any, kms_client: Any, primary: dict[str, Any]
) -> None:
    fails(kms_client, "ReplicateKey", "MalformedPolicyDocumentException",
          KeyId=primary["KeyId"], ReplicaRegion=WEST, Policy="not json")
    fails(kms_client, "ReplicateKey", "TagException", KeyId=primary["KeyId"],
          ReplicaRegion=WEST, Tags=[{"TagKey": "aws:x", "TagValue": "v"}])
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(max_keys=0)
    fails(kms_client, "ReplicateKey", "LimitExceededException", KeyId=primary["KeyId"],
          ReplicaRegion=WEST)


@pytest.mark.parametrize(("code", "into_state"), [
    ("DisabledException", lambda kms, key_id: kms.disable_key(KeyId=key_id)),
    ("KMSInvalidStateException", schedule_deletion),
], ids=["disabled", "pending deletion"])
def test_a_disabled_or_deleting_primary_is_not_replicated(
    kms_client: Any, primary: dict[str, Any], code: str, into_state: Callable[[Any, str], None]
) -> None:
    into_state(kms_client, primary["KeyId"])

    fails(kms_client, "ReplicateKey", code, KeyId=primary["KeyId"], ReplicaRegion=WEST)
    fails(kms_client, "UpdatePrimaryRegion", code, KeyId=primary["KeyId"], PrimaryRegion=WEST)


def test_a_deleted_replica_leaves_the_replica_list(
    cloudhsm_kms: Any, kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    replicate(kms_client, primary["KeyId"])
    schedule_deletion(west, primary["KeyId"])
    # AWS: a replica pending deletion still holds its Region (docs/aws-behaviour.md §11.7).
    fails(kms_client, "ReplicateKey", "AlreadyExistsException", KeyId=primary["KeyId"],
          ReplicaRegion=WEST)

    cloudhsm_kms.clock.advance(8 * DAY)

    assert configuration(kms_client, primary["KeyId"])["ReplicaKeys"] == []
    replicate(kms_client, primary["KeyId"])


# -- deleting a primary key with replicas (docs/aws-behaviour.md §11.7) ----------------------


def metadata(client: Any, key_id: str) -> dict[str, Any]:
    meta: dict[str, Any] = call(client, "DescribeKey", KeyId=key_id)["KeyMetadata"]
    return meta


def test_a_primary_with_replicas_waits_for_them_in_pending_replica_deletion(
    kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    replicate(kms_client, primary["KeyId"])

    answer = call(kms_client, "ScheduleKeyDeletion", KeyId=primary["KeyId"],
                  PendingWindowInDays=10)

    # No DeletionDate: it is not known until the last replica key is deleted.
    del answer["ResponseMetadata"]
    assert answer == {"KeyId": primary["Arn"], "KeyState": "PendingReplicaDeletion",
                      "PendingWindowInDays": 10}
    meta = metadata(kms_client, primary["KeyId"])
    assert meta["KeyState"] == "PendingReplicaDeletion"
    assert meta["Enabled"] is False
    assert meta["PendingDeletionWindowInDays"] == 10
    assert "DeletionDate" not in meta
    assert metadata(west, primary["KeyId"])["KeyState"] == "Enabled"


def test_a_primary_without_replicas_starts_its_waiting_period_at_once(
    kms_client: Any, primary: dict[str, Any]
) -> None:
    answer = call(kms_client, "ScheduleKeyDeletion", KeyId=primary["KeyId"],
                  PendingWindowInDays=7)

    assert answer["KeyState"] == "PendingDeletion"
    assert metadata(kms_client, primary["KeyId"])["DeletionDate"] == answer["DeletionDate"]


@pytest.mark.parametrize(("operation", "params"), [
    ("Encrypt", {"Plaintext": b"x"}),
    ("GenerateDataKey", {"KeySpec": "AES_256"}),
    ("EnableKey", {}),
    ("DisableKey", {}),
    ("ScheduleKeyDeletion", {}),
    ("ReplicateKey", {"ReplicaRegion": EUROPE}),
    ("UpdatePrimaryRegion", {"PrimaryRegion": WEST}),
])
def test_a_primary_pending_replica_deletion_is_refused_as_pending_deletion(
    kms_client: Any, primary: dict[str, Any], operation: str, params: dict[str, Any]
) -> None:
    replicate(kms_client, primary["KeyId"])
    schedule_deletion(kms_client, primary["KeyId"])

    message = fails(kms_client, operation, "KMSInvalidStateException",
                    KeyId=primary["KeyId"], **params)

    assert message == f"{primary['Arn']} is pending deletion."
    assert metadata(kms_client, primary["KeyId"])["KeyState"] == "PendingReplicaDeletion"


def test_the_primary_waiting_period_begins_when_its_last_replica_is_deleted(
    cloudhsm_kms: Any, kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    europe = cloudhsm_kms.client("kms", region=EUROPE)
    replicate(kms_client, primary["KeyId"])
    replicate(kms_client, primary["KeyId"], EUROPE)
    kms_client.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7)
    west.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7)
    europe.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=20)

    # A replica scheduled for deletion still counts: only its deletion starts the wait.
    cloudhsm_kms.clock.advance(8 * DAY)
    fails(west, "DescribeKey", "NotFoundException", KeyId=primary["KeyId"])
    assert metadata(kms_client, primary["KeyId"])["KeyState"] == "PendingReplicaDeletion"

    cloudhsm_kms.clock.advance(12 * DAY)  # day 20: the last replica is deleted
    fails(europe, "DescribeKey", "NotFoundException", KeyId=primary["KeyId"])
    meta = metadata(kms_client, primary["KeyId"])
    assert meta["KeyState"] == "PendingDeletion"
    assert meta["MultiRegionConfiguration"]["ReplicaKeys"] == []
    assert "PendingDeletionWindowInDays" not in meta
    # The 7 days it was scheduled with, from the deletion of the last replica.
    assert meta["DeletionDate"].timestamp() == pytest.approx(
        cloudhsm_kms.clock.now() + 7 * DAY, abs=DAY)

    cloudhsm_kms.clock.advance(7 * DAY + 1)
    fails(kms_client, "DescribeKey", "NotFoundException", KeyId=primary["KeyId"])


def test_cancel_key_deletion_of_a_primary_pending_replica_deletion_leaves_it_disabled(
    cloudhsm_kms: Any, kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    replicate(kms_client, primary["KeyId"])
    schedule_deletion(kms_client, primary["KeyId"])

    answer = call(kms_client, "CancelKeyDeletion", KeyId=primary["KeyId"])

    assert answer["KeyId"] == primary["Arn"]
    meta = metadata(kms_client, primary["KeyId"])
    assert meta["KeyState"] == "Disabled"
    assert "PendingDeletionWindowInDays" not in meta
    # Cancelled: the deletion of its last replica no longer starts a waiting period.
    schedule_deletion(west, primary["KeyId"])
    cloudhsm_kms.clock.advance(8 * DAY)
    assert metadata(kms_client, primary["KeyId"])["KeyState"] == "Disabled"


# -- rotation and imported material ---------------------------------------------------------


def test_the_primary_rotates_the_material_of_every_replica(
    kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    replicate(kms_client, primary["KeyId"])
    kms_client.enable_key_rotation(KeyId=primary["KeyId"], RotationPeriodInDays=180)

    kms_client.rotate_key_on_demand(KeyId=primary["KeyId"])

    east_id = kms_client.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]
    west_id = west.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]
    assert east_id["CurrentKeyMaterialId"] == west_id["CurrentKeyMaterialId"]
    assert len(call(west, "ListKeyRotations", KeyId=primary["KeyId"])["Rotations"]) == 1
    for operation in ("EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand"):
        fails(west, operation, "UnsupportedOperationException", KeyId=primary["KeyId"])
    west_status = call(west, "GetKeyRotationStatus", KeyId=primary["KeyId"])
    east_status = call(kms_client, "GetKeyRotationStatus", KeyId=primary["KeyId"])
    assert west_status["KeyRotationEnabled"] is True
    assert west_status["RotationPeriodInDays"] == 180
    assert west_status["NextRotationDate"] == east_status["NextRotationDate"]


def test_a_replica_of_imported_material_waits_for_the_same_material(
    kms_client: Any, west: Any
) -> None:
    from test_kms_import import MATERIAL, import_material

    key = new_key(kms_client, MultiRegion=True, Origin="EXTERNAL")
    import_material(kms_client, key["KeyId"])
    replicate(kms_client, key["KeyId"])
    assert west.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"

    import_material(west, key["KeyId"], MATERIAL)

    blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert west.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


# -- UpdatePrimaryRegion ---------------------------------------------------------------------


def test_update_primary_region_swaps_the_primary_and_the_replica(
    cloudhsm_kms: Any, kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    replicate(kms_client, primary["KeyId"])
    kms_client.enable_key_rotation(KeyId=primary["KeyId"], RotationPeriodInDays=90)

    call(kms_client, "UpdatePrimaryRegion", KeyId=primary["KeyId"], PrimaryRegion=WEST)

    assert configuration(west, primary["KeyId"])["MultiRegionKeyType"] == "PRIMARY"
    assert configuration(kms_client, primary["KeyId"])["MultiRegionKeyType"] == "REPLICA"
    assert configuration(kms_client, primary["KeyId"])["PrimaryKey"]["Region"] == WEST
    assert call(west, "GetKeyRotationStatus",
                KeyId=primary["KeyId"])["RotationPeriodInDays"] == 90
    cloudhsm_kms.clock.advance(91 * DAY)
    assert len(kms_client.list_key_rotations(KeyId=primary["KeyId"])["Rotations"]) == 1
    replicate(west, primary["KeyId"], EUROPE)
    fails(kms_client, "ReplicateKey", "UnsupportedOperationException", KeyId=primary["KeyId"],
          ReplicaRegion=EUROPE)


def test_update_primary_region_needs_a_primary_and_a_replica_in_the_region(
    kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    fails(kms_client, "UpdatePrimaryRegion", "NotFoundException", KeyId=primary["KeyId"],
          PrimaryRegion=WEST)
    call(kms_client, "UpdatePrimaryRegion", KeyId=primary["KeyId"], PrimaryRegion="us-east-1")
    replicate(kms_client, primary["KeyId"])
    fails(west, "UpdatePrimaryRegion", "UnsupportedOperationException", KeyId=primary["KeyId"],
          PrimaryRegion="us-east-1")
    single = new_key(kms_client)
    fails(kms_client, "UpdatePrimaryRegion", "UnsupportedOperationException",
          KeyId=single["KeyId"], PrimaryRegion=WEST)
    fails(kms_client, "UpdatePrimaryRegion", "InvalidArnException",
          KeyId=f"{ARN_PREFIX}alias/none", PrimaryRegion=WEST)


def state_of(client: Any, key_id: str) -> str:
    state: str = client.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]
    return state


def test_update_primary_region_needs_both_keys_enabled(
    kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    # AWS: both keys must be Enabled when the operation starts (docs/aws-behaviour.md §11.7).
    replicate(kms_client, primary["KeyId"])
    west.disable_key(KeyId=primary["KeyId"])
    fails(kms_client, "UpdatePrimaryRegion", "DisabledException", KeyId=primary["KeyId"],
          PrimaryRegion=WEST)

    west.enable_key(KeyId=primary["KeyId"])
    kms_client.disable_key(KeyId=primary["KeyId"])
    fails(kms_client, "UpdatePrimaryRegion", "DisabledException", KeyId=primary["KeyId"],
          PrimaryRegion=WEST)
    assert configuration(west, primary["KeyId"])["MultiRegionKeyType"] == "REPLICA"


def test_both_keys_are_updating_until_the_update_of_the_primary_region_ends(
    cloudhsm_kms: Any, kms_client: Any, west: Any, primary: dict[str, Any]
) -> None:
    # AWS: the old and new primary keys are Updating for a while; they work in cryptographic
    # operations but refuse EnableKey and DisableKey, and are Enabled again after
    # (docs/aws-behaviour.md §3 [15], §11.7).
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(primary_region_update_delay=5.0)
    replicate(kms_client, primary["KeyId"])

    call(kms_client, "UpdatePrimaryRegion", KeyId=primary["KeyId"], PrimaryRegion=WEST)

    assert state_of(kms_client, primary["KeyId"]) == state_of(west, primary["KeyId"]) == "Updating"
    blob = call(west, "Encrypt", KeyId=primary["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert call(kms_client, "Decrypt", CiphertextBlob=blob)["Plaintext"] == b"x"
    message = fails(kms_client, "DisableKey", "KMSInvalidStateException", KeyId=primary["KeyId"])
    assert message == f"{primary['Arn']} is updating."
    fails(west, "ReplicateKey", "KMSInvalidStateException", KeyId=primary["KeyId"],
          ReplicaRegion=EUROPE)

    cloudhsm_kms.clock.advance(6)
    assert state_of(kms_client, primary["KeyId"]) == state_of(west, primary["KeyId"]) == "Enabled"
