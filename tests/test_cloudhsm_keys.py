"""KMS keys in an AWS CloudHSM key store, through boto3 (docs/aws-behaviour.md §2, §3, §4, §5).

CreateKey in a store, cryptography in the cluster and every way it fails, key
states that follow the store's connection, what such keys cannot do, deletion
on the virtual clock with best-effort removal of the backing key, and the
store's request quota.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import (
    DAY,
    THROTTLING_MESSAGE,
    call,
    delete_all_hsms,
    key_state,
    operation_params,
    rejects,
    snake,
)

from pytest_cloudhsm_kms import CloudHsmKms
from pytest_cloudhsm_kms.errors import ServiceError
from pytest_cloudhsm_kms.kms.catalog import (
    COUNTED_OPERATIONS,
    NOT_IN_CLOUDHSM,
    WRONG_USAGE_IN_CLOUDHSM,
)
from pytest_cloudhsm_kms.protocol.models import in_model

CONTEXT = {"purpose": "cloudhsm-test"}
CRYPTO = ["Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext"]


# -- clients and helpers ---------------------------------------------------------------------


def cluster_of(env: CloudHsmKms, metadata: dict[str, Any]) -> Any:
    """The CloudHSM cluster (model) that holds a key's backing key."""
    return env.cloudhsm().cluster(metadata["CloudHsmClusterId"])


def crypto_request(operation: str, key_id: str, blob: bytes) -> dict[str, Any]:
    """Parameters that make ``operation`` use ``key_id`` (``blob`` is under that key)."""
    if operation == "Encrypt":
        return {"KeyId": key_id, "Plaintext": b"data", "EncryptionContext": CONTEXT}
    if operation == "Decrypt":
        return {"CiphertextBlob": blob, "EncryptionContext": CONTEXT}
    if operation == "ReEncrypt":
        return {"CiphertextBlob": blob, "SourceEncryptionContext": CONTEXT,
                "DestinationKeyId": "alias/kms-key"}
    return {"KeyId": key_id, "KeySpec": "AES_256"}


@pytest.fixture
def kms_key(kms: Any) -> dict[str, Any]:
    """An ordinary AWS_KMS key, named ``alias/kms-key``."""
    metadata: dict[str, Any] = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/kms-key", TargetKeyId=metadata["KeyId"])
    return metadata


# -- CreateKey in a CloudHSM key store ------------------------------------------------------------


