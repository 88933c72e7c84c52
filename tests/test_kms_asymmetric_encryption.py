"""Asymmetric KMS keys that encrypt, agree and encapsulate: RSA Encrypt, Decrypt and
ReEncrypt, GenerateDataKeyPair(WithoutPlaintext), DeriveSharedSecret, Encapsulate and
Decapsulate.

The cryptography is checked outside KMS with ``cryptography``: ciphertext made with the
public key decrypts in KMS, data key pairs match, ECDH secrets agree, ML-KEM secrets are
shared. Every successful response is checked against the botocore output shape.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from helpers import (
    call,
    fails,
    keypair,
    needs_ml,
    new_key,
    public_key,
    requires_operation,
    requires_value,
    schedule_deletion,
)

from pytest_cloudhsm_kms.kms.keypairs import max_rsa_plaintext
from pytest_cloudhsm_kms.protocol.models import in_model


def public_key_bytes(client: Any, key_id: str) -> bytes:
    der: bytes = client.get_public_key(KeyId=key_id)["PublicKey"]
    return der


# -- RSA encryption --------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
def test_rsa_encrypt_and_decrypt_round_trip(
    kms_client: Any, rsa_encryption_key: dict[str, Any], algorithm: str
) -> None:
    encrypted = call(kms_client, "Encrypt", KeyId=rsa_encryption_key["KeyId"], Plaintext=b"secret",
                     EncryptionAlgorithm=algorithm)
    assert encrypted["EncryptionAlgorithm"] == algorithm
    assert len(encrypted["CiphertextBlob"]) == 256

    decrypted = call(kms_client, "Decrypt", KeyId=rsa_encryption_key["KeyId"],
                     CiphertextBlob=encrypted["CiphertextBlob"], EncryptionAlgorithm=algorithm)
    assert decrypted["Plaintext"] == b"secret"
    assert decrypted["KeyId"] == rsa_encryption_key["Arn"]
    assert "KeyMaterialId" not in decrypted


def test_ciphertext_made_with_the_public_key_decrypts_in_kms(
    kms_client: Any, rsa_encryption_key: dict[str, Any]
) -> None:
    digest = hashes.SHA256()
    blob = public_key(kms_client, rsa_encryption_key["KeyId"]).encrypt(
        b"offline", padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None))

    decrypted = call(kms_client, "Decrypt", KeyId=rsa_encryption_key["KeyId"], CiphertextBlob=blob,
                     EncryptionAlgorithm="RSAES_OAEP_SHA_256")

    assert decrypted["Plaintext"] == b"offline"


@pytest.mark.parametrize(("spec", "algorithm", "limit"),
                         [("RSA_2048", "RSAES_OAEP_SHA_1", 214),
                          ("RSA_2048", "RSAES_OAEP_SHA_256", 190),
                          ("RSA_3072", "RSAES_OAEP_SHA_256", 318)])
def test_rsa_plaintext_is_limited_by_key_size_and_hash(
    kms_client: Any, spec: str, algorithm: str, limit: int
) -> None:
    key = keypair(kms_client, spec, "ENCRYPT_DECRYPT")

    call(kms_client, "Encrypt", KeyId=key["KeyId"], Plaintext=b"x" * limit,
         EncryptionAlgorithm=algorithm)
    fails(kms_client, "Encrypt", "ValidationException", KeyId=key["KeyId"],
          Plaintext=b"x" * (limit + 1), EncryptionAlgorithm=algorithm)


def test_the_rsa_3072_limit_with_sha_1_is_342_bytes() -> None:
    assert max_rsa_plaintext(3072, "RSAES_OAEP_SHA_1") == 342


@pytest.fixture
def rsa_blob(kms_client: Any, rsa_encryption_key: dict[str, Any]) -> bytes:
    """A ciphertext of ``b"x"`` under the RSA encryption key, with RSAES_OAEP_SHA_1."""
    blob: bytes = kms_client.encrypt(KeyId=rsa_encryption_key["KeyId"], Plaintext=b"x",
                                     EncryptionAlgorithm="RSAES_OAEP_SHA_1")["CiphertextBlob"]
    return blob


def test_an_rsa_key_needs_an_rsaes_algorithm_and_no_encryption_context(
    kms_client: Any, rsa_encryption_key: dict[str, Any], rsa_blob: bytes
) -> None:
    key_id = rsa_encryption_key["KeyId"]
    # No algorithm is SYMMETRIC_DEFAULT, which an RSA key spec does not take
    # (docs/aws-behaviour.md §11.2).
    no_default = "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048."

    assert fails(kms_client, "Encrypt", "InvalidKeyUsageException", KeyId=key_id,
                 Plaintext=b"x") == no_default
    assert fails(kms_client, "Decrypt", "InvalidKeyUsageException", KeyId=key_id,
                 CiphertextBlob=rsa_blob) == no_default
    fails(kms_client, "Encrypt", "ValidationException", KeyId=key_id, Plaintext=b"x",
          EncryptionAlgorithm="RSAES_OAEP_SHA_1", EncryptionContext={"a": "b"})
    fails(kms_client, "GenerateDataKey", "InvalidKeyUsageException", KeyId=key_id,
          KeySpec="AES_256")


def test_rsa_decryption_and_re_encryption_take_no_context_and_no_oversized_plaintext(
    kms_client: Any, rsa_encryption_key: dict[str, Any], rsa_blob: bytes
) -> None:
    """The same refusals as Encrypt's, on each side of ReEncrypt (docs/aws-behaviour.md
    §11.2)."""
    key_id = rsa_encryption_key["KeyId"]
    symmetric = new_key(kms_client)["KeyId"]
    no_context = "EncryptionContext is not supported with asymmetric KMS keys."
    rsa = {"CiphertextBlob": rsa_blob, "EncryptionAlgorithm": "RSAES_OAEP_SHA_1"}
    long_blob = kms_client.encrypt(KeyId=symmetric, Plaintext=b"p" * 191)["CiphertextBlob"]

    assert fails(kms_client, "Decrypt", "ValidationException", KeyId=key_id,
                 EncryptionContext={"a": "b"}, **rsa) == no_context
    assert fails(kms_client, "ReEncrypt", "ValidationException", SourceKeyId=key_id,
                 CiphertextBlob=rsa_blob, SourceEncryptionAlgorithm="RSAES_OAEP_SHA_1",
                 SourceEncryptionContext={"a": "b"}, DestinationKeyId=symmetric) == no_context
    assert fails(kms_client, "ReEncrypt", "ValidationException", CiphertextBlob=long_blob,
                 DestinationKeyId=key_id, DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256",
                 ) == ("Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data "
                       "larger than 190 bytes.")


@pytest.mark.parametrize(("operation", "params"), [
    ("GenerateDataKey", {"KeySpec": "AES_256"}),
    ("GenerateDataKeyWithoutPlaintext", {"NumberOfBytes": 16}),
    ("GenerateDataKeyPair", {"KeyPairSpec": "ECC_NIST_P256"}),
    ("GenerateDataKeyPairWithoutPlaintext", {"KeyPairSpec": "RSA_2048"}),
])
def test_data_keys_and_data_key_pairs_need_a_symmetric_key(
    kms_client: Any, rsa_encryption_key: dict[str, Any], operation: str, params: dict[str, Any]
) -> None:
    """An RSA encryption key has the key usage but not the key spec (docs/aws-behaviour.md §4.4)."""
    message = fails(kms_client, operation, "InvalidKeyUsageException",
                    KeyId=rsa_encryption_key["KeyId"], **params)

    assert message == (f"{rsa_encryption_key['Arn']} key spec is RSA_2048 which is not valid "
                       f"for {operation}.")


def test_rsa_ciphertext_needs_its_key_and_algorithm_to_decrypt(
    kms_client: Any, rsa_encryption_key: dict[str, Any]
) -> None:
    blob = kms_client.encrypt(KeyId=rsa_encryption_key["KeyId"], Plaintext=b"x",
                              EncryptionAlgorithm="RSAES_OAEP_SHA_256")["CiphertextBlob"]
    other = keypair(kms_client, "RSA_2048", "ENCRYPT_DECRYPT")

    fails(kms_client, "Decrypt", "InvalidCiphertextException", CiphertextBlob=blob,
          EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    fails(kms_client, "Decrypt", "InvalidCiphertextException", KeyId=other["KeyId"],
          CiphertextBlob=blob, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    fails(kms_client, "Decrypt", "InvalidCiphertextException", KeyId=rsa_encryption_key["KeyId"],
          CiphertextBlob=blob, EncryptionAlgorithm="RSAES_OAEP_SHA_1")
    symmetric = new_key(kms_client)
    fails(kms_client, "Decrypt", "InvalidKeyUsageException", KeyId=symmetric["KeyId"],
          CiphertextBlob=blob, EncryptionAlgorithm="RSAES_OAEP_SHA_256")


def test_re_encrypt_moves_ciphertext_between_rsa_and_symmetric_keys(
    kms_client: Any, rsa_encryption_key: dict[str, Any]
) -> None:
    symmetric = new_key(kms_client)
    blob = kms_client.encrypt(KeyId=symmetric["KeyId"], Plaintext=b"moved")["CiphertextBlob"]

    to_rsa = call(kms_client, "ReEncrypt", CiphertextBlob=blob,
                  DestinationKeyId=rsa_encryption_key["KeyId"],
                  DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert to_rsa["DestinationEncryptionAlgorithm"] == "RSAES_OAEP_SHA_256"
    assert "DestinationKeyMaterialId" not in to_rsa
    assert "SourceKeyMaterialId" in to_rsa

    back = call(kms_client, "ReEncrypt", CiphertextBlob=to_rsa["CiphertextBlob"],
                SourceKeyId=rsa_encryption_key["KeyId"],
                SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256",
                DestinationKeyId=symmetric["KeyId"])
    assert back["SourceEncryptionAlgorithm"] == "RSAES_OAEP_SHA_256"
    assert "SourceKeyMaterialId" not in back
    assert kms_client.decrypt(CiphertextBlob=back["CiphertextBlob"])["Plaintext"] == b"moved"


def test_a_dry_run_rsa_call_answers_dry_run_or_the_real_error(
    kms_client: Any, rsa_encryption_key: dict[str, Any], rsa_blob: bytes
) -> None:
    key_id = rsa_encryption_key["KeyId"]

    fails(kms_client, "Encrypt", "DryRunOperationException", KeyId=key_id, Plaintext=b"x",
          EncryptionAlgorithm="RSAES_OAEP_SHA_1", DryRun=True)
    fails(kms_client, "Decrypt", "DryRunOperationException", KeyId=key_id, CiphertextBlob=rsa_blob,
          EncryptionAlgorithm="RSAES_OAEP_SHA_1", DryRun=True)
    fails(kms_client, "Decrypt", "InvalidCiphertextException", KeyId=key_id,
          CiphertextBlob=b"\x00" * 256, EncryptionAlgorithm="RSAES_OAEP_SHA_1", DryRun=True)
    if in_model("kms", "Decrypt.DryRunModifiers"):  # botocore 1.42.50+
        fails(kms_client, "Decrypt", "DryRunOperationException", KeyId=key_id,
              EncryptionAlgorithm="RSAES_OAEP_SHA_1", DryRun=True,
              DryRunModifiers=["IGNORE_CIPHERTEXT"])


# -- data key pairs --------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["RSA_2048", "ECC_NIST_P256", "ECC_SECG_P256K1",
                                  "ECC_NIST_EDWARDS25519",
                                  pytest.param("ML_KEM_768", marks=[
                                      needs_ml,
                                      requires_value("DataKeyPairSpec", "ML_KEM_768")])])
def test_a_data_key_pair_is_a_pkcs8_private_key_its_public_key_and_its_ciphertext(
    kms_client: Any, spec: str
) -> None:
    key = new_key(kms_client)

    pair = call(kms_client, "GenerateDataKeyPair", KeyId=key["KeyId"], KeyPairSpec=spec,
                EncryptionContext={"purpose": "pair"})

    assert (pair["KeyId"], pair["KeyPairSpec"]) == (key["Arn"], spec)
    assert pair["KeyMaterialId"] == key["CurrentKeyMaterialId"]
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    assert private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == pair["PublicKey"]
    decrypted = kms_client.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"],
                                   EncryptionContext={"purpose": "pair"})
    assert decrypted["Plaintext"] == pair["PrivateKeyPlaintext"]


def test_a_data_key_pair_without_plaintext_answers_only_the_encrypted_private_key(
    kms_client: Any,
) -> None:
    key = new_key(kms_client)

    pair = call(kms_client, "GenerateDataKeyPairWithoutPlaintext", KeyId=key["KeyId"],
                KeyPairSpec="ECC_NIST_P384")

    assert "PrivateKeyPlaintext" not in pair
    private_der = kms_client.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"])["Plaintext"]
    private = serialization.load_der_private_key(private_der, password=None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    assert private.curve.name == "secp384r1"


@pytest.mark.parametrize("operation", ["GenerateDataKeyPair",
                                       "GenerateDataKeyPairWithoutPlaintext"])
def test_data_key_pairs_need_a_usable_symmetric_key_and_a_supported_spec(
    kms_client: Any, ecc_signing_key: dict[str, Any], operation: str
) -> None:
    key = new_key(kms_client)

    for spec in ("SM2", "ML_KEM_512"):
        if not in_model("kms", f"DataKeyPairSpec={spec}"):
            continue  # an older botocore cannot send it (docs/coverage.md)
        fails(kms_client, operation, "UnsupportedOperationException", KeyId=key["KeyId"],
              KeyPairSpec=spec)
    fails(kms_client, operation, "InvalidKeyUsageException", KeyId=ecc_signing_key["KeyId"],
          KeyPairSpec="RSA_2048")
    fails(kms_client, operation, "DryRunOperationException", KeyId=key["KeyId"],
          KeyPairSpec="ECC_NIST_P256", DryRun=True)
    fails(kms_client, operation, "InvalidGrantTokenException", KeyId=key["KeyId"],
          KeyPairSpec="ECC_NIST_P256", GrantTokens=["bogus"])
    fails(kms_client, operation, "NotFoundException", KeyId="alias/missing",
          KeyPairSpec="ECC_NIST_P256")
    kms_client.disable_key(KeyId=key["KeyId"])
    fails(kms_client, operation, "DisabledException", KeyId=key["KeyId"],
          KeyPairSpec="ECC_NIST_P256")
    schedule_deletion(kms_client, key["KeyId"])
    fails(kms_client, operation, "KMSInvalidStateException", KeyId=key["KeyId"],
          KeyPairSpec="ECC_NIST_P256")


def test_recipient_is_refused_for_data_key_pairs_and_shared_secrets(kms_client: Any) -> None:
    key = new_key(kms_client)
    recipient = {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": b"doc"}

    fails(kms_client, "GenerateDataKeyPair", "ValidationException", KeyId=key["KeyId"],
          KeyPairSpec="ECC_NIST_P256", Recipient=recipient)
    fails(kms_client, "DeriveSharedSecret", "ValidationException", KeyId=key["KeyId"],
          KeyAgreementAlgorithm="ECDH", PublicKey=b"p", Recipient=recipient)


# -- key agreement ---------------------------------------------------------------------------


def test_derive_shared_secret_agrees_with_the_peer(kms_client: Any) -> None:
    key = keypair(kms_client, "ECC_NIST_P256", "KEY_AGREEMENT")
    peer = ec.generate_private_key(ec.SECP256R1())
    peer_public = peer.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    derived = call(kms_client, "DeriveSharedSecret", KeyId=key["KeyId"],
                   KeyAgreementAlgorithm="ECDH", PublicKey=peer_public)

    assert derived["SharedSecret"] == peer.exchange(ec.ECDH(), public_key(kms_client,
                                                                          key["KeyId"]))
    assert (derived["KeyId"], derived["KeyAgreementAlgorithm"], derived["KeyOrigin"]) == (
        key["Arn"], "ECDH", "AWS_KMS")


def test_derive_shared_secret_needs_a_peer_key_on_the_same_curve(
    kms_client: Any, ecc_signing_key: dict[str, Any]
) -> None:
    key = keypair(kms_client, "ECC_NIST_P256", "KEY_AGREEMENT")
    other_curve = ec.generate_private_key(ec.SECP384R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    for public in (other_curve, b"not a key"):
        fails(kms_client, "DeriveSharedSecret", "ValidationException", KeyId=key["KeyId"],
              KeyAgreementAlgorithm="ECDH", PublicKey=public)
    fails(kms_client, "DeriveSharedSecret", "InvalidKeyUsageException",
          KeyId=ecc_signing_key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=other_curve)
    fails(kms_client, "DeriveSharedSecret", "DryRunOperationException", KeyId=key["KeyId"],
          KeyAgreementAlgorithm="ECDH", PublicKey=public_key_bytes(kms_client, key["KeyId"]),
          DryRun=True)
    kms_client.disable_key(KeyId=key["KeyId"])
    fails(kms_client, "DeriveSharedSecret", "DisabledException", KeyId=key["KeyId"],
          KeyAgreementAlgorithm="ECDH", PublicKey=other_curve)


# -- key encapsulation -----------------------------------------------------------------------


@needs_ml
@requires_operation("Encapsulate")
def test_encapsulate_and_decapsulate_share_a_secret(kms_client: Any) -> None:
    from cryptography.hazmat.primitives.asymmetric import mlkem

    key = keypair(kms_client, "ML_KEM_768", "ENCAPSULATE_DECAPSULATE")

    sent = call(kms_client, "Encapsulate", KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")
    received = call(kms_client, "Decapsulate", KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                    SharedSecretCiphertextBlob=sent["SharedSecretCiphertextBlob"])

    assert received["SharedSecret"] == sent["SharedSecret"]
    assert len(sent["SharedSecret"]) == 32
    offline = public_key(kms_client, key["KeyId"])
    assert isinstance(offline, mlkem.MLKEM768PublicKey)
    secret, ciphertext = offline.encapsulate()
    assert call(kms_client, "Decapsulate", KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                SharedSecretCiphertextBlob=ciphertext)["SharedSecret"] == secret


@needs_ml
@requires_operation("Decapsulate")
def test_decapsulation_checks_the_ciphertext_and_the_key(kms_client: Any) -> None:
    key = keypair(kms_client, "ML_KEM_1024", "ENCAPSULATE_DECAPSULATE")
    symmetric = new_key(kms_client)

    fails(kms_client, "Decapsulate", "InvalidCiphertextException", KeyId=key["KeyId"],
          EncapsulationAlgorithm="ML_KEM", SharedSecretCiphertextBlob=b"short")
    fails(kms_client, "Encapsulate", "InvalidKeyUsageException", KeyId=symmetric["KeyId"],
          EncapsulationAlgorithm="ML_KEM")
    fails(kms_client, "Encapsulate", "DryRunOperationException", KeyId=key["KeyId"],
          EncapsulationAlgorithm="ML_KEM", DryRun=True)
    fails(kms_client, "Decapsulate", "DryRunOperationException", KeyId=key["KeyId"],
          EncapsulationAlgorithm="ML_KEM", SharedSecretCiphertextBlob=b"c" * 1568, DryRun=True)
    kms_client.disable_key(KeyId=key["KeyId"])
    fails(kms_client, "Encapsulate", "DisabledException", KeyId=key["KeyId"],
          EncapsulationAlgorithm="ML_KEM")
