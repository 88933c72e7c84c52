"""Recorded AWS answers about key material: importing it, deleting it, rotating keys
automatically and on demand.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding

from .recording import (
    ABSENT,
    ARN,
    BLOB,
    DATETIME,
    MATERIAL_ID,
    Case,
    Given,
    KeyRef,
    Other,
    World,
    case_ids,
    check,
)

MESSAGE = b"Hello World!1/?"
"""The plaintext of the recorded Encrypt and Decrypt calls."""
DESCRIPTION = "test-key"  # the recordings mask some descriptions; ours is this one

EXTERNAL: dict[str, Any] = {  # TestKMS::test_import_key_symmetric, created-key
    "AWSAccountId": "111111111111",
    "Arn": ARN,
    "CreationDate": DATETIME,
    "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
    "Description": DESCRIPTION,
    "Enabled": False,
    "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
    "KeyId": "<key-id:1>",
    "KeyManager": "CUSTOMER",
    "KeySpec": "SYMMETRIC_DEFAULT",
    "KeyState": "PendingImport",
    "KeyUsage": "ENCRYPT_DECRYPT",
    "MultiRegion": False,
    "Origin": "EXTERNAL",
}
IMPORTED = {**EXTERNAL, "Enabled": True, "KeyState": "Enabled",
            "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}
SYMMETRIC_IMPORTED = {**IMPORTED, "CurrentKeyMaterialId": MATERIAL_ID}
SYMMETRIC_DELETED = {**EXTERNAL, "CurrentKeyMaterialId": MATERIAL_ID}


def asymmetric(spec: str, usage: str, description: str, **algorithms: list[str]) -> dict[str, Any]:
    base = {k: v for k, v in EXTERNAL.items() if k != "EncryptionAlgorithms"}
    return {**base, "CustomerMasterKeySpec": spec, "KeySpec": spec, "KeyUsage": usage,
            "Description": description, **algorithms}


# -- importing ----------------------------------------------------------------------------------


def wrap(world: World, key_id: str, material: bytes, algorithm: str = "RSAES_OAEP_SHA_256",
         spec: str = "RSA_2048") -> tuple[bytes, bytes]:
    """GetParametersForImport, and ``material`` wrapped for it: (token, wrapped)."""
    parameters = world.kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=algorithm,
                                                     WrappingKeySpec=spec)
    public = serialization.load_der_public_key(parameters["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey)
    if algorithm == "RSA_AES_KEY_WRAP_SHA_256":
        aes = os.urandom(32)
        oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(),
                            label=None)
        return parameters["ImportToken"], (public.encrypt(aes, oaep)
                                           + aes_key_wrap_with_padding(aes, material))
    digest = hashes.SHA1() if algorithm.endswith("SHA_1") else hashes.SHA256()
    oaep = padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)
    return parameters["ImportToken"], public.encrypt(material, oaep)


def import_material(world: World, material: bytes | None = None, name: str | None = None,
                    **options: Any) -> None:
    """Import ``material`` (new 256-bit material by default) into ``<key-id:1>``."""
    key_id = world.names["<key-id:1>"]
    token, wrapped = wrap(world, key_id, material or os.urandom(32), **options.pop("wrap", {}))
    answer = world.kms.import_key_material(
        KeyId=key_id, ImportToken=token, EncryptedKeyMaterial=wrapped,
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE", **options)
    if name is not None:
        world.name(name, answer["KeyMaterialId"])


def pkcs8(private: Any) -> bytes:
    data: bytes = private.private_bytes(serialization.Encoding.DER,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    return data


def new_import_token(world: World) -> None:
    """GetParametersForImport for key 1, and fresh material wrapped for it: "<blob:token>"
    and "<blob:wrapped>"."""
    world.blobs["token"], world.blobs["wrapped"] = wrap(
        world, world.names["<key-id:1>"], os.urandom(32))


def rotate_on_demand(world: World) -> None:
    """RotateKeyOnDemand of key 1, and the virtual time for the rotation to complete."""
    world.kms.rotate_key_on_demand(KeyId=world.names["<key-id:1>"])
    world.later()


def external(world: World) -> None:
    world.key(Origin="EXTERNAL", Description=DESCRIPTION)


def external_imported(world: World) -> None:
    external(world)
    import_material(world, name="<key-material-id:1>")


def external_imported_and_deleted(world: World) -> None:
    external_imported(world)
    world.kms.delete_imported_key_material(KeyId=world.names["<key-id:1>"])


def external_with_token(world: World) -> None:
    external(world)
    new_import_token(world)


def imported_with_new_token(world: World) -> None:
    external_imported(world)
    new_import_token(world)


def new_material_pending(world: World) -> None:
    external_imported(world)
    import_material(world, name="<key-material-id:2>", ImportType="NEW_KEY_MATERIAL")


def new_material_rotated(world: World) -> None:
    new_material_pending(world)
    rotate_on_demand(world)


def rotated_after_encrypting(world: World) -> None:
    external_imported(world)
    world.blobs["ciphertext"] = world.kms.encrypt(
        KeyId=world.names["<key-id:1>"], Plaintext=MESSAGE)["CiphertextBlob"]
    import_material(world, ImportType="NEW_KEY_MATERIAL")
    rotate_on_demand(world)


def second_new_material(world: World) -> None:
    new_material_pending(world)
    new_import_token(world)


def imported_key(spec: str, usage: str, description: str, private: Callable[[], Any],
                 wrapping: dict[str, str], then: str = "") -> Given:
    """An EXTERNAL asymmetric key; ``then``: "import", "delete" (import, then delete),
    "sign" (import, then sign :data:`ECC_MESSAGE`)."""
    def given(world: World) -> None:
        world.key(Origin="EXTERNAL", KeySpec=spec, KeyUsage=usage, Description=description)
        if then:
            import_material(world, pkcs8(private()), wrap=wrapping)
        if then == "delete":
            world.kms.delete_imported_key_material(KeyId=world.names["<key-id:1>"])
        if then == "sign":
            world.blobs["signature"] = world.kms.sign(
                KeyId=world.names["<key-id:1>"], Message=ECC_MESSAGE, MessageType="RAW",
                SigningAlgorithm=SIGNING[spec])["Signature"]
    return given


def imported_hmac(spec: str, then: str = "") -> Given:
    def given(world: World) -> None:
        world.key(Origin="EXTERNAL", KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC",
                  Description="test import hmac key")
        size = int(spec.split("_")[1]) // 8
        if then:
            import_material(world, os.urandom(size), wrap={"spec": "RSA_4096"})
        if then == "delete":
            world.kms.delete_imported_key_material(KeyId=world.names["<key-id:1>"])
        if then == "mac":
            world.blobs["mac"] = world.kms.generate_mac(
                KeyId=world.names["<key-id:1>"], Message=b"test-mac-message",
                MacAlgorithm="HMAC_SHA_" + spec.split("_")[1])["Mac"]
    return given


ECC_MESSAGE = b"test sign verify 123 !%$@ 1234567890"
SIGNING = {"ECC_NIST_P256": "ECDSA_SHA_256", "ECC_NIST_P384": "ECDSA_SHA_384",
           "ECC_NIST_P521": "ECDSA_SHA_512", "ECC_SECG_P256K1": "ECDSA_SHA_256"}
ECC = [  # key spec, curve, signing algorithm, wrapping (as the recording wrapped)
    ("ECC_NIST_P256", ec.SECP256R1, "ECDSA_SHA_256",
     {"algorithm": "RSAES_OAEP_SHA_1", "spec": "RSA_2048"}),
    ("ECC_NIST_P384", ec.SECP384R1, "ECDSA_SHA_384",
     {"algorithm": "RSAES_OAEP_SHA_1", "spec": "RSA_2048"}),
    ("ECC_NIST_P521", ec.SECP521R1, "ECDSA_SHA_512",
     {"algorithm": "RSAES_OAEP_SHA_256", "spec": "RSA_4096"}),
    ("ECC_SECG_P256K1", ec.SECP256K1, "ECDSA_SHA_256",
     {"algorithm": "RSAES_OAEP_SHA_1", "spec": "RSA_2048"}),
]


def ecc_cases(spec: str, curve: Any, algorithm: str, wrapping: dict[str, str]) -> list[Case]:
    source = f"TestKMS::test_import_key_ecc_keys[{spec}]"
    described = asymmetric(spec, "SIGN_VERIFY", "test ecc key import",
                           SigningAlgorithms=[algorithm])

    def given(then: str) -> Given:
        return imported_key(spec, "SIGN_VERIFY", "test ecc key import",
                            lambda: ec.generate_private_key(curve()), wrapping, then)

    message = {"Message": ECC_MESSAGE, "MessageType": "RAW", "SigningAlgorithm": algorithm}
    return [
        Case(source, "describe-key-before-import", "DescribeKey", {"KeyId": "<key-id:1>"},
             given(""), answer={"KeyMetadata": described}),
        Case(source, "describe-key-after-import", "DescribeKey", {"KeyId": "<key-id:1>"},
             given("import"), answer={"KeyMetadata": {
                 **described, "Enabled": True, "KeyState": "Enabled",
                 "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}}),
        Case(source, "sign-result", "Sign", {"KeyId": "<key-id:1>", **message},
             given("import"), answer={"KeyId": ARN, "Signature": BLOB,
                                      "SigningAlgorithm": algorithm}),
        Case(source, "verify-result", "Verify",
             {"KeyId": "<key-id:1>", **message, "Signature": "<blob:signature>"}, given("sign"),
             answer={"KeyId": ARN, "SignatureValid": True, "SigningAlgorithm": algorithm}),
        Case(source, "describe-key-after-deleted-import", "DescribeKey",
             {"KeyId": "<key-id:1>"}, given("delete"), answer={"KeyMetadata": described}),
    ]


def hmac_cases(spec: str) -> list[Case]:
    source = f"TestKMS::test_import_key_hmac_keys[{spec}]"
    algorithm = "HMAC_SHA_" + spec.split("_")[1]
    described = asymmetric(spec, "GENERATE_VERIFY_MAC", "test import hmac key",
                           MacAlgorithms=[algorithm])
    message = {"Message": b"test-mac-message", "MacAlgorithm": algorithm}
    return [
        Case(source, "describe-key-before-import", "DescribeKey", {"KeyId": "<key-id:1>"},
             imported_hmac(spec), answer={"KeyMetadata": described}),
        Case(source, "describe-key-after-import", "DescribeKey", {"KeyId": "<key-id:1>"},
             imported_hmac(spec, "import"), answer={"KeyMetadata": {
                 **described, "Enabled": True, "KeyState": "Enabled",
                 "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}}),
        Case(source, "generate-mac-response", "GenerateMac", {"KeyId": "<key-id:1>", **message},
             imported_hmac(spec, "import"),
             answer={"KeyId": ARN, "Mac": BLOB, "MacAlgorithm": algorithm}),
        Case(source, "verify-mac-response", "VerifyMac",
             {"KeyId": "<key-id:1>", **message, "Mac": "<blob:mac>"}, imported_hmac(spec, "mac"),
             answer={"KeyId": ARN, "MacAlgorithm": algorithm, "MacValid": True}),
        Case(source, "describe-key-after-deleted-import", "DescribeKey",
             {"KeyId": "<key-id:1>"}, imported_hmac(spec, "delete"),
             answer={"KeyMetadata": described}),
    ]


@functools.cache
def rsa_4096_private_key() -> rsa.RSAPrivateKey:
    """One RSA 4096 private key for every case that imports one (making one takes ~1 s)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=4096)