def test_a_cloudhsm_key_store_key_is_symmetric_with_its_store_and_cluster_in_its_metadata(
    kms, cloudhsm_key_store
) -> None:
    metadata = call(kms, "CreateKey", Origin="AWS_CLOUDHSM", Description="in the HSMs",
                  CustomKeyStoreId=cloudhsm_key_store["CustomKeyStoreId"])["KeyMetadata"]

    assert metadata["Origin"] == "AWS_CLOUDHSM"
    assert metadata["CustomKeyStoreId"] == cloudhsm_key_store["CustomKeyStoreId"]
    assert metadata["CloudHsmClusterId"] == cloudhsm_key_store["CloudHsmClusterId"]
    assert (metadata["KeyState"], metadata["Enabled"]) == ("Enabled", True)
    assert metadata["KeySpec"] == metadata["CustomerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
    assert metadata["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert metadata["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert (metadata["MultiRegion"], metadata["KeyManager"]) == (False, "CUSTOMER")
    assert "CurrentKeyMaterialId" not in metadata
    assert not metadata["KeyId"].startswith("mrk-")
    assert call(kms, "DescribeKey", KeyId=metadata["Arn"])["KeyMetadata"] == metadata


def test_the_backing_key_is_made_in_the_cluster_labelled_with_the_key_arn_and_owned_by_kmsuser(
    cloudhsm_kms, kms, cloudhsm_key_store
) -> None:
    metadata = call(kms, "CreateKey", Origin="AWS_CLOUDHSM",
                  CustomKeyStoreId=cloudhsm_key_store["CustomKeyStoreId"])["KeyMetadata"]

    cluster = cluster_of(cloudhsm_kms, metadata)
    (handle,) = cluster.find_keys(metadata["Arn"])
    assert cluster.keys[handle].owner == "kmsuser"
    assert cluster.find_keys(metadata["KeyId"]) == []  # the label is the ARN, not the ID


def test_create_key_in_a_store_needs_two_active_hsms_in_different_availability_zones(
    cloudhsm_kms, kms, cloudhsmv2, cloudhsm_cluster, cloudhsm_key_store
) -> None:
    cloudhsmv2.delete_hsm(ClusterId=cloudhsm_cluster["ClusterId"],
                   HsmId=cloudhsm_cluster["Hsms"][0]["HsmId"])
    before = len(cloudhsm_kms.cloudhsm().cluster(cloudhsm_cluster["ClusterId"]).keys)

    rejects(kms, "CreateKey", "CloudHsmClusterInvalidConfigurationException",
          Origin="AWS_CLOUDHSM", CustomKeyStoreId=cloudhsm_key_store["CustomKeyStoreId"])
    assert len(cloudhsm_kms.cloudhsm().cluster(cloudhsm_cluster["ClusterId"]).keys) == before
    assert call(kms, "ListKeys")["Keys"] == []


def test_create_key_when_the_store_cluster_was_deleted_is_an_invalid_cluster_configuration(
    cloudhsm_kms, kms, cloudhsmv2, cloudhsm_cluster, cloudhsm_key_store
) -> None:
    delete_all_hsms(cloudhsmv2, cloudhsm_cluster["ClusterId"])
    cloudhsmv2.delete_cluster(ClusterId=cloudhsm_cluster["ClusterId"])
    cloudhsm_kms.clock.advance(2 * 3600.0)  # no longer listed either

    rejects(kms, "CreateKey", "CloudHsmClusterInvalidConfigurationException",
          Origin="AWS_CLOUDHSM", CustomKeyStoreId=cloudhsm_key_store["CustomKeyStoreId"])


@pytest.mark.parametrize("request_", [
    {"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"},
    {"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"},
    {"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"},
    {"CustomerMasterKeySpec": "RSA_4096", "KeyUsage": "ENCRYPT_DECRYPT"},
    {"MultiRegion": True},
], ids=["RSA", "ECC", "HMAC", "legacy spec", "multi-Region"])
def test_custom_key_stores_hold_only_single_region_symmetric_encryption_keys(
    kms, cloudhsm_key_store, request_
) -> None:
    rejects(kms, "CreateKey", "UnsupportedOperationException", Origin="AWS_CLOUDHSM",
          CustomKeyStoreId=cloudhsm_key_store["CustomKeyStoreId"], **request_)
    assert call(kms, "ListKeys")["Keys"] == []


def test_origin_aws_cloudhsm_and_a_custom_key_store_id_go_together(kms, cloudhsm_key_store) -> None:
    rejects(kms, "CreateKey", "UnsupportedOperationException", Origin="AWS_CLOUDHSM")
    rejects(kms, "CreateKey", "UnsupportedOperationException", Origin="AWS_KMS",
          CustomKeyStoreId=cloudhsm_key_store["CustomKeyStoreId"])
    rejects(kms, "CreateKey", "CustomKeyStoreNotFoundException", Origin="AWS_CLOUDHSM",
          CustomKeyStoreId="cks-1234567890abcdef0")


# -- cryptography in the cluster ------------------------------------------------------------------


def test_cryptography_with_a_cloudhsm_key_round_trips_and_reports_no_key_material_id(
    kms, cloudhsm_key
) -> None:
    key_id, arn = cloudhsm_key["KeyId"], cloudhsm_key["Arn"]
    encrypted = call(kms, "Encrypt", KeyId=key_id, Plaintext=b"secret", EncryptionContext=CONTEXT)
    decrypted = call(kms, "Decrypt", CiphertextBlob=encrypted["CiphertextBlob"],
                   EncryptionContext=CONTEXT)
    data_key = call(kms, "GenerateDataKey", KeyId=key_id, KeySpec="AES_256")
    sealed = call(kms, "GenerateDataKeyWithoutPlaintext", KeyId=key_id, NumberOfBytes=16)

    assert (encrypted["KeyId"], decrypted["KeyId"]) == (arn, arn)
    assert decrypted["Plaintext"] == b"secret"
    assert "KeyMaterialId" not in decrypted and "KeyMaterialId" not in data_key
    assert len(data_key["Plaintext"]) == 32
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == (
        data_key["Plaintext"])
    assert len(kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"])["Plaintext"]) == 16
    rejects(kms, "Decrypt", "InvalidCiphertextException",
          CiphertextBlob=encrypted["CiphertextBlob"], EncryptionContext={"purpose": "other"})


def test_re_encrypt_moves_ciphertext_between_a_cloudhsm_key_and_an_aws_kms_key(
    kms, cloudhsm_key, kms_key
) -> None:
    blob = kms.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"moving")["CiphertextBlob"]

    to_kms = call(kms, "ReEncrypt", CiphertextBlob=blob, DestinationKeyId=kms_key["KeyId"])
    assert (to_kms["SourceKeyId"], to_kms["KeyId"]) == (cloudhsm_key["Arn"], kms_key["Arn"])
    assert "SourceKeyMaterialId" not in to_kms
    assert to_kms["DestinationKeyMaterialId"] == kms_key["CurrentKeyMaterialId"]
    back = call(kms, "ReEncrypt", CiphertextBlob=to_kms["CiphertextBlob"],
              DestinationKeyId=cloudhsm_key["Arn"])
    assert (back["SourceKeyId"], back["KeyId"]) == (kms_key["Arn"], cloudhsm_key["Arn"])
    assert "DestinationKeyMaterialId" not in back
    assert kms.decrypt(CiphertextBlob=back["CiphertextBlob"])["Plaintext"] == b"moving"


def make_unusable(
    env: CloudHsmKms, kms: Any, cloudhsmv2: Any, key: dict[str, Any], how: str,
) -> None:
    """Break a CloudHSM key the way ``how`` says, through the APIs where AWS has one."""
    if how == "disabled":
        kms.disable_key(KeyId=key["KeyId"])
    elif how == "pending deletion":
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    elif how == "store disconnected":
        kms.disconnect_custom_key_store(CustomKeyStoreId=key["CustomKeyStoreId"])
    elif how == "no active HSM":
        delete_all_hsms(cloudhsmv2, key["CloudHsmClusterId"])
    else:  # someone deleted the backing key with the CloudHSM CLI
        cluster = cluster_of(env, key)
        for handle in cluster.find_keys(key["Arn"]):
            cluster.delete_key(handle)


UNUSABLE = {
    "disabled": ("DisabledException", "{arn} is disabled."),
    "pending deletion": ("KMSInvalidStateException", "{arn} is pending deletion."),
    "store disconnected": ("KMSInvalidStateException", "{arn} is unavailable."),
    "no active HSM": ("KMSInvalidStateException", "{arn} is unavailable: AWS CloudHSM cluster"),
    "backing key missing": ("KMSInvalidStateException", "{arn} is unavailable: its key material"),
}


@pytest.mark.parametrize("how", list(UNUSABLE))
@pytest.mark.parametrize("operation", CRYPTO)
def test_cryptography_fails_unless_the_key_is_enabled_connected_and_in_an_active_hsm(
    cloudhsm_kms, kms, cloudhsmv2, cloudhsm_key, kms_key, operation, how
) -> None:
    blob = kms.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"data",
                       EncryptionContext=CONTEXT)["CiphertextBlob"]
    make_unusable(cloudhsm_kms, kms, cloudhsmv2, cloudhsm_key, how)

    code, message = UNUSABLE[how]
    text = rejects(kms, operation, code, **crypto_request(operation, cloudhsm_key["KeyId"], blob))
    assert text.startswith(message.format(arn=cloudhsm_key["Arn"]))


def test_re_encrypt_to_an_unavailable_cloudhsm_key_fails_like_encrypt(
    kms, cloudhsm_key, kms_key
) -> None:
    blob = kms.encrypt(KeyId=kms_key["KeyId"], Plaintext=b"data")["CiphertextBlob"]
    kms.disconnect_custom_key_store(CustomKeyStoreId=cloudhsm_key["CustomKeyStoreId"])

    message = rejects(kms, "ReEncrypt", "KMSInvalidStateException", CiphertextBlob=blob,
                    DestinationKeyId=cloudhsm_key["KeyId"])
    assert message == f"{cloudhsm_key['Arn']} is unavailable."


def test_a_missing_backing_key_leaves_the_key_state_unchanged(
    cloudhsm_kms, kms, cloudhsmv2, cloudhsm_key
) -> None:
    make_unusable(cloudhsm_kms, kms, cloudhsmv2, cloudhsm_key, "backing key missing")

    assert key_state(kms, cloudhsm_key["KeyId"]) == "Enabled"


def test_generate_random_in_a_store_draws_from_its_cluster(
    cloudhsm_kms, kms, cloudhsmv2, cloudhsm_key_store
) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    quota = cloudhsm_kms.kms().custom_key_store(store_id).quota

    random = call(kms, "GenerateRandom", NumberOfBytes=48, CustomKeyStoreId=store_id)
    assert len(random["Plaintext"]) == 48
    assert quota.counted == 1
    delete_all_hsms(cloudhsmv2, cloudhsm_key_store["CloudHsmClusterId"])
    message = rejects(kms, "GenerateRandom", "CustomKeyStoreInvalidStateException",
                      NumberOfBytes=8, CustomKeyStoreId=store_id)
    assert message == (f"The AWS CloudHSM cluster of custom key store {store_id} "
                       "has no active HSMs.")


# -- key states follow the connection (docs/aws-behaviour.md §3, footnotes 11-13) ------------------


def test_keys_of_a_store_that_is_not_connected_are_unavailable_except_pending_deletion(
    cloudhsm_kms, kms, cloudhsm_key_store
) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    enabled = cloudhsm_kms.ready_key(custom_key_store_id=store_id)
    doomed = cloudhsm_kms.ready_key(custom_key_store_id=store_id)
    kms.schedule_key_deletion(KeyId=doomed["KeyId"], PendingWindowInDays=7)

    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    metadata = call(kms, "DescribeKey", KeyId=enabled["KeyId"])["KeyMetadata"]
    assert (metadata["KeyState"], metadata["Enabled"]) == ("Unavailable", False)
    assert key_state(kms, doomed["KeyId"]) == "PendingDeletion"
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(connect_delay=60.0)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert key_state(kms, enabled["KeyId"]) == "Unavailable"  # still CONNECTING
    cloudhsm_kms.clock.advance(60.0)
    assert key_state(kms, enabled["KeyId"]) == "Enabled"


def test_enable_and_disable_while_unavailable_succeed_and_take_effect_on_reconnect(
    cloudhsm_kms, kms, cloudhsm_key_store
) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    to_disable = cloudhsm_kms.ready_key(custom_key_store_id=store_id)["KeyId"]
    to_enable = cloudhsm_kms.ready_key(custom_key_store_id=store_id)["KeyId"]
    kms.disable_key(KeyId=to_enable)
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)

    call(kms, "DisableKey", KeyId=to_disable)
    call(kms, "EnableKey", KeyId=to_enable)
    assert key_state(kms, to_disable) == key_state(kms, to_enable) == "Unavailable"
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert key_state(kms, to_disable) == "Disabled"
    assert key_state(kms, to_enable) == "Enabled"


