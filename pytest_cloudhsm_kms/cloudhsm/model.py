"""Clusters, HSMs and backups of the fake CloudHSM v2, with their state tables.

``Cluster`` also carries the vault API that KMS uses: key objects, AES-256-GCM
with them, random bytes, and the users' logins. All of it needs an ACTIVE HSM.

Faults change what a cluster shows and answers, not what it holds
(docs/aws-behaviour.md §12): ``Cluster.hsms`` and ``Cluster.keys`` are always
the real HSMs and key objects, and ``hidden_hsms`` / ``hidden_keys`` name those
a fault hides. What a user sees (``describe``, ``active_hsms()``, cryptography)
leaves the hidden ones out; the cluster's own progress (HSMs completing,
cloning, backups) works on everything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag

from ..entropy import Entropy
from . import certificates
from .vault import MAX_FAILED_LOGINS, CryptoUser, KeyObject, VaultError, VaultSnapshot

__all__ = [
    "BACKUP_TRANSITIONS",
    "CLUSTER_TRANSITIONS",
    "HSM_TRANSITIONS",
    "Backup",
    "BackupState",
    "Cluster",
    "ClusterState",
    "Hsm",
    "HsmState",
    "answered_time",
]

Result = dict[str, Any]


class ClusterState:
    """The ``ClusterState`` values of the CloudHSM v2 API."""

    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    UNINITIALIZED = "UNINITIALIZED"
    INITIALIZE_IN_PROGRESS = "INITIALIZE_IN_PROGRESS"
    INITIALIZED = "INITIALIZED"
    ACTIVE = "ACTIVE"
    UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS"
    MODIFY_IN_PROGRESS = "MODIFY_IN_PROGRESS"
    ROLLBACK_IN_PROGRESS = "ROLLBACK_IN_PROGRESS"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    DELETED = "DELETED"
    DEGRADED = "DEGRADED"


class HsmState:
    """The ``HsmState`` values of the CloudHSM v2 API."""

    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    ACTIVE = "ACTIVE"
    DEGRADED = "DEGRADED"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    DELETED = "DELETED"


class BackupState:
    """The ``BackupState`` values of the CloudHSM v2 API."""

    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    READY = "READY"
    DELETED = "DELETED"
    PENDING_DELETION = "PENDING_DELETION"


_C = ClusterState
_H = HsmState

CLUSTER_TRANSITIONS: dict[tuple[str, str], str] = {
    (_C.CREATE_IN_PROGRESS, "created"): _C.UNINITIALIZED,
    (_C.CREATE_IN_PROGRESS, "restored"): _C.ACTIVE,  # made from a backup
    (_C.UNINITIALIZED, "initialize"): _C.INITIALIZE_IN_PROGRESS,
    (_C.INITIALIZE_IN_PROGRESS, "initialized"): _C.INITIALIZED,
    (_C.INITIALIZED, "activate"): _C.ACTIVE,  # out of band: CloudHSM CLI `cluster activate`
    (_C.ACTIVE, "modify"): _C.MODIFY_IN_PROGRESS,
    (_C.MODIFY_IN_PROGRESS, "modified"): _C.ACTIVE,
    (_C.ACTIVE, "rollback"): _C.ROLLBACK_IN_PROGRESS,
    (_C.MODIFY_IN_PROGRESS, "rollback"): _C.ROLLBACK_IN_PROGRESS,  # during the migration too
    (_C.ROLLBACK_IN_PROGRESS, "rolled_back"): _C.ACTIVE,
    (_C.UNINITIALIZED, "delete"): _C.DELETE_IN_PROGRESS,
    (_C.INITIALIZED, "delete"): _C.DELETE_IN_PROGRESS,
    (_C.ACTIVE, "delete"): _C.DELETE_IN_PROGRESS,
    (_C.DEGRADED, "delete"): _C.DELETE_IN_PROGRESS,
    (_C.DELETE_IN_PROGRESS, "deleted"): _C.DELETED,
}
"""``(state, event) -> new state``: every cluster state change the fake makes."""

HSM_TRANSITIONS: dict[tuple[str, str], str] = {
    (_H.CREATE_IN_PROGRESS, "created"): _H.ACTIVE,
    (_H.ACTIVE, "delete"): _H.DELETE_IN_PROGRESS,
    (_H.DEGRADED, "delete"): _H.DELETE_IN_PROGRESS,
    (_H.DELETE_IN_PROGRESS, "deleted"): _H.DELETED,
}
"""``(state, event) -> new state`` for HSMs."""

_B = BackupState

BACKUP_TRANSITIONS: dict[tuple[str, str], str] = {
    (_B.READY, "delete"): _B.PENDING_DELETION,  # DeleteBackup, or past its retention
    (_B.PENDING_DELETION, "restore"): _B.READY,  # RestoreBackup
    (_B.PENDING_DELETION, "purge"): _B.DELETED,  # the pending deletion period is over
}
"""``(state, event) -> new state`` for backups (made READY: there is no CREATE_IN_PROGRESS)."""

CLUSTER_STATE_MESSAGES = {
    _C.CREATE_IN_PROGRESS: "The cluster is being created.",
    _C.UNINITIALIZED: "The cluster is uninitialized. Create an HSM, sign the cluster CSR, "
                      "then call InitializeCluster.",
    _C.INITIALIZE_IN_PROGRESS: "Cluster is initializing. State will change to INITIALIZED "
                               "upon completion.",
    _C.INITIALIZED: "The cluster is initialized. Activate it with the CloudHSM CLI.",
    _C.ACTIVE: "The cluster is active.",
    _C.UPDATE_IN_PROGRESS: "The cluster is being updated.",
    _C.MODIFY_IN_PROGRESS: "The HSM type of the cluster is being modified.",
    _C.ROLLBACK_IN_PROGRESS: "The HSM type of the cluster is being rolled back.",
    _C.DELETE_IN_PROGRESS: "The cluster is being deleted.",
    _C.DELETED: "The cluster has been deleted.",
    _C.DEGRADED: "The cluster is degraded.",
}
"""``StateMessage`` per cluster state: the INITIALIZE_IN_PROGRESS and DELETE_IN_PROGRESS
texts are the ones the User Guide prints (docs/aws-behaviour.md §6.9); the others are
the fake's own."""

