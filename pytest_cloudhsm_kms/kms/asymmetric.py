"""Asymmetric KMS keys: key pairs, GetPublicKey, Sign, Verify, RSA Encrypt and Decrypt,
GenerateDataKeyPair(WithoutPlaintext), DeriveSharedSecret, Encapsulate and Decapsulate.

The cryptography is real (``cryptography``): signatures verify with the public
key outside KMS, RSA ciphertext decrypts with the private key, ECDH secrets agree.

Key pairs and repeatability. EC, ML-DSA and ML-KEM private keys are drawn from
the environment's entropy, so a seeded environment makes the same key pairs run
after run. RSA key generation is slow (up to a second for RSA_4096), so RSA key
pairs come from a pool kept for the whole process: the n-th RSA key of a size
that an environment makes is the n-th key of that size's pool (generated once,
on first use; the pool holds :data:`RSA_POOL_SIZE` keys, then starts over). RSA
keys are therefore distinct within an environment (up to the pool size), shared
between environments of one process, and not repeatable across processes even
with a seed.

Key specs this fake does not offer answer ``UnsupportedOperationException`` at
CreateKey: ``SM2`` (China Regions only), ``ECC_NIST_EDWARDS25519`` (its
``ED25519_PH_SHA_512`` algorithm, HashEdDSA, is not in ``cryptography``),
``ML_KEM_512``, and the ML-DSA and ML-KEM specs when the installed
``cryptography`` lacks them.

Choices where AWS documents nothing (UNCONFIRMED):

* A plaintext longer than the RSA key and OAEP hash allow (214/190 bytes for
  RSA_2048 with SHA-1/SHA-256, 342/318 for RSA_3072, 470/446 for RSA_4096) and an
  ``EncryptionContext`` with an RSA key are ``ValidationException``.
* A ``DIGEST`` message whose length is not the algorithm's hash length, and
  ``EXTERNAL_MU`` with anything but an ML-DSA key or with other than 64 bytes,
  are ``ValidationException``.
* A peer public key that is not DER SubjectPublicKeyInfo on the key's curve is
  ``ValidationException``.
* GetPublicKey of a symmetric or HMAC key is ``UnsupportedOperationException``.
* Decrypt with an RSA algorithm and no ``KeyId`` looks for a symmetric blob's key:
  ``InvalidKeyUsageException`` if it names one, else ``InvalidCiphertextException``.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from ..errors import ServiceError, constraint, validation_error
from .base import OperationsBase, dry_run, dry_run_error, state_error
from .keys import ALGORITHMS, Key, KeyPairMaterial

if TYPE_CHECKING:
    from ..entropy import Entropy

try:  # ML-DSA and ML-KEM need cryptography >= 47
    from cryptography.hazmat.primitives.asymmetric import mldsa, mlkem
except ImportError:  # pragma: no cover - depends on the installed cryptography
    mldsa = mlkem = None  # type: ignore[assignment]

__all__ = [
    "RSA_POOL_SIZE",
    "AsymmetricOperations",
    "new_key_pair",
    "private_key_der",
    "public_key_der",
    "supported_key_pair_spec",
]

RSA_POOL_SIZE = 8
_RSA_POOL: dict[int, list[rsa.RSAPrivateKey]] = {}
_RSA_USES: weakref.WeakKeyDictionary[Entropy, dict[int, int]] = weakref.WeakKeyDictionary()

CURVES: dict[str, ec.EllipticCurve] = {
    "ECC_NIST_P256": ec.SECP256R1(),
    "ECC_NIST_P384": ec.SECP384R1(),
    "ECC_NIST_P521": ec.SECP521R1(),
    "ECC_SECG_P256K1": ec.SECP256K1(),
}
ML_KEY_TYPES: dict[str, Any] = {}
if mldsa is not None and mlkem is not None:
    ML_KEY_TYPES = {
        "ML_DSA_44": mldsa.MLDSA44PrivateKey, "ML_DSA_65": mldsa.MLDSA65PrivateKey,
        "ML_DSA_87": mldsa.MLDSA87PrivateKey, "ML_KEM_768": mlkem.MLKEM768PrivateKey,
        "ML_KEM_1024": mlkem.MLKEM1024PrivateKey,
    }
_ML_SEED_BYTES = {"ML_DSA": 32, "ML_KEM": 64}
_EDWARDS = "ECC_NIST_EDWARDS25519"

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA_1": hashes.SHA1, "SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384,
    "SHA_512": hashes.SHA512,
}
_ML_KEM_CIPHERTEXT_BYTES = {"ML_KEM_768": 1088, "ML_KEM_1024": 1568}


def supported_key_pair_spec(spec: str) -> bool:
    """Whether this fake can make key pairs of ``spec`` (for KMS keys or data key pairs)."""
    return spec.startswith("RSA_") or spec in CURVES or spec in ML_KEY_TYPES or spec == _EDWARDS


def new_key_pair(spec: str, entropy: Entropy) -> Any:
    """A new private key of ``spec`` (see the module docstring about RSA)."""
    if spec.startswith("RSA_"):
        return _rsa_private_key(int(spec[4:]), entropy)
    if spec == _EDWARDS:  # data key pairs only: see the module docstring
        return ed25519.Ed25519PrivateKey.from_private_bytes(entropy.bytes(32))
    curve = CURVES.get(spec)
    if curve is not None:
        # Any value in [1, 2**(bits-1)] is below the order of these curves.
        bits = curve.key_size
        raw = int.from_bytes(entropy.bytes((bits + 7) // 8 + 8), "big")
        return ec.derive_private_key(raw % (1 << (bits - 1)) + 1, curve)
    factory = ML_KEY_TYPES[spec]
    return factory.from_seed_bytes(entropy.bytes(_ML_SEED_BYTES[spec[:6]]))


def _rsa_private_key(bits: int, entropy: Entropy) -> rsa.RSAPrivateKey:
    uses = _RSA_USES.setdefault(entropy, {})
    index = uses.get(bits, 0)
    uses[bits] = index + 1
    pool = _RSA_POOL.setdefault(bits, [])
    index %= RSA_POOL_SIZE
    while len(pool) <= index:
        pool.append(rsa.generate_private_key(public_exponent=65537, key_size=bits))
    return pool[index]


def public_key_der(private_key: Any) -> bytes:
    """The DER SubjectPublicKeyInfo of a private key's public key."""
    der: bytes = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return der