def test_deletion_can_be_scheduled_and_cancelled_while_the_store_is_disconnected(
    kms, cloudhsm_key
) -> None:
    key_id, store_id = cloudhsm_key["KeyId"], cloudhsm_key["CustomKeyStoreId"]
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)

    rejects(kms, "CancelKeyDeletion", "KMSInvalidStateException", KeyId=key_id)
    scheduled = call(kms, "ScheduleKeyDeletion", KeyId=key_id, PendingWindowInDays=7)
    assert scheduled["KeyState"] == "PendingDeletion"
    assert call(kms, "CancelKeyDeletion", KeyId=key_id)["KeyId"] == cloudhsm_key["Arn"]
    assert key_state(kms, key_id) == "Unavailable"
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert key_state(kms, key_id) == "Disabled"


# -- what CloudHSM key store keys cannot do (docs/aws-behaviour.md §2.4) ---------------------------

UNSUPPORTED = {
    "EnableKeyRotation": {},
    "DisableKeyRotation": {},
    "GetKeyRotationStatus": {},
    "RotateKeyOnDemand": {},
    "ListKeyRotations": {},
    "GetParametersForImport": {"WrappingAlgorithm": "RSAES_OAEP_SHA_256",
                               "WrappingKeySpec": "RSA_2048"},
    "ImportKeyMaterial": {"ImportToken": b"token", "EncryptedKeyMaterial": b"material"},
    "DeleteImportedKeyMaterial": {},
    "GenerateDataKeyPair": {"KeyPairSpec": "RSA_2048"},
    "GenerateDataKeyPairWithoutPlaintext": {"KeyPairSpec": "ECC_NIST_P256"},
    "ReplicateKey": {"ReplicaRegion": "us-west-2"},
    "UpdatePrimaryRegion": {"PrimaryRegion": "us-west-2"},
    "GetPublicKey": {},
}
WRONG_USAGE = {
    "Sign": {"Message": b"m", "SigningAlgorithm": "RSASSA_PSS_SHA_256"},
    "Verify": {"Message": b"m", "Signature": b"s", "SigningAlgorithm": "RSASSA_PSS_SHA_256"},
    "GenerateMac": {"Message": b"m", "MacAlgorithm": "HMAC_SHA_256"},
    "VerifyMac": {"Message": b"m", "MacAlgorithm": "HMAC_SHA_256", "Mac": b"mac"},
    "DeriveSharedSecret": {"KeyAgreementAlgorithm": "ECDH", "PublicKey": b"public"},
    "Encapsulate": {"EncapsulationAlgorithm": "ML_KEM"},
    "Decapsulate": {"EncapsulationAlgorithm": "ML_KEM", "SharedSecretCiphertextBlob": b"c"},
}


