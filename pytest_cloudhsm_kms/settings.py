"""Timings and limits of the fake KMS and CloudHSM v2: one settings object.

Every delay is in virtual seconds (see :mod:`pytest_cloudhsm_kms.clock`); 0.0
means "done by the next request". Limits default to AWS's quotas as listed in
``docs/aws-behaviour.md``; lower them to test what happens at a limit without
creating 100,000 keys.

``Settings`` is accepted by ``CloudHsmKms(settings=...)``, set for a whole
suite by the ``cloudhsm_kms_settings`` ini option (``name = value`` lines), and
per test by overriding the ``cloudhsm_kms_settings`` fixture.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Settings"]

_DAY = 86_400.0


@dataclass(frozen=True)
class Settings:
    """Timings and limits of both services. All fields are keyword arguments."""

    # -- KMS ----------------------------------------------------------------
    connect_delay: float = 0.0
    """ConnectCustomKeyStore: CONNECTING -> CONNECTED (or FAILED)."""
    disconnect_delay: float = 0.0
    """DisconnectCustomKeyStore: DISCONNECTING -> DISCONNECTED."""
    max_keys: int = 100_000
    """KMS keys per account and Region (LimitExceededException past it)."""
    max_custom_key_stores: int = 10
    """Custom key stores per account and Region."""
    key_store_request_rate: float = 1800.0
    """The request quota shared by every key of one CloudHSM key store, per second."""
    replication_delay: float = 0.0
    """ReplicateKey: the new replica is Creating, then Enabled (or PendingImport)."""
    primary_region_update_delay: float = 0.0
    """UpdatePrimaryRegion: the old and new primary keys are Updating, then Enabled."""
    on_demand_rotation_delay: float = 0.0
    """RotateKeyOnDemand: the rotation is in progress, then done."""
    max_on_demand_rotations: int = 25
    """On-demand rotations per key (LimitExceededException past it)."""
    max_grants_per_key: int = 50_000
    """Grants on one key."""
    max_grants_per_grantee: int = 500
    """Grants for one grantee principal on one key."""

    # -- CloudHSM v2 ----------------------------------------------------------
    create_cluster_delay: float = 0.0
    """CREATE_IN_PROGRESS -> UNINITIALIZED (or ACTIVE for a cluster made from a backup)."""
    initialize_cluster_delay: float = 0.0
    """INITIALIZE_IN_PROGRESS -> INITIALIZED."""
    modify_cluster_delay: float = 0.0
    """MODIFY_IN_PROGRESS / ROLLBACK_IN_PROGRESS -> ACTIVE."""
    delete_cluster_delay: float = 0.0
    """DELETE_IN_PROGRESS -> DELETED."""
    create_hsm_delay: float = 0.0
    """HSM CREATE_IN_PROGRESS -> ACTIVE."""
    delete_hsm_delay: float = 0.0
    """HSM DELETE_IN_PROGRESS -> DELETED (and gone from the cluster's ``Hsms``)."""
    deleted_cluster_visible: float = 3600.0
    """How long DescribeClusters still lists a DELETED cluster."""
    backup_interval: float = _DAY
    """Time between periodic backups (and backup retention sweeps)."""
    backup_retention_days: int = 90
    """The backup retention period of a new cluster without a BackupRetentionPolicy."""
    backup_pending_deletion_days: int = 7
    """How long a deleted backup stays PENDING_DELETION (and can be restored)."""
    max_hsms_per_cluster: int = 28
    """HSMs per cluster."""

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"Settings.{field.name} must be a number, not {value!r}")
            if value != value:  # NaN
                raise ValueError(f"Settings.{field.name} must be a number, not {value!r}")
            if value < 0:
                raise ValueError(f"Settings.{field.name} must not be negative, not {value!r}")
        if self.backup_interval <= 0:
            raise ValueError("Settings.backup_interval must be positive")

    def replace(self, **changes: float) -> Settings:
        """A copy with some fields changed: ``settings.replace(connect_delay=60)``."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_lines(cls, lines: Iterable[str], base: Settings | None = None) -> Settings:
        """Parse ``name = value`` lines (the ini option's form) over ``base``.

        Blank lines and ``#`` comments are skipped. A ``ValueError`` names the
        first bad line: an unknown name, a value that is not a number of the
        field's type (``int`` fields take whole numbers), or a refused value.
        """
        types = {field.name: field.type for field in dataclasses.fields(cls)}
        settings = base or cls()
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, sep, raw = (part.strip() for part in line.partition("="))
            if not sep or name not in types:
                known = ", ".join(types)
                raise ValueError(f"cloudhsm_kms_settings: {line!r} is not 'name = value' "
                                 f"with a name among: {known}")
            try:
                value = int(raw) if types[name] == "int" else float(raw)
                settings = settings.replace(**{name: value})
            except (TypeError, ValueError) as error:
                raise ValueError(f"cloudhsm_kms_settings: {line!r}: {error}") from None
        return settings
