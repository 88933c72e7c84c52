"""HMAC KMS keys: CreateKey with HMAC key specs, GenerateMac and VerifyMac.

Each test states the AWS behaviour it checks, through a real boto3 client; every
successful response is checked against the botocore output shape.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from helpers import call, fails, new_key, schedule_deletion

from pytest_cloudhsm_kms import CloudHsmKms

SIZES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}


@pytest.fixture
def hmac_key(kms_client: Any) -> dict[str, Any]:
    """A new ``HMAC_256`` key for ``GENERATE_VERIFY_MAC``."""
    return new_key(kms_client, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")


def mac(client: Any, key_id: str, message: bytes = b"message",
        algorithm: str = "HMAC_SHA_256") -> bytes:
    value: bytes = call(client, "GenerateMac", KeyId=key_id, Message=message,
                        MacAlgorithm=algorithm)["Mac"]
    return value


@pytest.mark.parametrize("spec", list(SIZES))
def test_an_hmac_key_lists_its_one_mac_algorithm(kms_client: Any, spec: str) -> None:
    metadata = new_key(kms_client, KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")

    assert metadata["KeySpec"] == metadata["CustomerMasterKeySpec"] == spec
    assert metadata["KeyUsage"] == "GENERATE_VERIFY_MAC"
    assert metadata["MacAlgorithms"] == [f"HMAC_SHA_{spec[5:]}"]
    assert "EncryptionAlgorithms" not in metadata
    assert "CurrentKeyMaterialId" not in metadata


@pytest.mark.parametrize("spec", list(SIZES))
def test_generate_mac_answers_a_mac_of_the_hash_length_that_verify_mac_accepts(
    kms_client: Any, spec: str
) -> None:
    key = new_key(kms_client, KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")
    algorithm = f"HMAC_SHA_{spec[5:]}"

    generated = call(kms_client, "GenerateMac", KeyId=key["KeyId"], Message=b"m",
                     MacAlgorithm=algorithm)
    assert generated["KeyId"] == key["Arn"]
    assert generated["MacAlgorithm"] == algorithm
    assert len(generated["Mac"]) == SIZES[spec]

    verified = call(kms_client, "VerifyMac", KeyId=key["Arn"], Message=b"m",
                    MacAlgorithm=algorithm, Mac=generated["Mac"])
    assert verified == {**verified, "KeyId": key["Arn"], "MacValid": True,
                        "MacAlgorithm": algorithm}


def test_a_mac_is_deterministic_and_differs_per_message_and_key(
    kms_client: Any, hmac_key: dict[str, Any]
) -> None:
    other = new_key(kms_client, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")

    assert mac(kms_client, hmac_key["KeyId"]) == mac(kms_client, hmac_key["KeyId"])
    assert mac(kms_client, hmac_key["KeyId"]) != mac(kms_client, hmac_key["KeyId"], b"other")
    assert mac(kms_client, hmac_key["KeyId"]) != mac(kms_client, other["KeyId"])


def test_a_mac_that_does_not_verify_is_an_invalid_mac_not_a_false_answer(
    kms_client: Any, hmac_key: dict[str, Any]
) -> None:
    value = mac(kms_client, hmac_key["KeyId"])

    fails(kms_client, "VerifyMac", "KMSInvalidMacException", KeyId=hmac_key["KeyId"],
          Message=b"tampered", MacAlgorithm="HMAC_SHA_256", Mac=value)
    fails(kms_client, "VerifyMac", "KMSInvalidMacException", KeyId=hmac_key["KeyId"],
          Message=b"message", MacAlgorithm="HMAC_SHA_256", Mac=value[:-1])


def test_the_mac_algorithm_must_match_the_key_spec(
    kms_client: Any, hmac_key: dict[str, Any],
) -> None:
    fails(kms_client, "GenerateMac", "InvalidKeyUsageException", KeyId=hmac_key["KeyId"],
          Message=b"m", MacAlgorithm="HMAC_SHA_512")
    fails(kms_client, "VerifyMac", "InvalidKeyUsageException", KeyId=hmac_key["KeyId"],
          Message=b"m", MacAlgorithm="HMAC_SHA_384", Mac=b"x" * 48)


def test_hmac_keys_only_make_macs_and_other_keys_make_none(
    kms_client: Any, hmac_key: dict[str, Any]
) -> None:
    symmetric = new_key(kms_client)

    fails(kms_client, "GenerateMac", "InvalidKeyUsageException", KeyId=symmetric["KeyId"],
          Message=b"m", MacAlgorithm="HMAC_SHA_256")
    fails(kms_client, "Encrypt", "InvalidKeyUsageException", KeyId=hmac_key["KeyId"],
          Plaintext=b"x")
    fails(kms_client, "GenerateDataKey", "InvalidKeyUsageException", KeyId=hmac_key["KeyId"],
          KeySpec="AES_256")
    fails(kms_client, "CreateKey", "ValidationException", KeySpec="HMAC_256",
          KeyUsage="ENCRYPT_DECRYPT")


@pytest.mark.parametrize("operation", ["GenerateMac", "VerifyMac"])
def test_a_disabled_or_deleting_hmac_key_makes_no_mac(
    kms_client: Any, hmac_key: dict[str, Any], operation: str
) -> None:
    params = {"KeyId": hmac_key["KeyId"], "Message": b"m", "MacAlgorithm": "HMAC_SHA_256"}
    if operation == "VerifyMac":
        params["Mac"] = b"x" * 32
    kms_client.disable_key(KeyId=hmac_key["KeyId"])
    fails(kms_client, operation, "DisabledException", **params)

    schedule_deletion(kms_client, hmac_key["KeyId"])
    fails(kms_client, operation, "KMSInvalidStateException", **params)


def test_a_dry_run_mac_answers_dry_run_or_the_real_error(
    kms_client: Any, hmac_key: dict[str, Any]
) -> None:
    value = mac(kms_client, hmac_key["KeyId"])
    ok = {"KeyId": hmac_key["KeyId"], "Message": b"message", "MacAlgorithm": "HMAC_SHA_256"}

    fails(kms_client, "GenerateMac", "DryRunOperationException", DryRun=True, **ok)
    fails(kms_client, "VerifyMac", "DryRunOperationException", DryRun=True, Mac=value, **ok)
    fails(kms_client, "GenerateMac", "InvalidKeyUsageException", DryRun=True,
          **{**ok, "MacAlgorithm": "HMAC_SHA_224"})


def test_mac_operations_check_the_key_and_grant_tokens(
    kms_client: Any, hmac_key: dict[str, Any]
) -> None:
    fails(kms_client, "GenerateMac", "NotFoundException", KeyId="alias/missing", Message=b"m",
          MacAlgorithm="HMAC_SHA_256")
    fails(kms_client, "VerifyMac", "InvalidGrantTokenException", KeyId=hmac_key["KeyId"],
          Message=b"m", MacAlgorithm="HMAC_SHA_256", Mac=b"x" * 32, GrantTokens=["bogus"])
    kms_client.create_alias(AliasName="alias/mac", TargetKeyId=hmac_key["KeyId"])
    assert mac(kms_client, "alias/mac") == mac(kms_client, hmac_key["KeyId"])


def test_a_message_over_4096_bytes_is_a_validation_error(
    cloudhsm_kms: Any, hmac_key: dict[str, Any]
) -> None:
    client = cloudhsm_kms.client("kms", config=Config(parameter_validation=False))

    fails(client, "GenerateMac", "ValidationException", KeyId=hmac_key["KeyId"],
          Message=b"m" * 4097, MacAlgorithm="HMAC_SHA_256")


def test_a_seeded_environment_makes_the_same_hmac_key_every_run() -> None:
    macs = []
    for _ in range(2):
        with CloudHsmKms(seed="hmac") as aws:
            client = aws.client("kms")
            key_id = client.create_key(KeySpec="HMAC_384",
                                       KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
            macs.append(mac(client, key_id, algorithm="HMAC_SHA_384"))

    assert macs[0] == macs[1]