def test_these_are_every_operation_a_cloudhsm_key_store_key_refuses() -> None:
    assert set(UNSUPPORTED) == NOT_IN_CLOUDHSM
    assert set(WRONG_USAGE) == WRONG_USAGE_IN_CLOUDHSM


@pytest.mark.parametrize("operation", list(UNSUPPORTED))
def test_rotation_import_key_pairs_and_multi_region_are_unsupported_for_cloudhsm_keys(
    kms, cloudhsm_key, operation
) -> None:
    message = rejects(kms, operation, "UnsupportedOperationException",
                    KeyId=cloudhsm_key["KeyId"], **UNSUPPORTED[operation])
    assert message == f"{cloudhsm_key['Arn']} origin is AWS_CLOUDHSM which is not valid for " \
                      "this operation."


@pytest.mark.parametrize("operation", operation_params(WRONG_USAGE))
def test_signing_macs_and_key_agreement_are_the_wrong_key_usage_for_cloudhsm_keys(
    kms, cloudhsm_key, operation
) -> None:
    message = rejects(kms, operation, "InvalidKeyUsageException",
                    KeyId=cloudhsm_key["KeyId"], **WRONG_USAGE[operation])
    assert message == f"{cloudhsm_key['Arn']} key usage is ENCRYPT_DECRYPT which is not " \
                      f"valid for {operation}."


