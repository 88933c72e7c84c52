"""Recorded AWS answers about cryptography: random bytes, encryption, data keys,
signatures, MACs, key agreement, public keys, DryRun.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .recording import (
    ARN,
    BLOB,
    DATETIME,
    MATERIAL_ID,
    UNRECORDED,
    Case,
    EnumMessage,
    Given,
    KeyRef,
    Shape,
    World,
    case_ids,
    check,
    length,
)

MESSAGE = b"test message 123 !%$@ 1234567890"
SIGNED = b"test message !%$@ 1234567890"
ENCRYPTION_CONTEXT = {"context-key": "context-value"}
MAC_ALGORITHMS = ("1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to "
                  "satisfy constraint: Member must satisfy enum value set: "
                  "[HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]")


HMAC_256 = {  # TestKMS::test_hmac_create_key, create-hmac-key
    "AWSAccountId": "111111111111",
    "Arn": ARN,
    "CreationDate": DATETIME,
    "CustomerMasterKeySpec": "HMAC_256",
    "Description": "test key",
    "Enabled": True,
    "KeyId": "<key-id:1>",
    "KeyManager": "CUSTOMER",
    "KeySpec": "HMAC_256",
    "KeyState": "Enabled",
    "KeyUsage": "GENERATE_VERIFY_MAC",
    "MacAlgorithms": ["HMAC_SHA_256"],
    "MultiRegion": False,
    "Origin": "AWS_KMS",
}


def equals(expected: bytes) -> Shape:
    return Shape(f"{expected!r}", lambda v: v == expected)


# -- what the cases need first ---------------------------------------------------------------


def symmetric(world: World) -> None:
    world.key()


def key_of(**create: str) -> Given:
    def given(world: World) -> None:
        world.key(**create)
    given.__name__ = "key_" + "_".join(create.values())
    return given


def signing_key(spec: str, algorithm: str) -> Given:
    def given(world: World) -> None:
        world.key(KeyUsage="SIGN_VERIFY", KeySpec=spec)
        signed = world.kms.sign(KeyId=world.names["<key-id:1>"], Message=SIGNED,
                                MessageType="RAW", SigningAlgorithm=algorithm)
        world.blobs["signature"] = signed["Signature"]
        bad = world.kms.sign(KeyId=world.names["<key-id:1>"], Message=b"bad",
                             MessageType="RAW", SigningAlgorithm=algorithm)
        world.blobs["bad-signature"] = bad["Signature"]
    return given


def mac_key(spec: str) -> Given:
    def given(world: World) -> None:
        world.key(Description="test hmac key", KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")
        algorithm = "HMAC_SHA_" + spec.split("_")[1]
        mac = world.kms.generate_mac(KeyId=world.names["<key-id:1>"],
                                     Message=b"some important message", MacAlgorithm=algorithm)
        world.blobs["mac"] = mac["Mac"]
    return given


def encrypted(world: World) -> None:
    world.key()
    world.blobs["ciphertext"] = world.kms.encrypt(
        KeyId=world.names["<key-id:1>"], Plaintext=base64.b64encode(MESSAGE),
        EncryptionContext=ENCRYPTION_CONTEXT)["CiphertextBlob"]


def encrypted_without_context(world: World) -> None:
    world.key()
    world.blobs["ciphertext"] = world.kms.encrypt(
        KeyId=world.names["<key-id:1>"], Plaintext=base64.b64encode(MESSAGE))["CiphertextBlob"]


def data_key_under_context(operation: str, **params: str) -> Given:
    def given(world: World) -> None:
        world.key()
        answer = getattr(world.kms, operation)(KeyId=world.names["<key-id:1>"],
                                               EncryptionContext=ENCRYPTION_CONTEXT, **params)
        world.blobs["ciphertext"] = answer.get("CiphertextBlob") or answer[
            "PrivateKeyCiphertextBlob"]
    return given


def invalid_keys(world: World) -> None:
    world.key("<hmac>", Description="test key hmac", KeySpec="HMAC_224",
              KeyUsage="GENERATE_VERIFY_MAC")
    world.key("<symmetric>", Description="test key encrypt decrypt")
    world.key("<rsa>", Description="test key sign verify", KeyUsage="SIGN_VERIFY",
              KeySpec="RSA_2048")
    world.blobs["ciphertext"] = world.kms.encrypt(
        KeyId=world.names["<symmetric>"], Plaintext=b"test message 123!@#")["CiphertextBlob"]


def for_key(placeholder: str, given: Given) -> Given:
    """``given``, then ``<key-arn>`` names the key ``placeholder`` stands for."""
    def named(world: World) -> None:
        given(world)
        world.names["<key-arn>"] = world.arns[placeholder]
    return named


def re_encrypt_keys(spec: str, algorithm: str) -> Given:
    def given(world: World) -> None:
        world.key("<source>", KeyUsage="ENCRYPT_DECRYPT", KeySpec=spec)
        world.names["<key-arn>"] = world.arns["<source>"]
        world.key("<key-id:1>", KeyUsage="ENCRYPT_DECRYPT", KeySpec=spec)
        world.blobs["ciphertext"] = world.kms.encrypt(
            KeyId=world.names["<source>"], Plaintext=base64.b64encode(MESSAGE),
            EncryptionAlgorithm=algorithm)["CiphertextBlob"]
    return given


def hmac_source(world: World) -> None:
    world.key("<source>")
    world.blobs["ciphertext"] = world.kms.encrypt(
        KeyId=world.names["<source>"], Plaintext=base64.b64encode(MESSAGE))["CiphertextBlob"]
    world.key(Description="test hmac key", KeySpec="HMAC_224", KeyUsage="GENERATE_VERIFY_MAC")


def agreement_keys(world: World) -> None:
    world.key("<key-id:1>", KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    world.key("<key-id:2>", KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    world.blobs["public-key-2"] = world.kms.get_public_key(
        KeyId=world.names["<key-id:2>"])["PublicKey"]


def agreement_and_signing_keys(world: World) -> None:
    agreement_keys(world)
    world.key("<key-id:3>", KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    world.names["<key-arn>"] = world.arns["<key-id:3>"]


def agreement_and_symmetric_keys(world: World) -> None:
    agreement_keys(world)
    world.key("<key-id:4>")
    world.names["<key-arn>"] = world.arns["<key-id:4>"]


def agreement_key_and_local_peer(world: World) -> None:
    world.key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    peer = ec.generate_private_key(ec.SECP256R1())
    world.blobs["public-key-2"] = peer.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    kms_public = serialization.load_der_public_key(
        world.kms.get_public_key(KeyId=world.names["<key-id:1>"])["PublicKey"])
    assert isinstance(kms_public, ec.EllipticCurvePublicKey)
    world.blobs["expected-secret"] = peer.exchange(ec.ECDH(), kms_public)


def digest(algorithm: str, message: bytes) -> bytes:
    return hashlib.new("sha" + algorithm.rsplit("_", 1)[1], message).digest()


SIGNING = [
    ("RSA_2048", "RSASSA_PSS_SHA_256"),
    ("RSA_2048", "RSASSA_PSS_SHA_384"),
    ("RSA_2048", "RSASSA_PSS_SHA_512"),
    ("RSA_4096", "RSASSA_PKCS1_V1_5_SHA_256"),
    ("RSA_4096", "RSASSA_PKCS1_V1_5_SHA_512"),
    ("ECC_NIST_P256", "ECDSA_SHA_256"),
    ("ECC_NIST_P384", "ECDSA_SHA_384"),
    ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
]
RSA_LIMITS = [  # AWS: the largest plaintext each RSA key spec and algorithm encrypts
    ("RSA_2048", "RSAES_OAEP_SHA_1", 214), ("RSA_2048", "RSAES_OAEP_SHA_256", 190),
    ("RSA_3072", "RSAES_OAEP_SHA_1", 342), ("RSA_3072", "RSAES_OAEP_SHA_256", 318),
    ("RSA_4096", "RSAES_OAEP_SHA_1", 470), ("RSA_4096", "RSAES_OAEP_SHA_256", 446),
]
MACS = [("HMAC_224", "HMAC_SHA_224"), ("HMAC_256", "HMAC_SHA_256"),
        ("HMAC_384", "HMAC_SHA_384"), ("HMAC_512", "HMAC_SHA_512")]


def sign_verify_cases(spec: str, algorithm: str) -> list[Case]:
    source = f"TestKMS::test_sign_verify[{spec}-{algorithm}]"
    given = signing_key(spec, algorithm)
    key = {"KeyId": "<key-id:1>", "SigningAlgorithm": algorithm}
    return [
        Case(source, "signature", "Sign", {**key, "Message": SIGNED, "MessageType": "RAW"},
             key_of(KeyUsage="SIGN_VERIFY", KeySpec=spec),
             answer={"KeyId": KeyRef(), "Signature": BLOB, "SigningAlgorithm": algorithm}),
        Case(source, "verification", "Verify",
             {**key, "Message": SIGNED, "MessageType": "RAW", "Signature": "<blob:signature>"},
             given,
             answer={"KeyId": KeyRef(), "SignatureValid": True, "SigningAlgorithm": algorithm}),
        Case(source, "asserted: a signature of the digest verifies", "Verify",
             {**key, "Message": digest(algorithm, SIGNED), "MessageType": "DIGEST",
              "Signature": "<blob:signature>"}, given,
             answer={"SignatureValid": True}, partial=True),
        Case(source, "bad-digest", "Sign",
             {**key, "Message": SIGNED, "MessageType": "DIGEST"},
             key_of(KeyUsage="SIGN_VERIFY", KeySpec=spec),
             error=("ValidationException", f"Digest is invalid length for algorithm {algorithm}.")),
        Case(source, "bad-signature", "Verify",
             {**key, "Message": SIGNED, "MessageType": "RAW", "Signature": "<blob:bad-signature>"},
             given, error=("KMSInvalidSignatureException", None)),
        Case(source, "asserted: a bad message is KMSInvalidSignatureException", "Verify",
             {**key, "Message": b"bad message 321", "MessageType": "RAW",
              "Signature": "<blob:signature>"}, given,
             error=("KMSInvalidSignatureException", UNRECORDED)),
        Case(source, "asserted: a bad digest is ValidationException", "Verify",
             {**key, "Message": b"bad message 321", "MessageType": "DIGEST",
              "Signature": "<blob:signature>"}, given,
             error=("ValidationException", UNRECORDED)),
    ]


def mac_cases(spec: str, algorithm: str) -> list[Case]:
    source = f"TestKMS::test_generate_and_verify_mac[{spec}-{algorithm}]"
    given = mac_key(spec)
    message = {"Message": b"some important message", "MacAlgorithm": algorithm}
    return [
        Case(source, "generate-mac", "GenerateMac", {"KeyId": "<key-id:1>", **message},
             given,
             answer={"KeyId": KeyRef(), "Mac": BLOB, "MacAlgorithm": algorithm}),
        Case(source, "verify-mac", "VerifyMac",
             {"KeyId": "<key-id:1>", **message, "Mac": "<blob:mac>"},
             given,
             answer={"KeyId": KeyRef(), "MacAlgorithm": algorithm, "MacValid": True}),
        Case(source, "generate-mac-invalid-key-id", "GenerateMac",
             {"KeyId": "key_id", **message}, given,
             error=("NotFoundException", "Invalid keyId 'key_id'")),
        Case(source, "verify-mac-invalid-key-id", "VerifyMac",
             {"KeyId": "key_id", **message, "Mac": "<blob:mac>"}, given,
             error=("NotFoundException", "Invalid keyId 'key_id'")),
    ]


def data_key_context_cases() -> list[Case]:
    cases = []
    for operation, params in [
        ("generate_data_key", {"KeySpec": "AES_256"}),
        ("generate_data_key_without_plaintext", {"KeySpec": "AES_256"}),
        ("generate_data_key_pair", {"KeyPairSpec": "RSA_2048"}),
        ("generate_data_key_pair_without_plaintext", {"KeyPairSpec": "RSA_2048"}),
    ]:
        cases.append(Case(f"TestKMSGenerateKeys::test_encryption_context_{operation}",
                          "decrypt-without-encryption-context", "Decrypt",
                          {"KeyId": "<key-id:1>", "CiphertextBlob": "<blob:ciphertext>"},
                          data_key_under_context(operation, **params),
                          error=("InvalidCiphertextException", None)))
    return cases


def re_encrypt_case(spec: str, algorithm: str, **material_ids: object) -> Case:
    """test_re_encrypt[spec-algorithm]: from one key of ``spec`` to another, with ``algorithm``
    on both sides."""
    return Case(f"TestKMS::test_re_encrypt[{spec}-{algorithm}]", "test_re_encrypt", "ReEncrypt",
                {"SourceKeyId": "<source>", "DestinationKeyId": "<key-id:1>",
                 "CiphertextBlob": "<blob:ciphertext>", "SourceEncryptionAlgorithm": algorithm,
                 "DestinationEncryptionAlgorithm": algorithm},
                re_encrypt_keys(spec, algorithm),
                answer={"CiphertextBlob": BLOB, "DestinationEncryptionAlgorithm": algorithm,
                        "KeyId": KeyRef(), "SourceEncryptionAlgorithm": algorithm,
                        "SourceKeyId": "<key-arn>", **material_ids})


def hmac_wrong_algorithm(world: World) -> None:
    world.key(Description="test hmac key", KeySpec="HMAC_224", KeyUsage="GENERATE_VERIFY_MAC")


CASES = [
    # -- GenerateRandom ------------------------------------------------------------------------
    *(Case(f"TestKMS::test_generate_random[{n}]", "result_length", "GenerateRandom",
           {"NumberOfBytes": n}, answer={"Plaintext": length(n)}) for n in (12, 44, 91, 1, 1024)),
    Case("TestKMS::test_generate_random_invalid_number_of_bytes[None]", "generate-random-exc",
         "GenerateRandom", {"NumberOfBytes": None}, validate=False,
         error=("ValidationException", "NumberOfBytes is required.")),
    Case("TestKMS::test_generate_random_invalid_number_of_bytes[0]", "generate-random-exc",
         "GenerateRandom", {"NumberOfBytes": 0}, validate=False,
         error=("ValidationException", "1 validation error detected: Value '0' at "
                "'numberOfBytes' failed to satisfy constraint: Member must have value greater "
                "than or equal to 1")),
    Case("TestKMS::test_generate_random_invalid_number_of_bytes[1025]", "generate-random-exc",
         "GenerateRandom", {"NumberOfBytes": 1025}, validate=False,
         error=("ValidationException", "1 validation error detected: Value '1025' at "
                "'numberOfBytes' failed to satisfy constraint: Member must have value less "
                "than or equal to 1024")),
    # -- Encrypt, Decrypt, ReEncrypt -----------------------------------------------------------
    *(Case(f"TestKMS::test_encrypt_validate_plaintext_size_per_key_type[{spec}-{algorithm}]",
           "generate-random-exc", "Encrypt",
           {"KeyId": "<key-id:1>", "EncryptionAlgorithm": algorithm,
            "Plaintext": base64.b64encode(b"more than 500 bytes and less than 4096 bytes" * 20)},
           key_of(KeyUsage="ENCRYPT_DECRYPT", KeySpec=spec),
           error=("ValidationException", f"Algorithm {algorithm} and key spec {spec} cannot "
                  f"encrypt data larger than {limit} bytes."))
      for spec, algorithm, limit in RSA_LIMITS),
    Case("TestKMS::test_plaintext_size_for_encrypt", "invalid-plaintext-size-encrypt", "Encrypt",
         {"KeyId": "<key-id:1>", "Plaintext": base64.b64encode(MESSAGE * 100)}, symmetric,
         error=("ValidationException", "1 validation error detected: Value at 'plaintext' failed "
                "to satisfy constraint: Member must have length less than or equal to 4096")),
    Case("TestKMS::test_encrypt_decrypt_encryption_context", "encrypt_response", "Encrypt",
         {"KeyId": "<key-id:1>", "Plaintext": base64.b64encode(MESSAGE),
          "EncryptionAlgorithm": "SYMMETRIC_DEFAULT", "EncryptionContext": ENCRYPTION_CONTEXT},
         symmetric, answer={"CiphertextBlob": BLOB, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
                            "KeyId": KeyRef()}),
    Case("TestKMS::test_encrypt_decrypt_encryption_context",
         "decrypt_response_with_encryption_context", "Decrypt",
         {"KeyId": "<key-id:1>", "CiphertextBlob": "<blob:ciphertext>",
          "EncryptionAlgorithm": "SYMMETRIC_DEFAULT", "EncryptionContext": ENCRYPTION_CONTEXT},
         encrypted, answer={"EncryptionAlgorithm": "SYMMETRIC_DEFAULT", "KeyId": KeyRef(),
                            "KeyMaterialId": MATERIAL_ID,
                            "Plaintext": equals(base64.b64encode(MESSAGE))}),
    Case("TestKMS::test_encrypt_decrypt_encryption_context",
         "decrypt_response_without_encryption_context", "Decrypt",
         {"KeyId": "<key-id:1>", "CiphertextBlob": "<blob:ciphertext>",
          "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, encrypted,
         error=("InvalidCiphertextException", None)),
    Case("TestKMS::test_encrypt_decrypt_encryption_context",
         "decrypt_response_with_invalid_ciphertext", "Decrypt",
         {"KeyId": "<key-id:1>", "CiphertextBlob": "<blob:ciphertext>[64:]",
          "EncryptionAlgorithm": "SYMMETRIC_DEFAULT", "EncryptionContext": ENCRYPTION_CONTEXT},
         encrypted, error=("InvalidCiphertextException", None)),
    Case("TestKMS::test_key_rotations_encryption_decryption", "bad-ciphertext", "Decrypt",
         {"KeyId": "<key-id:1>", "CiphertextBlob": "<blob:ciphertext>+bad_data",
          "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, encrypted_without_context,
         error=("InvalidCiphertextException", None)),
    *data_key_context_cases(),
    *(Case(f"TestKMS::test_encrypt_decrypt[{spec}-{algorithm}]",
           "asserted: Decrypt answers the plaintext", "Decrypt",
           {"KeyId": "<source>", "CiphertextBlob": "<blob:ciphertext>",
            "EncryptionAlgorithm": algorithm},
           re_encrypt_keys(spec, algorithm),
           answer={"Plaintext": equals(base64.b64encode(MESSAGE))}, partial=True)
      for spec, algorithm in [("SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT"),
                              ("RSA_2048", "RSAES_OAEP_SHA_256")]),
    # Since the recording AWS added the material IDs of symmetric keys (botocore model,
    # API reference): docs/aws-behaviour.md §4.3.
    re_encrypt_case("SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT",
                    SourceKeyMaterialId=MATERIAL_ID, DestinationKeyMaterialId=MATERIAL_ID),
    re_encrypt_case("RSA_2048", "RSAES_OAEP_SHA_256"),
    Case("TestKMS::test_re_encrypt_incorrect_source_key", "incorrect-source-key", "ReEncrypt",
         {"SourceKeyId": "<key-id:1>", "DestinationKeyId": "<key-id:1>",
          "CiphertextBlob": "<blob:ciphertext>", "SourceEncryptionAlgorithm": "SYMMETRIC_DEFAULT",
          "DestinationEncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, hmac_source,
         error=("IncorrectKeyException", "The key ID in the request does not identify a CMK "
                "that can perform this operation.")),
    # -- the wrong key for the operation -------------------------------------------------------
    Case("TestKMS::test_error_messaging_for_invalid_keys", "generate-mac-invalid-key-id",
         "GenerateMac", {"KeyId": "<symmetric>", "Message": b"some important message",
                         "MacAlgorithm": "HMAC_SHA_224"},
         for_key("<symmetric>", invalid_keys),
         error=("InvalidKeyUsageException",
                "<key-arn> key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.")),
    Case("TestKMS::test_error_messaging_for_invalid_keys", "sign-invalid-key-id", "Sign",
         {"KeyId": "<hmac>", "SigningAlgorithm": "RSASSA_PSS_SHA_256", "MessageType": "RAW",
          "Message": b"test message 123!@#"},
         for_key("<hmac>", invalid_keys),
         error=("InvalidKeyUsageException",
                "<key-arn> key usage is GENERATE_VERIFY_MAC which is not valid for Sign.")),
    Case("TestKMS::test_error_messaging_for_invalid_keys", "verify-invalid-key-id", "Verify",
         {"KeyId": "<symmetric>", "SigningAlgorithm": "ECDSA_SHA_256", "MessageType": "RAW",
          "Message": b"test message", "Signature": b"random text"},
         for_key("<symmetric>", invalid_keys),
         error=("InvalidKeyUsageException",
                "<key-arn> key usage is ENCRYPT_DECRYPT which is not valid for Verify.")),
    Case("TestKMS::test_error_messaging_for_invalid_keys", "encrypt-invalid-key-id", "Encrypt",
         {"KeyId": "<rsa>", "Plaintext": b"test message 123!@#"},
         for_key("<rsa>", invalid_keys),
         error=("InvalidKeyUsageException",
                "<key-arn> key usage is SIGN_VERIFY which is not valid for Encrypt.")),
    Case("TestKMS::test_error_messaging_for_invalid_keys", "decrypt-invalid-key-id", "Decrypt",
         {"KeyId": "<hmac>", "CiphertextBlob": "<blob:ciphertext>"}, invalid_keys,
         error=("IncorrectKeyException", "The key ID in the request does not identify a CMK "
                "that can perform this operation.")),
    Case("TestKMS::test_invalid_key_usage", "asserted: Sign with an encryption key", "Sign",
         {"KeyId": "<key-id:1>", "SigningAlgorithm": "RSASSA_PSS_SHA_256", "MessageType": "RAW",
          "Message": b"hello"},
         key_of(KeyUsage="ENCRYPT_DECRYPT", KeySpec="RSA_4096"),
         error=("InvalidKeyUsageException", UNRECORDED)),
    Case("TestKMS::test_invalid_key_usage", "asserted: Encrypt with a signing key", "Encrypt",
         {"KeyId": "<key-id:1>", "EncryptionAlgorithm": "RSAES_OAEP_SHA_256",
          "Plaintext": b"hello"},
         key_of(KeyUsage="SIGN_VERIFY", KeySpec="RSA_4096"),
         error=("InvalidKeyUsageException", UNRECORDED)),
    # -- Sign and Verify -----------------------------------------------------------------------
    *(c for spec, algorithm in SIGNING for c in sign_verify_cases(spec, algorithm)),
    Case("TestKMS::test_get_public_key", "asserted: the key's ARN, spec, usage, public key",
         "GetPublicKey", {"KeyId": "<key-id:1>"},
         key_of(KeyUsage="ENCRYPT_DECRYPT", KeySpec="RSA_2048"),
         answer={"KeyId": ARN, "KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT",
                 "PublicKey": BLOB}, partial=True),
    # -- HMAC keys ----------------------------------------------------------------------------
    Case("TestKMS::test_hmac_create_key", "create-hmac-key", "CreateKey",
         {"Description": "test key", "KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"},
         answer={"KeyMetadata": HMAC_256}),
    Case("TestKMS::test_hmac_create_key", "describe-key", "DescribeKey", {"KeyId": "<key-id:1>"},
         key_of(Description="test key", KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC"),
         answer={"KeyMetadata": HMAC_256}),
    Case("TestKMS::test_hmac_create_key_invalid_operations",
         "create-hmac-key-without-key-usage", "CreateKey",
         {"Description": "test HMAC key without key usage", "KeySpec": "HMAC_256"},
         error=("ValidationException", "You must specify a KeyUsage value for all KMS keys "
                "except for symmetric encryption keys.")),
    Case("TestKMS::test_hmac_create_key_invalid_operations", "create-hmac-key-invalid-spec",
         "CreateKey", {"Description": "test invalid HMAC spec", "KeySpec": "HMAC_random"},
         error=("ValidationException", EnumMessage(
             "1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy "
             "constraint: Member must satisfy enum value set: [RSA_2048, ECC_NIST_P384, "
             "ECC_NIST_P256, ECC_NIST_P521, HMAC_384, RSA_3072, ECC_SECG_P256K1, RSA_4096, "
             "SYMMETRIC_DEFAULT, HMAC_256, HMAC_224, HMAC_512]", "KeySpec"))),
    Case("TestKMS::test_hmac_create_key_invalid_operations", "create-hmac-key-invalid-key-usage",
         "CreateKey", {"Description": "test invalid HMAC spec", "KeySpec": "HMAC_256",
                       "KeyUsage": "RANDOM"},
         error=("ValidationException", EnumMessage(
             "1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy "
             "constraint: Member must satisfy enum value set: [ENCRYPT_DECRYPT, SIGN_VERIFY, "
             "GENERATE_VERIFY_MAC]", "KeyUsageType"))),
    # -- GenerateMac and VerifyMac -------------------------------------------------------------
    *(c for spec, algorithm in MACS for c in mac_cases(spec, algorithm)),
    Case("TestKMS::test_invalid_generate_mac[HMAC_224-HMAC_SHA_256]", "generate-mac",
         "GenerateMac", {"KeyId": "<key-id:1>", "Message": b"some important message",
                         "MacAlgorithm": "HMAC_SHA_256"}, hmac_wrong_algorithm,
         error=("InvalidKeyUsageException",
                "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.")),
    Case("TestKMS::test_invalid_generate_mac[HMAC_256-INVALID]", "generate-mac",
         "GenerateMac", {"KeyId": "<key-id:1>", "Message": b"some important message",
                         "MacAlgorithm": "INVALID"},
         mac_key("HMAC_256"),
         error=("ValidationException", EnumMessage(MAC_ALGORITHMS, "MacAlgorithmSpec"))),
    Case("TestKMS::test_invalid_verify_mac[HMAC_256-HMAC_SHA_256-some different important "
         "message]", "generate-mac", "GenerateMac",
         {"KeyId": "<key-id:1>", "Message": b"some important message",
          "MacAlgorithm": "HMAC_SHA_256"}, mac_key("HMAC_256"),
         answer={"KeyId": KeyRef(), "Mac": BLOB, "MacAlgorithm": "HMAC_SHA_256"}),
    Case("TestKMS::test_invalid_verify_mac[HMAC_256-HMAC_SHA_256-some different important "
         "message]", "verify-mac", "VerifyMac",
         {"KeyId": "<key-id:1>", "Message": b"some different important message",
          "MacAlgorithm": "HMAC_SHA_256", "Mac": "<blob:mac>"},
         mac_key("HMAC_256"),
         error=("KMSInvalidMacException", None)),
    Case("TestKMS::test_invalid_verify_mac[HMAC_256-HMAC_SHA_512-some important message]",
         "verify-mac", "VerifyMac",
         {"KeyId": "<key-id:1>", "Message": b"some important message",
          "MacAlgorithm": "HMAC_SHA_512", "Mac": "<blob:mac>"},
         mac_key("HMAC_256"),
         error=("InvalidKeyUsageException",
                "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.")),
    Case("TestKMS::test_invalid_verify_mac[HMAC_256-INVALID-some important message]",
         "verify-mac", "VerifyMac",
         {"KeyId": "<key-id:1>", "Message": b"some important message",
          "MacAlgorithm": "INVALID", "Mac": "<blob:mac>"},
         mac_key("HMAC_256"),
         error=("ValidationException", EnumMessage(MAC_ALGORITHMS, "MacAlgorithmSpec"))),
    # -- data keys and data key pairs ----------------------------------------------------------
    # Since the recordings (2024-04-11) AWS added KeyMaterialId to these answers (botocore
    # model, API reference): docs/aws-behaviour.md §4.4.
    Case("TestKMSGenerateKeys::test_generate_data_key", "generate-data-key-result",
         "GenerateDataKey", {"KeyId": "<key-id:1>", "KeySpec": "AES_256"}, symmetric,
         answer={"CiphertextBlob": BLOB, "KeyId": ARN, "Plaintext": length(32),
                 "KeyMaterialId": MATERIAL_ID}),
    Case("TestKMSGenerateKeys::test_generate_data_key_without_plaintext",
         "generate-data-key-without-plaintext", "GenerateDataKeyWithoutPlaintext",
         {"KeyId": "<key-id:1>", "KeySpec": "AES_256"}, symmetric,
         answer={"CiphertextBlob": BLOB, "KeyId": ARN, "KeyMaterialId": MATERIAL_ID}),
    Case("TestKMSGenerateKeys::test_generate_data_key_pair", "generate-data-key-pair",
         "GenerateDataKeyPair", {"KeyId": "<key-id:1>", "KeyPairSpec": "RSA_2048"}, symmetric,
         answer={"KeyId": ARN, "KeyPairSpec": "RSA_2048", "PrivateKeyCiphertextBlob": BLOB,
                 "PrivateKeyPlaintext": BLOB, "PublicKey": BLOB,
                 "KeyMaterialId": MATERIAL_ID}),
    Case("TestKMSGenerateKeys::test_generate_data_key_pair_without_plaintext",
         "generate-data-key-pair-without-plaintext", "GenerateDataKeyPairWithoutPlaintext",
         {"KeyId": "<key-id:1>", "KeyPairSpec": "RSA_2048"}, symmetric,
         answer={"KeyId": ARN, "KeyPairSpec": "RSA_2048", "PrivateKeyCiphertextBlob": BLOB,
                 "PublicKey": BLOB, "KeyMaterialId": MATERIAL_ID}),
    Case("TestKMSGenerateKeys::test_generate_data_key_pair_dry_run", "dryrun_exception",
         "GenerateDataKeyPair", {"KeyId": "<key-id:1>", "KeyPairSpec": "RSA_2048",
                                 "DryRun": True}, symmetric,
         error=("DryRunOperationException",
                "The request would have succeeded, but the DryRun option is set.")),
    Case("TestKMSGenerateKeys::test_generate_data_key_pair_without_plaintext_dry_run",
         "dryrun_exception", "GenerateDataKeyPairWithoutPlaintext",
         {"KeyId": "<key-id:1>", "KeyPairSpec": "RSA_2048", "DryRun": True}, symmetric,
         error=("DryRunOperationException",
                "The request would have succeeded, but the DryRun option is set.")),
    Case("TestKMS::test_cant_use_disabled_or_deleted_keys", "asserted: GenerateDataKey works",
         "GenerateDataKey", {"KeyId": "<key-id:1>", "KeySpec": "AES_256"}, symmetric,
         answer={"Plaintext": length(32)}, partial=True),
    # -- DeriveSharedSecret --------------------------------------------------------------------
    Case("TestKMS::test_derive_shared_secret", "response", "DeriveSharedSecret",
         {"KeyId": "<key-id:1>", "KeyAgreementAlgorithm": "ECDH",
          "PublicKey": "<blob:public-key-2>"}, agreement_keys,
         answer={"KeyAgreementAlgorithm": "ECDH", "KeyId": KeyRef(), "KeyOrigin": "AWS_KMS",
                 "SharedSecret": BLOB}),
    Case("TestKMS::test_derive_shared_secret", "response-invalid-key-usage",
         "DeriveSharedSecret", {"KeyId": "<key-id:3>", "KeyAgreementAlgorithm": "ECDH",
                                "PublicKey": "<blob:public-key-2>"}, agreement_and_signing_keys,
         error=("InvalidKeyUsageException",
                "<key-arn> key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.")),
    Case("TestKMS::test_derive_shared_secret", "response-invalid-key-spec", "CreateKey",
         {"KeySpec": "RSA_2048", "KeyUsage": "KEY_AGREEMENT"},
         error=("ValidationException", "KeyUsage KEY_AGREEMENT is not compatible with KeySpec "
                "RSA_2048")),
    Case("TestKMS::test_derive_shared_secret", "response-invalid-key-agreement-algo",
         "DeriveSharedSecret", {"KeyId": "<key-id:1>", "KeyAgreementAlgorithm": "INVALID",
                                "PublicKey": "<blob:public-key-2>"}, agreement_keys,
         error=("ValidationException", EnumMessage(
             "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed "
             "to satisfy constraint: Member must satisfy enum value set: [ECDH]",
             "KeyAgreementAlgorithmSpec"))),
    Case("TestKMS::test_derive_shared_secret", "response-invalid-key", "DeriveSharedSecret",
         {"KeyId": "<key-id:4>", "KeyAgreementAlgorithm": "ECDH",
          "PublicKey": "<blob:public-key-2>"}, agreement_and_symmetric_keys,
         error=("InvalidKeyUsageException", "<key-arn> key usage is ENCRYPT_DECRYPT which is "
                "not valid for DeriveSharedSecret.")),
    Case("TestKMS::test_derive_shared_secret", "response-invalid-public-key",
         "DeriveSharedSecret", {"KeyId": "<key-id:1>", "KeyAgreementAlgorithm": "ECDH",
                                "PublicKey": b"InvalidPublicKey"}, agreement_keys,
         error=("ValidationException", None)),
    Case("TestKMS::test_derive_shared_secret_matches_openssl", "derived-shared-key-resp",
         "DeriveSharedSecret", {"KeyId": "<key-id:1>", "KeyAgreementAlgorithm": "ECDH",
                                "PublicKey": "<blob:public-key-2>"},
         agreement_key_and_local_peer,
         answer={"KeyAgreementAlgorithm": "ECDH", "KeyId": KeyRef(), "KeyOrigin": "AWS_KMS",
                 "SharedSecret": "<blob:expected-secret>"}),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_recorded(case: Case, world: World) -> None:
    check(case, world)
