"""The backups of one account and Region: taking them, the schedule, retention, purge, copies.

What AWS documents (``docs/aws-behaviour.md §6.6``): a backup is taken at
activation, when an HSM is added to or removed from an ACTIVE cluster, and at
least every 24 hours; a deleted backup is ``PENDING_DELETION`` for 7 days and
can be restored meanwhile; retention never deletes a cluster's latest backup
nor a copy from another Region; an HSM added to a cluster with no ACTIVE HSM
is restored from the most recent backup.

**Choices where AWS documents nothing:** backups are ``READY`` at once.
Periodic backups run every ``Settings.backup_interval`` (24 virtual hours by
default) from the first activation in the Region, for every ACTIVE cluster
with an ACTIVE HSM; retention is applied at the same time and whenever a
cluster's retention policy changes. A backup past its retention moves to
``PENDING_DELETION`` like DeleteBackup. A purged backup disappears from
DescribeBackups.
"""

from __future__ import annotations

from ..scope import Scope
from .model import Backup, BackupState, Cluster, ClusterState
from .vault import VaultSnapshot

__all__ = ["ID_ALPHABET", "BackupCatalog"]

ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
"""The characters of CloudHSM resource IDs after their prefix (``cluster-``, ``backup-`` ...)."""

_DAY = 86_400.0


class BackupCatalog:
    """Every backup of one account and Region, and the timers that keep them.

    ``clusters`` is the Region's cluster table (shared, not copied): periodic
    backups and retention read it.
    """

    def __init__(self, scope: Scope, clusters: dict[str, Cluster]) -> None:
        self.scope = scope
        self.clock = scope.clock
        self.entropy = scope.entropy
        self.clusters = clusters
        self.backups: dict[str, Backup] = {}
        self._arn_prefix = scope.arn_prefix("cloudhsm") + "backup/"
        self._schedule_started = False

    # -- taking and copying ---------------------------------------------------------

    def take(self, cluster: Cluster, at: float | None = None) -> Backup:
        """Back up a cluster's users, key objects and certificates as they are now."""
        backup_id, arn = self._new_id()
        backup = self.backups[backup_id] = Backup(
            backup_id=backup_id,
            backup_arn=arn,
            cluster_id=cluster.cluster_id,
            create_timestamp=self.clock.now() if at is None else at,
            hsm_type=cluster.hsm_type,
            mode=cluster.mode,
            snapshot=VaultSnapshot.take(cluster.keys, cluster.users),
            cluster_certificate=cluster.cluster_certificate,
            trust_anchor=cluster.trust_anchor,
            retention_days=cluster.backup_retention_days,
        )
        return backup

    def receive_copy(self, source: Backup, source_region: str, tags: dict[str, str]) -> Backup:
        """Store a copy of another Region's backup here (CopyBackupToRegion's far end).

        A copy has no retention policy (``docs/aws-behaviour.md §6.6``) and the
        source's ``CreateTimestamp`` (§6.9); ``CopyTimestamp`` is now.
        """
        now = self.clock.now()
        backup_id, arn = self._new_id()
        copy = self.backups[backup_id] = Backup(
            backup_id=backup_id,
            backup_arn=arn,
            cluster_id=source.cluster_id,
            create_timestamp=source.create_timestamp,
            hsm_type=source.hsm_type,
            mode=source.mode,
            snapshot=source.snapshot,
            cluster_certificate=source.cluster_certificate,
            trust_anchor=source.trust_anchor,
            copy_timestamp=now,
            source_region=source_region,
            source_backup=source.backup_id,
            source_cluster=source.cluster_id,
            tags=tags,
        )
        return copy

    def _new_id(self) -> tuple[str, str]:
        backup_id = "backup-" + self.entropy.token(ID_ALPHABET, 11)
        return backup_id, self._arn_prefix + backup_id

    def restore_point(self, cluster: Cluster) -> VaultSnapshot | None:
        """What a cluster's first ACTIVE HSM starts from: its latest READY backup of this
        Region, else the backup the cluster was made from (``None``: nothing)."""
        latest = None
        for backup in self.backups.values():
            if (
                backup.cluster_id == cluster.cluster_id
                and backup.state == BackupState.READY
                and backup.source_region is None
            ):
                latest = backup
        return latest.snapshot if latest is not None else cluster.source_snapshot

    # -- deletion -------------------------------------------------------------------

    def delete(self, backup: Backup, at: float | None = None) -> None:
        """``PENDING_DELETION`` for ``Settings.backup_pending_deletion_days``, then gone."""
        backup.transition("delete")
        start = self.clock.now() if at is None else at
        when = start + self.scope.settings.backup_pending_deletion_days * _DAY
        backup.delete_timestamp = when
        self.clock.call_at(when, lambda: self._purge(backup, when))

    def restore(self, backup: Backup) -> None:
        """Take a backup out of ``PENDING_DELETION`` (RestoreBackup)."""
        backup.transition("restore")
        backup.delete_timestamp = None

    def _purge(self, backup: Backup, when: float) -> None:
        if backup.delete_timestamp == when and backup.transition("purge"):
            self.backups.pop(backup.backup_id, None)

    # -- the schedule and retention -------------------------------------------------

    def start_schedule(self) -> None:
        """Start the periodic backups of the Region (once; later calls do nothing)."""
        if not self._schedule_started:
            self._schedule_started = True
            self._schedule(self.clock.now() + self.scope.settings.backup_interval)

    def _schedule(self, when: float) -> None:
        # call_at the planned time (not call_later), so a long clock jump runs every tick
        self.clock.call_at(when, lambda: self._periodic(when))

    def _periodic(self, when: float) -> None:
        """Periodic backups of active clusters, then retention, stamped with the planned time."""
        for cluster in list(self.clusters.values()):
            if cluster.state == ClusterState.ACTIVE and cluster.active_hsms(hidden=True):
                self.take(cluster, at=when)  # of the real material, faults or not
        self.apply_retention(when)
        self._schedule(when + self.scope.settings.backup_interval)

    def apply_retention(self, at: float | None = None) -> None:
        """Delete every READY backup past its cluster's retention period, except the
        latest of each cluster, copies from another Region and those that never expire."""
        now = self.clock.now() if at is None else at
        latest: dict[str, Backup] = {}
        for backup in self.backups.values():
            if backup.state == BackupState.READY:
                latest[backup.cluster_id] = backup
        for backup in list(self.backups.values()):
            if (
                backup.state != BackupState.READY
                or backup.never_expires
                or backup.source_region is not None
                or latest.get(backup.cluster_id) is backup
            ):
                continue
            cluster = self.clusters.get(backup.cluster_id)
            days = cluster.backup_retention_days if cluster is not None else backup.retention_days
            if days is not None and now >= backup.create_timestamp + days * _DAY:
                self.delete(backup, at=now)