# -- deletion on the virtual clock (docs/aws-behaviour.md §2.5) ------------------------------------


@pytest.mark.parametrize("days", [6, 31])
def test_the_waiting_period_is_seven_to_thirty_days(kms, cloudhsm_key, days) -> None:
    rejects(kms, "ScheduleKeyDeletion", "ValidationException",
          KeyId=cloudhsm_key["KeyId"], PendingWindowInDays=days)


def test_at_expiry_the_key_and_its_backing_key_are_deleted_when_the_store_is_connected(
    cloudhsm_kms, kms, cloudhsm_key
) -> None:
    key_id, store_id = cloudhsm_key["KeyId"], cloudhsm_key["CustomKeyStoreId"]
    scheduled = call(kms, "ScheduleKeyDeletion", KeyId=key_id, PendingWindowInDays=7)
    assert (scheduled["KeyState"], scheduled["PendingWindowInDays"]) == ("PendingDeletion", 7)
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    rejects(kms, "DeleteCustomKeyStore", "CustomKeyStoreHasCMKsException",
            CustomKeyStoreId=store_id)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)

    cloudhsm_kms.clock.advance(7 * DAY - 60)
    assert key_state(kms, key_id) == "PendingDeletion"
    cloudhsm_kms.clock.advance(60)
    rejects(kms, "DescribeKey", "NotFoundException", KeyId=key_id)
    assert cluster_of(cloudhsm_kms, cloudhsm_key).find_keys(cloudhsm_key["Arn"]) == []
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    call(kms, "DeleteCustomKeyStore", CustomKeyStoreId=store_id)


