"""Encryption: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext) and
GenerateRandom, with symmetric keys (the blob of :mod:`.ciphertext`) and RSA keys (RSAES-OAEP).

Decrypt's ``KeyId`` is optional: the blob names its key. A DryRun validates the
ciphertext (here: decrypts it) before it answers, unless ``DryRunModifiers`` is
``["IGNORE_CIPHERTEXT"]`` (the API Reference, docs/aws-behaviour.md §4.2).

Choices where AWS documents nothing (docs/aws-behaviour.md §4.2, §4.7):

* With ``IGNORE_CIPHERTEXT`` the key is ``KeyId``, else the one the blob's header names.
* A blob of a key that has been deleted answers ``NotFoundException`` for that key; any
  other unknown key is ``InvalidCiphertextException``.
* ``Recipient`` (Nitro Enclaves) needs a signed attestation document, which the fake
  cannot check; answering a plain ``Plaintext`` would hide that from the test, so the
  member is refused with ``ValidationException`` (see :func:`recipient_unsupported`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..context import RequestContext
from ..errors import ServiceError, constraint, validation_error
from .checks import check_algorithm_of, dry_run, dry_run_error
from .ciphertext import aad, parse, seal
from .declaration import (
    Message,
    Params,
    Result,
    crypto_operation,
    declared_error,
    messages_from,
    operation,
)
from .family import Family
from .keypairs import max_rsa_plaintext, oaep, private_key_of
from .keystores import ConnectionState, CustomKeyStores
from .model import Key

__all__ = ["DATA_KEY_SPEC", "Cryptography", "recipient_unsupported"]

_SYMMETRIC = "SYMMETRIC_DEFAULT"
_DATA_KEY_BYTES = {"AES_256": 32, "AES_128": 16}
# Every operation that takes Recipient refuses it (Choice, docs/aws-behaviour.md §4.7).
_RECIPIENT = "pytest-cloudhsm-kms does not support Recipient (Nitro Enclaves attestation)."

DATA_KEY_SPEC: Message = ("InvalidKeyUsageException",
                          "{arn} key spec is {spec} which is not valid for {operation}.")
"""A data key, or a data key pair (:mod:`.asymmetric`), of a key that is not symmetric
(Choice, docs/aws-behaviour.md §4.4): one text, as the check is the same."""

# The errors of the encryption operations (recorded: docs/aws-behaviour.md §4, §9); each
# operation declares those it answers.
_ENCRYPTION_MESSAGES: dict[str, Message] = {
    "incorrect_key": ("IncorrectKeyException", "The key ID in the request does not identify "
                      "a CMK that can perform this operation."),
    "invalid_ciphertext": ("InvalidCiphertextException", None),
    "rsa_too_long": ("ValidationException", "Algorithm {algorithm} and key spec {spec} cannot "
                     "encrypt data larger than {limit} bytes."),
    # In AWS's style (Choice, §4):
    "no_context": ("ValidationException",
                   "EncryptionContext is not supported with asymmetric KMS keys."),
    "bytes_or_spec": ("ValidationException",
                      "Please specify either number of bytes or key spec."),  # reported, §4.4
    "data_key_spec": DATA_KEY_SPEC,
}
# Encrypt, Decrypt and ReEncrypt run on symmetric and RSA encryption keys; data keys on
# symmetric keys only. All count against a CloudHSM key store's quota.
_encryption = functools.partial(
    crypto_operation, counted=True, tracked=True, dry_run=True,
    grant_kinds={"symmetric", "ENCRYPT_DECRYPT"})
_data_key = functools.partial(
    _encryption, grant_kinds={"symmetric"},
    messages=messages_from(_ENCRYPTION_MESSAGES, "bytes_or_spec", "data_key_spec"))


def recipient_unsupported() -> ServiceError:
    """The answer to a request with ``Recipient`` (a choice of code: docs/aws-behaviour.md §4.7)."""
    return ServiceError("ValidationException", _RECIPIENT)


@dataclass(eq=False)
class Cryptography(Family):
    """The encryption operations of one account and Region."""

    stores: CustomKeyStores

    @_encryption(messages=messages_from(_ENCRYPTION_MESSAGES, "rsa_too_long", "no_context"))
    def Encrypt(self, ctx: RequestContext, p: Params) -> Result:
        key = self._symmetric_key(ctx, self.registry.key(p["KeyId"]))
        if key.key_spec != _SYMMETRIC:
            return self._encrypt_rsa(ctx, key, p)
        _check_symmetric_algorithm(key, p.get("EncryptionAlgorithm"))
        dry_run(p)
        blob = seal(key, self.scope.entropy.bytes(12), p["Plaintext"], p.get("EncryptionContext"))
        return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": _SYMMETRIC}

    @_encryption(recipient=True, messages=messages_from(
        _ENCRYPTION_MESSAGES, "incorrect_key", "invalid_ciphertext", "no_context"))
    def Decrypt(self, ctx: RequestContext, p: Params) -> Result:
        algorithm = p.get("EncryptionAlgorithm")
        if algorithm is not None and algorithm != _SYMMETRIC:
            return self._decrypt_rsa(ctx, p)
        if p.get("DryRun") and _ignores_ciphertext(p):
            self._dry_run_source(ctx, p.get("CiphertextBlob"), p.get("KeyId"))
            raise dry_run_error()
        blob = _ciphertext(p)
        key, plaintext = self._open(ctx, blob, p.get("EncryptionContext"), p.get("KeyId"),
                                    algorithm)
        dry_run(p)
        result = {"KeyId": key.arn, "Plaintext": plaintext, "EncryptionAlgorithm": _SYMMETRIC}
        return _with_blob_material_id(result, "KeyMaterialId", key, blob)

    @_encryption(grant_names=("ReEncryptFrom", "ReEncryptTo"), messages=messages_from(
        _ENCRYPTION_MESSAGES, "incorrect_key", "invalid_ciphertext", "rsa_too_long",
        "no_context"))
    def ReEncrypt(self, ctx: RequestContext, p: Params) -> Result:
        """The source key gets the Decrypt rules, the destination key the Encrypt rules."""
        source_algorithm = p.get("SourceEncryptionAlgorithm") or _SYMMETRIC
        source_blob = p.get("CiphertextBlob")
        if source_algorithm != _SYMMETRIC:
            if p.get("DryRun") and _ignores_ciphertext(p) and p.get("SourceKeyId"):
                source = self._rsa_key(ctx, p["SourceKeyId"], source_algorithm)
                plaintext = b""
            else:
                source, plaintext = self._open_rsa(
                    ctx, _ciphertext(p), p.get("SourceKeyId"), source_algorithm,
                    p.get("SourceEncryptionContext"))
        elif p.get("DryRun") and _ignores_ciphertext(p):
            source = self._dry_run_source(ctx, source_blob, p.get("SourceKeyId"))
            plaintext = b""
        else:
            source, plaintext = self._open(
                ctx, _ciphertext(p), p.get("SourceEncryptionContext"), p.get("SourceKeyId"),
                source_algorithm,
            )
        destination = self._symmetric_key(ctx, self.registry.key(p["DestinationKeyId"]))
        destination_algorithm = p.get("DestinationEncryptionAlgorithm")
        if destination.key_spec != _SYMMETRIC:
            destination_algorithm = _rsa_algorithm(destination, destination_algorithm)
            if p.get("DestinationEncryptionContext"):
                raise declared_error(ctx, "no_context")
            dry_run(p)
            blob = _seal_rsa(ctx, destination, plaintext, destination_algorithm)
        else:
            _check_symmetric_algorithm(destination, destination_algorithm)
            dry_run(p)
            blob = seal(destination, self.scope.entropy.bytes(12), plaintext,
                        p.get("DestinationEncryptionContext"))
        result = {
            "CiphertextBlob": blob,
            "SourceKeyId": source.arn,
            "KeyId": destination.arn,
            "SourceEncryptionAlgorithm": source_algorithm,
            "DestinationEncryptionAlgorithm": destination_algorithm or _SYMMETRIC,
        }
        if source_algorithm == _SYMMETRIC and source_blob is not None:
            _with_blob_material_id(result, "SourceKeyMaterialId", source, source_blob)
        if destination.key_spec == _SYMMETRIC:
            _with_material_id(result, "DestinationKeyMaterialId", destination)
        return result

    @_data_key(recipient=True)
    def GenerateDataKey(self, ctx: RequestContext, p: Params) -> Result:
        key, plaintext, blob = self._data_key(ctx, p)
        result = {"CiphertextBlob": blob, "Plaintext": plaintext, "KeyId": key.arn}
        return _with_material_id(result, "KeyMaterialId", key)

    @_data_key()
    def GenerateDataKeyWithoutPlaintext(self, ctx: RequestContext, p: Params) -> Result:
        key, _, blob = self._data_key(ctx, p)
        return _with_material_id({"CiphertextBlob": blob, "KeyId": key.arn}, "KeyMaterialId", key)

    @operation(counted=True, recipient=True, store_states={ConnectionState.CONNECTED}, messages={
        "bytes_required": ("ValidationException", "NumberOfBytes is required."),  # recorded
        # A CONNECTED store whose cluster has no ACTIVE HSM (Choice, docs/aws-behaviour.md
        # §4.5), raised by CustomKeyStores.random:
        "no_active_hsms": ("CustomKeyStoreInvalidStateException", "The AWS CloudHSM cluster "
                           "of custom key store {store_id} has no active HSMs."),
    })
    def GenerateRandom(self, ctx: RequestContext, p: Params) -> Result:
        """``NumberOfBytes`` is optional in the model, required by the service
        (docs/aws-behaviour.md §4.5)."""
        count = p.get("NumberOfBytes")
        if count is None:
            raise declared_error(ctx, "bytes_required")
        store_id = p.get("CustomKeyStoreId")
        if store_id is not None:
            return {"Plaintext": self.stores.random(
                ctx, self.stores.custom_key_store(store_id), count)}
        return {"Plaintext": self.scope.entropy.bytes(count)}

    # -- symmetric keys -----------------------------------------------------------------

    def _symmetric_key(self, ctx: RequestContext, key: Key) -> Key:
        """A key that may encrypt now (docs/aws-behaviour.md §3)."""
        return self.check.usable(ctx, key, "ENCRYPT_DECRYPT")

    def _data_key(self, ctx: RequestContext, p: Params) -> tuple[Key, bytes, bytes]:
        spec: str | None = p.get("KeySpec")
        count: int | None = p.get("NumberOfBytes")
        if spec is not None:
            if count is not None:
                raise declared_error(ctx, "bytes_or_spec")
            count = _DATA_KEY_BYTES[spec]
        elif count is None:
            raise declared_error(ctx, "bytes_or_spec")
        key = self._symmetric_key(ctx, self.registry.key(p["KeyId"]))
        if key.key_spec != _SYMMETRIC:
            raise declared_error(ctx, "data_key_spec", arn=key.arn, spec=key.key_spec,
                                 operation=ctx.operation)
        dry_run(p)
        plaintext = self.scope.entropy.bytes(count)
        blob = seal(key, self.scope.entropy.bytes(12), plaintext, p.get("EncryptionContext"))
        return key, plaintext, blob

    def _open(
        self,
        ctx: RequestContext,
        blob: bytes,
        context: dict[str, str] | None,
        expected_key_id: str | None,
        algorithm: str | None,
    ) -> tuple[Key, bytes]:
        """Decrypt a blob: the key it names must be usable, and ``KeyId`` (if any) name it."""
        registry = self.registry
        try:
            envelope = parse(blob)
        except ServiceError:
            if expected_key_id is not None:  # RSA ciphertext without an RSAES algorithm
                expected = registry.key(expected_key_id)
                if _is_rsa_encryption_key(expected):
                    _rsa_algorithm(expected, algorithm)
            raise
        key = registry.keys.get(envelope.key_id)
        if expected_key_id is not None:
            expected = registry.key(expected_key_id)
            if expected is not key:
                if _is_rsa_encryption_key(expected):  # it needs an RSAES algorithm
                    _rsa_algorithm(expected, algorithm)
                # Any other key, an HMAC key too (recorded): IncorrectKeyException.
                raise declared_error(ctx, "incorrect_key")
        if key is None:
            if envelope.key_id in registry.deleted_key_ids:
                registry.key_by_id(envelope.key_id)
            raise declared_error(ctx, "invalid_ciphertext")
        self._symmetric_key(ctx, key)
        _check_symmetric_algorithm(key, algorithm)
        return key, key.material.decrypt(
            envelope.material_id, envelope.iv, envelope.data, aad(envelope.header, context)
        )

    def _dry_run_source(self, ctx: RequestContext, blob: bytes | None, key_id: str | None) -> Key:
        """The source key of a DryRun that ignores the ciphertext, checked as Decrypt checks it
        (DryRun calls count against the quota too)."""
        if key_id is not None:
            return self._symmetric_key(ctx, self.registry.key(key_id))
        key = self.registry.keys.get(parse(_ciphertext({"CiphertextBlob": blob})).key_id)
        if key is None:
            raise declared_error(ctx, "invalid_ciphertext")
        return self._symmetric_key(ctx, key)

    # -- RSA keys -----------------------------------------------------------------------

    def _encrypt_rsa(self, ctx: RequestContext, key: Key, p: Params) -> Result:
        algorithm = _rsa_algorithm(key, p.get("EncryptionAlgorithm"))
        if p.get("EncryptionContext"):
            raise declared_error(ctx, "no_context")
        dry_run(p)
        blob = _seal_rsa(ctx, key, p["Plaintext"], algorithm)
        return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": algorithm}

    def _decrypt_rsa(self, ctx: RequestContext, p: Params) -> Result:
        algorithm: str = p["EncryptionAlgorithm"]
        blob = p.get("CiphertextBlob")
        if p.get("DryRun") and _ignores_ciphertext(p) and p.get("KeyId") is not None:
            self._rsa_key(ctx, p["KeyId"], algorithm)
            raise dry_run_error()
        key, plaintext = self._open_rsa(ctx, blob, p.get("KeyId"), algorithm,
                                        p.get("EncryptionContext"))
        dry_run(p)
        return {"KeyId": key.arn, "Plaintext": plaintext, "EncryptionAlgorithm": algorithm}

    def _open_rsa(
        self, ctx: RequestContext, blob: bytes | None, key_id: str | None, algorithm: str,
        context: dict[str, str] | None,
    ) -> tuple[Key, bytes]:
        """Decrypt RSA ciphertext with the key named by ``key_id``."""
        if key_id is None:
            self._symmetric_blob_key(blob, algorithm)
            raise declared_error(ctx, "invalid_ciphertext")
        key = self._rsa_key(ctx, key_id, algorithm)
        if context:
            raise declared_error(ctx, "no_context")
        if blob is None:
            raise validation_error(constraint("ciphertextBlob", "not be null"))
        try:
            plaintext: bytes = private_key_of(key).decrypt(blob, oaep(algorithm))
        except ValueError:
            raise declared_error(ctx, "invalid_ciphertext") from None
        return key, plaintext

    def _rsa_key(self, ctx: RequestContext, key_id: str, algorithm: str) -> Key:
        key = self.check.usable(ctx, self.registry.key(key_id), "ENCRYPT_DECRYPT")
        check_algorithm_of(key, algorithm)
        return key

    def _symmetric_blob_key(self, blob: bytes | None, algorithm: str) -> None:
        """An RSA algorithm with a symmetric blob: the blob's key refuses the algorithm."""
        if blob is None:
            return
        try:
            key = self.registry.keys.get(parse(blob).key_id)
        except ServiceError:
            return
        if key is not None:
            check_algorithm_of(key, algorithm)


