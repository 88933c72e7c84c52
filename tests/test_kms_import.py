"""Imported key material: CreateKey with Origin EXTERNAL, GetParametersForImport,
ImportKeyMaterial and DeleteImportedKeyMaterial, expiry on the virtual clock, and
on-demand rotation to new imported material.

Material is wrapped outside KMS with ``cryptography``, as the KMS guide describes;
imported HMAC and ECC material is checked against the same computation outside KMS.
Every successful response is checked against the botocore output shape.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import os
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from helpers import DAY, call, fails, key_state, new_key, schedule_deletion, wrap

NEVER = {"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}
MATERIAL = bytes(range(32))
OTHER_MATERIAL = bytes(range(1, 33))


@pytest.fixture
def external_key(kms_client: Any) -> dict[str, Any]:
    """A new key for imported material (``Origin=EXTERNAL``), still ``PendingImport``."""
    return new_key(kms_client, Origin="EXTERNAL")


def parameters(client: Any, key_id: str, algorithm: str = "RSAES_OAEP_SHA_256",
               spec: str = "RSA_2048") -> dict[str, Any]:
    return call(client, "GetParametersForImport", KeyId=key_id, WrappingAlgorithm=algorithm,
                WrappingKeySpec=spec)


def import_material(client: Any, key_id: str, material: bytes = MATERIAL,
                    algorithm: str = "RSAES_OAEP_SHA_256", **params: Any) -> dict[str, Any]:
    given = parameters(client, key_id, algorithm)
    if "ExpirationModel" not in params and "ValidTo" not in params:
        params.update(NEVER)
    return call(client, "ImportKeyMaterial", KeyId=key_id, ImportToken=given["ImportToken"],
                EncryptedKeyMaterial=wrap(given["PublicKey"], algorithm, material), **params)


def in_days(cloudhsm_kms: Any, days: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(cloudhsm_kms.clock.now() + days * DAY,
                                           tz=datetime.timezone.utc)


# -- a key for imported material -------------------------------------------------------------


def test_a_key_for_imported_material_starts_pending_import(
    kms_client: Any, external_key: dict[str, Any]
) -> None:
    assert external_key["Origin"] == "EXTERNAL"
    assert external_key["KeyState"] == "PendingImport"
    assert external_key["Enabled"] is False
    assert "CurrentKeyMaterialId" not in external_key
    assert "ExpirationModel" not in external_key

    message = fails(kms_client, "Encrypt", "KMSInvalidStateException", KeyId=external_key["KeyId"],
                    Plaintext=b"x")
    assert message == f"{external_key['Arn']} is pending import."


@pytest.mark.parametrize("operation", ["EnableKey", "DisableKey"])
def test_enable_and_disable_refuse_a_key_pending_import(
    kms_client: Any, external_key: dict[str, Any], operation: str
) -> None:
    # AWS's key state table: [5] for both (docs/aws-behaviour.md §3).
    message = fails(kms_client, operation, "KMSInvalidStateException",
                    KeyId=external_key["KeyId"])

    assert message == f"{external_key['Arn']} is pending import."
    assert key_state(kms_client, external_key["KeyId"]) == "PendingImport"


def test_get_parameters_for_import_answers_an_rsa_wrapping_key_valid_for_24_hours(
    cloudhsm_kms: Any, kms_client: Any, external_key: dict[str, Any]
) -> None:
    now = cloudhsm_kms.clock.now()

    given = parameters(kms_client, external_key["KeyId"], "RSA_AES_KEY_WRAP_SHA_256", "RSA_3072")

    assert given["KeyId"] == external_key["Arn"]
    public: Any = serialization.load_der_public_key(given["PublicKey"])
    assert public.key_size == 3072
    assert given["ParametersValidTo"].timestamp() == pytest.approx(now + DAY, abs=5)
    assert given["ImportToken"]


# -- ImportKeyMaterial -----------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256",
                                       "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"])
def test_imported_material_enables_the_key(
    kms_client: Any, external_key: dict[str, Any], algorithm: str
) -> None:
    imported = import_material(kms_client, external_key["Arn"], algorithm=algorithm)

    assert imported["KeyId"] == external_key["Arn"]
    metadata = kms_client.describe_key(KeyId=external_key["KeyId"])["KeyMetadata"]
    assert metadata["KeyState"] == "Enabled"
    assert metadata["CurrentKeyMaterialId"] == imported["KeyMaterialId"]
    assert metadata["ExpirationModel"] == "KEY_MATERIAL_DOES_NOT_EXPIRE"
    assert "ValidTo" not in metadata
    blob = kms_client.encrypt(KeyId=external_key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert kms_client.decrypt(CiphertextBlob=blob)["KeyMaterialId"] == imported["KeyMaterialId"]


def test_the_key_material_id_is_derived_from_the_key_and_the_material(
    kms_client: Any, external_key: dict[str, Any]
) -> None:
    imported = import_material(kms_client, external_key["KeyId"])

    assert imported["KeyMaterialId"] == hashlib.sha256(
        external_key["KeyId"].encode() + MATERIAL).hexdigest()


def test_material_that_expires_is_deleted_at_valid_to_and_can_be_imported_again(
    cloudhsm_kms: Any, kms_client: Any, external_key: dict[str, Any]
) -> None:
    valid_to = in_days(cloudhsm_kms, 10)
    import_material(kms_client, external_key["KeyId"], ExpirationModel="KEY_MATERIAL_EXPIRES",
                    ValidTo=valid_to)
    metadata = kms_client.describe_key(KeyId=external_key["KeyId"])["KeyMetadata"]
    assert metadata["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
    assert metadata["ValidTo"].timestamp() == pytest.approx(valid_to.timestamp(), abs=1)
    blob = kms_client.encrypt(KeyId=external_key["KeyId"], Plaintext=b"kept")["CiphertextBlob"]

    cloudhsm_kms.clock.advance(11 * DAY)
    assert key_state(kms_client, external_key["KeyId"]) == "PendingImport"
    fails(kms_client, "Decrypt", "KMSInvalidStateException", CiphertextBlob=blob)

    import_material(kms_client, external_key["KeyId"], ValidTo=in_days(cloudhsm_kms, 30))
    assert key_state(kms_client, external_key["KeyId"]) == "Enabled"
    assert kms_client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"


def test_material_expires_by_default_so_valid_to_is_required(
    kms_client: Any, external_key: dict[str, Any]
) -> None:
    given = parameters(kms_client, external_key["KeyId"])

    fails(kms_client, "ImportKeyMaterial", "ValidationException", KeyId=external_key["KeyId"],
          ImportToken=given["ImportToken"],
          EncryptedKeyMaterial=wrap(given["PublicKey"], "RSAES_OAEP_SHA_256", MATERIAL))


@pytest.mark.parametrize(
    "expiry", [{"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE", "ValidTo": 1},
               {"ExpirationModel": "KEY_MATERIAL_EXPIRES", "ValidTo": 400},
               {"ExpirationModel": "KEY_MATERIAL_EXPIRES", "ValidTo": -1}],
    ids=["valid-to-without-expiry", "more-than-365-days", "in-the-past"],
)
def test_valid_to_must_fit_the_expiration_model_and_the_next_365_days(
    cloudhsm_kms: Any, kms_client: Any, external_key: dict[str, Any], expiry: dict[str, Any]
) -> None:
    given = parameters(kms_client, external_key["KeyId"])

    fails(kms_client, "ImportKeyMaterial", "ValidationException", KeyId=external_key["KeyId"],
          ImportToken=given["ImportToken"],
          EncryptedKeyMaterial=wrap(given["PublicKey"], "RSAES_OAEP_SHA_256", MATERIAL),
          ExpirationModel=expiry["ExpirationModel"],
          ValidTo=in_days(cloudhsm_kms, expiry["ValidTo"]))


def test_an_import_token_is_bound_to_its_key_and_expires_after_24_hours(
    cloudhsm_kms: Any, kms_client: Any, external_key: dict[str, Any]
) -> None:
    other = new_key(kms_client, Origin="EXTERNAL")
    given = parameters(kms_client, external_key["KeyId"])
    wrapped = wrap(given["PublicKey"], "RSAES_OAEP_SHA_256", MATERIAL)

    fails(kms_client, "ImportKeyMaterial", "InvalidImportTokenException", KeyId=other["KeyId"],
          ImportToken=given["ImportToken"], EncryptedKeyMaterial=wrapped, **NEVER)
    fails(kms_client, "ImportKeyMaterial", "InvalidImportTokenException",
          KeyId=external_key["KeyId"],
          ImportToken=b"not a token", EncryptedKeyMaterial=wrapped, **NEVER)
    cloudhsm_kms.clock.advance(DAY + 1)
    fails(kms_client, "ImportKeyMaterial", "ExpiredImportTokenException",
          KeyId=external_key["KeyId"],
          ImportToken=given["ImportToken"], EncryptedKeyMaterial=wrapped, **NEVER)


def test_material_wrapped_under_another_public_key_is_invalid_ciphertext(
    kms_client: Any, external_key: dict[str, Any]
) -> None:
    first = parameters(kms_client, external_key["KeyId"])
    second = parameters(kms_client, external_key["KeyId"])

    fails(kms_client, "ImportKeyMaterial", "InvalidCiphertextException",
          KeyId=external_key["KeyId"],
          ImportToken=second["ImportToken"],
          EncryptedKeyMaterial=wrap(first["PublicKey"], "RSAES_OAEP_SHA_256", MATERIAL), **NEVER)


def test_symmetric_material_must_be_256_bits(kms_client: Any, external_key: dict[str, Any]) -> None:
    given = parameters(kms_client, external_key["KeyId"])

    fails(kms_client, "ImportKeyMaterial", "IncorrectKeyMaterialException",
          KeyId=external_key["KeyId"],
          ImportToken=given["ImportToken"],
          EncryptedKeyMaterial=wrap(given["PublicKey"], "RSAES_OAEP_SHA_256", b"x" * 16),
          **NEVER)


def test_reimporting_other_material_is_incorrect_key_material(
    kms_client: Any, external_key: dict[str, Any]
) -> None:
    imported = import_material(kms_client, external_key["KeyId"])
    given = parameters(kms_client, external_key["KeyId"])
    other = wrap(given["PublicKey"], "RSAES_OAEP_SHA_256", OTHER_MATERIAL)
    same = wrap(given["PublicKey"], "RSAES_OAEP_SHA_256", MATERIAL)
    token = given["ImportToken"]

    fails(kms_client, "ImportKeyMaterial", "IncorrectKeyMaterialException",
          KeyId=external_key["KeyId"],
          ImportToken=token, EncryptedKeyMaterial=other, **NEVER)
    fails(kms_client, "ImportKeyMaterial", "IncorrectKeyMaterialException",
          KeyId=external_key["KeyId"],
          ImportToken=token, EncryptedKeyMaterial=same, KeyMaterialId="0" * 64, **NEVER)
    fails(kms_client, "ImportKeyMaterial", "IncorrectKeyMaterialException",
          KeyId=external_key["KeyId"],
          ImportToken=token, EncryptedKeyMaterial=same, ImportType="NEW_KEY_MATERIAL", **NEVER)
    fails(kms_client, "ImportKeyMaterial", "ValidationException", KeyId=external_key["KeyId"],
          ImportToken=token, EncryptedKeyMaterial=other, ImportType="NEW_KEY_MATERIAL",
          KeyMaterialId=imported["KeyMaterialId"], **NEVER)
    reimported = call(kms_client, "ImportKeyMaterial", KeyId=external_key["KeyId"],
                      ImportToken=token,
                      EncryptedKeyMaterial=same, KeyMaterialId=imported["KeyMaterialId"], **NEVER)
    assert reimported["KeyMaterialId"] == imported["KeyMaterialId"]


def test_new_material_waits_for_an_on_demand_rotation(
    kms_client: Any, external_key: dict[str, Any]
) -> None:
    first = import_material(kms_client, external_key["KeyId"])["KeyMaterialId"]
    old_blob = kms_client.encrypt(KeyId=external_key["KeyId"], Plaintext=b"old")["CiphertextBlob"]
    fails(kms_client, "RotateKeyOnDemand", "KMSInvalidStateException", KeyId=external_key["KeyId"])

    second = import_material(kms_client, external_key["KeyId"], OTHER_MATERIAL,
                             ImportType="NEW_KEY_MATERIAL",
                             KeyMaterialDescription="2025 material")["KeyMaterialId"]
    listed = call(kms_client, "ListKeyRotations", KeyId=external_key["KeyId"],
                  IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [(r["KeyMaterialId"], r["KeyMaterialState"], r["ImportState"]) for r in listed] == [
        (first, "CURRENT", "IMPORTED"), (second, "PENDING_ROTATION", "IMPORTED")]
    assert listed[1]["KeyMaterialDescription"] == "2025 material"

    call(kms_client, "RotateKeyOnDemand", KeyId=external_key["KeyId"])

    assert kms_client.describe_key(
        KeyId=external_key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == second
    assert kms_client.decrypt(CiphertextBlob=old_blob)["KeyMaterialId"] == first
    (rotation,) = call(kms_client, "ListKeyRotations", KeyId=external_key["KeyId"])["Rotations"]
    assert (rotation["KeyMaterialId"], rotation["RotationType"]) == (second, "ON_DEMAND")
    # Automatic rotation refuses imported material (docs/aws-behaviour.md §2.4, §11.5).
    assert fails(kms_client, "EnableKeyRotation", "UnsupportedOperationException",
                 KeyId=external_key["KeyId"]) == (
        f"{external_key['Arn']} origin is EXTERNAL which is not valid for this operation.")
    assert call(kms_client, "GetKeyRotationStatus",
                KeyId=external_key["KeyId"])["KeyRotationEnabled"] is False


# -- DeleteImportedKeyMaterial ---------------------------------------------------------------


def test_deleting_imported_material_makes_the_key_pending_import(
    kms_client: Any, external_key: dict[str, Any]
) -> None:
    imported = import_material(kms_client, external_key["KeyId"])

    deleted = call(kms_client, "DeleteImportedKeyMaterial", KeyId=external_key["KeyId"])

    assert deleted == (
        {**deleted, "KeyId": external_key["Arn"], "KeyMaterialId": imported["KeyMaterialId"]})
    assert key_state(kms_client, external_key["KeyId"]) == "PendingImport"
    # AWS's key state table: in PendingImport it succeeds with no effect (§11.6).
    again = call(kms_client, "DeleteImportedKeyMaterial", KeyId=external_key["KeyId"])
    assert again == {**again, "KeyId": external_key["Arn"]}
    assert "KeyMaterialId" not in again
    assert key_state(kms_client, external_key["KeyId"]) == "PendingImport"
    fails(kms_client, "DeleteImportedKeyMaterial", "NotFoundException", KeyId=external_key["KeyId"],
          KeyMaterialId="f" * 64)
    import_material(kms_client, external_key["KeyId"])
    assert key_state(kms_client, external_key["KeyId"]) == "Enabled"


def test_deleting_material_pending_rotation_forgets_it(
    kms_client: Any, external_key: dict[str, Any]
) -> None:
    import_material(kms_client, external_key["KeyId"])
    pending = import_material(kms_client, external_key["KeyId"], OTHER_MATERIAL,
                              ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]

    call(kms_client, "DeleteImportedKeyMaterial", KeyId=external_key["KeyId"],
         KeyMaterialId=pending)

    assert key_state(kms_client, external_key["KeyId"]) == "Enabled"
    assert len(call(kms_client, "ListKeyRotations", KeyId=external_key["KeyId"],
                    IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]) == 1


def test_a_key_pending_deletion_stays_pending_deletion_when_its_material_is_deleted(
    kms_client: Any, external_key: dict[str, Any]
) -> None:
    import_material(kms_client, external_key["KeyId"])
    schedule_deletion(kms_client, external_key["KeyId"])

    call(kms_client, "DeleteImportedKeyMaterial", KeyId=external_key["KeyId"])

    assert key_state(kms_client, external_key["KeyId"]) == "PendingDeletion"
    fails(kms_client, "GetParametersForImport", "KMSInvalidStateException",
          KeyId=external_key["KeyId"],
          WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")


@pytest.mark.parametrize(
    ("operation", "params"),
    [("GetParametersForImport", {"WrappingAlgorithm": "RSAES_OAEP_SHA_256",
                                 "WrappingKeySpec": "RSA_2048"}),
     ("ImportKeyMaterial", {"ImportToken": b"t", "EncryptedKeyMaterial": b"m"}),
     ("DeleteImportedKeyMaterial", {})],
)
def test_only_keys_for_imported_material_take_imports(
    kms_client: Any, external_key: dict[str, Any], operation: str, params: dict[str, Any]
) -> None:
    generated = new_key(kms_client)
    message = fails(kms_client, operation, "UnsupportedOperationException",
                    KeyId=generated["KeyId"], **params)
    assert message == f"{generated['Arn']} origin is AWS_KMS which is not valid for this operation."

    kms_client.create_alias(AliasName="alias/imported", TargetKeyId=external_key["KeyId"])
    fails(kms_client, operation, "InvalidArnException", KeyId="alias/imported", **params)
    fails(kms_client, operation, "NotFoundException",
          KeyId="00000000-0000-4000-8000-000000000000", **params)


@pytest.mark.parametrize(("algorithm", "spec"),
                         [("RSAES_PKCS1_V1_5", "RSA_2048"), ("SM2PKE", "SM2")])
def test_withdrawn_and_china_only_wrapping_is_unsupported(
    kms_client: Any, external_key: dict[str, Any], algorithm: str, spec: str
) -> None:
    fails(kms_client, "GetParametersForImport", "UnsupportedOperationException",
          KeyId=external_key["KeyId"], WrappingAlgorithm=algorithm, WrappingKeySpec=spec)


# -- imported HMAC and asymmetric material ---------------------------------------------------


def test_imported_hmac_material_makes_the_macs_computed_outside_kms(kms_client: Any) -> None:
    key = new_key(kms_client, Origin="EXTERNAL", KeySpec="HMAC_256",
                  KeyUsage="GENERATE_VERIFY_MAC")
    secret = os.urandom(40)

    imported = import_material(kms_client, key["KeyId"], secret)

    assert "KeyMaterialId" not in imported
    mac = kms_client.generate_mac(KeyId=key["KeyId"], Message=b"m",
                                  MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert mac == hmac.new(secret, b"m", hashlib.sha256).digest()
    fails(kms_client, "ImportKeyMaterial", "ValidationException", KeyId=key["KeyId"],
          ImportToken=b"t", EncryptedKeyMaterial=b"m", ImportType="EXISTING_KEY_MATERIAL",
          **NEVER)


def test_hmac_material_must_have_the_length_of_its_spec(kms_client: Any) -> None:
    key = new_key(kms_client, Origin="EXTERNAL", KeySpec="HMAC_384",
                  KeyUsage="GENERATE_VERIFY_MAC")
    given = parameters(kms_client, key["KeyId"])

    fails(kms_client, "ImportKeyMaterial", "IncorrectKeyMaterialException", KeyId=key["KeyId"],
          ImportToken=given["ImportToken"],
          EncryptedKeyMaterial=wrap(given["PublicKey"], "RSAES_OAEP_SHA_256", b"s" * 32),
          **NEVER)


def test_an_imported_ecc_private_key_signs_for_its_public_key(kms_client: Any) -> None:
    key = new_key(kms_client, Origin="EXTERNAL", KeySpec="ECC_NIST_P256",
                  KeyUsage="SIGN_VERIFY")
    private = ec.generate_private_key(ec.SECP256R1())
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    fails(kms_client, "GetPublicKey", "KMSInvalidStateException", KeyId=key["KeyId"])

    import_material(kms_client, key["KeyId"], der, algorithm="RSA_AES_KEY_WRAP_SHA_256")

    signature = kms_client.sign(KeyId=key["KeyId"], Message=b"m",
                                SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    private.public_key().verify(signature, b"m", ec.ECDSA(hashes.SHA256()))
    other_curve = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    kms_client.delete_imported_key_material(KeyId=key["KeyId"])
    given = parameters(kms_client, key["KeyId"], "RSA_AES_KEY_WRAP_SHA_256")
    fails(kms_client, "ImportKeyMaterial", "IncorrectKeyMaterialException", KeyId=key["KeyId"],
          ImportToken=given["ImportToken"],
          EncryptedKeyMaterial=wrap(given["PublicKey"], "RSA_AES_KEY_WRAP_SHA_256", other_curve),
          **NEVER)
