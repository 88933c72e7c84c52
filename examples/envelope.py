"""A small application module, as a user would have one: envelope encryption with KMS."""

from __future__ import annotations

import os
from dataclasses import dataclass

import boto3
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


@dataclass
class Sealed:
    """What the application stores: the encrypted data key and the data under it."""

    encrypted_key: bytes
    nonce: bytes
    ciphertext: bytes


def seal(key_id: str, data: bytes, context: dict[str, str]) -> Sealed:
    """Encrypt ``data`` under a fresh data key from KMS."""
    kms = boto3.client("kms")
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=context)
    nonce = os.urandom(12)
    ciphertext = AESGCM(data_key["Plaintext"]).encrypt(nonce, data, None)
    return Sealed(data_key["CiphertextBlob"], nonce, ciphertext)


def unseal(sealed: Sealed, context: dict[str, str]) -> bytes:
    """Decrypt what :func:`seal` produced; KMS must agree on the context."""
    kms = boto3.client("kms")
    data_key = kms.decrypt(CiphertextBlob=sealed.encrypted_key, EncryptionContext=context)
    return AESGCM(data_key["Plaintext"]).decrypt(sealed.nonce, sealed.ciphertext, None)