def _is_rsa_encryption_key(key: Key) -> bool:
    return key.key_usage == "ENCRYPT_DECRYPT" and key.key_spec != _SYMMETRIC


def _rsa_algorithm(key: Key, algorithm: str | None) -> str:
    """The RSAES algorithm of an RSA request (required: RSA keys have no default, and
    none is refused as ``SYMMETRIC_DEFAULT``)."""
    algorithm = algorithm or _SYMMETRIC
    check_algorithm_of(key, algorithm)
    return algorithm


def _seal_rsa(ctx: RequestContext, key: Key, plaintext: bytes, algorithm: str) -> bytes:
    private_key = private_key_of(key)
    limit = max_rsa_plaintext(private_key.key_size, algorithm)
    if len(plaintext) > limit:
        raise declared_error(ctx, "rsa_too_long", algorithm=algorithm, spec=key.key_spec,
                             limit=limit)
    ciphertext: bytes = private_key.public_key().encrypt(plaintext, oaep(algorithm))
    return ciphertext


def _check_symmetric_algorithm(key: Key, algorithm: str | None) -> None:
    if algorithm is not None and algorithm != _SYMMETRIC:
        check_algorithm_of(key, algorithm)


def _ignores_ciphertext(p: Params) -> bool:
    return "IGNORE_CIPHERTEXT" in p.get("DryRunModifiers", ())


def _ciphertext(p: Params) -> bytes:
    """``CiphertextBlob``, which the model leaves optional but the service requires."""
    blob: bytes | None = p.get("CiphertextBlob")
    if blob is None:
        raise validation_error(constraint("ciphertextBlob", "not be null"))
    return blob


def _with_blob_material_id(result: Result, member: str, key: Key, blob: bytes) -> Result:
    """The material that sealed ``blob`` (the blob layout of :mod:`.ciphertext`)."""
    if key.material.current_material_id is not None:
        result[member] = blob[17:49].hex()
    return result


def _with_material_id(result: Result, member: str, key: Key) -> Result:
    material_id = key.material.current_material_id
    if material_id is not None:
        result[member] = material_id.hex()
    return result
