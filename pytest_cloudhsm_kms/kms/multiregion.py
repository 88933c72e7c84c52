"""Multi-Region keys: CreateKey with ``MultiRegion=True``, ReplicateKey and UpdatePrimaryRegion.

A multi-Region key set is one :class:`MultiRegionKeySet` shared by the primary
key and its replicas, each a :class:`~.model.Key` in its own Region's
:class:`~.registry.KeyRegistry` (reached through ``registries(region)``). They share the
key ID (``mrk-`` and 32 hex digits), the key spec, usage and origin, and, for
``AWS_KMS`` keys, the key material and its rotations: ciphertext made in one Region
decrypts in every other. Policies, tags, aliases, descriptions and key states are
their own.

A new replica is ``Creating`` for ``Settings.replication_delay``
virtual seconds (default 0: ``Creating`` in the ReplicateKey answer, then
``Enabled``, or ``PendingImport`` for imported material, from the next request on).

UpdatePrimaryRegion needs the primary and the replica ``Enabled``; both are then
``Updating`` for ``Settings.primary_region_update_delay`` virtual seconds (default 0)
and ``Enabled`` again, and the automatic rotation schedule, a property the primary
key is the source of, moves to the new primary (docs/aws-behaviour.md §11.7).

Choices where AWS documents nothing (docs/aws-behaviour.md §11.7):

* ReplicateKey and UpdatePrimaryRegion of a key that is not multi-Region, or of a
  replica, are ``UnsupportedOperationException``; a replica Region equal to the
  primary's is ``ValidationException``, and so is one in another partition (AWS
  replicates only within the primary's partition, docs/aws-behaviour.md §1.1);
  UpdatePrimaryRegion to a Region without a replica is ``NotFoundException``, to the
  current primary Region a no-op.
* A disabled primary key is ``DisabledException`` for ReplicateKey (the model lists it),
  one pending deletion ``KMSInvalidStateException``.
* UpdatePrimaryRegion refuses a replica that is not ``Enabled`` with
  ``DisabledException`` if it is disabled, else ``KMSInvalidStateException``.
* A replica that has been deleted drops out of ``ReplicaKeys``.

Deleting a primary key that still has replicas (docs/aws-behaviour.md §11.7): ScheduleKeyDeletion
puts it in ``PendingReplicaDeletion`` (answered without ``DeletionDate``; DescribeKey shows
``PendingDeletionWindowInDays``), refused like ``PendingDeletion``. When its last replica is
deleted, in that replica's Region, its waiting period begins (:meth:`.keys.Keys._replica_deleted`).
A replica counts until it is deleted, whatever its state. Choice: such a primary is not
replicated (``KMSInvalidStateException``, as pending deletion), so no replica appears meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..context import RequestContext
from ..partitions import partition_of
from .declaration import InCloudHsm, Message, declared_error, operation, states_except
from .family import Family
from .model import Key, KeyPairMaterial, KeyState, MacMaterial, SymmetricMaterial
from .policies import TAG_MESSAGES
from .registry import KeyRegistry

if TYPE_CHECKING:
    from .service import KmsService

__all__ = ["MultiRegion", "MultiRegionKeySet"]


class MultiRegionKeySet:
    """The primary key and replicas of one multi-Region key, across Regions."""

    def __init__(self, primary: Key, region: str,
                 registries: Callable[[str], KeyRegistry]) -> None:
        self.key_id = primary.key_id
        self.primary_region = region
        self.regions = [region]
        self._registries = registries

    def key_in(self, region: str) -> Key | None:
        """The key of this set in ``region``, if it (still) exists."""
        key = self._registries(region).keys.get(self.key_id)
        return key if key is not None and key.multi_region is self else None

    def is_primary(self, key: Key) -> bool:
        return self.key_in(self.primary_region) is key

    def primary(self) -> Key | None:
        return self.key_in(self.primary_region)

    def replicas(self) -> list[Key]:
        """The replica keys that still exist, in any state (scheduled for deletion too)."""
        found = (self.key_in(r) for r in self.regions if r != self.primary_region)
        return [key for key in found if key is not None]

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
        return f"{self._registries(region).arn_prefix}key/{self.key_id}"


# Only a usable multi-Region primary key is replicated (an Updating one is not:
# docs/aws-behaviour.md §3 [15]); UpdatePrimaryRegion needs both keys Enabled (§11.7).
_PRIMARY_STATES = states_except(KeyState.DISABLED, KeyState.PENDING_DELETION,
                                KeyState.PENDING_REPLICA_DELETION, KeyState.UPDATING)
_NOT_PRIMARY: dict[str, Message] = {  # recorded (docs/aws-behaviour.md §11.7)
    "not_primary": ("UnsupportedOperationException", "{arn} is not a multi-region primary key."),
}


@dataclass(eq=False)
class MultiRegion(Family):
    """The multi-Region key operations of one account and Region."""

    peers: Callable[[str], KmsService]
    """The KMS of another Region of the account."""

    def _usable_primary(self, ctx: RequestContext, p: dict[str, Any]
                        ) -> tuple[Key, MultiRegionKeySet]:
        """The multi-Region primary key ``KeyId`` names, refused unless usable."""
        primary = self.check.in_cloudhsm(ctx, self.registry.key_by_id_or_arn(p["KeyId"]))
        mrk = primary.multi_region
        if not isinstance(mrk, MultiRegionKeySet) or not mrk.is_primary(primary):
            raise declared_error(ctx, "not_primary", arn=primary.arn)
        return self.check.state(ctx, primary), mrk

    @operation(key_states=_PRIMARY_STATES, in_cloudhsm=InCloudHsm.UNSUPPORTED, messages={
        **_NOT_PRIMARY, **TAG_MESSAGES,
        "same_region": ("ValidationException",
                        "The replica Region must differ from the primary key's Region {region}."),
        "other_partition": ("ValidationException",
                            "The replica Region {region} is not in the partition {partition} "
                            "of the primary key's Region {here}."),
        "replicated": ("AlreadyExistsException",
                       "{key_id} already has a replica key in {region}."),
    })
    def ReplicateKey(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        """The answer has ``ReplicaTags`` only when the request had ``Tags``, and the replica's
        metadata no ``CurrentKeyMaterialId`` while it is ``Creating`` (recorded without
        tags, docs/aws-behaviour.md §11.7)."""
        primary, mrk = self._usable_primary(ctx, p)
        region: str = p["ReplicaRegion"]
        here = self.scope.region
        if region == here:
            raise declared_error(ctx, "same_region", region=here)
        if partition_of(region) != self.scope.partition:
            raise declared_error(ctx, "other_partition", region=region,
                                 partition=self.scope.partition, here=here)
        target = self.peers(region)
        if primary.key_id in target.keys:
            raise declared_error(ctx, "replicated", key_id=primary.key_id, region=region)
        target_keys = target.families.keys
        _, _, policy = target_keys.new_identity(ctx, p)
        arn = f"{target.registry.arn_prefix}key/{primary.key_id}"
        material: Any = primary.material
        if primary.origin == "EXTERNAL":  # the replica waits for the same material
            if isinstance(material, SymmetricMaterial):
                material = SymmetricMaterial()
            elif isinstance(material, MacMaterial):
                material = MacMaterial(primary.key_spec, None)
            else:
                material = KeyPairMaterial(primary.key_spec, None)
        replica = target_keys.add_key(
            ctx, {"Description": p.get("Description", ""), "Tags": p.get("Tags", [])},
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
        self.scope.clock.call_later(self.scope.settings.replication_delay,
                                    lambda: _finish_replica(replica, ready))
        result: dict[str, Any] = {"ReplicaKeyMetadata": replica.metadata(),
                                  "ReplicaPolicy": policy}
        if "Tags" in p:
            result["ReplicaTags"] = [{"TagKey": k, "TagValue": v}
                                     for k, v in replica.tags.items()]
        return result

    @operation(key_states=frozenset({KeyState.ENABLED}), in_cloudhsm=InCloudHsm.UNSUPPORTED,
               messages={
        **_NOT_PRIMARY,
        "no_replica": ("NotFoundException", "{key_id} has no replica key in {region}."),
        "replica_disabled": ("DisabledException", "{arn} is disabled."),
        "not_ready": ("KMSInvalidStateException", "{arn} is {state}."),
    })
    def UpdatePrimaryRegion(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        """Both keys must be ``Enabled`` when it starts; then both are ``Updating`` for
        ``Settings.primary_region_update_delay`` and ``Enabled`` again
        (docs/aws-behaviour.md §11.7)."""
        primary, mrk = self._usable_primary(ctx, p)
        region: str = p["PrimaryRegion"]
        if region == mrk.primary_region:
            return {}
        new_primary = mrk.key_in(region)
        if new_primary is None:
            raise declared_error(ctx, "no_replica", key_id=primary.key_id, region=region)
        if new_primary.key_state == KeyState.DISABLED:
            raise declared_error(ctx, "replica_disabled", arn=new_primary.arn)
        if new_primary.key_state != KeyState.ENABLED:
            raise declared_error(ctx, "not_ready", arn=new_primary.arn,
                                 state=new_primary.key_state)
        mrk.primary_region = region
        for key in (primary, new_primary):
            key.state = KeyState.UPDATING
        self.scope.clock.call_later(self.scope.settings.primary_region_update_delay,
                                    lambda: _finish_update(primary, new_primary))
        # Automatic rotation is a property of the primary key: its schedule moves along.
        new_primary.rotation_period_in_days = primary.rotation_period_in_days
        new_primary.next_rotation_date = primary.next_rotation_date
        primary.rotation_period_in_days = primary.next_rotation_date = None
        primary.rotation_schedule += 1
        if new_primary.next_rotation_date is not None:
            self.peers(region).families.rotation.schedule(
                new_primary, new_primary.next_rotation_date)
        return {}


def _finish_replica(replica: Key, ready: str) -> None:
    if replica.state == KeyState.CREATING:
        replica.state = ready


def _finish_update(*keys: Key) -> None:
    for key in keys:
        if key.state == KeyState.UPDATING:
            key.state = KeyState.ENABLED