HSM_STATE_MESSAGES = {
    _H.CREATE_IN_PROGRESS: "HSM is being created.",
    _H.ACTIVE: "HSM created.",
    _H.DEGRADED: "HSM is degraded.",
    _H.DELETE_IN_PROGRESS: "HSM is being deleted.",
    _H.DELETED: "HSM deleted.",
}

PRE_CO_STATES = frozenset({_C.CREATE_IN_PROGRESS, _C.UNINITIALIZED, _C.INITIALIZE_IN_PROGRESS,
                           _C.INITIALIZED})
"""States in which DescribeClusters shows the PRECO password (until activation)."""


class _Stateful(Protocol):
    state: str


def _apply(table: dict[tuple[str, str], str], record: _Stateful, event: str) -> bool:
    """Move ``record`` to the state ``table`` gives for ``event``, if any; return whether it did."""
    new_state = table.get((record.state, event))
    if new_state is None:
        return False
    record.state = new_state
    return True


@dataclass(eq=False)
class Hsm:
    """One HSM of a cluster, with its elastic network interface."""

    hsm_id: str
    cluster_id: str
    availability_zone: str
    subnet_id: str
    eni_id: str
    eni_ip: str
    hsm_type: str
    eni_ip_v6: str | None = None
    state: str = HsmState.CREATE_IN_PROGRESS

    def can(self, event: str) -> bool:
        """Whether ``event`` may happen in the current state."""
        return (self.state, event) in HSM_TRANSITIONS

    def transition(self, event: str) -> bool:
        """Apply ``event`` if the state table allows it; return whether it did."""
        return _apply(HSM_TRANSITIONS, self, event)

    def describe(self) -> Result:
        """The ``Hsm`` structure of the API."""
        entry: Result = {
            "AvailabilityZone": self.availability_zone,
            "ClusterId": self.cluster_id,
            "SubnetId": self.subnet_id,
            "EniId": self.eni_id,
            "EniIp": self.eni_ip,
            "HsmId": self.hsm_id,
            "HsmType": self.hsm_type,
            "State": self.state,
            "StateMessage": HSM_STATE_MESSAGES[self.state],
        }
        if self.eni_ip_v6 is not None:
            entry["EniIpV6"] = self.eni_ip_v6
        return entry


