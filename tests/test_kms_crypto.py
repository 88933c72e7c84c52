"""KMS cryptographic operations on symmetric keys (docs/aws-behaviour.md §3, §4, §7.4).

Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext,
GenerateRandom and DryRun, through a real boto3 client. Every successful response
is checked against the botocore output shape.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import ARN_PREFIX, call, error_of, fails, requires_member, snake, validation_message

# CiphertextBlob became optional together with DryRunModifiers (botocore 1.42.50).
needs_optional_blob = requires_member("Decrypt", "DryRunModifiers")

CONTEXT = {"purpose": "test", "tenant": "a"}
ALL_CRYPTO = [
    "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext"
]


def plaintext_of(client: Any, blob: bytes, **params: Any) -> bytes:
    """Decrypt ``blob`` and answer the plaintext."""
    plaintext: bytes = client.decrypt(CiphertextBlob=blob, **params)["Plaintext"]
    return plaintext


@pytest.fixture
def blob(kms_client: Any, symmetric_key: dict[str, Any]) -> bytes:
    """Ciphertext of ``b"secret"`` under ``key`` with ``CONTEXT``."""
    ciphertext: bytes = kms_client.encrypt(
        KeyId=symmetric_key["KeyId"], Plaintext=b"secret", EncryptionContext=CONTEXT
    )["CiphertextBlob"]
    return ciphertext


def crypto_request(operation: str, key_id: str, blob: bytes) -> dict[str, Any]:
    """Parameters that make ``operation`` use ``key_id`` (``blob`` is under ``key_id``)."""
    if operation == "Encrypt":
        return {"KeyId": key_id, "Plaintext": b"x"}
    if operation == "Decrypt":
        return {"CiphertextBlob": blob, "EncryptionContext": CONTEXT}
    if operation == "ReEncrypt":
        return {"CiphertextBlob": blob, "SourceEncryptionContext": CONTEXT,
                "DestinationKeyId": key_id}
    return {"KeyId": key_id, "KeySpec": "AES_256"}


# -- Encrypt and Decrypt -------------------------------------------------------------------


def key_names(kms_client: Any, key: dict[str, Any]) -> list[str]:
    """The four ways to name ``key``: key ID, key ARN, alias name and alias ARN."""
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=key["KeyId"])
    return [key["KeyId"], key["Arn"], "alias/orders", f"{ARN_PREFIX}alias/orders"]


def test_encrypt_names_the_key_by_any_identifier_and_answers_its_arn(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    for key_id in key_names(kms_client, symmetric_key):
        encrypted = call(kms_client, "Encrypt", KeyId=key_id, Plaintext=b"secret")

        assert encrypted["KeyId"] == symmetric_key["Arn"], key_id
        assert encrypted["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
        assert b"secret" not in encrypted["CiphertextBlob"]
        decrypted = call(kms_client, "Decrypt", CiphertextBlob=encrypted["CiphertextBlob"])
        assert decrypted["Plaintext"] == b"secret"
        assert decrypted["KeyId"] == symmetric_key["Arn"]


def test_encrypt_answers_no_key_material_id_but_decrypt_does(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    encrypted = kms_client.encrypt(KeyId=symmetric_key["KeyId"], Plaintext=b"secret")
    decrypted = kms_client.decrypt(CiphertextBlob=encrypted["CiphertextBlob"])

    assert "KeyMaterialId" not in encrypted
    assert decrypted["KeyMaterialId"] == symmetric_key["CurrentKeyMaterialId"]
    assert len(decrypted["KeyMaterialId"]) == 64


def test_the_same_plaintext_encrypts_to_different_ciphertexts(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    first = kms_client.encrypt(KeyId=symmetric_key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    second = kms_client.encrypt(KeyId=symmetric_key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]

    assert first != second


@pytest.mark.parametrize("size", [1, 4096])
def test_plaintext_may_be_1_to_4096_bytes(
    kms_client: Any, symmetric_key: dict[str, Any], size: int,
) -> None:
    plaintext = bytes(range(256)) * 16
    blob = call(kms_client, "Encrypt", KeyId=symmetric_key["KeyId"], Plaintext=plaintext[:size])

    assert plaintext_of(kms_client, blob["CiphertextBlob"]) == plaintext[:size]


@pytest.mark.parametrize(
    ("plaintext", "rule"),
    [(b"", "have length greater than or equal to 1"),
     (b"x" * 4097, "have length less than or equal to 4096")],
)
def test_plaintext_outside_1_to_4096_bytes_is_a_validation_error_without_the_value(
    kms_client: Any, symmetric_key: dict[str, Any], plaintext: bytes, rule: str
) -> None:
    assert fails(kms_client, "Encrypt", "ValidationException", KeyId=symmetric_key["KeyId"],
                 Plaintext=plaintext) == validation_message("plaintext", rule)


def test_encrypt_without_plaintext_is_a_validation_error(
    kms_unvalidated: Any, symmetric_key: dict[str, Any]
) -> None:
    message = fails(kms_unvalidated, "Encrypt", "ValidationException",
                    KeyId=symmetric_key["KeyId"])

    assert message == validation_message("plaintext", "not be null", None)


def test_encrypt_with_an_unknown_key_answers_not_found(kms_client: Any) -> None:
    with pytest.raises(kms_client.exceptions.NotFoundException) as raised:
        kms_client.encrypt(KeyId="alias/missing", Plaintext=b"x")

    assert error_of(raised)[1] == f"Alias {ARN_PREFIX}alias/missing is not found."


def test_a_symmetric_key_only_takes_the_symmetric_default_algorithm(
    kms_client: Any, symmetric_key: dict[str, Any], blob: bytes
) -> None:
    with pytest.raises(kms_client.exceptions.InvalidKeyUsageException) as raised:
        kms_client.encrypt(
            KeyId=symmetric_key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256"
        )
    assert error_of(raised)[1] == (
        "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.")
    with pytest.raises(kms_client.exceptions.InvalidKeyUsageException):
        kms_client.decrypt(CiphertextBlob=blob, EncryptionContext=CONTEXT,
                           EncryptionAlgorithm="RSAES_OAEP_SHA_1")

    explicit = call(kms_client, "Encrypt", KeyId=symmetric_key["KeyId"], Plaintext=b"x",
                    EncryptionAlgorithm="SYMMETRIC_DEFAULT")
    assert explicit["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"


def test_an_algorithm_outside_the_enum_is_a_validation_error(
    kms_unvalidated: Any, symmetric_key: dict[str, Any]
) -> None:
    message = fails(kms_unvalidated, "Encrypt", "ValidationException", KeyId=symmetric_key["KeyId"],
                    Plaintext=b"x", EncryptionAlgorithm="AES_GCM")

    assert message == validation_message(
        "encryptionAlgorithm",
        "satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]",
        "AES_GCM")


def test_decrypt_needs_no_key_id(
    kms_client: Any, symmetric_key: dict[str, Any], blob: bytes,
) -> None:
    decrypted = call(kms_client, "Decrypt", CiphertextBlob=blob, EncryptionContext=CONTEXT)

    assert (decrypted["Plaintext"], decrypted["KeyId"]) == (b"secret", symmetric_key["Arn"])


def test_decrypt_accepts_a_key_id_that_names_the_encrypting_key(
    kms_client: Any, symmetric_key: dict[str, Any], blob: bytes
) -> None:
    for key_id in key_names(kms_client, symmetric_key):
        decrypted = call(kms_client, "Decrypt", CiphertextBlob=blob, EncryptionContext=CONTEXT,
                         KeyId=key_id)

        assert decrypted["Plaintext"] == b"secret", key_id


@pytest.mark.parametrize("form", ["id", "alias"])
def test_decrypt_with_the_key_id_of_another_key_is_an_incorrect_key(
    kms_client: Any, other_symmetric_key: dict[str, Any], blob: bytes, form: str
) -> None:
    kms_client.create_alias(AliasName="alias/other", TargetKeyId=other_symmetric_key["KeyId"])
    key_id = other_symmetric_key["KeyId"] if form == "id" else "alias/other"

    with pytest.raises(kms_client.exceptions.IncorrectKeyException) as raised:
        kms_client.decrypt(CiphertextBlob=blob, EncryptionContext=CONTEXT, KeyId=key_id)

    assert error_of(raised)[1] == (
        "The key ID in the request does not identify a CMK that can perform this operation."
    )


def test_decrypt_with_an_unknown_key_id_answers_not_found(kms_client: Any, blob: bytes) -> None:
    with pytest.raises(kms_client.exceptions.NotFoundException):
        kms_client.decrypt(CiphertextBlob=blob, EncryptionContext=CONTEXT, KeyId="alias/missing")


def test_the_encryption_context_must_match_exactly_or_the_ciphertext_is_invalid(
    kms_client: Any, blob: bytes
) -> None:
    wrong_contexts: list[dict[str, str]] = [
        {}, {"purpose": "test"}, {**CONTEXT, "extra": "x"},
        {"purpose": "Test", "tenant": "a"}, {"Purpose": "test", "tenant": "a"},
    ]
    with pytest.raises(kms_client.exceptions.InvalidCiphertextException) as raised:
        kms_client.decrypt(CiphertextBlob=blob)
    assert error_of(raised) == ("InvalidCiphertextException", None)

    for context in wrong_contexts:
        with pytest.raises(kms_client.exceptions.InvalidCiphertextException) as raised:
            kms_client.decrypt(CiphertextBlob=blob, EncryptionContext=context)
        assert error_of(raised) == ("InvalidCiphertextException", None), context


def test_the_encryption_context_is_compared_regardless_of_order(
    kms_client: Any, blob: bytes
) -> None:
    reordered = dict(reversed(list(CONTEXT.items())))

    assert plaintext_of(kms_client, blob, EncryptionContext=reordered) == b"secret"


def test_an_empty_context_is_the_same_as_none(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    blob = kms_client.encrypt(KeyId=symmetric_key["KeyId"], Plaintext=b"x", EncryptionContext={})

    assert kms_client.decrypt(CiphertextBlob=blob["CiphertextBlob"])["Plaintext"] == b"x"


def _tampered(blob: bytes) -> list[bytes]:
    flips = [0, 1, 20, 60, len(blob) // 2, len(blob) - 1]
    tampered = [blob[:i] + bytes([blob[i] ^ 0x01]) + blob[i + 1:] for i in flips]
    return [*tampered, blob[:-1], blob[:40], blob + b"\x00", b"not a kms ciphertext"]


def test_a_tampered_or_truncated_blob_is_invalid_ciphertext_without_a_message(
    kms_client: Any, blob: bytes
) -> None:
    for bad in _tampered(blob):
        with pytest.raises(kms_client.exceptions.InvalidCiphertextException) as raised:
            kms_client.decrypt(CiphertextBlob=bad, EncryptionContext=CONTEXT)
        assert error_of(raised) == ("InvalidCiphertextException", None)


def test_a_blob_naming_another_existing_key_is_invalid_ciphertext(
    kms_client: Any, other_symmetric_key: dict[str, Any], blob: bytes
) -> None:
    import uuid

    swapped = blob[:1] + uuid.UUID(other_symmetric_key["KeyId"]).bytes + blob[17:]

    with pytest.raises(kms_client.exceptions.InvalidCiphertextException):
        kms_client.decrypt(CiphertextBlob=swapped, EncryptionContext=CONTEXT)


@needs_optional_blob
def test_decrypt_without_a_ciphertext_blob_is_a_validation_error(kms_client: Any) -> None:
    assert fails(kms_client, "Decrypt", "ValidationException") == (
        validation_message("ciphertextBlob", "not be null", None))


def test_a_ciphertext_blob_longer_than_6144_bytes_is_a_validation_error(kms_client: Any) -> None:
    assert fails(kms_client, "Decrypt", "ValidationException", CiphertextBlob=b"x" * 6145) == (
        validation_message("ciphertextBlob", "have length less than or equal to 6144"))


# -- key states ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_unusable", "code", "state"),
    [(lambda kms, key_id: kms.disable_key(KeyId=key_id), "DisabledException", "disabled"),
     (lambda kms, key_id: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7),
      "KMSInvalidStateException", "pending deletion")],
    ids=["disabled", "pending-deletion"],
)
def test_a_disabled_or_deleting_key_refuses_cryptography(
    kms_client: Any, symmetric_key: dict[str, Any], blob: bytes,
    make_unusable: Callable[[Any, str], object], code: str, state: str,
) -> None:
    make_unusable(kms_client, symmetric_key["KeyId"])

    for operation in ALL_CRYPTO:
        message = fails(kms_client, operation, code,
                        **crypto_request(operation, symmetric_key["KeyId"], blob))
        assert message == f"{symmetric_key['Arn']} is {state}.", operation


def test_a_key_enabled_again_encrypts_and_decrypts(
    kms_client: Any, symmetric_key: dict[str, Any], blob: bytes
) -> None:
    kms_client.disable_key(KeyId=symmetric_key["KeyId"])
    kms_client.enable_key(KeyId=symmetric_key["KeyId"])

    assert plaintext_of(kms_client, blob, EncryptionContext=CONTEXT) == b"secret"


def test_a_key_whose_deletion_was_cancelled_is_disabled_until_enabled(
    kms_client: Any, symmetric_key: dict[str, Any], blob: bytes
) -> None:
    kms_client.schedule_key_deletion(KeyId=symmetric_key["KeyId"])
    kms_client.cancel_key_deletion(KeyId=symmetric_key["KeyId"])

    with pytest.raises(kms_client.exceptions.DisabledException):
        kms_client.decrypt(CiphertextBlob=blob, EncryptionContext=CONTEXT)
    kms_client.enable_key(KeyId=symmetric_key["KeyId"])
    assert plaintext_of(kms_client, blob, EncryptionContext=CONTEXT) == b"secret"


# -- ReEncrypt -----------------------------------------------------------------------------


def test_re_encrypt_moves_ciphertext_to_another_key_and_context(
    kms_client: Any, symmetric_key: dict[str, Any], other_symmetric_key: dict[str, Any], blob: bytes
) -> None:
    moved = call(kms_client, "ReEncrypt", CiphertextBlob=blob, SourceEncryptionContext=CONTEXT,
                 DestinationKeyId=other_symmetric_key["KeyId"],
                 DestinationEncryptionContext={"new": "ctx"})

    assert moved["SourceKeyId"] == symmetric_key["Arn"]
    assert moved["KeyId"] == other_symmetric_key["Arn"]
    assert moved["SourceEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert moved["DestinationEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert moved["SourceKeyMaterialId"] == symmetric_key["CurrentKeyMaterialId"]
    assert moved["DestinationKeyMaterialId"] == other_symmetric_key["CurrentKeyMaterialId"]
    decrypted = kms_client.decrypt(CiphertextBlob=moved["CiphertextBlob"],
                                   EncryptionContext={"new": "ctx"})
    assert (decrypted["Plaintext"], decrypted["KeyId"]) == (b"secret", other_symmetric_key["Arn"])


def test_re_encrypt_with_a_wrong_source_key_id_is_an_incorrect_key(
    kms_client: Any, other_symmetric_key: dict[str, Any], blob: bytes
) -> None:
    with pytest.raises(kms_client.exceptions.IncorrectKeyException):
        kms_client.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=CONTEXT,
                              SourceKeyId=other_symmetric_key["KeyId"],
                              DestinationKeyId=other_symmetric_key["KeyId"])


def test_re_encrypt_with_a_wrong_source_context_is_invalid_ciphertext(
    kms_client: Any, other_symmetric_key: dict[str, Any], blob: bytes
) -> None:
    with pytest.raises(kms_client.exceptions.InvalidCiphertextException):
        kms_client.re_encrypt(CiphertextBlob=blob, DestinationKeyId=other_symmetric_key["KeyId"])


def test_re_encrypt_checks_the_destination_key_state(
    kms_client: Any, other_symmetric_key: dict[str, Any], blob: bytes
) -> None:
    kms_client.disable_key(KeyId=other_symmetric_key["KeyId"])

    with pytest.raises(kms_client.exceptions.DisabledException) as raised:
        kms_client.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=CONTEXT,
                              DestinationKeyId=other_symmetric_key["KeyId"])

    assert error_of(raised)[1] == f"{other_symmetric_key['Arn']} is disabled."


@needs_optional_blob
def test_re_encrypt_without_a_ciphertext_blob_is_a_validation_error(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as raised:
        kms_client.re_encrypt(DestinationKeyId=symmetric_key["KeyId"])

    assert error_of(raised)[0] == "ValidationException"


# -- GenerateDataKey and GenerateDataKeyWithoutPlaintext -----------------------------------


@pytest.mark.parametrize(
    ("params", "size"),
    [({"KeySpec": "AES_256"}, 32), ({"KeySpec": "AES_128"}, 16),
     ({"NumberOfBytes": 1}, 1), ({"NumberOfBytes": 1024}, 1024)],
)
def test_generate_data_key_answers_a_data_key_and_its_ciphertext(
    kms_client: Any, symmetric_key: dict[str, Any], params: dict[str, Any], size: int
) -> None:
    data_key = call(kms_client, "GenerateDataKey", KeyId=symmetric_key["KeyId"],
                    EncryptionContext=CONTEXT, **params)

    assert len(data_key["Plaintext"]) == size
    assert data_key["KeyId"] == symmetric_key["Arn"]
    assert data_key["KeyMaterialId"] == symmetric_key["CurrentKeyMaterialId"]
    assert "EncryptionAlgorithm" not in data_key
    decrypted = kms_client.decrypt(CiphertextBlob=data_key["CiphertextBlob"],
                                   EncryptionContext=CONTEXT)
    assert decrypted["Plaintext"] == data_key["Plaintext"]


def test_generate_data_key_without_plaintext_answers_only_the_ciphertext(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])

    data_key = call(kms_client, "GenerateDataKeyWithoutPlaintext", KeyId="alias/orders",
                    KeySpec="AES_256")

    assert "Plaintext" not in data_key
    assert data_key["KeyId"] == symmetric_key["Arn"]
    decrypted = kms_client.decrypt(CiphertextBlob=data_key["CiphertextBlob"])
    assert len(decrypted["Plaintext"]) == 32


@pytest.mark.parametrize("operation", ["GenerateDataKey", "GenerateDataKeyWithoutPlaintext"])
@pytest.mark.parametrize("params", [{}, {"KeySpec": "AES_256", "NumberOfBytes": 32}])
def test_a_data_key_needs_exactly_one_of_key_spec_and_number_of_bytes(
    kms_client: Any, symmetric_key: dict[str, Any], operation: str, params: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as raised:
        getattr(kms_client, snake(operation))(KeyId=symmetric_key["KeyId"], **params)

    assert error_of(raised) == (
        "ValidationException", "Please specify either number of bytes or key spec."
    )


@pytest.mark.parametrize(
    ("count", "rule"),
    [(0, "greater than or equal to 1"), (1025, "less than or equal to 1024")],
)
def test_a_data_key_is_1_to_1024_bytes(
    kms_unvalidated: Any, symmetric_key: dict[str, Any], count: int, rule: str
) -> None:
    assert fails(kms_unvalidated, "GenerateDataKey", "ValidationException",
                 KeyId=symmetric_key["KeyId"], NumberOfBytes=count) == (
        validation_message("numberOfBytes", f"have value {rule}", count))


def test_a_key_spec_outside_the_enum_is_a_validation_error(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    assert fails(kms_client, "GenerateDataKey", "ValidationException",
                 KeyId=symmetric_key["KeyId"], KeySpec="AES_512") == (
        validation_message("keySpec", "satisfy enum value set: [AES_256, AES_128]", "AES_512"))


# -- GenerateRandom ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 32, 1024])
def test_generate_random_answers_the_bytes_asked_for(kms_client: Any, count: int) -> None:
    random = call(kms_client, "GenerateRandom", NumberOfBytes=count)

    assert len(random["Plaintext"]) == count


def test_generate_random_without_number_of_bytes_is_a_validation_error(kms_client: Any) -> None:
    """docs/aws-behaviour.md §4.5: AWS's recorded text."""
    with pytest.raises(ClientError) as raised:
        kms_client.generate_random()

    assert error_of(raised) == ("ValidationException", "NumberOfBytes is required.")


