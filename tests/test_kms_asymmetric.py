"""Asymmetric KMS keys: CreateKey with RSA, ECC, ML-DSA and ML-KEM key specs, GetPublicKey,
Sign and Verify. (Encryption, data key pairs, key agreement and key encapsulation are in
``test_kms_asymmetric_encryption.py``.)

Signatures are checked outside KMS with ``cryptography`` and the public key that
GetPublicKey answers. Every successful response is checked against the botocore output shape.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from helpers import (
    call,
    fails,
    keypair,
    needs_ml,
    new_key,
    public_key,
    requires_value,
    schedule_deletion,
)

from pytest_cloudhsm_kms import CloudHsmKms

RSA_SIGNING = ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
               "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384",
               "RSASSA_PSS_SHA_512"]
METADATA = [
    ("RSA_2048", "ENCRYPT_DECRYPT", "EncryptionAlgorithms",
     ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]),
    ("RSA_2048", "SIGN_VERIFY", "SigningAlgorithms", RSA_SIGNING),
    ("ECC_NIST_P256", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_256"]),
    ("ECC_NIST_P384", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_384"]),
    ("ECC_NIST_P521", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_512"]),
    ("ECC_SECG_P256K1", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_256"]),
    ("ECC_NIST_P384", "KEY_AGREEMENT", "KeyAgreementAlgorithms", ["ECDH"]),
    pytest.param("ML_DSA_65", "SIGN_VERIFY", "SigningAlgorithms", ["ML_DSA_SHAKE_256"],
                 marks=needs_ml),
    pytest.param("ML_KEM_768", "ENCAPSULATE_DECAPSULATE", "EncapsulationAlgorithms", ["ML_KEM"],
                 marks=[needs_ml, requires_value("KeySpec", "ML_KEM_768")]),
]
ECDSA = [("ECC_NIST_P256", "ECDSA_SHA_256", hashes.SHA256()),
         ("ECC_NIST_P384", "ECDSA_SHA_384", hashes.SHA384()),
         ("ECC_NIST_P521", "ECDSA_SHA_512", hashes.SHA512()),
         ("ECC_SECG_P256K1", "ECDSA_SHA_256", hashes.SHA256())]


# -- CreateKey and GetPublicKey --------------------------------------------------------------


@pytest.mark.parametrize(("spec", "usage", "member", "algorithms"), METADATA)
def test_an_asymmetric_key_lists_the_algorithms_of_its_spec_and_usage(
    kms_client: Any, spec: str, usage: str, member: str, algorithms: list[str]
) -> None:
    metadata = keypair(kms_client, spec, usage)

    assert (metadata["KeySpec"], metadata["KeyUsage"]) == (spec, usage)
    assert metadata[member] == algorithms
    assert metadata["KeyState"] == "Enabled"
    assert "CurrentKeyMaterialId" not in metadata
    others = {"EncryptionAlgorithms", "SigningAlgorithms", "KeyAgreementAlgorithms",
              "EncapsulationAlgorithms", "MacAlgorithms"} - {member}
    assert not others & set(metadata)
    public = call(kms_client, "GetPublicKey", KeyId=metadata["KeyId"])
    assert public["KeyId"] == metadata["Arn"]
    assert (public["KeySpec"], public["KeyUsage"]) == (spec, usage)
    assert public[member] == algorithms


@pytest.mark.parametrize(
    ("spec", "kind"),
    [("RSA_2048", rsa.RSAPublicKey), ("ECC_NIST_P521", ec.EllipticCurvePublicKey),
     ("ECC_SECG_P256K1", ec.EllipticCurvePublicKey),
     pytest.param("ML_DSA_44", "MLDSA44PublicKey", marks=needs_ml)],
)
def test_get_public_key_answers_der_subject_public_key_info(
    kms_client: Any, spec: str, kind: type | str
) -> None:
    if isinstance(kind, str):
        from cryptography.hazmat.primitives.asymmetric import mldsa

        kind = getattr(mldsa, kind)
    key = keypair(kms_client, spec, "SIGN_VERIFY")

    assert isinstance(public_key(kms_client, key["KeyId"]), kind)  # type: ignore[arg-type]


def test_an_rsa_key_has_the_size_of_its_key_spec(kms_client: Any) -> None:
    """RSA_3072 and RSA_4096 keys are made in ``test_kms_asymmetric_encryption.py`` and
    ``test_kms_rsa_4096.py``: each new RSA key pair size costs this file a fraction of a second."""
    key = keypair(kms_client, "RSA_2048", "ENCRYPT_DECRYPT")

    assert public_key(kms_client, key["KeyId"]).key_size == 2048
    assert key["CustomerMasterKeySpec"] == "RSA_2048"


def test_rsa_keys_of_one_environment_are_distinct(kms_client: Any) -> None:
    first = keypair(kms_client, "RSA_2048", "SIGN_VERIFY")
    second = keypair(kms_client, "RSA_2048", "SIGN_VERIFY")

    assert (public_key(kms_client, first["KeyId"]).public_numbers()
            != public_key(kms_client, second["KeyId"]).public_numbers())


def test_a_seeded_environment_makes_the_same_ecc_key_every_run() -> None:
    numbers = []
    for _ in range(2):
        with CloudHsmKms(seed=7) as aws:
            client = aws.client("kms")
            key = keypair(client, "ECC_NIST_P384", "SIGN_VERIFY")
            numbers.append(public_key(client, key["KeyId"]).public_numbers())

    assert numbers[0] == numbers[1]


@pytest.mark.parametrize(
    ("spec", "usage"),
    [("RSA_2048", "GENERATE_VERIFY_MAC"), ("RSA_2048", "KEY_AGREEMENT"),
     ("ECC_NIST_P256", "ENCRYPT_DECRYPT"), ("ECC_SECG_P256K1", "KEY_AGREEMENT"),
     ("ML_DSA_44", "ENCRYPT_DECRYPT"),
     pytest.param("ML_KEM_768", "SIGN_VERIFY", marks=requires_value("KeySpec", "ML_KEM_768"))],
)
def test_a_key_usage_the_key_spec_does_not_support_is_a_validation_error(
    kms_client: Any, spec: str, usage: str
) -> None:
    message = fails(kms_client, "CreateKey", "ValidationException", KeySpec=spec,
                    KeyUsage=usage)

    assert message == f"KeyUsage {usage} is not compatible with KeySpec {spec}"


@pytest.mark.parametrize(
    ("spec", "usage"),
    [("SM2", "SIGN_VERIFY"), ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY"),
     pytest.param("ML_KEM_512", "ENCAPSULATE_DECAPSULATE",
                  marks=requires_value("KeySpec", "ML_KEM_512"))],
)
def test_key_specs_the_fake_cannot_offer_are_unsupported(
    kms_client: Any, spec: str, usage: str
) -> None:
    message = fails(kms_client, "CreateKey", "UnsupportedOperationException", KeySpec=spec,
                    KeyUsage=usage)

    assert message == f"KeySpec {spec} is not supported by pytest-cloudhsm-kms."


def test_symmetric_and_hmac_keys_have_no_public_key(kms_client: Any) -> None:
    for params in ({}, {"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}):
        key = new_key(kms_client, **params)
        fails(kms_client, "GetPublicKey", "UnsupportedOperationException", KeyId=key["KeyId"])


def test_get_public_key_checks_the_key_state_and_grant_tokens(
    kms_client: Any, ecc_signing_key: dict[str, Any]
) -> None:
    fails(kms_client, "GetPublicKey", "InvalidGrantTokenException", KeyId=ecc_signing_key["KeyId"],
          GrantTokens=["bogus"])
    kms_client.disable_key(KeyId=ecc_signing_key["KeyId"])
    fails(kms_client, "GetPublicKey", "DisabledException", KeyId=ecc_signing_key["KeyId"])
    schedule_deletion(kms_client, ecc_signing_key["KeyId"])
    fails(kms_client, "GetPublicKey", "KMSInvalidStateException", KeyId=ecc_signing_key["KeyId"])
    fails(kms_client, "GetPublicKey", "NotFoundException", KeyId="alias/missing")


# -- Sign and Verify -------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", RSA_SIGNING)
def test_rsa_signatures_verify_with_the_public_key(
    kms_client: Any, rsa_signing_key: dict[str, Any], algorithm: str
) -> None:
    signed = call(kms_client, "Sign", KeyId=rsa_signing_key["KeyId"], Message=b"order 42",
                  SigningAlgorithm=algorithm)
    assert (signed["KeyId"], signed["SigningAlgorithm"]) == (rsa_signing_key["Arn"], algorithm)

    digest = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}[
        algorithm[-3:]]
    scheme = (padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
              if "PSS" in algorithm else padding.PKCS1v15())
    public_key(kms_client, rsa_signing_key["KeyId"]).verify(
        signed["Signature"], b"order 42", scheme, digest)
    verified = call(kms_client, "Verify", KeyId=rsa_signing_key["KeyId"], Message=b"order 42",
                    Signature=signed["Signature"], SigningAlgorithm=algorithm)
    assert verified["SignatureValid"] is True


@pytest.mark.parametrize(("spec", "algorithm", "digest"), ECDSA)
def test_ecdsa_signatures_of_a_message_or_its_digest_verify_with_the_public_key(
    kms_client: Any, spec: str, algorithm: str, digest: hashes.HashAlgorithm
) -> None:
    key = keypair(kms_client, spec, "SIGN_VERIFY")
    hasher = hashes.Hash(digest)
    hasher.update(b"order 42")
    message_digest = hasher.finalize()

    raw = call(kms_client, "Sign", KeyId=key["KeyId"], Message=b"order 42",
               SigningAlgorithm=algorithm, MessageType="RAW")["Signature"]
    of_digest = call(kms_client, "Sign", KeyId=key["KeyId"], Message=message_digest,
                     SigningAlgorithm=algorithm, MessageType="DIGEST")["Signature"]

    verifier = public_key(kms_client, key["KeyId"])
    verifier.verify(raw, b"order 42", ec.ECDSA(digest))
    verifier.verify(of_digest, b"order 42", ec.ECDSA(digest))
    call(kms_client, "Verify", KeyId=key["KeyId"], Message=message_digest, MessageType="DIGEST",
         Signature=raw, SigningAlgorithm=algorithm)


@needs_ml
def test_ml_dsa_signs_raw_messages_and_external_mu(kms_client: Any) -> None:
    from cryptography.hazmat.primitives.asymmetric import mldsa

    key = keypair(kms_client, "ML_DSA_44", "SIGN_VERIFY")
    verifier = public_key(kms_client, key["KeyId"])
    hasher = mldsa.MLDSAMuHasher(verifier)
    hasher.update(b"order 42")
    mu = hasher.finalize()

    raw = call(kms_client, "Sign", KeyId=key["KeyId"], Message=b"order 42",
               SigningAlgorithm="ML_DSA_SHAKE_256")["Signature"]
    external = call(kms_client, "Sign", KeyId=key["KeyId"], Message=mu, MessageType="EXTERNAL_MU",
                    SigningAlgorithm="ML_DSA_SHAKE_256")["Signature"]

    verifier.verify(raw, b"order 42")
    verifier.verify(external, b"order 42")
    call(kms_client, "Verify", KeyId=key["KeyId"], Message=mu, MessageType="EXTERNAL_MU",
         Signature=raw, SigningAlgorithm="ML_DSA_SHAKE_256")
    fails(kms_client, "Sign", "ValidationException", KeyId=key["KeyId"], Message=mu[:32],
          MessageType="EXTERNAL_MU", SigningAlgorithm="ML_DSA_SHAKE_256")
    fails(kms_client, "Sign", "ValidationException", KeyId=key["KeyId"], Message=mu,
          MessageType="DIGEST", SigningAlgorithm="ML_DSA_SHAKE_256")


def test_a_signature_that_does_not_verify_is_an_invalid_signature(
    kms_client: Any, ecc_signing_key: dict[str, Any]
) -> None:
    signature = kms_client.sign(KeyId=ecc_signing_key["KeyId"], Message=b"m",
                                SigningAlgorithm="ECDSA_SHA_256")["Signature"]

    fails(kms_client, "Verify", "KMSInvalidSignatureException", KeyId=ecc_signing_key["KeyId"],
          Message=b"other", Signature=signature, SigningAlgorithm="ECDSA_SHA_256")
    fails(kms_client, "Verify", "KMSInvalidSignatureException", KeyId=ecc_signing_key["KeyId"],
          Message=b"m", Signature=b"\x00" * 70, SigningAlgorithm="ECDSA_SHA_256")


def test_a_digest_must_have_the_length_of_the_algorithm_hash(
    kms_client: Any, ecc_signing_key: dict[str, Any]
) -> None:
    fails(kms_client, "Sign", "ValidationException", KeyId=ecc_signing_key["KeyId"],
          Message=hashlib.sha384(b"m").digest(), MessageType="DIGEST",
          SigningAlgorithm="ECDSA_SHA_256")
    fails(kms_client, "Sign", "ValidationException", KeyId=ecc_signing_key["KeyId"],
          Message=b"m" * 64, MessageType="EXTERNAL_MU", SigningAlgorithm="ECDSA_SHA_256")


def test_signing_needs_a_signing_key_and_one_of_its_algorithms(
    kms_client: Any, ecc_signing_key: dict[str, Any], rsa_encryption_key: dict[str, Any]
) -> None:
    fails(kms_client, "Sign", "InvalidKeyUsageException", KeyId=ecc_signing_key["KeyId"],
          Message=b"m", SigningAlgorithm="ECDSA_SHA_384")
    fails(kms_client, "Sign", "InvalidKeyUsageException", KeyId=rsa_encryption_key["KeyId"],
          Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")
    fails(kms_client, "Verify", "InvalidKeyUsageException", KeyId=new_key(kms_client)["KeyId"],
          Message=b"m", Signature=b"s", SigningAlgorithm="ECDSA_SHA_256")
    fails(kms_client, "Encrypt", "InvalidKeyUsageException", KeyId=ecc_signing_key["KeyId"],
          Plaintext=b"x")


@pytest.mark.parametrize("operation", ["Sign", "Verify"])
def test_a_disabled_or_deleting_key_signs_and_verifies_nothing(
    kms_client: Any, ecc_signing_key: dict[str, Any], operation: str
) -> None:
    params: dict[str, Any] = {"KeyId": ecc_signing_key["KeyId"], "Message": b"m",
                              "SigningAlgorithm": "ECDSA_SHA_256"}
    if operation == "Verify":
        params["Signature"] = b"s"
    kms_client.disable_key(KeyId=ecc_signing_key["KeyId"])
    fails(kms_client, operation, "DisabledException", **params)
    schedule_deletion(kms_client, ecc_signing_key["KeyId"])
    fails(kms_client, operation, "KMSInvalidStateException", **params)
    fails(kms_client, operation, "NotFoundException", **{**params, "KeyId": "alias/missing"})
    fails(kms_client, operation, "InvalidGrantTokenException", GrantTokens=["bogus"], **params)


def test_a_dry_run_signature_answers_dry_run_or_the_real_error(
    kms_client: Any, ecc_signing_key: dict[str, Any]
) -> None:
    signature = kms_client.sign(KeyId=ecc_signing_key["KeyId"], Message=b"m",
                                SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    params = {"KeyId": ecc_signing_key["KeyId"], "Message": b"m",
              "SigningAlgorithm": "ECDSA_SHA_256"}

    fails(kms_client, "Sign", "DryRunOperationException", DryRun=True, **params)
    fails(kms_client, "Verify", "DryRunOperationException", DryRun=True, Signature=signature,
          **params)
    fails(kms_client, "Sign", "InvalidKeyUsageException", DryRun=True,
          **{**params, "SigningAlgorithm": "ECDSA_SHA_512"})


def test_a_digest_signature_verifies_as_a_prehashed_signature(
    kms_client: Any, ecc_signing_key: dict[str, Any]
) -> None:
    digest = hashlib.sha256(b"m").digest()
    signature = kms_client.sign(KeyId=ecc_signing_key["KeyId"], Message=digest,
                                MessageType="DIGEST",
                                SigningAlgorithm="ECDSA_SHA_256")["Signature"]

    public_key(kms_client, ecc_signing_key["KeyId"]).verify(
        signature, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
