"""Multi-Region keys: CreateKey with ``MultiRegion=True``, ReplicateKey and UpdatePrimaryRegion.

A multi-Region key set is one :class:`MultiRegionKeySet` shared by the primary
key and its replicas, each a :class:`~.keys.Key` in its own Region's
:class:`~.service.KmsService` (reached through ``peer(region)``). They share the
key ID (``mrk-`` and 32 hex digits), the key spec, usage and origin, and, for
``AWS_KMS`` keys, the key material and its rotations: ciphertext made in one Region
decrypts in every other. Policies, tags, aliases, descriptions and key states are
their own.

A new replica is ``Creating`` for :attr:`MultiRegionOperations.replication_delay`
virtual seconds (default 0: ``Creating`` in the ReplicateKey answer, then
``Enabled``, or ``PendingImport`` for imported material, from the next request on).

Choices where AWS documents nothing (UNCONFIRMED):

* ReplicateKey and UpdatePrimaryRegion of a key that is not multi-Region, or of a
  replica, are ``UnsupportedOperationException``; a replica Region equal to the
  primary's is ``ValidationException``; UpdatePrimaryRegion to a Region without a
  replica is ``NotFoundException``, to the current primary Region a no-op.
* A disabled primary key is ``DisabledException`` for ReplicateKey (the model lists it),
  one pending deletion ``KMSInvalidStateException``.
* UpdatePrimaryRegion takes effect at once: this fake never shows ``Updating``. The
  automatic rotation schedule moves to the new primary key.
* A replica that has been deleted drops out of ``ReplicaKeys``. Deleting a primary key
  that still has replicas is not refused (AWS holds it in ``PendingReplicaDeletion``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import ServiceError
from .base import OperationsBase
from .keys import Key, KeyPairMaterial, KeyState, MacMaterial, SymmetricMaterial

if TYPE_CHECKING:
    from .service import KmsService

__all__ = ["MultiRegionKeySet", "MultiRegionOperations"]


class MultiRegionKeySet:
    """The primary key and replicas of one multi-Region key, across Regions."""

    def __init__(self, primary: Key, region: str, services: Callable[[str], KmsService]) -> None:
        self.key_id = primary.key_id
        self.primary_region = region
        self.regions = [region]
        self._services = services

    def key_in(self, region: str) -> Key | None:
        """The key of this set in ``region``, if it (still) exists."""
        key = self._services(region).keys.get(self.key_id)
        return key if key is not None and key.multi_region is self else None

    def is_primary(self, key: Key) -> bool:
        return self.key_in(self.primary_region) is key

    def primary(self) -> Key | None:
        return self.key_in(self.primary_region)

    def configuration(self, key: Key) -> dict[str, Any]:
        """The ``MultiRegionConfiguration`` of ``key``."""
        live = [r for r in self.regions if self.key_in(r) is not None]
        primary = self.key_in(self.primary_region)
        config: dict[str, Any] = {
            "MultiRegionKeyType": "PRIMARY" if primary is key else "REPLICA",
            "ReplicaKeys": [
                {"Arn": self._arn(r), "Region": r} for r in live if r != self.primary_region
            ],
        }
        config["PrimaryKey"] = {"Arn": self._arn(self.primary_region),
                                "Region": self.primary_region}
        return config

    def _arn(self, region: str) -> str:
        service = self._services(region)
        return f"arn:aws:kms:{region}:{service.account_id}:key/{self.key_id}"


class MultiRegionOperations(OperationsBase):
    """The multi-Region key operations of :class:`~.service.KmsService` (a mixin)."""

    replication_delay: float = 0.0

    if TYPE_CHECKING:
        def peer(self, region: str) -> KmsService: ...
        def _new_key_identity(self, p: dict[str, Any]) -> tuple[str, str, str]: ...
        def _add_key(
            self, p: dict[str, Any], key_id: str, arn: str, policy: str, material: Any, *,
            origin: str, usage: str, spec: str,
        ) -> Key: ...

    def _new_multi_region_key(self, key: Key) -> Key:
        """Make ``key`` (just created with an ``mrk-`` ID) the primary key of a new set."""
        key.multi_region = MultiRegionKeySet(key, self.region, self.peer)
        return key

    def _usable_primary(self, p: dict[str, Any]) -> tuple[Key, MultiRegionKeySet]:
        """The multi-Region primary key ``KeyId`` names, refused unless usable."""
        primary = self.key_by_id_or_arn(p["KeyId"])
        self._refuse_cloudhsm_key(self._operation, p)
        mrk = primary.multi_region
        if not isinstance(mrk, MultiRegionKeySet) or not mrk.is_primary(primary):
            raise ServiceError(
                "UnsupportedOperationException",
                f"{primary.arn} is not a multi-Region primary key.",
            )
        state = primary.key_state
        if state == KeyState.DISABLED:
            raise ServiceError("DisabledException", f"{primary.arn} is disabled.")
        if state in (KeyState.PENDING_DELETION, KeyState.PENDING_REPLICA_DELETION):
            raise ServiceError("KMSInvalidStateException", f"{primary.arn} is pending deletion.")
        return primary, mrk

    def ReplicateKey(self, p: dict[str, Any]) -> dict[str, Any]:
        primary, mrk = self._usable_primary(p)
        region: str = p["ReplicaRegion"]
        if region == self.region:
            raise ServiceError(
                "ValidationException",
                f"The replica Region must differ from the primary key's Region {self.region}.",
            )
        target = self.peer(region)
        if primary.key_id in target.keys:
            raise ServiceError(
                "AlreadyExistsException",
                f"{primary.key_id} already has a replica key in {region}.",
            )
        _, _, policy = target._new_key_identity(p)
        arn = f"arn:aws:kms:{region}:{target.account_id}:key/{primary.key_id}"
        material: Any = primary.material
        if primary.origin == "EXTERNAL":  # the replica waits for the same material
            if isinstance(material, SymmetricMaterial):
                material = SymmetricMaterial()
            elif isinstance(material, MacMaterial):
                material = MacMaterial(primary.key_spec, None)
            else:
                material = KeyPairMaterial(primary.key_spec, None)
        replica = target._add_key(
            {"Description": p.get("Description", ""), "Tags": p.get("Tags", [])},
            primary.key_id, arn, policy, material, origin=primary.origin,
            usage=primary.key_usage, spec=primary.key_spec,
        )
        replica.multi_region = mrk
        if primary.origin != "EXTERNAL":
            replica.rotations = primary.rotations  # shared material, shared rotation history
        if region not in mrk.regions:
            mrk.regions.append(region)
        ready = KeyState.PENDING_IMPORT if primary.origin == "EXTERNAL" else KeyState.ENABLED
        replica.state = KeyState.CREATING
        self.clock.call_later(self.replication_delay, lambda: _finish_replica(replica, ready))
        return {
            "ReplicaKeyMetadata": replica.metadata(),
            "ReplicaPolicy": policy,
            "ReplicaTags": [{"TagKey": k, "TagValue": v} for k, v in replica.tags.items()],
        }

    def UpdatePrimaryRegion(self, p: dict[str, Any]) -> dict[str, Any]:
        primary, mrk = self._usable_primary(p)
        region: str = p["PrimaryRegion"]
        if region == mrk.primary_region:
            return {}
        new_primary = mrk.key_in(region)
        if new_primary is None:
            raise ServiceError(
                "NotFoundException", f"{primary.key_id} has no replica key in {region}."
            )
        if new_primary.key_state in (KeyState.PENDING_DELETION, KeyState.CREATING):
            raise ServiceError(
                "KMSInvalidStateException",
                f"{new_primary.arn} is {new_primary.key_state}.",
            )
        mrk.primary_region = region
        # Automatic rotation is a property of the primary key: its schedule moves along.
        new_primary.rotation_period_in_days = primary.rotation_period_in_days
        new_primary.next_rotation_date = primary.next_rotation_date
        primary.rotation_period_in_days = primary.next_rotation_date = None
        primary.rotation_schedule += 1
        if new_primary.next_rotation_date is not None:
            self.peer(region)._schedule_rotation(new_primary, new_primary.next_rotation_date)
        return {}


def _finish_replica(replica: Key, ready: str) -> None:
    if replica.state == KeyState.CREATING:
        replica.state = ready