def rsa_4096_wrapped(then: str) -> Given:
    return imported_key("RSA_4096", "ENCRYPT_DECRYPT", DESCRIPTION, rsa_4096_private_key,
                        {"algorithm": "RSA_AES_KEY_WRAP_SHA_256", "spec": "RSA_4096"}, then)


RSA_4096_EXTERNAL = asymmetric("RSA_4096", "ENCRYPT_DECRYPT", DESCRIPTION,
                               EncryptionAlgorithms=["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
P256_EXTERNAL = asymmetric("ECC_NIST_P256", "SIGN_VERIFY", DESCRIPTION,
                           SigningAlgorithms=["ECDSA_SHA_256"])

# -- rotation -----------------------------------------------------------------------------------


def symmetric(world: World) -> None:
    world.key(KeyUsage="ENCRYPT_DECRYPT", KeySpec="SYMMETRIC_DEFAULT", Description=DESCRIPTION)


def rotation_enabled(period: int | None = None) -> Given:
    def given(world: World) -> None:
        symmetric(world)
        extra = {"RotationPeriodInDays": period} if period else {}
        world.kms.enable_key_rotation(KeyId=world.names["<key-id:1>"], **extra)
    return given


def rotation_disabled_again(world: World) -> None:
    rotation_enabled()(world)
    world.kms.disable_key_rotation(KeyId=world.names["<key-id:1>"])


def rotated_on_demand(enable: bool) -> Given:
    def given(world: World) -> None:
        (rotation_enabled() if enable else symmetric)(world)
        rotate_on_demand(world)
    return given


def material_remembered(world: World) -> None:
    symmetric(world)
    metadata = world.kms.describe_key(KeyId=world.names["<key-id:1>"])["KeyMetadata"]
    world.name("<current-key-material-id:1>", metadata["CurrentKeyMaterialId"])


def material_rotated(world: World) -> None:
    material_remembered(world)
    rotate_on_demand(world)


def rotated_to_the_limit(world: World) -> None:
    symmetric(world)
    for _ in range(25):  # AWS's documented limit since the recording: docs/aws-behaviour.md §9
        rotate_on_demand(world)


def disabled_rsa(world: World) -> None:
    world.key(KeyUsage="ENCRYPT_DECRYPT", KeySpec="RSA_4096")
    world.kms.disable_key(KeyId=world.names["<key-id:1>"])


def rsa_4096(world: World) -> None:
    world.key(KeyUsage="ENCRYPT_DECRYPT", KeySpec="RSA_4096")


def no_such_key(world: World) -> None:
    world.names["<key-arn>"] = world.sub(ARN).replace(
        "<key-id:1>", "1234abcd-12ab-34cd-56ef-1234567890ab")


EXTERNAL_ROTATION = ("TestKMS::test_rotate_key_on_demand_updates_current_key_material_for_"
                     "external_keys")
PREVIOUS_MATERIAL = ("TestKMS::test_rotate_key_on_demand_for_external_keys_decrypts_with_"
                     "previous_material")
PENDING_MATERIAL = ("TestKMS::test_import_key_material_raises_if_there_is_already_key_material_"
                    "pending")
ROTATION_STATUS = "TestKMS::test_key_rotation_status"
IMPORT = {"KeyId": "<key-id:1>", "ImportToken": "<blob:token>",
          "EncryptedKeyMaterial": "<blob:wrapped>"}


def described_with(name: str, given: Given, material: str) -> Case:
    """DescribeKey of the EXTERNAL_ROTATION key: imported, its current material ``material``."""
    return Case(EXTERNAL_ROTATION, name, "DescribeKey", {"KeyId": "<key-id:1>"}, given,
                answer={"KeyMetadata": {**IMPORTED, "CurrentKeyMaterialId": material}})


def encrypted_with(name: str, given: Given) -> Case:
    """Encrypt of MESSAGE under the EXTERNAL_ROTATION key."""
    return Case(EXTERNAL_ROTATION, name, "Encrypt",
                {"KeyId": "<key-id:1>", "Plaintext": MESSAGE,
                 "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, given,
                answer={"CiphertextBlob": BLOB, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
                        "KeyId": ARN})


CASES = [
    # -- a symmetric EXTERNAL key: import, use, delete -----------------------------------------
    Case("TestKMS::test_import_key_symmetric", "created-key", "CreateKey",
         {"Origin": "EXTERNAL", "Description": DESCRIPTION}, answer={"KeyMetadata": EXTERNAL}),
    Case("TestKMS::test_import_key_symmetric", "encrypt-before-import-error", "Encrypt",
         {"KeyId": "<key-id:1>", "Plaintext": b"test content 123 !#"}, external,
         error=("KMSInvalidStateException", f"{ARN} is pending import.")),
    Case("TestKMS::test_import_key_symmetric", "describe-key-before-import", "DescribeKey",
         {"KeyId": "<key-id:1>"}, external, answer={"KeyMetadata": EXTERNAL}),
    Case("TestKMS::test_import_key_symmetric", "import-expiring-key-without-valid-to",
         "ImportKeyMaterial", IMPORT, external_with_token,
         error=("ValidationException", "A validTo date must be set if the ExpirationModel is "
                "KEY_MATERIAL_EXPIRES")),
    Case("TestKMS::test_import_key_symmetric", "describe-key-after-import", "DescribeKey",
         {"KeyId": "<key-id:1>"}, external_imported, answer={"KeyMetadata": SYMMETRIC_IMPORTED}),
    Case("TestKMS::test_import_key_symmetric", "asserted: DeleteImportedKeyMaterial succeeds",
         "DeleteImportedKeyMaterial", {"KeyId": "<key-id:1>"}, external_imported,
         answer={}, partial=True),
    Case("TestKMS::test_import_key_symmetric", "describe-key-after-deleted-import",
         "DescribeKey", {"KeyId": "<key-id:1>"}, external_imported_and_deleted,
         answer={"KeyMetadata": SYMMETRIC_DELETED}),
    Case("TestKMS::test_import_key_symmetric", "encrypt-after-delete-error", "Encrypt",
         {"KeyId": "<key-id:1>", "Plaintext": b"test content 123 !#"},
         external_imported_and_deleted,
         error=("KMSInvalidStateException", f"{ARN} is pending import.")),
    Case("TestKMS::test_import_key_symmetric", "asserted: the import parameters",
         "GetParametersForImport", {"KeyId": "<key-id:1>", "WrappingAlgorithm":
                                    "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"},
         external, answer={"KeyId": ARN, "ImportToken": BLOB, "PublicKey": BLOB,
                           "ParametersValidTo": DATETIME}),
    # -- asymmetric and HMAC EXTERNAL keys -----------------------------------------------------
    Case("TestKMS::test_import_key_asymmetric", "created-key", "CreateKey",
         {"Origin": "EXTERNAL", "KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY",
          "Description": DESCRIPTION}, answer={"KeyMetadata": P256_EXTERNAL}),
    Case("TestKMS::test_import_key_asymmetric", "describe-key-after-import", "DescribeKey",
         {"KeyId": "<key-id:1>"},
         imported_key("ECC_NIST_P256", "SIGN_VERIFY", DESCRIPTION,
                      lambda: ec.generate_private_key(ec.SECP256R1()), {}, "import"),
         answer={"KeyMetadata": {**P256_EXTERNAL, "Enabled": True, "KeyState": "Enabled",
                                 "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}}),
    Case("TestKMS::test_import_key_asymmetric", "describe-key-after-deleted-import",
         "DescribeKey", {"KeyId": "<key-id:1>"},
         imported_key("ECC_NIST_P256", "SIGN_VERIFY", DESCRIPTION,
                      lambda: ec.generate_private_key(ec.SECP256R1()), {}, "delete"),
         answer={"KeyMetadata": P256_EXTERNAL}),
    Case("TestKMS::test_import_key_rsa_aes_wrap_sha256", "describe-before-import",
         "DescribeKey", {"KeyId": "<key-id:1>"}, rsa_4096_wrapped(""),
         answer={"KeyMetadata": RSA_4096_EXTERNAL}),
    Case("TestKMS::test_import_key_rsa_aes_wrap_sha256", "import-key-material-response",
         "DescribeKey", {"KeyId": "<key-id:1>"}, rsa_4096_wrapped("import"),
         answer={"KeyMetadata": {**RSA_4096_EXTERNAL, "Enabled": True, "KeyState": "Enabled",
                                 "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}}),
    Case("TestKMS::test_import_key_rsa_aes_wrap_sha256", "describe-key-after-deleted-import",
         "DescribeKey", {"KeyId": "<key-id:1>"}, rsa_4096_wrapped("delete"),
         answer={"KeyMetadata": RSA_4096_EXTERNAL}),
    *(c for spec, curve, algorithm, wrapping in ECC
      for c in ecc_cases(spec, curve, algorithm, wrapping)),
    *(c for spec in ("HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512") for c in hmac_cases(spec)),
    Case("TestKMS::test_get_parameters_for_import", "asserted: the import parameters",
         "GetParametersForImport", {"KeyId": "<key-id:1>", "WrappingAlgorithm":
                                    "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_4096"},
         imported_key("ECC_NIST_P256", "SIGN_VERIFY", DESCRIPTION, lambda: None, {}),
         answer={"KeyId": ARN, "ImportToken": BLOB, "PublicKey": BLOB,
                 "ParametersValidTo": DATETIME}),
    Case("TestKMS::test_get_parameters_for_import", "response-error", "GetParametersForImport",
         {"KeyId": "<key-id:1>", "WrappingAlgorithm": "RSAES_OAEP_SHA_256",
          "WrappingKeySpec": "RSA_4096"}, symmetric,
         error=("UnsupportedOperationException",
                "<key-arn> origin is AWS_KMS which is not valid for this operation.")),
    Case("TestKMS::test_get_parameters_for_import_raises_for_non_external_kms_keys",
         "get-import-parameters-error", "GetParametersForImport",
         {"KeyId": "<key-id:1>", "WrappingAlgorithm": "RSAES_OAEP_SHA_256",
          "WrappingKeySpec": "RSA_2048"}, symmetric,
         error=("UnsupportedOperationException",
                "<key-arn> origin is AWS_KMS which is not valid for this operation.")),
    # -- new key material, and rotating to it --------------------------------------------------
    Case(EXTERNAL_ROTATION, "create-kms-external-key", "CreateKey",
         {"Origin": "EXTERNAL", "KeyUsage": "ENCRYPT_DECRYPT", "Description": DESCRIPTION},
         answer={"KeyMetadata": EXTERNAL}),
    Case(EXTERNAL_ROTATION, "get-import-parameters-response", "GetParametersForImport",
         {"KeyId": "<key-id:1>", "WrappingAlgorithm": "RSAES_OAEP_SHA_256",
          "WrappingKeySpec": "RSA_2048"}, external,
         answer={"ImportToken": BLOB, "KeyId": ARN, "ParametersValidTo": DATETIME,
                 "PublicKey": BLOB}),
    Case(EXTERNAL_ROTATION, "describe-empty-key-response", "DescribeKey",
         {"KeyId": "<key-id:1>"}, external, answer={"KeyMetadata": EXTERNAL}),
    Case(EXTERNAL_ROTATION, "import-key-material-response", "ImportKeyMaterial",
         {**IMPORT, "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}, external_with_token,
         answer={"KeyId": ARN, "KeyMaterialId": MATERIAL_ID}),
    described_with("describe-key-with-material-response", external_imported,
                   "<key-material-id:1>"),
    encrypted_with("kms-encrypt-initial-response", external_imported),
    Case(EXTERNAL_ROTATION, "import-new-key-material-response", "ImportKeyMaterial",
         {**IMPORT, "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE",
          "ImportType": "NEW_KEY_MATERIAL"},
         imported_with_new_token,
         answer={"KeyId": ARN, "KeyMaterialId": Other("<key-material-id:1>")}),
    described_with("describe-key-with-new-material-response", new_material_pending,
                   "<key-material-id:1>"),
    Case(EXTERNAL_ROTATION, "rotate-key-on-demand-response", "RotateKeyOnDemand",
         {"KeyId": "<key-id:1>"}, new_material_pending, answer={"KeyId": ARN}),
    described_with("describe-key-after-rotation", new_material_rotated, "<key-material-id:2>"),
    encrypted_with("kms-encrypt-rotated-key-response", new_material_rotated),
    Case(PREVIOUS_MATERIAL, "asserted: decrypts with the previous material", "Decrypt",
         {"KeyId": "<key-id:1>", "CiphertextBlob": "<blob:ciphertext>"},
         rotated_after_encrypting,
         answer={"Plaintext": MESSAGE, "KeyMaterialId": "<key-material-id:1>"},
         partial=True),
    Case(PENDING_MATERIAL, "import-initial-material-response", "ImportKeyMaterial",
         {**IMPORT, "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}, external_with_token,
         answer={"KeyId": KeyRef(), "KeyMaterialId": MATERIAL_ID}),
    Case(PENDING_MATERIAL, "existing-pending-material-error", "ImportKeyMaterial",
         {**IMPORT, "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE",
          "ImportType": "NEW_KEY_MATERIAL"}, second_new_material,
         error=("KMSInvalidStateException", f"New key material (id: <key-material-id>) cannot "
                f"be imported into KMS key {ARN}, because another key material (id: "
                "<key-material-id:2>) is pending rotation.")),
    Case("TestKMS::test_rotate_key_on_demand_raises_for_no_pending_key_material",
         "rotate-key-on-demand-invalid-state-error", "RotateKeyOnDemand",
         {"KeyId": "<key-id:1>"}, external_imported,
         error=("KMSInvalidStateException",
                "No available key material pending rotation for the key: <key-arn>.")),
    *(c for spec in ("SYMMETRIC_DEFAULT", "RSA_4096") for c in [
        Case(f"TestKMS::test_rotate_key_on_demand_on_external_key_with_no_key_material[{spec}]",
             "create-kms-external-key", "CreateKey",
             {"Origin": "EXTERNAL", "KeyUsage": "ENCRYPT_DECRYPT", "Description": DESCRIPTION},
             answer={"KeyMetadata": EXTERNAL}),
        Case(f"TestKMS::test_rotate_key_on_demand_on_external_key_with_no_key_material[{spec}]",
             f"rotate-key-on-demand-error-response-{spec}", "RotateKeyOnDemand",
             {"KeyId": "<key-id:1>"}, external,
             error=("KMSInvalidStateException", f"{ARN} is pending import.")),
    ]),
    # -- rotation of AWS_KMS keys --------------------------------------------------------------
    Case(ROTATION_STATUS, "asserted: off by default", "GetKeyRotationStatus",
         {"KeyId": "<key-id:1>"}, symmetric, answer={"KeyRotationEnabled": False}, partial=True),
    Case(ROTATION_STATUS, "asserted: EnableKeyRotation succeeds", "EnableKeyRotation",
         {"KeyId": "<key-id:1>"}, symmetric, answer={}),
    Case(ROTATION_STATUS, "asserted: on once enabled", "GetKeyRotationStatus",
         {"KeyId": "<key-id:1>"}, rotation_enabled(), answer={"KeyRotationEnabled": True},
         partial=True),
    Case(ROTATION_STATUS, "asserted: DisableKeyRotation succeeds", "DisableKeyRotation",
         {"KeyId": "<key-id:1>"}, rotation_enabled(), answer={}),
    Case(ROTATION_STATUS, "asserted: off once disabled", "GetKeyRotationStatus",
         {"KeyId": "<key-id:1>"}, rotation_disabled_again, answer={"KeyRotationEnabled": False},
         partial=True),
    *(Case(f"TestKMS::test_key_enable_rotation_status[{days}]", "match_response",
           "GetKeyRotationStatus", {"KeyId": "<key-id:1>"}, rotation_enabled(days),
           answer={"KeyId": KeyRef(), "KeyRotationEnabled": True, "NextRotationDate": DATETIME,
                   "RotationPeriodInDays": days}) for days in (90, 180)),
    Case("TestKMS::test_rotate_key_on_demand_modifies_key_material", "rotate-on-demand-response",
         "RotateKeyOnDemand", {"KeyId": "<key-id:1>"}, symmetric, answer={"KeyId": KeyRef()}),
    Case("TestKMS::test_rotate_on_demand_returns_arn_for_key_id",
         "asserted: KeyId is the key ARN", "RotateKeyOnDemand", {"KeyId": "<key-id:1>"},
         symmetric, answer={"KeyId": ARN}),
    Case("TestKMS::test_rotate_key_on_demand_with_symmetric_key_and_automatic_rotation_disabled",
         "rotate-on-demand-response", "RotateKeyOnDemand", {"KeyId": "<key-id:1>"}, symmetric,
         answer={"KeyId": KeyRef()}),
    Case("TestKMS::test_rotate_key_on_demand_with_symmetric_key_and_automatic_rotation_disabled",
         "rotation-status-response-after-rotation", "GetKeyRotationStatus",
         {"KeyId": "<key-id:1>"}, rotated_on_demand(enable=False),
         answer={"KeyId": KeyRef(), "KeyRotationEnabled": False}),
    Case("TestKMS::test_rotate_key_on_demand_with_symmetric_key_and_automatic_rotation_enabled",
         "rotate-on-demand-response", "RotateKeyOnDemand", {"KeyId": "<key-id:1>"},
         rotation_enabled(), answer={"KeyId": KeyRef()}),
    Case("TestKMS::test_rotate_key_on_demand_with_symmetric_key_and_automatic_rotation_enabled",
         "rotation-status-response-after-rotation", "GetKeyRotationStatus",
         {"KeyId": "<key-id:1>"}, rotated_on_demand(enable=True),
         answer={"KeyId": KeyRef(), "KeyRotationEnabled": True, "NextRotationDate": DATETIME,
                 "RotationPeriodInDays": 365}),
    Case("TestKMS::test_key_rotation_updates_current_key_material_id_for_aws_symmetric_keys",
         "describe-key-before-rotation", "DescribeKey", {"KeyId": "<key-id:1>"}, symmetric,
         answer={"KeyMetadata": {**IMPORTED, "Origin": "AWS_KMS", "ExpirationModel": ABSENT,
                                 "CurrentKeyMaterialId": MATERIAL_ID}}),
    Case("TestKMS::test_key_rotation_updates_current_key_material_id_for_aws_symmetric_keys",
         "describe-key-after-rotation", "DescribeKey", {"KeyId": "<key-id:1>"},
         material_rotated,
         answer={"KeyMetadata": {**IMPORTED, "Origin": "AWS_KMS", "ExpirationModel": ABSENT,
                                 "CurrentKeyMaterialId": Other("<current-key-material-id:1>")}}),
    Case("TestKMS::test_rotate_key_on_demand_raises_error_given_key_is_disabled",
         "error-response", "RotateKeyOnDemand", {"KeyId": "<key-id:1>"}, disabled_rsa,
         error=("DisabledException", "<key-arn> is disabled.")),
    Case("TestKMS::test_rotate_key_on_demand_raises_error_given_key_that_does_not_exist",
         "error-response", "RotateKeyOnDemand",
         {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}, no_such_key,
         error=("NotFoundException", "Key '<key-arn>' does not exist")),
    Case("TestKMS::test_rotate_key_on_demand_raises_error_given_non_symmetric_key",
         "error-response", "RotateKeyOnDemand", {"KeyId": "<key-id:1>"}, rsa_4096,
         error=("UnsupportedOperationException", None)),
    Case("TestKMS::test_key_rotations_limits", "error-response", "RotateKeyOnDemand",
         {"KeyId": "<key-id:1>"}, rotated_to_the_limit,
         error=("LimitExceededException", "The on-demand rotations limit has been reached for "
                "the given keyId. No more on-demand rotations can be performed for this key: "
                "<key-arn>")),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_recorded(case: Case, world: World) -> None:
    check(case, world)
