"""Key pairs and the cryptography of asymmetric keys: generation, DER encodings, RSAES-OAEP,
signatures (RSA, ECDSA, ML-DSA). Plain functions; the operations are in :mod:`.asymmetric`
and :mod:`.crypto`.

The cryptography is real (``cryptography``): signatures verify with the public
key outside KMS, RSA ciphertext decrypts with the private key, ECDH secrets agree.

Key pairs and repeatability. EC, ML-DSA and ML-KEM private keys are drawn from
the environment's entropy, so a seeded environment makes the same key pairs run
after run. RSA key generation is slow (up to a second for RSA_4096), so RSA key
pairs come from a pool kept for the whole process: the n-th RSA key of a size
that an environment makes is the n-th key of that size's pool (generated once,
on first use; the pool holds :data:`RSA_POOL_SIZE` keys, then starts over). RSA
keys are therefore distinct within an environment (up to the pool size) and
shared between environments of one process. Without a seed the pool comes from
OpenSSL. With a seed it comes from :func:`~pytest_cloudhsm_kms.rsa_keys.rsa_key`
(primes from a deterministic stream, the same in every process), and the seed
picks where in it an environment starts, so a seeded run makes the same RSA
key pairs in every process. RSAES-OAEP ciphertexts still differ run after run:
OAEP pads with fresh randomness, in AWS too (docs/aws-behaviour.md §4).
"""

from __future__ import annotations

import hashlib
import weakref
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from ..rsa_keys import rsa_key
from .declaration import declared_error
from .model import Key, KeyPairMaterial

if TYPE_CHECKING:
    from ..context import RequestContext
    from ..entropy import Entropy

try:  # ML-DSA and ML-KEM need cryptography >= 47
    from cryptography.hazmat.primitives.asymmetric import mldsa, mlkem
except ImportError:  # pragma: no cover - depends on the installed cryptography
    mldsa = mlkem = None  # type: ignore[assignment]

__all__ = [
    "CURVES",
    "ML_KEY_TYPES",
    "RSA_POOL_SIZE",
    "check_message",
    "hash_of",
    "max_rsa_plaintext",
    "new_key_pair",
    "oaep",
    "private_key_der",
    "private_key_of",
    "public_key_der",
    "sign",
    "supported_key_pair_spec",
    "verify",
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
    if entropy.seed is not None:
        start = hashlib.sha256(str(entropy.seed).encode()).digest()[0]
        return rsa_key(bits, f"pool {(start + index) % RSA_POOL_SIZE}")
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


def hash_of(algorithm: str) -> hashes.HashAlgorithm:
    return _HASHES[algorithm[algorithm.rindex("SHA_"):]]()


def oaep(algorithm: str) -> padding.OAEP:
    digest = hash_of(algorithm)
    return padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)


def max_rsa_plaintext(key_bits: int, algorithm: str) -> int:
    """The longest plaintext RSAES-OAEP takes with this key size and hash."""
    return key_bits // 8 - 2 * hash_of(algorithm).digest_size - 2


def private_key_of(key: Key) -> Any:
    """The private key of an asymmetric key that may run cryptography (so it has one)."""
    material = key.material
    assert isinstance(material, KeyPairMaterial) and material.private_key is not None
    return material.private_key


def check_message(
    ctx: RequestContext, key: Key, algorithm: str, message_type: str, message: bytes
) -> bytes:
    """The message of Sign or Verify, checked against its type (the operation's messages)."""
    if message_type == "EXTERNAL_MU":
        if not key.key_spec.startswith("ML_DSA") or len(message) != 64:
            raise declared_error(ctx, "external_mu")
    elif message_type == "DIGEST":
        if key.key_spec.startswith("ML_DSA"):
            raise declared_error(ctx, "ml_dsa_digest")
        if len(message) != hash_of(algorithm).digest_size:
            raise declared_error(ctx, "digest_length", algorithm=algorithm)
    return message


def sign(private_key: Any, spec: str, algorithm: str, message_type: str, message: bytes) -> bytes:
    signature: bytes
    if spec.startswith("ML_DSA"):
        if message_type == "EXTERNAL_MU":
            signature = private_key.sign_mu(message)
        else:
            signature = private_key.sign(message)
        return signature
    digest = hash_of(algorithm)
    chosen: Any = utils.Prehashed(digest) if message_type == "DIGEST" else digest
    if spec.startswith("RSA_"):
        signature = private_key.sign(message, _rsa_padding(algorithm, digest), chosen)
    else:
        signature = private_key.sign(message, ec.ECDSA(chosen))
    return signature


def verify(
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
        digest = hash_of(algorithm)
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
