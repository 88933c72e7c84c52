"""Key rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
RotateKeyOnDemand and ListKeyRotations, on the environment's virtual clock.

Rotation adds a version to the key's :class:`~.model.SymmetricMaterial` and makes it
current: new ciphertext uses it, older ciphertext still decrypts, and the key's
``CurrentKeyMaterialId`` changes.

Automatic rotation happens ``RotationPeriodInDays`` after it is enabled, then
every period after each rotation. While the key is disabled or pending deletion
it does not rotate; once it is enabled again a rotation that fell due is made
within a virtual day, and the schedule continues from it (the KMS guide: "If the
key material ... hasn't been rotated in one year, KMS rotates it immediately").

Choices where AWS documents nothing (docs/aws-behaviour.md §11.5):

* RotateKeyOnDemand answers the key ARN (recorded); GetKeyRotationStatus and
  ListKeyRotations entries name the key by key ID, as the AWS CLI examples show for
  a request by key ID, and so for a request by key ARN too.
* Asymmetric and HMAC keys answer ``UnsupportedOperationException`` to every rotation
  operation, as do keys with imported material to Enable/DisableKeyRotation; keys with
  imported material report ``KeyRotationEnabled`` false.
* An on-demand rotation takes ``Settings.on_demand_rotation_delay``
  virtual seconds (default 0: done before the next request); while one is in
  progress, RotateKeyOnDemand is ``ConflictException``, as it is (documented) when
  an automatic rotation is due within 20 minutes. A key with imported material and
  nothing imported for a rotation (``PENDING_ROTATION``) is ``KMSInvalidStateException``.
* Changing the period of an enabled key moves the next rotation to the last
  rotation (or the enabling) plus the new period, or to now if that has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..context import RequestContext, to_millisecond
from ..pagination import numbering
from .checks import origin_error, paginate
from .declaration import (
    InCloudHsm,
    Message,
    declared_error,
    messages_from,
    operation,
    states_except,
)
from .family import Family
from .model import Key, KeyState, Rotation, SymmetricMaterial

__all__ = ["Rotations"]

DAY = 86_400.0
DEFAULT_ROTATION_PERIOD_IN_DAYS = 365
_CONFLICT_WINDOW = 20 * 60.0


# The errors every rotation operation shares (recorded for RotateKeyOnDemand:
# docs/aws-behaviour.md §11.5; AWS sends no message for a key that cannot rotate).
_ROTATION_MESSAGES: dict[str, Message] = {
    "not_symmetric": ("UnsupportedOperationException", None),
    "replica": ("UnsupportedOperationException",
                "{arn} is a multi-Region replica key: manage its rotation on the primary key."),
}
# A key rotates while it may be used: not disabled, pending deletion or pending import.
_ROTATES = states_except(KeyState.DISABLED, KeyState.PENDING_DELETION,
                         KeyState.PENDING_REPLICA_DELETION, KeyState.PENDING_IMPORT)
# Enable/DisableKeyRotation refuse a key pending import for its origin (EXTERNAL), not
# its state: the key state table's [6] (docs/aws-behaviour.md §11.5, see _rotation_key).
_changes_rotation = operation(key_states=_ROTATES | {KeyState.PENDING_IMPORT},
                              in_cloudhsm=InCloudHsm.UNSUPPORTED, messages=_ROTATION_MESSAGES)
# GetKeyRotationStatus and ListKeyRotations take a replica too (see _rotation_key).
_reads_rotation = operation(in_cloudhsm=InCloudHsm.UNSUPPORTED,
                            messages=messages_from(_ROTATION_MESSAGES, "not_symmetric"))


@dataclass(eq=False)
class Rotations(Family):
    """The key rotation operations of one account and Region, and the rotation schedule."""

    @_changes_rotation
    def EnableKeyRotation(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self._rotation_key(ctx, p, automatic=True)
        period: int = p.get("RotationPeriodInDays", DEFAULT_ROTATION_PERIOD_IN_DAYS)
        now = ctx.now()
        if key.rotation_period_in_days is None or key.next_rotation_date is None:
            due = now + period * DAY
        else:
            anchor = key.next_rotation_date - key.rotation_period_in_days * DAY
            due = max(anchor + period * DAY, now)
        key.rotation_period_in_days = period
        self.schedule(key, due)
        return {}

    @_changes_rotation
    def DisableKeyRotation(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self._rotation_key(ctx, p, automatic=True)
        key.rotation_period_in_days = None
        key.next_rotation_date = None
        key.rotation_schedule += 1
        return {}

    @_reads_rotation
    def GetKeyRotationStatus(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        """A key pending deletion reports rotation disabled; cancelling restores it.

        A multi-Region replica reports the rotation status of its primary key, which
        KMS keeps in sync across the set.
        """
        key = self._rotation_key(ctx, p, automatic=False, replica=True)
        schedule = key
        if key.multi_region is not None:
            schedule = key.multi_region.primary() or key
        enabled = schedule.rotation_period_in_days is not None and key.key_state not in (
            KeyState.PENDING_DELETION, KeyState.PENDING_REPLICA_DELETION)
        result: dict[str, Any] = {"KeyId": key.key_id, "KeyRotationEnabled": enabled}
        if enabled:
            result["RotationPeriodInDays"] = schedule.rotation_period_in_days
            result["NextRotationDate"] = schedule.next_rotation_date
        if key.on_demand_rotation_start is not None:
            result["OnDemandRotationStartDate"] = key.on_demand_rotation_start
        return result

    @operation(key_states=_ROTATES, in_cloudhsm=InCloudHsm.UNSUPPORTED, messages={
        **_ROTATION_MESSAGES,
        "in_progress": ("ConflictException",
                        "A rotation of {arn} is in progress or about to begin."),
        "limit": ("LimitExceededException",
                  "The on-demand rotations limit has been reached for the given keyId. "
                  "No more on-demand rotations can be performed for this key: {arn}"),
        "nothing_pending": ("KMSInvalidStateException",
                            "No available key material pending rotation for the key: {arn}."),
    })
    def RotateKeyOnDemand(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        """Answers the key ARN (recorded, docs/aws-behaviour.md §11.5)."""
        key = self._rotation_key(ctx, p, automatic=False)
        now = ctx.now()
        due = key.next_rotation_date
        if key.on_demand_rotation_start is not None or (
                due is not None and due - now < _CONFLICT_WINDOW):
            raise declared_error(ctx, "in_progress", arn=key.arn)
        limit = self.scope.settings.max_on_demand_rotations
        if sum(1 for r in key.rotations if r.rotation_type == "ON_DEMAND") >= limit:
            raise declared_error(ctx, "limit", arn=key.arn)
        pending = None
        if key.origin == "EXTERNAL":
            pending = next((m for m in key.imports.values() if m.pending_rotation), None)
            if pending is None:
                raise declared_error(ctx, "nothing_pending", arn=key.arn)
        key.on_demand_rotation_start = to_millisecond(now)
        material_id = pending.material_id if pending is not None else None
        self.scope.clock.call_later(
            self.scope.settings.on_demand_rotation_delay,
            lambda: self._finish_on_demand(key, material_id),
        )
        return {"KeyId": key.arn}

    @_reads_rotation
    def ListKeyRotations(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self._rotation_key(ctx, p, automatic=False, replica=True)
        material = key.material
        assert isinstance(material, SymmetricMaterial)
        current = material.current_material_id
        entries: list[dict[str, Any]] = []
        rotated = {r.material_id for r in key.rotations}
        everything = p.get("IncludeKeyMaterial") == "ALL_KEY_MATERIAL"
        if everything:
            first = next((m for m in _material_order(key) if m not in rotated), None)
            if first is not None:
                entries.append(self._rotation_entry(key, first, current, None))
        entries.extend(self._rotation_entry(key, r.material_id, current, r) for r in key.rotations)
        if everything:
            entries.extend(
                self._rotation_entry(key, m.material_id, current, None)
                for m in key.imports.values() if m.pending_rotation
            )
        listing = numbering(key, "rotations, all material" if everything else "rotations")
        numbers = listing.number(entry["KeyMaterialId"] for entry in entries)
        page, result = paginate(entries, p, default_limit=100,
                                number=lambda entry: numbers[entry["KeyMaterialId"]])
        result["Rotations"] = page
        return result

    # -- internals --------------------------------------------------------------------

    def _rotation_key(self, ctx: RequestContext, p: dict[str, Any], *, automatic: bool,
                      replica: bool = False) -> Key:
        """The key of a rotation operation, refused as AWS refuses keys that cannot rotate:
        for automatic rotation, imported material first (the key state table gives a key
        pending import the origin error, docs/aws-behaviour.md §11.5); then its state (a
        disabled asymmetric key is DisabledException, recorded), then its kind (a
        multi-Region replica only reads its primary key's rotation: ``replica``)."""
        key = self.check.in_cloudhsm(ctx, self.registry.key_by_id_or_arn(p["KeyId"]))
        if automatic and key.origin == "EXTERNAL":
            raise origin_error(key)
        key = self.check.state(ctx, key)
        if key.key_spec != "SYMMETRIC_DEFAULT":
            raise declared_error(ctx, "not_symmetric")
        mrk = key.multi_region
        if mrk is not None and not replica and not mrk.is_primary(key):
            raise declared_error(ctx, "replica", arn=key.arn)
        return key

    def schedule(self, key: Key, due: float) -> None:
        """Rotate ``key`` automatically at ``due`` (replacing any earlier schedule)."""
        key.next_rotation_date = due = to_millisecond(due)
        key.rotation_schedule += 1
        schedule = key.rotation_schedule
        self.scope.clock.call_at(due, lambda: self._rotate_when_due(key, schedule, due))

    def _rotate_when_due(self, key: Key, schedule: int, at: float) -> None:
        """The automatic rotation of ``schedule``, tried at virtual time ``at``."""
        if self.registry.keys.get(key.key_id) is not key or key.rotation_schedule != schedule:
            return  # deleted, disabled, or rescheduled
        if key.state != KeyState.ENABLED:
            later = at + DAY
            self.scope.clock.call_at(later, lambda: self._rotate_when_due(key, schedule, later))
            return
        self._add_rotation(key, at, "AUTOMATIC")
        period = key.rotation_period_in_days or DEFAULT_ROTATION_PERIOD_IN_DAYS
        self.schedule(key, at + period * DAY)

    def _finish_on_demand(self, key: Key, material_id: bytes | None) -> None:
        key.on_demand_rotation_start = None
        if self.registry.keys.get(key.key_id) is not key:
            return
        self._add_rotation(key, to_millisecond(self.scope.clock.now()), "ON_DEMAND", material_id)

    def _add_rotation(
        self, key: Key, when: float, kind: str, material_id: bytes | None = None
    ) -> None:
        """Make new material current (or the imported ``material_id``), and record it."""
        material = key.material
        assert isinstance(material, SymmetricMaterial)
        if material_id is None:
            material_id = self.scope.entropy.bytes(32)
            material.rotate(material_id, self.scope.entropy.bytes(32))
        else:
            material.rotate(material_id)
            key.imports[material_id].pending_rotation = False
        # Multi-Region keys share their material and rotation list: all see the rotation.
        key.rotations.append(Rotation(material_id, when, kind))

    @staticmethod
    def _rotation_entry(
        key: Key, material_id: bytes, current: bytes | None, rotation: Rotation | None
    ) -> dict[str, Any]:
        record = key.imports.get(material_id)
        if record is not None and record.pending_rotation:
            state = "PENDING_ROTATION"
        else:
            state = "CURRENT" if material_id == current else "NON_CURRENT"
        entry: dict[str, Any] = {
            "KeyId": key.key_id,
            "KeyMaterialId": material_id.hex(),
            "KeyMaterialState": state,
        }
        if rotation is not None:
            entry["RotationDate"] = rotation.rotation_date
            entry["RotationType"] = rotation.rotation_type
        if record is not None:
            entry["ImportState"] = "IMPORTED" if record.imported else "PENDING_IMPORT"
            entry["ExpirationModel"] = record.expiration_model
            if record.valid_to is not None:
                entry["ValidTo"] = record.valid_to
            if record.description is not None:
                entry["KeyMaterialDescription"] = record.description
        return entry


def _material_order(key: Key) -> list[bytes]:
    """Every material ID of the key, the first one first."""
    material = key.material
    ids = material.material_ids if isinstance(material, SymmetricMaterial) else []
    return [*ids, *(m for m in key.imports if m not in ids)]
