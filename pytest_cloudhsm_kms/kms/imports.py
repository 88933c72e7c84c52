"""Imported key material: GetParametersForImport, ImportKeyMaterial and DeleteImportedKeyMaterial.

A key created with ``Origin=EXTERNAL`` has no key material and is ``PendingImport``.
GetParametersForImport answers an RSA wrapping public key and an import token,
valid for 24 virtual hours. ImportKeyMaterial unwraps the material with the
wrapping algorithm (RSAES-OAEP, or RSA-OAEP of an AES key that wraps the material
with AES Key Wrap with Padding, RFC 5649) and the key becomes ``Enabled``.
Material that expires (``KEY_MATERIAL_EXPIRES``, the default) is deleted at
``ValidTo`` on the virtual clock, and the key is ``PendingImport`` again.

A symmetric key's key material ID is the SHA-256 of the key ID and the material
("KMS assigns a unique identifier ... based on the KMS key ID and the imported key
material"), so reimporting the same material finds the same ID. Importing new
material into a key that has some (``ImportType=NEW_KEY_MATERIAL``) makes it
``PENDING_ROTATION`` until RotateKeyOnDemand makes it current.

Choices where AWS documents nothing (docs/aws-behaviour.md §11.6):

* Material of the wrong size or kind for the key spec (symmetric keys take 32
  bytes; ``HMAC_224`` 28-64, ``HMAC_256`` 32-64, ``HMAC_384`` 48-128, ``HMAC_512``
  64-128; asymmetric keys a DER PKCS #8 private key of their spec) is
  ``IncorrectKeyMaterialException``. (Material that does not unwrap is
  ``InvalidCiphertextException``, as the API Reference documents.)
* The wrapping algorithm ``RSAES_PKCS1_V1_5`` (withdrawn by AWS in 2023) and the
  China-only ``SM2PKE``/``SM2`` are ``UnsupportedOperationException``.
* ``ExpirationModel``/``ValidTo`` mismatches, a ``ValidTo`` in the past or more than
  365 days ahead, and ``ImportType``, ``KeyMaterialId`` or ``KeyMaterialDescription``
  for a key that is not a symmetric encryption key, which the API Reference says are
  not valid, are ``ValidationException``.
* DeleteImportedKeyMaterial with nothing imported to delete, of a key that is not
  ``PendingImport`` (one pending deletion), is ``KMSInvalidStateException``; of a
  ``KeyMaterialId`` the key does not have, ``NotFoundException``. Deleting material
  pending rotation forgets it and leaves the key state alone.
* Wrapping key pairs come from the RSA pool of :mod:`.keypairs`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap_with_padding

from ..context import RequestContext
from ..errors import ServiceError
from .checks import origin_error
from .declaration import InCloudHsm, declared_error, operation, states_except
from .family import Family
from .keypairs import CURVES, ML_KEY_TYPES, new_key_pair, oaep, public_key_der
from .model import ImportedMaterial, Key, KeyPairMaterial, KeyState, MacMaterial, SymmetricMaterial

__all__ = ["ImportParameters", "Imports"]

DAY = 86_400.0
PARAMETERS_VALID_FOR = DAY
MAX_VALID_TO = 365 * DAY
_HMAC_BYTES = {"HMAC_224": (28, 64), "HMAC_256": (32, 64), "HMAC_384": (48, 128),
               "HMAC_512": (64, 128)}
_TOKEN_BYTES = 256


@dataclass(eq=False)
class ImportParameters:
    """What one GetParametersForImport answer binds together."""

    key_id: str
    wrapping_key: rsa.RSAPrivateKey
    wrapping_algorithm: str
    valid_to: float


# Only keys with Origin EXTERNAL take imported material; not while pending deletion.
_IMPORT_STATES = states_except(KeyState.PENDING_DELETION, KeyState.PENDING_REPLICA_DELETION)


@dataclass(eq=False)
class Imports(Family):
    """The imported key material operations of one account and Region."""

    import_tokens: dict[bytes, ImportParameters] = field(default_factory=dict)
    """Every import token issued, with what it binds together."""

    @operation(key_states=_IMPORT_STATES, in_cloudhsm=InCloudHsm.UNSUPPORTED, messages={
        "wrapping": ("UnsupportedOperationException", "Wrapping algorithm {algorithm} with "
                     "wrapping key spec {spec} is not supported."),  # Choice, §11.6
    })
    def GetParametersForImport(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self._external_key(ctx, p)
        algorithm, spec = p["WrappingAlgorithm"], p["WrappingKeySpec"]
        if algorithm in ("RSAES_PKCS1_V1_5", "SM2PKE") or spec == "SM2":
            raise declared_error(ctx, "wrapping", algorithm=algorithm, spec=spec)
        wrapping_key = new_key_pair(spec, self.scope.entropy)
        token = self.scope.entropy.bytes(_TOKEN_BYTES)
        valid_to = ctx.date() + PARAMETERS_VALID_FOR  # to the ms (docs/aws-behaviour.md §11.6)
        self.import_tokens[token] = ImportParameters(key.key_id, wrapping_key, algorithm, valid_to)
        return {
            "KeyId": key.arn,
            "ImportToken": token,
            "PublicKey": public_key_der(wrapping_key),
            "ParametersValidTo": valid_to,
        }

    @operation(key_states=_IMPORT_STATES, in_cloudhsm=InCloudHsm.UNSUPPORTED, messages={
        # Recorded (docs/aws-behaviour.md §11.6):
        "valid_to_required": ("ValidationException", "A validTo date must be set if the "
                              "ExpirationModel is KEY_MATERIAL_EXPIRES"),
        "pending_rotation": ("KMSInvalidStateException", "New key material (id: {new}) cannot "
                             "be imported into KMS key {arn}, because another key material "
                             "(id: {pending}) is pending rotation."),
        "not_unwrapped": ("InvalidCiphertextException", None),
        # In AWS's style (docs/aws-behaviour.md §11.6, Choice):
        "valid_to_not_valid": ("ValidationException", "ValidTo is not valid when "
                               "ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE."),
        "valid_to_range": ("ValidationException",
                           "ValidTo must be in the future and at most 365 days from now."),
        "symmetric_only": ("ValidationException", "ImportType, KeyMaterialId and "
                           "KeyMaterialDescription apply only to symmetric encryption keys."),
        "invalid_token": ("InvalidImportTokenException",
                          "The import token is not valid for {arn}."),
        "expired_token": ("ExpiredImportTokenException", "The import token has expired."),
        "id_with_new": ("ValidationException",
                        "You cannot specify a KeyMaterialId with ImportType NEW_KEY_MATERIAL."),
        "already_associated": ("IncorrectKeyMaterialException",
                               "This key material is already associated with {arn}."),
        "not_previous": ("IncorrectKeyMaterialException", "The key material is not the key "
                         "material previously imported into {arn}."),
        "incorrect": ("IncorrectKeyMaterialException",
                      "The key material is not valid for {arn}: {why}."),
    })
    def ImportKeyMaterial(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self._external_key(ctx, p)
        now = ctx.now()
        model, valid_to = _expiration(ctx, p, now)
        symmetric = key.key_spec == "SYMMETRIC_DEFAULT"
        if not symmetric and any(
                m in p for m in ("ImportType", "KeyMaterialId", "KeyMaterialDescription")):
            raise declared_error(ctx, "symmetric_only")
        parameters = self.import_tokens.get(p["ImportToken"])
        if parameters is None or parameters.key_id != key.key_id:
            raise declared_error(ctx, "invalid_token", arn=key.arn)
        if now > parameters.valid_to:
            raise declared_error(ctx, "expired_token")
        material = _unwrap(ctx, parameters, p["EncryptedKeyMaterial"])
        parsed = _check_material(ctx, key, material)
        material_id = hashlib.sha256(key.key_id.encode() + material).digest()
        import_type = p.get("ImportType") or (
            "EXISTING_KEY_MATERIAL" if key.imports else "NEW_KEY_MATERIAL")
        record = key.imports.get(material_id)
        if import_type == "NEW_KEY_MATERIAL":
            if "KeyMaterialId" in p:
                raise declared_error(ctx, "id_with_new")
            if record is not None or (key.imports and not symmetric):
                raise declared_error(ctx, "already_associated", arn=key.arn)
            pending = next((m for m in key.imports.values() if m.pending_rotation), None)
            if pending is not None:
                raise declared_error(ctx, "pending_rotation", new=material_id.hex(),
                                     arn=key.arn, pending=pending.material_id.hex())
            record = key.imports[material_id] = ImportedMaterial(
                material_id, pending_rotation=bool(key.imports))
        else:
            expected = p.get("KeyMaterialId")
            if record is None or (expected is not None and expected != material_id.hex()):
                raise declared_error(ctx, "not_previous", arn=key.arn)
        record.imported = True
        record.expiration_model, record.valid_to = model, valid_to
        if "KeyMaterialDescription" in p:
            record.description = p["KeyMaterialDescription"]
        self._install(key, record, material, parsed)
        if valid_to is not None:
            self.scope.clock.call_at(valid_to, lambda: self._expire_material(key, record, valid_to))
        result: dict[str, Any] = {"KeyId": key.arn}
        if symmetric:
            result["KeyMaterialId"] = material_id.hex()
        return result

    # An Updating key is refused (docs/aws-behaviour.md §3 [15]).
    @operation(key_states=states_except(KeyState.UPDATING),
               in_cloudhsm=InCloudHsm.UNSUPPORTED, messages={
        # Choice (docs/aws-behaviour.md §11.6):
        "no_material": ("NotFoundException", "Key material {material_id} of {arn} does not exist."),
        "pending_import": ("KMSInvalidStateException", "{arn} has no imported key material."),
        "not_imported": ("KMSInvalidStateException",
                         "Key material {material_id} of {arn} is not imported."),
    })
    def DeleteImportedKeyMaterial(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        """In ``PendingImport``, with nothing imported to delete, it succeeds with no effect
        (the key state table, docs/aws-behaviour.md §11.6)."""
        key = self._external_key(ctx, p)
        wanted = p.get("KeyMaterialId")
        if wanted is not None:
            record = key.imports.get(bytes.fromhex(wanted))
            if record is None:
                raise declared_error(ctx, "no_material", material_id=wanted, arn=key.arn)
        else:
            record = key.current_import
        if key.state == KeyState.PENDING_IMPORT and (record is None or not record.imported):
            return {"KeyId": key.arn}
        if record is None:
            raise declared_error(ctx, "pending_import", arn=key.arn)
        if not record.imported:
            raise declared_error(ctx, "not_imported", material_id=record.material_id.hex(),
                                 arn=key.arn)
        self._remove(key, record)
        result: dict[str, Any] = {"KeyId": key.arn}
        if key.key_spec == "SYMMETRIC_DEFAULT":
            result["KeyMaterialId"] = record.material_id.hex()
        return result

    # -- internals --------------------------------------------------------------------

    def _external_key(self, ctx: RequestContext, p: dict[str, Any]) -> Key:
        key = self.check.in_cloudhsm(ctx, self.registry.key_by_id_or_arn(p["KeyId"]))
        if key.origin != "EXTERNAL":
            raise origin_error(key)  # it takes no imported material (recorded)
        return self.check.state(ctx, key)

    def _install(self, key: Key, record: ImportedMaterial, material: bytes, parsed: Any) -> None:
        """Give the key the unwrapped material, and make it Enabled once nothing is missing."""
        holder = key.material
        if isinstance(holder, SymmetricMaterial):
            if holder.current_material_id is None:
                holder.rotate(record.material_id, material)
            else:
                holder.add(record.material_id, material)
        elif isinstance(holder, MacMaterial):
            holder.secret = material
        elif isinstance(holder, KeyPairMaterial):
            holder.private_key = parsed
        if key.state == KeyState.PENDING_IMPORT and all(
                m.imported for m in key.imports.values()):
            key.state = KeyState.ENABLED

    def _remove(self, key: Key, record: ImportedMaterial) -> None:
        holder = key.material
        if record.pending_rotation:
            del key.imports[record.material_id]
        else:
            record.imported = False
        if isinstance(holder, SymmetricMaterial):
            holder.remove(record.material_id)
        elif isinstance(holder, MacMaterial):
            holder.secret = None
        elif isinstance(holder, KeyPairMaterial):
            holder.private_key = None
        if not record.pending_rotation and key.state not in (
                KeyState.PENDING_DELETION, KeyState.PENDING_REPLICA_DELETION):
            key.state = KeyState.PENDING_IMPORT

    def _expire_material(self, key: Key, record: ImportedMaterial, valid_to: float) -> None:
        """At ``ValidTo``, KMS deletes the material (unless it was reimported since)."""
        if self.registry.keys.get(key.key_id) is not key or not record.imported or (
                record.valid_to != valid_to or key.imports.get(record.material_id) is not record):
            return
        self._remove(key, record)


def _expiration(ctx: RequestContext, p: dict[str, Any], now: float) -> tuple[str, float | None]:
    model = p.get("ExpirationModel", "KEY_MATERIAL_EXPIRES")
    valid_to: float | None = p.get("ValidTo")
    if model == "KEY_MATERIAL_DOES_NOT_EXPIRE":
        if valid_to is not None:
            raise declared_error(ctx, "valid_to_not_valid")
        return model, None
    if valid_to is None:
        raise declared_error(ctx, "valid_to_required")
    if not now < valid_to <= now + MAX_VALID_TO:
        raise declared_error(ctx, "valid_to_range")
    return model, float(valid_to)


def _unwrap(ctx: RequestContext, parameters: ImportParameters, wrapped: bytes) -> bytes:
    private_key = parameters.wrapping_key
    algorithm = parameters.wrapping_algorithm
    try:
        if algorithm.startswith("RSA_AES_KEY_WRAP"):
            split = private_key.key_size // 8
            aes_key = private_key.decrypt(wrapped[:split], oaep(algorithm))
            return aes_key_unwrap_with_padding(aes_key, wrapped[split:])
        return private_key.decrypt(wrapped, oaep(algorithm))
    except (ValueError, InvalidUnwrap):
        raise declared_error(ctx, "not_unwrapped") from None


def _check_material(ctx: RequestContext, key: Key, material: bytes) -> Any:
    """The material as the key will use it (a private key object for asymmetric keys)."""
    spec = key.key_spec
    if spec == "SYMMETRIC_DEFAULT":
        if len(material) != 32:
            raise _incorrect(ctx, key, "symmetric key material must be 32 bytes")
        return material
    if spec in _HMAC_BYTES:
        low, high = _HMAC_BYTES[spec]
        if not low <= len(material) <= high:
            raise _incorrect(ctx, key, f"{spec} key material must be {low} to {high} bytes")
        return material
    try:
        private_key = serialization.load_der_private_key(material, password=None)
    except (ValueError, TypeError):
        raise _incorrect(ctx, key,
                         "asymmetric key material must be a DER PKCS #8 private key") from None
    if spec.startswith("RSA_"):
        matches = isinstance(private_key, rsa.RSAPrivateKey) and (
            private_key.key_size == int(spec[4:]))
    elif spec in CURVES:
        matches = isinstance(private_key, ec.EllipticCurvePrivateKey) and (
            private_key.curve.name == CURVES[spec].name)
    else:
        matches = isinstance(private_key, ML_KEY_TYPES[spec])
    if not matches:
        raise _incorrect(ctx, key, f"the private key is not a {spec} key")
    return private_key


def _incorrect(ctx: RequestContext, key: Key, why: str) -> ServiceError:
    return declared_error(ctx, "incorrect", arn=key.arn, why=why)
