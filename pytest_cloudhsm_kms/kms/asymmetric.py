"""Asymmetric KMS keys: GetPublicKey, Sign, Verify, GenerateDataKeyPair(WithoutPlaintext),
DeriveSharedSecret, Encapsulate and Decapsulate. RSA Encrypt and Decrypt are in
:mod:`.crypto`; key pairs and their cryptography in :mod:`.keypairs`.

Key specs this fake does not offer answer ``UnsupportedOperationException`` at
CreateKey: ``SM2`` (China Regions only), ``ECC_NIST_EDWARDS25519`` (its
``ED25519_PH_SHA_512`` algorithm, HashEdDSA, is not in ``cryptography``),
``ML_KEM_512``, and the ML-DSA and ML-KEM specs when the installed
``cryptography`` lacks them.

Choices where AWS documents nothing (docs/aws-behaviour.md §11.2):

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

import functools
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ..context import RequestContext
from .checks import check_algorithm_of, dry_run
from .ciphertext import seal
from .crypto import DATA_KEY_SPEC
from .declaration import (
    ASYMMETRIC_KINDS,
    InCloudHsm,
    Message,
    Params,
    Result,
    crypto_operation,
    declared_error,
)
from .family import Family
from .keypairs import (
    check_message,
    new_key_pair,
    private_key_der,
    private_key_of,
    public_key_der,
    sign,
    supported_key_pair_spec,
    verify,
)
from .model import ALGORITHMS, Key, KeyPairMaterial

__all__ = ["AsymmetricKeys"]

_ML_KEM_CIPHERTEXT_BYTES = {"ML_KEM_768": 1088, "ML_KEM_1024": 1568}

# The facts the operations of this family share.
_tracked_operation = functools.partial(crypto_operation, tracked=True, dry_run=True)
_key_pair_operation = functools.partial(_tracked_operation, in_cloudhsm=InCloudHsm.WRONG_KEY_USAGE)
_data_key_pair_operation = functools.partial(
    _tracked_operation, in_cloudhsm=InCloudHsm.UNSUPPORTED, grant_kinds={"symmetric"})

# GenerateDataKeyPair(WithoutPlaintext): as GenerateDataKey (Choice, docs/aws-behaviour.md §4.4).
_DATA_KEY_PAIR_MESSAGES: dict[str, Message] = {
    "data_key_spec": DATA_KEY_SPEC,
    # CreateKey's text names KeySpec; this member is KeyPairSpec.
    "unmodelled_spec": ("UnsupportedOperationException",
                        "KeyPairSpec {spec} is not supported by pytest-cloudhsm-kms."),
}
# Sign and Verify (recorded: docs/aws-behaviour.md §11.2; the ML-DSA texts are in AWS's style).
_SIGNATURE_MESSAGES: dict[str, Message] = {
    "digest_length": ("ValidationException",
                      "Digest is invalid length for algorithm {algorithm}."),
    "external_mu": ("ValidationException",
                    "MessageType EXTERNAL_MU takes a 64-byte mu and an ML-DSA key."),
    "ml_dsa_digest": ("ValidationException", "ML-DSA keys take MessageType RAW or EXTERNAL_MU."),
}


@dataclass(eq=False)
class AsymmetricKeys(Family):
    """The operations of asymmetric keys, and of data key pairs."""

    # -- public keys ------------------------------------------------------------------

    @crypto_operation(in_cloudhsm=InCloudHsm.UNSUPPORTED, grant_kinds=ASYMMETRIC_KINDS, messages={
        "no_public_key": ("UnsupportedOperationException",
                          "{arn} is a {spec} key, which has no public key."),
    })
    def GetPublicKey(self, ctx: RequestContext, p: Params) -> Result:
        key = self.check.in_cloudhsm(ctx, self.registry.key(p["KeyId"]))
        material = key.material
        if not isinstance(material, KeyPairMaterial):
            raise declared_error(ctx, "no_public_key", arn=key.arn, spec=key.key_spec)
        self.check.state(ctx, key)
        result: Result = {
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

    @_key_pair_operation(grant_kinds={"SIGN_VERIFY"}, messages=_SIGNATURE_MESSAGES)
    def Sign(self, ctx: RequestContext, p: Params) -> Result:
        key, algorithm, message_type, message = self._signing_request(ctx, p)
        signature = sign(private_key_of(key), key.key_spec, algorithm, message_type, message)
        return {"KeyId": key.arn, "Signature": signature, "SigningAlgorithm": algorithm}

    @_key_pair_operation(grant_kinds={"SIGN_VERIFY"}, messages={
        **_SIGNATURE_MESSAGES,
        "invalid_signature": ("KMSInvalidSignatureException", None),  # recorded
    })
    def Verify(self, ctx: RequestContext, p: Params) -> Result:
        key, algorithm, message_type, message = self._signing_request(ctx, p)
        public_key = private_key_of(key).public_key()
        if not verify(public_key, key.key_spec, algorithm, message_type, message,
                      p["Signature"]):
            raise declared_error(ctx, "invalid_signature")
        return {"KeyId": key.arn, "SignatureValid": True, "SigningAlgorithm": algorithm}

    def _signing_request(self, ctx: RequestContext, p: Params) -> tuple[Key, str, str, bytes]:
        """The key, algorithm, message type and message of a Sign or Verify request."""
        key = self.check.usable(ctx, self.registry.key(p["KeyId"]), "SIGN_VERIFY")
        algorithm: str = p["SigningAlgorithm"]
        check_algorithm_of(key, algorithm)
        message_type: str = p.get("MessageType", "RAW")
        message = check_message(ctx, key, algorithm, message_type, p["Message"])
        dry_run(p)
        return key, algorithm, message_type, message

    # -- data key pairs ---------------------------------------------------------------

    @_data_key_pair_operation(recipient=True, messages=_DATA_KEY_PAIR_MESSAGES)
    def GenerateDataKeyPair(self, ctx: RequestContext, p: Params) -> Result:
        return self._data_key_pair(ctx, p, plaintext=True)

    @_data_key_pair_operation(messages=_DATA_KEY_PAIR_MESSAGES)
    def GenerateDataKeyPairWithoutPlaintext(self, ctx: RequestContext, p: Params) -> Result:
        return self._data_key_pair(ctx, p, plaintext=False)

    def _data_key_pair(self, ctx: RequestContext, p: Params, *, plaintext: bool) -> Result:
        key = self.check.usable(ctx, self.registry.key(p["KeyId"]), "ENCRYPT_DECRYPT")
        if key.key_spec != "SYMMETRIC_DEFAULT":
            raise declared_error(ctx, "data_key_spec", arn=key.arn, spec=key.key_spec,
                                 operation=ctx.operation)
        spec: str = p["KeyPairSpec"]
        if not supported_key_pair_spec(spec) or spec.startswith("ML_DSA"):
            raise declared_error(ctx, "unmodelled_spec", spec=spec)
        dry_run(p)
        entropy = self.scope.entropy
        private_key = new_key_pair(spec, entropy)
        private = private_key_der(private_key)
        result: Result = {
            "PrivateKeyCiphertextBlob": seal(key, entropy.bytes(12), private,
                                             p.get("EncryptionContext")),
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

    @_key_pair_operation(recipient=True, grant_kinds={"KEY_AGREEMENT"}, messages={
        "invalid_public_key": ("ValidationException", None),  # recorded, §11.2
    })
    def DeriveSharedSecret(self, ctx: RequestContext, p: Params) -> Result:
        key = self.check.usable(ctx, self.registry.key(p["KeyId"]), "KEY_AGREEMENT")
        check_algorithm_of(key, p["KeyAgreementAlgorithm"])
        private_key = private_key_of(key)
        try:
            peer = serialization.load_der_public_key(p["PublicKey"])
        except (ValueError, UnsupportedAlgorithm):
            peer = None
        if not isinstance(peer, ec.EllipticCurvePublicKey) or (
                peer.curve.name != private_key.curve.name):
            raise declared_error(ctx, "invalid_public_key")
        dry_run(p)
        secret: bytes = private_key.exchange(ec.ECDH(), peer)
        return {
            "KeyId": key.arn,
            "SharedSecret": secret,
            "KeyAgreementAlgorithm": "ECDH",
            "KeyOrigin": key.origin,
        }

    @_key_pair_operation(grant_kinds={"ENCAPSULATE_DECAPSULATE"})
    def Encapsulate(self, ctx: RequestContext, p: Params) -> Result:
        key = self.check.usable(ctx, self.registry.key(p["KeyId"]), "ENCAPSULATE_DECAPSULATE")
        check_algorithm_of(key, p["EncapsulationAlgorithm"])
        dry_run(p)
        secret, ciphertext = private_key_of(key).public_key().encapsulate()
        return {
            "KeyId": key.arn,
            "SharedSecret": secret,
            "SharedSecretCiphertextBlob": ciphertext,
            "EncapsulationAlgorithm": "ML_KEM",
        }

    @_key_pair_operation(grant_kinds={"ENCAPSULATE_DECAPSULATE"}, messages={
        "invalid_ciphertext": ("InvalidCiphertextException", None),
    })
    def Decapsulate(self, ctx: RequestContext, p: Params) -> Result:
        """ML-KEM rejects a forged ciphertext implicitly: it decapsulates to another secret."""
        key = self.check.usable(ctx, self.registry.key(p["KeyId"]), "ENCAPSULATE_DECAPSULATE")
        check_algorithm_of(key, p["EncapsulationAlgorithm"])
        ciphertext: bytes = p["SharedSecretCiphertextBlob"]
        if len(ciphertext) != _ML_KEM_CIPHERTEXT_BYTES[key.key_spec]:
            raise declared_error(ctx, "invalid_ciphertext")
        dry_run(p)
        secret: bytes = private_key_of(key).decapsulate(ciphertext)
        return {"KeyId": key.arn, "SharedSecret": secret, "EncapsulationAlgorithm": "ML_KEM"}