@dataclass(eq=False)
class Backup:
    """A backup: users, key objects and certificates of a cluster at one moment.

    ``retention_days`` is the cluster's policy when the backup was taken; it
    applies once the cluster is gone. Copies from another Region
    (``source_region`` set) have no retention policy.
    """

    backup_id: str
    backup_arn: str
    cluster_id: str
    create_timestamp: float
    hsm_type: str
    mode: str
    snapshot: VaultSnapshot = field(repr=False)
    cluster_certificate: str | None = field(default=None, repr=False)
    trust_anchor: str | None = field(default=None, repr=False)
    retention_days: int | None = None
    state: str = BackupState.READY
    never_expires: bool = False
    delete_timestamp: float | None = None
    copy_timestamp: float | None = None
    source_region: str | None = None
    source_backup: str | None = None
    source_cluster: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    resource_policy: str | None = None

    def transition(self, event: str) -> bool:
        """Apply ``event`` if the state table allows it; return whether it did."""
        return _apply(BACKUP_TRANSITIONS, self, event)

    def describe(self, *, listed: bool = False) -> Result:
        """The ``Backup`` structure of the API. DescribeBackups (``listed``) answers
        ``TagList`` even when empty (docs/aws-behaviour.md §6.9); **Choice:** the
        other backup operations only for a tagged backup."""
        entry: Result = {
            "BackupId": self.backup_id,
            "BackupArn": self.backup_arn,
            "BackupState": self.state,
            "ClusterId": self.cluster_id,
            "CreateTimestamp": answered_time(self.create_timestamp),
            "NeverExpires": self.never_expires,
            "HsmType": self.hsm_type,
            "Mode": self.mode,
        }
        optional = {
            "CopyTimestamp": self.copy_timestamp,
            "SourceRegion": self.source_region,
            "SourceBackup": self.source_backup,
            "SourceCluster": self.source_cluster,
            "DeleteTimestamp": self.delete_timestamp,
        }
        entry.update({name: answered_time(value) if isinstance(value, float) else value
                      for name, value in optional.items() if value is not None})
        if self.tags or listed:
            entry["TagList"] = tag_list(self.tags)
        return entry