def test_at_expiry_a_disconnected_store_leaves_the_backing_key_orphaned_in_the_cluster(
    cloudhsm_kms, kms, cloudhsm_key
) -> None:
    key_id = cloudhsm_key["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=30)
    kms.disconnect_custom_key_store(CustomKeyStoreId=cloudhsm_key["CustomKeyStoreId"])

    cloudhsm_kms.clock.advance(30 * DAY)
    rejects(kms, "DescribeKey", "NotFoundException", KeyId=key_id)
    assert len(cluster_of(cloudhsm_kms, cloudhsm_key).find_keys(cloudhsm_key["Arn"])) == 1
    call(kms, "DeleteCustomKeyStore", CustomKeyStoreId=cloudhsm_key["CustomKeyStoreId"])


# -- the custom key store request quota (docs/aws-behaviour.md §5.1) -------------------------------


def test_the_store_quota_counts_exactly_the_symmetric_cryptographic_operations(
    cloudhsm_kms, kms, cloudhsm_key
) -> None:
    assert {
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateMac", "GenerateRandom", "ReEncrypt", "VerifyMac",
    } == COUNTED_OPERATIONS
    key_id, store_id = cloudhsm_key["KeyId"], cloudhsm_key["CustomKeyStoreId"]
    quota = cloudhsm_kms.kms().custom_key_store(store_id).quota

    def counted(operation: str, **params: Any) -> int:
        before = quota.counted
        getattr(kms, snake(operation))(**params)
        return quota.counted - before

    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    assert counted("Encrypt", KeyId=key_id, Plaintext=b"x") == 1
    assert counted("Decrypt", CiphertextBlob=blob) == 1
    assert counted("GenerateDataKey", KeyId=key_id, NumberOfBytes=8) == 1
    assert counted("GenerateDataKeyWithoutPlaintext", KeyId=key_id, NumberOfBytes=8) == 1
    assert counted("GenerateRandom", NumberOfBytes=8, CustomKeyStoreId=store_id) == 1
    assert counted("ReEncrypt", CiphertextBlob=blob, DestinationKeyId=key_id) == 2  # both keys
    assert counted("GenerateRandom", NumberOfBytes=8) == 0  # not in the store
    for operation in ("DescribeKey", "DisableKey", "EnableKey"):
        assert counted(operation, KeyId=key_id) == 0
    assert counted("ListKeys") == counted("DescribeCustomKeyStores") == 0
    assert counted("CreateKey", Origin="AWS_CLOUDHSM", CustomKeyStoreId=store_id) == 0


def test_the_1801st_request_in_one_second_to_a_store_is_throttled_and_its_keys_share_the_quota(
    frozen
) -> None:
    store_id = frozen.ready_key_store()["CustomKeyStoreId"]
    first = frozen.ready_key(custom_key_store_id=store_id)["KeyId"]
    second = frozen.ready_key(custom_key_store_id=store_id)["KeyId"]
    elsewhere = frozen.ready_key()["KeyId"]
    kms = frozen.client("kms", config=Config(retries={"total_max_attempts": 1}))
    service = frozen.kms()
    for index in range(1799):  # the service directly: 1799 boto3 calls would be slow
        service.call("Encrypt", {"KeyId": (first, second)[index % 2], "Plaintext": b"x"})

    call(kms, "Encrypt", KeyId=second, Plaintext=b"x")  # the 1800th
    with pytest.raises(ClientError) as raised:
        kms.encrypt(KeyId=first, Plaintext=b"x")
    assert type(raised.value) is ClientError  # unmodeled: no client.exceptions class
    assert raised.value.response["Error"] == {
        "Code": "ThrottlingException", "Message": THROTTLING_MESSAGE}
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    call(kms, "Encrypt", KeyId=elsewhere, Plaintext=b"x")  # another store's quota
    call(kms, "DescribeKey", KeyId=first)  # not a counted operation

    frozen.clock.advance(0.001)  # refills 1.8 requests
    call(kms, "Encrypt", KeyId=first, Plaintext=b"x")
    rejects(kms, "Encrypt", "ThrottlingException", KeyId=first, Plaintext=b"x")
    frozen.clock.advance(1.0)
    for _ in range(3):
        call(kms, "Encrypt", KeyId=first, Plaintext=b"x")


def test_botocore_retries_a_throttled_request_and_the_quota_refills_during_the_back_off(
    frozen
) -> None:
    key_id = frozen.ready_key()["KeyId"]
    service = frozen.kms()
    for _ in range(1800):
        service.call("Encrypt", {"KeyId": key_id, "Plaintext": b"x"})
    kms = frozen.client("kms")  # standard retry mode, 3 attempts

    response = call(kms, "Encrypt", KeyId=key_id, Plaintext=b"x")
    assert response["ResponseMetadata"]["RetryAttempts"] >= 1
    attempts = [served.error_code for served in frozen.calls if served.operation == "Encrypt"]
    assert attempts[0] == "ThrottlingException" and attempts[-1] is None


# -- calls without a client: every call is judged by its own operation ----------------------------


def test_a_direct_call_after_a_wire_request_is_throttled_and_tracked_as_its_own_operation(
    cloudhsm_kms, kms, cloudhsm_key
) -> None:
    key_id = cloudhsm_key["KeyId"]
    service = cloudhsm_kms.kms()
    with cloudhsm_kms.fault("throttled"):
        call(kms, "DescribeKey", KeyId=key_id)  # the request before: one the quota ignores
        with pytest.raises(ServiceError) as raised:
            service.Encrypt({"KeyId": key_id, "Plaintext": b"x"})
        assert raised.value.code == "ThrottlingException"
        assert raised.value.message == THROTTLING_MESSAGE

    call(kms, "DescribeKey", KeyId=key_id)
    service.Encrypt({"KeyId": key_id, "Plaintext": b"x"})
    if in_model("kms", "GetKeyLastUsage"):  # botocore 1.42.97+
        usage = call(kms, "GetKeyLastUsage", KeyId=key_id)["KeyLastUsage"]
        assert usage["Operation"] == "Encrypt"


def test_a_direct_call_gets_the_answer_of_its_own_operation_for_a_cloudhsm_key(
    cloudhsm_kms, kms, cloudhsm_key
) -> None:
    key_id = cloudhsm_key["KeyId"]
    call(kms, "DescribeKey", KeyId=key_id)

    with pytest.raises(ServiceError) as raised:
        cloudhsm_kms.kms().Sign({"KeyId": key_id, "Message": b"m",
                                  "SigningAlgorithm": "ECDSA_SHA_256"})

    assert raised.value.code == "InvalidKeyUsageException"
    assert (raised.value.message or "").endswith("which is not valid for Sign.")


def test_scenario_helpers_check_their_requests_as_a_client_request_is_checked(
    cloudhsm_kms, cloudhsm_key_store
) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]

    with pytest.raises(ServiceError) as raised:
        cloudhsm_kms.ready_key(custom_key_store_id=store_id, description="d" * 8193)

    assert raised.value.code == "ValidationException"
    with cloudhsm_kms.fault("throttled"):  # CreateKey is not counted by the store quota
        assert cloudhsm_kms.ready_key(custom_key_store_id=store_id)["KeyState"] == "Enabled"