def private_key_der(private_key: Any) -> bytes:
    """The DER PKCS #8 of a private key, as GenerateDataKeyPair answers it."""
    der: bytes = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return der


def _hash_of(algorithm: str) -> hashes.HashAlgorithm:
    return _HASHES[algorithm[algorithm.rindex("SHA_"):]]()


def oaep(algorithm: str) -> padding.OAEP:
    digest = _hash_of(algorithm)
    return padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)


def max_rsa_plaintext(key_bits: int, algorithm: str) -> int:
    """The longest plaintext RSAES-OAEP takes with this key size and hash."""
    return key_bits // 8 - 2 * _hash_of(algorithm).digest_size - 2


class AsymmetricOperations(OperationsBase):
    """The asymmetric key operations of :class:`~.service.KmsService` (a mixin)."""

    if TYPE_CHECKING:
        def _seal(self, key: Key, plaintext: bytes, context: dict[str, str] | None) -> bytes: ...

    # -- public keys ------------------------------------------------------------------

    def GetPublicKey(self, p: dict[str, Any]) -> dict[str, Any]:
        key = self.key(p["KeyId"])
        self._refuse_cloudhsm_key(self._operation, p)
        material = key.material
        if not isinstance(material, KeyPairMaterial):
            raise ServiceError(
                "UnsupportedOperationException",
                f"{key.arn} is a {key.key_spec} key, which has no public key.",
            )
        _raise_state(key)
        result: dict[str, Any] = {
            "KeyId": key.arn,
            "PublicKey": public_key_der(material.private_key),
            "KeySpec": key.key_spec,
            "KeyUsage": key.key_usage,
        }
        if key.key_spec.startswith(("RSA_", "ECC_")):
            result["CustomerMasterKeySpec"] = key.key_spec
        member, algorithms = ALGORITHMS[(key.key_spec, key.key_usage)]
        result[member] = list(algorithms)
        return result

    # -- signatures -------------------------------------------------------------------

    def _signing_request(self, p: dict[str, Any]) -> tuple[Key, str, str, bytes]:
        """The key, algorithm, message type and message of a Sign or Verify request."""
        key = self._crypto_key(p["KeyId"], "SIGN_VERIFY")
        algorithm: str = p["SigningAlgorithm"]
        self._check_algorithm_of(key, algorithm, "SigningAlgorithms")
        message_type: str = p.get("MessageType", "RAW")
        message = _check_message(key, algorithm, message_type, p["Message"])
        dry_run(p)
        return key, algorithm, message_type, message

    def Sign(self, p: dict[str, Any]) -> dict[str, Any]:
        key, algorithm, message_type, message = self._signing_request(p)
        signature = _sign(_private_key(key), key.key_spec, algorithm, message_type, message)
        return {"KeyId": key.arn, "Signature": signature, "SigningAlgorithm": algorithm}

    def Verify(self, p: dict[str, Any]) -> dict[str, Any]:
        key, algorithm, message_type, message = self._signing_request(p)
        public_key = _private_key(key).public_key()
        if not _verify(public_key, key.key_spec, algorithm, message_type, message,
                       p["Signature"]):
            raise ServiceError("KMSInvalidSignatureException", None)
        return {"KeyId": key.arn, "SignatureValid": True, "SigningAlgorithm": algorithm}

    # -- RSA encryption (called by Encrypt, Decrypt and ReEncrypt) --------------------

    def _encrypt_asymmetric(self, key: Key, p: dict[str, Any]) -> dict[str, Any]:
        algorithm = self._asymmetric_algorithm(key, p.get("EncryptionAlgorithm"))
        if p.get("EncryptionContext"):
            raise _no_context()
        dry_run(p)
        blob = self._seal_asymmetric(key, p["Plaintext"], algorithm)
        return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": algorithm}

    def _decrypt_asymmetric(self, p: dict[str, Any]) -> dict[str, Any]:
        algorithm: str = p["EncryptionAlgorithm"]
        ignore = p.get("DryRun") and "IGNORE_CIPHERTEXT" in p.get("DryRunModifiers", ())
        blob = p.get("CiphertextBlob")
        if ignore and p.get("KeyId") is not None:
            self._asymmetric_source(p["KeyId"], algorithm)
            raise dry_run_error()
        key, plaintext = self._open_asymmetric(blob, p.get("KeyId"), algorithm,
                                               p.get("EncryptionContext"))
        dry_run(p)
        return {"KeyId": key.arn, "Plaintext": plaintext, "EncryptionAlgorithm": algorithm}

    def _open_asymmetric(
        self, blob: bytes | None, key_id: str | None, algorithm: str,
        context: dict[str, str] | None,
    ) -> tuple[Key, bytes]:
        """Decrypt RSA ciphertext with the key named by ``key_id``."""
        if key_id is None:
            self._symmetric_blob_key(blob, algorithm)
            raise ServiceError("InvalidCiphertextException", None)
        key = self._asymmetric_source(key_id, algorithm)
        if context:
            raise _no_context()
        if blob is None:
            raise validation_error(constraint("ciphertextBlob", "not be null"))
        try:
            plaintext: bytes = _private_key(key).decrypt(blob, oaep(algorithm))
        except ValueError:
            raise ServiceError("InvalidCiphertextException", None) from None
        return key, plaintext

    def _asymmetric_source(self, key_id: str, algorithm: str) -> Key:
        key = self._admit(self.key(key_id))
        error = state_error(key)
        if error is not None:
            raise error
        if key.key_usage != "ENCRYPT_DECRYPT":
            raise ServiceError(
                "InvalidKeyUsageException",
                f"{key.arn} key usage is {key.key_usage} which is not valid for "
                f"{self._operation}.",
            )
        self._check_algorithm_of(key, algorithm, "EncryptionAlgorithms")
        return key

    def _symmetric_blob_key(self, blob: bytes | None, algorithm: str) -> None:
        """An RSA algorithm with a symmetric blob: the blob's key refuses the algorithm."""
        from .ciphertext import parse

        if blob is None:
            return
        try:
            key = self.keys.get(parse(blob).key_id)
        except ServiceError:
            return
        if key is not None:
            self._check_algorithm_of(key, algorithm, "EncryptionAlgorithms")

    def _asymmetric_algorithm(self, key: Key, algorithm: str | None) -> str:
        """The RSAES algorithm of an RSA request (required: RSA keys have no default)."""
        if algorithm is None or algorithm == "SYMMETRIC_DEFAULT":
            raise ServiceError(
                "InvalidKeyUsageException",
                f"Algorithm {algorithm or 'SYMMETRIC_DEFAULT'} is incompatible with key spec "
                f"{key.key_spec}.",
            )
        self._check_algorithm_of(key, algorithm, "EncryptionAlgorithms")
        return algorithm

    def _seal_asymmetric(self, key: Key, plaintext: bytes, algorithm: str) -> bytes:
        private_key = _private_key(key)
        limit = max_rsa_plaintext(private_key.key_size, algorithm)
        if len(plaintext) > limit:
            raise ServiceError(
                "ValidationException",
                f"Plaintext of {len(plaintext)} bytes is longer than the {limit} bytes "
                f"{algorithm} takes with a {key.key_spec} key.",
            )
        ciphertext: bytes = private_key.public_key().encrypt(plaintext, oaep(algorithm))
        return ciphertext

    # -- data key pairs ---------------------------------------------------------------

    def GenerateDataKeyPair(self, p: dict[str, Any]) -> dict[str, Any]:
        if "Recipient" in p:
            from .service import _recipient_unsupported

            raise _recipient_unsupported()
        return self._data_key_pair(p, plaintext=True)

    def GenerateDataKeyPairWithoutPlaintext(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._data_key_pair(p, plaintext=False)

    def _data_key_pair(self, p: dict[str, Any], *, plaintext: bool) -> dict[str, Any]:
        key = self._crypto_key(p["KeyId"], "ENCRYPT_DECRYPT")
        if key.key_spec != "SYMMETRIC_DEFAULT":
            raise ServiceError(
                "InvalidKeyUsageException",
                f"{key.arn} is an asymmetric KMS key; data key pairs are encrypted under a "
                "symmetric encryption KMS key.",
            )
        spec: str = p["KeyPairSpec"]
        if not supported_key_pair_spec(spec) or spec.startswith("ML_DSA"):
            raise ServiceError(
                "UnsupportedOperationException",
                f"KeyPairSpec {spec} is not supported by pytest-cloudhsm-kms.",
            )
        dry_run(p)
        private_key = new_key_pair(spec, self.entropy)
        private = private_key_der(private_key)
        result: dict[str, Any] = {
            "PrivateKeyCiphertextBlob": self._seal(key, private, p.get("EncryptionContext")),
            "PublicKey": public_key_der(private_key),
            "KeyId": key.arn,
            "KeyPairSpec": spec,
        }
        if plaintext:
            result["PrivateKeyPlaintext"] = private
        material_id = key.material.current_material_id
        if material_id is not None:
            result["KeyMaterialId"] = material_id.hex()
        return result

    # -- key agreement and key encapsulation ------------------------------------------

    def DeriveSharedSecret(self, p: dict[str, Any]) -> dict[str, Any]:
        if "Recipient" in p:
            from .service import _recipient_unsupported

            raise _recipient_unsupported()
        key = self._crypto_key(p["KeyId"], "KEY_AGREEMENT")
        self._check_algorithm_of(key, p["KeyAgreementAlgorithm"], "KeyAgreementAlgorithms")
        private_key = _private_key(key)
        try:
            peer = serialization.load_der_public_key(p["PublicKey"])
        except (ValueError, UnsupportedAlgorithm):
            peer = None
        if not isinstance(peer, ec.EllipticCurvePublicKey) or (
                peer.curve.name != private_key.curve.name):
            raise ServiceError(
                "ValidationException",
                f"PublicKey must be a DER-encoded SubjectPublicKeyInfo of a {key.key_spec} "
                "public key.",
            )
        dry_run(p)
        secret: bytes = private_key.exchange(ec.ECDH(), peer)
        return {
            "KeyId": key.arn,
            "SharedSecret": secret,
            "KeyAgreementAlgorithm": "ECDH",
            "KeyOrigin": key.origin,
        }

    def Encapsulate(self, p: dict[str, Any]) -> dict[str, Any]:
        key = self._crypto_key(p["KeyId"], "ENCAPSULATE_DECAPSULATE")
        self._check_algorithm_of(key, p["EncapsulationAlgorithm"], "EncapsulationAlgorithms")
        dry_run(p)
        secret, ciphertext = _private_key(key).public_key().encapsulate()
        return {
            "KeyId": key.arn,
            "SharedSecret": secret,
            "SharedSecretCiphertextBlob": ciphertext,
            "EncapsulationAlgorithm": "ML_KEM",
        }

    def Decapsulate(self, p: dict[str, Any]) -> dict[str, Any]:
        """ML-KEM rejects a forged ciphertext implicitly: it decapsulates to another secret."""
        key = self._crypto_key(p["KeyId"], "ENCAPSULATE_DECAPSULATE")
        self._check_algorithm_of(key, p["EncapsulationAlgorithm"], "EncapsulationAlgorithms")
        ciphertext: bytes = p["SharedSecretCiphertextBlob"]
        if len(ciphertext) != _ML_KEM_CIPHERTEXT_BYTES[key.key_spec]:
            raise ServiceError("InvalidCiphertextException", None)
        dry_run(p)
        secret: bytes = _private_key(key).decapsulate(ciphertext)
        return {"KeyId": key.arn, "SharedSecret": secret, "EncapsulationAlgorithm": "ML_KEM"}


def _private_key(key: Key) -> Any:
    """The private key of an asymmetric key that may run cryptography (so it has one)."""
    material = key.material
    assert isinstance(material, KeyPairMaterial) and material.private_key is not None
    return material.private_key


def _raise_state(key: Key) -> None:
    error = state_error(key)
    if error is not None:
        raise error


def _no_context() -> ServiceError:
    return ServiceError(
        "ValidationException",
        "EncryptionContext is not supported with asymmetric KMS keys.",
    )


def _check_message(key: Key, algorithm: str, message_type: str, message: bytes) -> bytes:
    if message_type == "EXTERNAL_MU":
        if not key.key_spec.startswith("ML_DSA") or len(message) != 64:
            raise ServiceError(
                "ValidationException",
                "MessageType EXTERNAL_MU takes a 64-byte mu and an ML-DSA key.",
            )
    elif message_type == "DIGEST":
        if key.key_spec.startswith("ML_DSA"):
            raise ServiceError(
                "ValidationException",
                "ML-DSA keys take MessageType RAW or EXTERNAL_MU.",
            )
        size = _hash_of(algorithm).digest_size
        if len(message) != size:
            raise ServiceError(
                "ValidationException",
                f"Digest is invalid length for algorithm {algorithm}: expected {size} bytes.",
            )
    return message


def _sign(private_key: Any, spec: str, algorithm: str, message_type: str, message: bytes) -> bytes:
    signature: bytes
    if spec.startswith("ML_DSA"):
        if message_type == "EXTERNAL_MU":
            signature = private_key.sign_mu(message)
        else:
            signature = private_key.sign(message)
        return signature
    digest = _hash_of(algorithm)
    chosen: Any = utils.Prehashed(digest) if message_type == "DIGEST" else digest
    if spec.startswith("RSA_"):
        signature = private_key.sign(message, _rsa_padding(algorithm, digest), chosen)
    else:
        signature = private_key.sign(message, ec.ECDSA(chosen))
    return signature


def _verify(
    public_key: Any, spec: str, algorithm: str, message_type: str, message: bytes,
    signature: bytes,
) -> bool:
    try:
        if spec.startswith("ML_DSA"):
            if message_type == "EXTERNAL_MU":
                public_key.verify_mu(signature, message)
            else:
                public_key.verify(signature, message)
            return True
        digest = _hash_of(algorithm)
        chosen: Any = utils.Prehashed(digest) if message_type == "DIGEST" else digest
        if spec.startswith("RSA_"):
            public_key.verify(signature, message, _rsa_padding(algorithm, digest), chosen)
        else:
            public_key.verify(signature, message, ec.ECDSA(chosen))
    except (InvalidSignature, ValueError):
        return False
    return True


def _rsa_padding(algorithm: str, digest: hashes.HashAlgorithm) -> padding.AsymmetricPadding:
    if algorithm.startswith("RSASSA_PSS"):
        return padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
    return padding.PKCS1v15()