def test_generate_random_of_more_than_1024_bytes_is_a_validation_error(kms_client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        kms_client.generate_random(NumberOfBytes=1025)

    assert error_of(raised)[0] == "ValidationException"


def test_generate_random_in_an_unknown_key_store_answers_not_found(kms_client: Any) -> None:
    with pytest.raises(kms_client.exceptions.CustomKeyStoreNotFoundException):
        kms_client.generate_random(NumberOfBytes=8, CustomKeyStoreId="cks-1234567890abcdef0")


# -- DryRun --------------------------------------------------------------------------------


def test_a_dry_run_that_would_succeed_answers_dry_run_operation(
    kms_client: Any, symmetric_key: dict[str, Any], blob: bytes
) -> None:
    for operation in ALL_CRYPTO:
        params = crypto_request(operation, symmetric_key["KeyId"], blob)
        with pytest.raises(kms_client.exceptions.DryRunOperationException):
            getattr(kms_client, snake(operation))(DryRun=True, **params)


def test_a_dry_run_that_would_fail_answers_the_real_error(
    kms_client: Any, symmetric_key: dict[str, Any], blob: bytes
) -> None:
    kms_client.disable_key(KeyId=symmetric_key["KeyId"])

    for operation in ALL_CRYPTO:
        params = crypto_request(operation, symmetric_key["KeyId"], blob)
        with pytest.raises(kms_client.exceptions.DisabledException):
            getattr(kms_client, snake(operation))(DryRun=True, **params)


def test_a_dry_run_decrypt_checks_the_ciphertext_and_context(
    kms_client: Any, blob: bytes
) -> None:
    with pytest.raises(kms_client.exceptions.InvalidCiphertextException):
        kms_client.decrypt(CiphertextBlob=blob, DryRun=True)


def test_a_dry_run_data_key_checks_its_parameters(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    with pytest.raises(ClientError) as raised:
        kms_client.generate_data_key(KeyId=symmetric_key["KeyId"], DryRun=True)

    assert error_of(raised)[0] == "ValidationException"


@needs_optional_blob
def test_a_dry_run_that_ignores_the_ciphertext_needs_no_blob(
    kms_client: Any, symmetric_key: dict[str, Any], other_symmetric_key: dict[str, Any]
) -> None:
    with pytest.raises(kms_client.exceptions.DryRunOperationException):
        kms_client.decrypt(KeyId=symmetric_key["KeyId"], DryRun=True,
                           DryRunModifiers=["IGNORE_CIPHERTEXT"])
    with pytest.raises(kms_client.exceptions.DryRunOperationException):
        kms_client.re_encrypt(SourceKeyId=symmetric_key["KeyId"],
                              DestinationKeyId=other_symmetric_key["KeyId"],
                              DryRun=True, DryRunModifiers=["IGNORE_CIPHERTEXT"])


@needs_optional_blob
def test_a_dry_run_that_ignores_the_ciphertext_still_checks_the_key(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.disable_key(KeyId=symmetric_key["KeyId"])

    with pytest.raises(kms_client.exceptions.DisabledException):
        kms_client.decrypt(KeyId=symmetric_key["KeyId"], DryRun=True,
                           DryRunModifiers=["IGNORE_CIPHERTEXT"])


@needs_optional_blob
def test_a_dry_run_that_ignores_the_ciphertext_still_needs_a_key(kms_client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        kms_client.decrypt(DryRun=True, DryRunModifiers=["IGNORE_CIPHERTEXT"])

    assert error_of(raised)[0] == "ValidationException"


@needs_optional_blob
def test_a_dry_run_that_ignores_the_ciphertext_takes_the_key_from_the_blob(
    kms_client: Any, blob: bytes
) -> None:
    with pytest.raises(kms_client.exceptions.DryRunOperationException):
        kms_client.decrypt(CiphertextBlob=blob, DryRun=True, DryRunModifiers=["IGNORE_CIPHERTEXT"])


def test_dry_run_false_is_a_normal_call(kms_client: Any, symmetric_key: dict[str, Any]) -> None:
    encrypted = call(kms_client, "Encrypt", KeyId=symmetric_key["KeyId"], Plaintext=b"x",
                     DryRun=False)

    assert encrypted["KeyId"] == symmetric_key["Arn"]


# -- Nitro Enclaves ------------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["Decrypt", "GenerateDataKey", "GenerateRandom"])
def test_recipient_is_refused_rather_than_answered_in_plaintext(
    kms_client: Any, symmetric_key: dict[str, Any], blob: bytes, operation: str
) -> None:
    recipient = {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": b"doc"}
    params = {"GenerateRandom": {"NumberOfBytes": 8}, "Decrypt": {"CiphertextBlob": blob},
              "GenerateDataKey": {"KeyId": symmetric_key["KeyId"], "KeySpec": "AES_256"}}[operation]

    with pytest.raises(ClientError) as raised:
        getattr(kms_client, snake(operation))(Recipient=recipient, **params)

    assert error_of(raised)[0] == "ValidationException"


# -- the wire ------------------------------------------------------------------------------


def test_blobs_travel_as_base64_on_the_wire(
    cloudhsm_kms: Any, symmetric_key: dict[str, Any],
) -> None:
    body = json.dumps(
        {"KeyId": symmetric_key["KeyId"], "Plaintext": base64.b64encode(b"hi").decode()})
    answer = cloudhsm_kms.handle("kms", None, "TrentService.Encrypt", body.encode())

    document = json.loads(answer.body)
    assert answer.status == 200
    assert isinstance(document["CiphertextBlob"], str)
    base64.b64decode(document["CiphertextBlob"], validate=True)