@dataclass(eq=False)
class Cluster:
    """A CloudHSM cluster: its HSMs, certificates and the vault its HSMs share.

    ``cluster_certificate`` is the lineage of the cluster: clusters made from
    one another's backups have the same one (KMS calls them related).
    """

    cluster_id: str
    hsm_type: str
    mode: str
    network_type: str
    subnet_mapping: dict[str, str]
    vpc_id: str
    security_group: str
    create_timestamp: float
    entropy: Entropy = field(repr=False)
    handles: Iterator[int] = field(repr=False)
    state: str = ClusterState.CREATE_IN_PROGRESS
    backup_retention_days: int = 90
    source_backup_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    hsms: dict[str, Hsm] = field(default_factory=dict)
    csr_common_name: str | None = field(default=None, repr=False)
    """Set once the cluster CSR exists (the first HSM is ACTIVE); its PEM is made on demand."""
    hardware_certificates: tuple[str, str, str] | None = field(default=None, repr=False)
    cluster_certificate: str | None = field(default=None, repr=False)
    trust_anchor: str | None = field(default=None, repr=False)
    pre_co_password: str = field(default="password", repr=False)
    hsm_type_rollback_expiration: float | None = None
    previous_hsm_type: str | None = None
    source_snapshot: VaultSnapshot | None = field(default=None, repr=False)
    keys: dict[int, KeyObject] = field(default_factory=dict, repr=False)
    users: dict[str, CryptoUser] = field(default_factory=dict, repr=False)
    hidden_hsms: set[str] = field(default_factory=set, repr=False)
    """IDs of HSMs a fault hides: not shown, not used for cryptography."""
    hidden_keys: set[int] = field(default_factory=set, repr=False)
    """Handles of key objects a fault hides: the HSMs answer as though they were gone."""

    @property
    def cluster_csr(self) -> str | None:
        """The PEM cluster CSR (signed by the HSM key), or ``None`` before the first HSM."""
        if self.csr_common_name is None:
            return None
        return certificates.cluster_csr(self.csr_common_name)

    # -- states ------------------------------------------------------------------

    def can(self, event: str) -> bool:
        """Whether ``event`` may happen in the current state."""
        return (self.state, event) in CLUSTER_TRANSITIONS

    def transition(self, event: str) -> bool:
        """Apply ``event`` if the state table allows it; return whether it did."""
        return _apply(CLUSTER_TRANSITIONS, self, event)

    def visible_hsms(self) -> list[Hsm]:
        """The HSMs no fault hides: what DescribeClusters lists and requests find."""
        hidden = self.hidden_hsms
        return [hsm for hsm in self.hsms.values() if hsm.hsm_id not in hidden]

    def active_hsms(self, *, hidden: bool = False) -> list[Hsm]:
        """The visible HSMs in state ACTIVE: the only ones KMS counts.

        ``hidden=True`` counts those a fault hides too: the cluster's own view.
        """
        hsms = self.hsms.values() if hidden or not self.hidden_hsms else self.visible_hsms()
        return [hsm for hsm in hsms if hsm.state == HsmState.ACTIVE]

    def describe(self) -> Result:
        """The ``Cluster`` structure of DescribeClusters."""
        entry: Result = {
            "BackupPolicy": "DEFAULT",
            "BackupRetentionPolicy": {"Type": "DAYS", "Value": str(self.backup_retention_days)},
            "ClusterId": self.cluster_id,
            "CreateTimestamp": answered_time(self.create_timestamp),
            "Hsms": [hsm.describe() for hsm in self.visible_hsms()],
            "HsmType": self.hsm_type,
            "SecurityGroup": self.security_group,
            "State": self.state,
            "StateMessage": CLUSTER_STATE_MESSAGES[self.state],
            "SubnetMapping": dict(self.subnet_mapping),
            "VpcId": self.vpc_id,
            "NetworkType": self.network_type,
            "Certificates": self._certificates(),
            "Mode": self.mode,
        }
        if self.state in PRE_CO_STATES:
            entry["PreCoPassword"] = self.pre_co_password
        if self.source_backup_id is not None:
            entry["SourceBackupId"] = self.source_backup_id
        if self.hsm_type_rollback_expiration is not None:
            entry["HsmTypeRollbackExpiration"] = answered_time(
                self.hsm_type_rollback_expiration)
        if self.tags:
            entry["TagList"] = tag_list(self.tags)
        return entry

    def _certificates(self) -> Result:
        found: Result = {}
        if self.csr_common_name is not None and self.state == ClusterState.UNINITIALIZED:
            found["ClusterCsr"] = self.cluster_csr
        if self.hardware_certificates is not None:
            hsm, aws, manufacturer = self.hardware_certificates
            found["HsmCertificate"] = hsm
            found["AwsHardwareCertificate"] = aws
            found["ManufacturerHardwareCertificate"] = manufacturer
        if self.cluster_certificate is not None:
            found["ClusterCertificate"] = self.cluster_certificate
        return found

    # -- key objects ---------------------------------------------------------------

    def _require_active_hsm(self) -> None:
        if not self._has_active_hsm():
            raise VaultError("NO_ACTIVE_HSM", f"Cluster {self.cluster_id} has no ACTIVE HSM.")

    def _has_active_hsm(self) -> bool:
        hidden = self.hidden_hsms
        for hsm in self.hsms.values():
            if hsm.state == HsmState.ACTIVE and hsm.hsm_id not in hidden:
                return True
        return False

    def _key(self, handle: int) -> KeyObject:
        self._require_active_hsm()
        key = self.keys.get(handle)
        if key is None or handle in self.hidden_keys:
            raise VaultError("KEY_NOT_FOUND", f"No key with handle {handle} in {self.cluster_id}.")
        return key

    def create_key(self, label: str, owner: str = "kmsuser") -> int:
        """Generate an AES-256 key object in the HSMs; return its handle.

        Handles are unique within the Region, so a handle is never reused for
        another key, even in a cluster restored from an older backup.
        """
        self._require_active_hsm()
        handle = next(self.handles)
        self.keys[handle] = KeyObject(handle, label, owner, self.entropy.bytes(32))
        return handle

    def has_key(self, handle: int) -> bool:
        """Whether an ACTIVE HSM holds the key object (``False`` with no ACTIVE HSM)."""
        return handle in self.keys and handle not in self.hidden_keys and self._has_active_hsm()

    def find_keys(self, label: str) -> list[int]:
        """Handles of the key objects with this label (a scan; none without an ACTIVE HSM)."""
        if not self._has_active_hsm():
            return []
        return [handle for handle, key in self.keys.items()
                if key.label == label and handle not in self.hidden_keys]

    def delete_key(self, handle: int) -> None:
        """Delete a key object (it stays in the backups taken before)."""
        self._key(handle)
        del self.keys[handle]

    def encrypt(self, handle: int, iv: bytes, plaintext: bytes, aad: bytes) -> bytes:
        """AES-256-GCM: ciphertext followed by the 16-byte tag."""
        return self._key(handle).aead().encrypt(iv, plaintext, aad)

    def decrypt(self, handle: int, iv: bytes, data: bytes, aad: bytes) -> bytes:
        """Reverse :meth:`encrypt`; ``VaultError("DECRYPT_FAILED")`` if the tag does not verify."""
        aead = self._key(handle).aead()
        try:
            return aead.decrypt(iv, data, aad)
        except (InvalidTag, ValueError):
            raise VaultError("DECRYPT_FAILED") from None

    def generate_random(self, n: int) -> bytes:
        """``n`` random bytes from the HSMs."""
        self._require_active_hsm()
        return self.entropy.bytes(n)

    # -- users ---------------------------------------------------------------------

    def login(self, username: str, password: str) -> str | None:
        """Log in as a user: ``None``, or why not (a KMS ``ConnectionErrorCode``).

        Checks in order: the user exists, is not locked, is not logged in
        elsewhere, and the password matches. A wrong password counts; the
        fifth in a row locks the user. A success resets the count and opens
        the KMS session.
        """
        user = self.users.get(username)
        if user is None:
            return "USER_NOT_FOUND"
        if user.locked:
            return "USER_LOCKED_OUT"
        if user.logged_in_elsewhere:
            return "USER_LOGGED_IN"
        if user.password != password:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked = True
            return "INVALID_CREDENTIALS"
        user.failed_logins = 0
        user.kms_session = True
        return None

    def logout(self, username: str) -> None:
        """End the KMS session of a user (no error if there is none)."""
        user = self.users.get(username)
        if user is not None:
            user.kms_session = False

    def set_password(self, username: str, password: str) -> None:
        """Change a user's password; this also unlocks the user."""
        user = self.users.get(username)
        if user is None:
            raise VaultError("USER_NOT_FOUND", f"No user {username} in {self.cluster_id}.")
        user.password = password
        user.failed_logins = 0
        user.locked = False


def answered_time(seconds: float) -> float:
    """A time as CloudHSM v2 answers it: epoch seconds to the millisecond
    (docs/aws-behaviour.md §6.9)."""
    return round(seconds, 3)


def tag_list(tags: dict[str, str]) -> list[Result]:
    """A ``TagList`` from a dict."""
    return [{"Key": key, "Value": value} for key, value in tags.items()]
