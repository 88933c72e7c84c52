"""KMS keys: CreateKey (every kind of key), DescribeKey, ListKeys, EnableKey, DisableKey,
ScheduleKeyDeletion and CancelKeyDeletion.

CreateKey makes, in one place, a symmetric ``AWS_KMS`` key, a key in a CloudHSM
key store, an asymmetric or HMAC key, a key for imported material (``EXTERNAL``)
and a multi-Region primary key.

Choices where AWS documents nothing (docs/aws-behaviour.md §2.1, §2.5, §11.2):

* ``Origin=AWS_CLOUDHSM`` without a store, or a store with another origin, is
  ``UnsupportedOperationException``, as are key types and multi-Region keys that
  custom key stores do not support. A store's cluster that is gone or not ACTIVE
  is ``CloudHsmClusterInvalidConfigurationException``
  (:meth:`.clusters.ClusterAccess.cluster_for_new_key`).
* Key specs and origins this fake does not model (see :mod:`.asymmetric`, and
  ``EXTERNAL_KEY_STORE``) are ``UnsupportedOperationException`` naming what is missing.
* ScheduleKeyDeletion takes 7-30 days although the model allows 1-365
  (docs/aws-behaviour.md §2.5): botocore refuses less than 1 and the model check
  answers more than 365; 2-6 and 31-365 are answered in the same form, naming the
  service's bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..context import RequestContext, to_millisecond
from ..errors import ServiceError
from ..pagination import numbering
from .checks import paginate
from .clusters import ClusterAccess, ClusterMaterial
from .declaration import (
    ALL_KINDS,
    Params,
    Result,
    TokenCheck,
    declared_error,
    operation,
    states_except,
)
from .family import Family
from .keypairs import new_key_pair, supported_key_pair_spec
from .keystores import KMSUSER, ConnectionState, CustomKeyStores, check_state
from .macs import MAC_KEY_BYTES
from .model import (
    ALGORITHMS,
    Key,
    KeyMaterial,
    KeyPairMaterial,
    KeyState,
    MacMaterial,
    SymmetricMaterial,
)
from .multiregion import MultiRegionKeySet
from .policies import TAG_MESSAGES, check_policy, check_tags

__all__ = ["Keys"]

_DAY = 86_400.0
_NOT_PENDING_DELETION = ("KMSInvalidStateException", "{arn} is not pending deletion.")
# Scheduled for deletion, waiting period running or not (docs/aws-behaviour.md §3, §11.7).
_PENDING = (KeyState.PENDING_DELETION, KeyState.PENDING_REPLICA_DELETION)
# EnableKey, DisableKey and ScheduleKeyDeletion also refuse an Updating key
# (docs/aws-behaviour.md §3 [15]).
_MANAGED = states_except(*_PENDING, KeyState.UPDATING)
# EnableKey and DisableKey refuse a key pending import too (the key state table, §3 [5]).
_TOGGLED = _MANAGED - {KeyState.PENDING_IMPORT}


@dataclass(eq=False)
class Keys(Family):
    """The key operations of one account and Region."""

    stores: CustomKeyStores
    clusters: ClusterAccess
    peers: Callable[[str], Keys]
    """The key operations of another Region of the account (for multi-Region keys)."""

    # -- CreateKey ------------------------------------------------------------------

    @operation(store_states={ConnectionState.CONNECTED}, messages={
        **TAG_MESSAGES,
        # Recorded (docs/aws-behaviour.md §11.2):
        "usage_required": ("ValidationException", "You must specify a KeyUsage value for all "
                           "KMS keys except for symmetric encryption keys."),
        "incompatible": ("ValidationException",
                         "KeyUsage {usage} is not compatible with KeySpec {spec}"),
        "both_specs": ("ValidationException", "You cannot specify KeySpec and "
                       "CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is "
                       "deprecated."),
        # Choices where AWS documents nothing (see the module docstring):
        "cloudhsm_origin": ("UnsupportedOperationException", "Origin AWS_CLOUDHSM and a "
                            "CustomKeyStoreId must be specified together."),
        "not_in_store": ("UnsupportedOperationException",
                         "{what} not supported in custom key stores."),
        "unmodelled_origin": ("UnsupportedOperationException", "Origin {origin} needs an "
                              "external key store, which pytest-cloudhsm-kms does not model."),
        "unmodelled_spec": ("UnsupportedOperationException",
                            "KeySpec {spec} is not supported by pytest-cloudhsm-kms."),
    })
    def CreateKey(self, ctx: RequestContext, p: Params) -> Result:
        spec = p.get("KeySpec")
        legacy_spec = p.get("CustomerMasterKeySpec")
        if spec and legacy_spec:
            raise declared_error(ctx, "both_specs")
        spec = spec or legacy_spec or "SYMMETRIC_DEFAULT"
        if "KeyUsage" not in p and spec != "SYMMETRIC_DEFAULT":
            raise declared_error(ctx, "usage_required")
        usage = p.get("KeyUsage", "ENCRYPT_DECRYPT")
        origin = p.get("Origin", "AWS_KMS")
        if (spec, usage) not in ALGORITHMS:
            raise declared_error(ctx, "incompatible", usage=usage, spec=spec)
        store_id = p.get("CustomKeyStoreId")
        if origin == "AWS_CLOUDHSM" or store_id is not None:
            return self._create_cloudhsm_key(ctx, p, spec, origin, store_id)
        if spec != "SYMMETRIC_DEFAULT" or origin != "AWS_KMS" or p.get("MultiRegion"):
            return self._create_typed_key(ctx, p, spec, usage, origin)
        key_id, arn, policy = self.new_identity(ctx, p)
        entropy = self.scope.entropy
        material = SymmetricMaterial(entropy.bytes(32), entropy.bytes(32))
        key = self.add_key(ctx, p, key_id, arn, policy, material, origin=origin, usage=usage,
                           spec=spec)
        return {"KeyMetadata": key.metadata()}

    def _create_cloudhsm_key(
        self, ctx: RequestContext, p: Params, spec: str, origin: str, store_id: str | None
    ) -> Result:
        """CreateKey in a CloudHSM key store (docs/aws-behaviour.md §2.1)."""
        if store_id is None or origin != "AWS_CLOUDHSM":
            raise declared_error(ctx, "cloudhsm_origin")
        store = self.stores.custom_key_store(store_id)
        if spec != "SYMMETRIC_DEFAULT" or p.get("MultiRegion"):
            what = "MultiRegion keys are" if spec == "SYMMETRIC_DEFAULT" else f"KeySpec {spec} is"
            raise declared_error(ctx, "not_in_store", what=what)
        check_state(ctx, store)
        cluster = self.clusters.cluster_for_new_key(store)
        key_id, arn, policy = self.new_identity(ctx, p)
        handle = cluster.create_key(arn, KMSUSER)
        material = ClusterMaterial(self.clusters, store, handle, arn)
        key = self.add_key(ctx, p, key_id, arn, policy, material, origin=origin,
                           usage="ENCRYPT_DECRYPT", spec=spec)
        key.custom_key_store = store
        store.keys[key_id] = key
        return {"KeyMetadata": key.metadata()}

    def _create_typed_key(
        self, ctx: RequestContext, p: Params, spec: str, usage: str, origin: str
    ) -> Result:
        """CreateKey of an asymmetric, HMAC, ``EXTERNAL`` or multi-Region key."""
        if origin not in ("AWS_KMS", "EXTERNAL"):
            raise declared_error(ctx, "unmodelled_origin", origin=origin)
        if spec not in MAC_KEY_BYTES and spec != "SYMMETRIC_DEFAULT" and (
                not supported_key_pair_spec(spec) or spec == "ECC_NIST_EDWARDS25519"):
            raise declared_error(ctx, "unmodelled_spec", spec=spec)
        key_id, arn, policy = self.new_identity(ctx, p)
        if p.get("MultiRegion"):
            key_id = "mrk-" + key_id.replace("-", "")
            arn = f"{self.registry.arn_prefix}key/{key_id}"
        external = origin == "EXTERNAL"
        entropy = self.scope.entropy
        material: KeyMaterial
        if spec == "SYMMETRIC_DEFAULT":
            material = SymmetricMaterial() if external else SymmetricMaterial(
                entropy.bytes(32), entropy.bytes(32))
        elif spec in MAC_KEY_BYTES:
            material = MacMaterial(spec, None if external else entropy.bytes(MAC_KEY_BYTES[spec]))
        else:
            material = KeyPairMaterial(spec, None if external else new_key_pair(spec, entropy))
        key = self.add_key(ctx, p, key_id, arn, policy, material, origin=origin, usage=usage,
                           spec=spec)
        if external:
            key.state = KeyState.PENDING_IMPORT
        if p.get("MultiRegion"):
            key.multi_region = MultiRegionKeySet(key, self.scope.region,
                                                 lambda region: self.peers(region).registry)
        return {"KeyMetadata": key.metadata()}

    def new_identity(self, ctx: RequestContext, p: Params) -> tuple[str, str, str]:
        """A new key's ID, ARN and policy, once the key quota, ``Policy`` and ``Tags`` pass."""
        limit, usage = self.scope.settings.max_keys, len(self.registry.keys)
        if usage >= limit:
            # AWS's text, as a real answer quoted in public shows (docs/aws-behaviour.md §2.1).
            raise ServiceError(
                "LimitExceededException",
                f"Key quota for this account in this region is {limit} but the current "
                f"usage is {usage}.",
            )
        policy = p.get("Policy")
        if policy is None:
            policy = _default_policy(self.scope.partition, self.scope.account_id)
        else:
            check_policy(policy)
        if "Tags" in p:
            check_tags(ctx, p["Tags"])
        key_id = self.scope.entropy.uuid4()
        return key_id, f"{self.registry.arn_prefix}key/{key_id}", policy

    def add_key(
        self, ctx: RequestContext, p: Params, key_id: str, arn: str, policy: str,
        material: Any, *, origin: str, usage: str, spec: str,
    ) -> Key:
        """Register a new key made from a CreateKey (or ReplicateKey) request."""
        return self.registry.add(Key(
            key_id=key_id,
            arn=arn,
            account_id=self.scope.account_id,
            creation_date=ctx.date(),
            material=material,
            description=p.get("Description", ""),
            key_usage=usage,
            key_spec=spec,
            origin=origin,
            policy=policy,
            tags={t["TagKey"]: t["TagValue"] for t in p.get("Tags", ())},
        ))

    # -- the other key operations ----------------------------------------------------

    @operation(grant_tokens=TokenCheck.ACCEPTED, grant_kinds=ALL_KINDS)
    def DescribeKey(self, ctx: RequestContext, p: Params) -> Result:
        return {"KeyMetadata": self.registry.key(p["KeyId"]).metadata()}

    @operation()
    def ListKeys(self, ctx: RequestContext, p: Params) -> Result:
        keys = self.registry.keys
        numbers = numbering(self.registry, "keys").number(keys)
        page, result = paginate(keys.values(), p, default_limit=100,
                                number=lambda k: numbers[k.key_id])
        result["Keys"] = [{"KeyId": k.key_id, "KeyArn": k.arn} for k in page]
        return result

    @operation(key_states=_TOGGLED)
    def EnableKey(self, ctx: RequestContext, p: Params) -> Result:
        return self._set_state(ctx, p, KeyState.ENABLED)

    @operation(key_states=_TOGGLED)
    def DisableKey(self, ctx: RequestContext, p: Params) -> Result:
        return self._set_state(ctx, p, KeyState.DISABLED)

    def _set_state(self, ctx: RequestContext, p: Params, state: str) -> Result:
        """Enable or disable a key (never one pending import: the declared states refuse it)."""
        key = self.check.state(ctx, self.registry.key_by_id_or_arn(p["KeyId"]))
        key.state = state
        return {}

    @operation(key_states=_MANAGED, messages={
        # AWS's text, quoted from a real answer (docs/aws-behaviour.md §2.5); the model's
        # own bounds (1-365) are checked before, in the model's form.
        "window": ("ValidationException", "PendingWindowInDays must be between 7 and 30"),
    })
    def ScheduleKeyDeletion(self, ctx: RequestContext, p: Params) -> Result:
        """A multi-Region primary key with replicas waits for them in
        ``PendingReplicaDeletion``, without a ``DeletionDate`` (docs/aws-behaviour.md §11.7)."""
        days = p.get("PendingWindowInDays", 30)
        if not 7 <= days <= 30:
            raise declared_error(ctx, "window")
        key = self.check.state(ctx, self.registry.key_by_id_or_arn(p["KeyId"]))
        mrk = key.multi_region
        if isinstance(mrk, MultiRegionKeySet) and mrk.is_primary(key) and mrk.replicas():
            key.state = KeyState.PENDING_REPLICA_DELETION
            key.pending_window_in_days = days
            key.deletion_date = None
            return {"KeyId": key.arn, "KeyState": key.state, "PendingWindowInDays": days}
        return {
            "KeyId": key.arn,
            "DeletionDate": self._begin_waiting(key, ctx.now(), days),
            "KeyState": KeyState.PENDING_DELETION,
            "PendingWindowInDays": days,
        }

    @operation(key_states=set(_PENDING), state_error=_NOT_PENDING_DELETION)
    def CancelKeyDeletion(self, ctx: RequestContext, p: Params) -> Result:
        key = self.check.state(ctx, self.registry.key_by_id_or_arn(p["KeyId"]))
        key.state = KeyState.DISABLED
        key.deletion_date = key.pending_window_in_days = None
        return {"KeyId": key.arn}

    def _begin_waiting(self, key: Key, now: float, days: int) -> float:
        """Put ``key`` in ``PendingDeletion`` for ``days`` from ``now``; answer the date,
        to the millisecond as KMS dates it (docs/aws-behaviour.md §2.5), never after the
        waiting period's end."""
        key.state = KeyState.PENDING_DELETION
        key.pending_window_in_days = None
        key.deletion_date = deletion_date = to_millisecond(now + days * _DAY)
        self.scope.clock.call_at(deletion_date, lambda: self._expire(key, deletion_date))
        return deletion_date

    def _expire(self, key: Key, deletion_date: float) -> None:
        """End of the waiting period: the key and its aliases are gone."""
        if key.state != KeyState.PENDING_DELETION or key.deletion_date != deletion_date:
            return  # cancelled, or rescheduled
        registry = self.registry
        del registry.keys[key.key_id]
        registry.deleted_key_ids.add(key.key_id)
        if key.custom_key_store is not None:
            # Best effort: unreachable backing keys stay in the cluster as orphans.
            key.custom_key_store.keys.pop(key.key_id, None)
            if isinstance(key.material, ClusterMaterial):
                key.material.delete_backing_key()
        for name in [n for n, a in registry.aliases.items() if a.target_key_id == key.key_id]:
            del registry.aliases[name]
        if isinstance(key.multi_region, MultiRegionKeySet):
            self._replica_deleted(key.multi_region, deletion_date)

    def _replica_deleted(self, mrk: MultiRegionKeySet, now: float) -> None:
        """The last replica is gone: a primary in ``PendingReplicaDeletion`` starts its waiting
        period now, with the days it was scheduled with (docs/aws-behaviour.md §11.7)."""
        primary = mrk.primary()
        if (primary is None or primary.state != KeyState.PENDING_REPLICA_DELETION
                or primary.pending_window_in_days is None or mrk.replicas()):
            return
        self.peers(mrk.primary_region)._begin_waiting(primary, now,
                                                      primary.pending_window_in_days)


_DEFAULT_POLICY = (
    '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n'
    '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n'
    '    "Principal" : {\n      "AWS" : "arn:%s:iam::%s:root"\n    },\n'
    '    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}')


def _default_policy(partition: str, account_id: str) -> str:
    """The default key policy KMS writes (the account's root may do everything), in the
    text AWS answers, byte for byte (``" : "``, ``[ {``; docs/aws-behaviour.md §11.4)."""
    return _DEFAULT_POLICY % (partition, account_id)
