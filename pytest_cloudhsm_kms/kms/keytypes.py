"""CreateKey for every key that is not a symmetric ``AWS_KMS`` key or a CloudHSM key store key:
asymmetric and HMAC keys, keys for imported material (``EXTERNAL``) and multi-Region keys.

Choices where AWS documents nothing (UNCONFIRMED): key specs and origins this
fake does not model (see :mod:`.asymmetric`, and ``EXTERNAL_KEY_STORE``) are
``UnsupportedOperationException`` naming what is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ServiceError
from .asymmetric import new_key_pair, supported_key_pair_spec
from .base import OperationsBase
from .keys import KeyMaterial, KeyPairMaterial, KeyState, MacMaterial, SymmetricMaterial
from .macs import MAC_KEY_BYTES

if TYPE_CHECKING:
    from .keys import Key

__all__ = ["KeyTypeOperations"]


class KeyTypeOperations(OperationsBase):
    """How :class:`~.service.KmsService` creates keys of the less common kinds (a mixin)."""

    if TYPE_CHECKING:
        def _new_key_identity(self, p: dict[str, Any]) -> tuple[str, str, str]: ...
        def _add_key(
            self, p: dict[str, Any], key_id: str, arn: str, policy: str, material: Any, *,
            origin: str, usage: str, spec: str,
        ) -> Key: ...
        def _new_multi_region_key(self, key: Key) -> Key: ...

    def _create_typed_key(self, p: dict[str, Any], spec: str, usage: str, origin: str
                          ) -> dict[str, Any]:
        """CreateKey of an asymmetric, HMAC, ``EXTERNAL`` or multi-Region key."""
        if origin not in ("AWS_KMS", "EXTERNAL"):
            raise ServiceError(
                "UnsupportedOperationException",
                f"Origin {origin} needs an external key store, which pytest-cloudhsm-kms does "
                "not model.",
            )
        if spec not in MAC_KEY_BYTES and spec != "SYMMETRIC_DEFAULT" and (
                not supported_key_pair_spec(spec) or spec == "ECC_NIST_EDWARDS25519"):
            raise ServiceError(
                "UnsupportedOperationException",
                f"KeySpec {spec} is not supported by pytest-cloudhsm-kms.",
            )
        key_id, arn, policy = self._new_key_identity(p)
        if p.get("MultiRegion"):
            key_id = "mrk-" + key_id.replace("-", "")
            arn = f"{self._arn_prefix}key/{key_id}"
        external = origin == "EXTERNAL"
        material: KeyMaterial
        if spec == "SYMMETRIC_DEFAULT":
            material = SymmetricMaterial() if external else SymmetricMaterial(
                self.entropy.bytes(32), self.entropy.bytes(32))
        elif spec in MAC_KEY_BYTES:
            material = MacMaterial(
                spec, None if external else self.entropy.bytes(MAC_KEY_BYTES[spec]))
        else:
            material = KeyPairMaterial(spec, None if external else new_key_pair(spec, self.entropy))
        key = self._add_key(p, key_id, arn, policy, material, origin=origin, usage=usage,
                            spec=spec)
        if external:
            key.state = KeyState.PENDING_IMPORT
        if p.get("MultiRegion"):
            self._new_multi_region_key(key)
        return {"KeyMetadata": key.metadata()}
