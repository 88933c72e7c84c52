"""RSA_4096 keys end to end. Kept apart because making an RSA_4096 key pair takes about a
second (once per process: see the RSA pool in ``pytest_cloudhsm_kms.kms.keypairs``)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from helpers import call, fails, new_key


def test_an_rsa_4096_key_encrypts_up_to_470_or_446_bytes_and_signs(kms_client: Any) -> None:
    key = new_key(kms_client, KeySpec="RSA_4096", KeyUsage="ENCRYPT_DECRYPT")
    assert key["CustomerMasterKeySpec"] == "RSA_4096"
    public = serialization.load_der_public_key(
        call(kms_client, "GetPublicKey", KeyId=key["KeyId"])["PublicKey"])
    assert public.key_size == 4096  # type: ignore[union-attr]

    for algorithm, limit in (("RSAES_OAEP_SHA_1", 470), ("RSAES_OAEP_SHA_256", 446)):
        blob = call(kms_client, "Encrypt", KeyId=key["KeyId"], Plaintext=b"x" * limit,
                    EncryptionAlgorithm=algorithm)["CiphertextBlob"]
        assert len(blob) == 512
        assert call(kms_client, "Decrypt", KeyId=key["KeyId"], CiphertextBlob=blob,
                    EncryptionAlgorithm=algorithm)["Plaintext"] == b"x" * limit
        fails(kms_client, "Encrypt", "ValidationException", KeyId=key["KeyId"],
              Plaintext=b"x" * (limit + 1), EncryptionAlgorithm=algorithm)

    signing = new_key(kms_client, KeySpec="RSA_4096", KeyUsage="SIGN_VERIFY")
    signature = call(kms_client, "Sign", KeyId=signing["KeyId"], Message=b"m",
                     SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_512")["Signature"]
    serialization.load_der_public_key(
        kms_client.get_public_key(KeyId=signing["KeyId"])["PublicKey"]
    ).verify(signature, b"m", padding.PKCS1v15(), hashes.SHA512())  # type: ignore[union-attr, call-arg, arg-type]
