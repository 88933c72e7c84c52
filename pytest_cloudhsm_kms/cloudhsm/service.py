"""CloudHSM v2 operations: validate, act on the model, return the botocore output shape.

One :class:`CloudHsmService` serves one account in one Region. Each public
method named after a CloudHSM v2 operation takes the decoded request members
and returns the response members; AWS errors are raised as
:class:`~pytest_cloudhsm_kms.errors.ServiceError`.

**Timing.** Every state change that AWS makes asynchronously is scheduled on
the virtual clock with ``clock.call_later(delay, ...)``, the delay taken from
:class:`TransitionDelays` (0.0 seconds by default). So the response of
CreateCluster, CreateHsm, InitializeCluster, ModifyCluster (HsmType),
DeleteHsm and DeleteCluster shows the in-progress state, and the very next
request sees the completed state, because the environment runs due timers
before each request. The Python helpers of this class that change state
(:meth:`CloudHsmService.activate_cluster`, the user helpers) run due timers
first too; :meth:`CloudHsmService.cluster` does not (KMS calls it on every
request, after the timers have run).

**There is no EC2.** A subnet's Availability Zone, VPC and CIDR come from the
service's registry (:meth:`CloudHsmService.add_subnet`). A subnet seen for
the first time is registered on the fly: the first such subnet is in
``<region>a``, the next in ``<region>b``, and so on; all are in the one VPC
of the account and Region, with CIDR ``10.0.N.0/24``.

**Behaviour the AWS documentation leaves open (UNCONFIRMED), as chosen here:**

* A cluster made from a backup goes ``CREATE_IN_PROGRESS -> ACTIVE`` with no
  HSM (the Terraform provider waits for ACTIVE right after CreateCluster when
  a source backup is given). It has the backup's cluster certificate and trust
  anchor at once; its first HSM is restored from the backup.
* An HSM that becomes ACTIVE while no other HSM of its cluster is ACTIVE is
  restored from the cluster's latest READY backup (or the backup the cluster
  was made from): key objects made after that backup are missing. The backup
  taken when an HSM is removed from an ACTIVE cluster holds everything, so
  losing keys through the API alone takes a restore from an older backup;
  :meth:`CloudHsmService.replace_hsm` models AWS replacing a failed HSM,
  which loses what was made since the latest backup.
* Backups are ``READY`` at once. Periodic backups run every 24 virtual hours
  (from the first activation in the Region) for every ACTIVE cluster with an
  ACTIVE HSM; retention is applied at the same time. A backup past its
  retention moves to ``PENDING_DELETION`` (restorable for 7 days), like
  DeleteBackup, unless it never expires, is a copy from another Region, or is
  its cluster's latest backup. A purged backup disappears from DescribeBackups.
* DescribeBackups lists the newest first unless ``SortAscending``; ``Shared``
  lists nothing (one account has no backups shared with it by others).
  DescribeClusters, DescribeBackups and ListTags return everything in one
  page when ``MaxResults`` is absent.
* DELETED clusters stay visible in DescribeClusters for
  ``TransitionDelays.deleted_cluster_visible`` (one virtual hour by default);
  every other operation treats them as not found.
* InitializeCluster is valid only in ``UNINITIALIZED`` and once the cluster
  CSR exists (after the first HSM is ACTIVE); DeleteCluster needs the cluster
  to have no HSM; both answer ``CloudHsmInvalidRequestException`` otherwise.
* ``hsm1.medium`` supports only ``FIPS`` mode. ModifyCluster changes the HSM
  type only from ``hsm1.medium`` to ``hsm2m.medium`` (``MODIFY_IN_PROGRESS``,
  then ACTIVE with a rollback window of 7 days) and back within that window
  (``ROLLBACK_IN_PROGRESS``).
* A cluster holds at most 28 HSMs (a fixed AWS quota); the adjustable
  account quotas (clusters, HSMs per Region) are not enforced.
* Resource policies can be set on backups only.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..clock import VirtualClock
from ..entropy import Entropy
from ..errors import ServiceError
from . import certificates
from .model import (
    BACKUP_OPERATION_STATES,
    CLUSTER_OPERATION_STATES,
    HSM_TRANSITIONS,
    Backup,
    BackupState,
    Cluster,
    ClusterState,
    Hsm,
    HsmState,
    Subnet,
    tag_list,
)
from .vault import CryptoUser, VaultError, VaultSnapshot

__all__ = ["ADMIN_PASSWORD", "KMSUSER_PASSWORD", "CloudHsmService", "TransitionDelays"]

Params = dict[str, Any]
Result = dict[str, Any]

KMSUSER_PASSWORD = "kmsuserPassw0rd1"
"""The ``kmsuser`` password of ready-made clusters (letters and digits, 7-32 characters)."""

ADMIN_PASSWORD = "adminPassw0rd1"
"""The admin (crypto officer) password set by activation unless another is given."""

SUPPORTED_HSM_TYPES = ("hsm1.medium", "hsm2m.medium")
FIPS_ONLY_HSM_TYPES = frozenset({"hsm1.medium"})
MAX_HSMS_PER_CLUSTER = 28
MIN_RETENTION_DAYS, MAX_RETENTION_DAYS, DEFAULT_RETENTION_DAYS = 7, 379, 90
PENDING_DELETION_DAYS = 7
ROLLBACK_WINDOW_DAYS = 7
MAX_TAGS = 50

_DAY = 86_400.0
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_HEX = "0123456789abcdef"
_AZ = re.compile(r"[a-z]{2}(-(gov))?-(east|west|north|south|central){1,2}-\d[a-z]")
_SUBNET = re.compile(r"subnet-[0-9a-fA-F]{8,17}")
_USERNAME = re.compile(r"[A-Za-z0-9_.-]{1,31}")
_ARN = re.compile(
    r"arn:aws(?:-us-gov)?:cloudhsm:(?P<region>[^:]+):(?P<account>\d{12}):"
    r"(?P<kind>backup|cluster|hsm)/(?P<id>[A-Za-z0-9-]+)"
)
_CLUSTER_FILTERS = frozenset({"clusterIds", "vpcIds", "states"})
_BACKUP_FILTERS = frozenset(
    {"backupIds", "sourceBackupIds", "clusterIds", "states", "neverExpires"}
)
_CLUSTER_STATES = frozenset(v for k, v in vars(ClusterState).items() if k.isupper())
_BACKUP_STATES = frozenset(v for k, v in vars(BackupState).items() if k.isupper())

_INVALID = "CloudHsmInvalidRequestException"
_NOT_FOUND = "CloudHsmResourceNotFoundException"
_TAG = "CloudHsmTagException"
_LIMIT = "CloudHsmResourceLimitExceededException"


@dataclass(frozen=True)
class TransitionDelays:
    """Virtual seconds each asynchronous change takes (0.0: done by the next request)."""

    create_cluster: float = 0.0
    """CREATE_IN_PROGRESS -> UNINITIALIZED (or ACTIVE for a cluster made from a backup)."""
    initialize_cluster: float = 0.0
    """INITIALIZE_IN_PROGRESS -> INITIALIZED."""
    modify_cluster: float = 0.0
    """MODIFY_IN_PROGRESS / ROLLBACK_IN_PROGRESS -> ACTIVE."""
    delete_cluster: float = 0.0
    """DELETE_IN_PROGRESS -> DELETED."""
    create_hsm: float = 0.0
    """HSM CREATE_IN_PROGRESS -> ACTIVE."""
    delete_hsm: float = 0.0
    """HSM DELETE_IN_PROGRESS -> DELETED (and gone from the cluster's ``Hsms``)."""
    deleted_cluster_visible: float = 3600.0
    """How long DescribeClusters still lists a DELETED cluster."""
    backup_interval: float = _DAY
    """Time between periodic backups (and retention sweeps)."""

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 0:
                raise ValueError(f"TransitionDelays.{name} must not be negative")
        if self.backup_interval <= 0:
            raise ValueError("TransitionDelays.backup_interval must be positive")


class CloudHsmService:
    """The CloudHSM v2 API of one account and Region.

    ``peer(region)`` returns the service of another Region (for
    CopyBackupToRegion); without it, this service makes and keeps standalone
    services for other Regions, sharing its clock and entropy.
    """

    def __init__(
        self,
        account_id: str,
        region: str,
        clock: VirtualClock,
        entropy: Entropy,
        *,
        delays: TransitionDelays | None = None,
        peer: Callable[[str], CloudHsmService] | None = None,
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.clock = clock
        self.entropy = entropy
        self.delays = delays or TransitionDelays()
        self.clusters: dict[str, Cluster] = {}
        self.backups: dict[str, Backup] = {}
        self.subnets: dict[str, Subnet] = {}
        self._peer = peer
        self._peers: dict[str, CloudHsmService] = {}
        self._vpc_id: str | None = None
        self._unseen_subnets = 0
        self._ready_clusters = 0
        self._handles = itertools.count(262_145)
        self._daily_started = False
        self._arn_prefix = f"arn:aws:cloudhsm:{region}:{account_id}:"

    # -- dispatch -----------------------------------------------------------

    def call(self, operation: str, params: Params) -> Result:
        """Run one operation."""
        if operation not in _OPERATIONS:
            raise ServiceError(_INVALID, f"{operation} is not supported by pytest-cloudhsm-kms.")
        handler: Callable[[Params], Result] = getattr(self, operation)
        return handler(params)

    # -- clusters -----------------------------------------------------------

    def CreateCluster(self, p: Params) -> Result:
        hsm_type = _check_hsm_type(p["HsmType"])
        subnets = self._cluster_subnets(p["SubnetIds"])
        retention = _retention_days(p.get("BackupRetentionPolicy"))
        tags = _new_tags(p.get("TagList"))
        source = None
        if "SourceBackupId" in p:
            source = self._source_backup(p["SourceBackupId"])
        mode = p.get("Mode") or (source.mode if source else "FIPS")
        _check_mode(hsm_type, mode)
        cluster = self._new_cluster(
            hsm_type, mode, subnets, network_type=p.get("NetworkType", "IPV4"),
            retention_days=retention, tags=tags,
        )
        event = "created"
        if source is not None:
            event = "restored"
            cluster.source_backup_id = source.backup_id
            cluster.source_snapshot = source.snapshot
            cluster.cluster_certificate = source.cluster_certificate
            cluster.trust_anchor = source.trust_anchor
        self._after(self.delays.create_cluster, cluster, event)
        return {"Cluster": cluster.describe()}

    def DescribeClusters(self, p: Params) -> Result:
        filters = _filters(p.get("Filters"), _CLUSTER_FILTERS)
        states = filters.get("states")
        if states is not None:
            _check_values("states", states, _CLUSTER_STATES)
        ids, vpcs = filters.get("clusterIds"), filters.get("vpcIds")
        clusters = [
            c for c in self.clusters.values()
            if (ids is None or c.cluster_id in ids)
            and (vpcs is None or c.vpc_id in vpcs)
            and (states is None or c.state in states)
        ]
        page, result = _paginate(clusters, p)
        result["Clusters"] = [c.describe() for c in page]
        return result

    def InitializeCluster(self, p: Params) -> Result:
        cluster = self._cluster(p["ClusterId"])
        if not cluster.can("initialize"):
            raise ServiceError(
                _INVALID,
                f"Cluster {cluster.cluster_id} is in state {cluster.state}; "
                f"only an UNINITIALIZED cluster can be initialized.",
            )
        if cluster.cluster_csr is None:
            raise ServiceError(
                _INVALID,
                f"Cluster {cluster.cluster_id} has no cluster CSR yet: create an HSM first.",
            )
        problem = certificates.check_initialization(
            cluster.cluster_csr, p["SignedCert"], p["TrustAnchor"]
        )
        if problem is not None:
            raise ServiceError(_INVALID, problem)
        cluster.cluster_certificate = p["SignedCert"]
        cluster.trust_anchor = p["TrustAnchor"]
        cluster.transition("initialize")
        self._after(self.delays.initialize_cluster, cluster, "initialized")
        described = cluster.describe()
        return {"State": described["State"], "StateMessage": described["StateMessage"]}

    def ModifyCluster(self, p: Params) -> Result:
        cluster = self._cluster(p["ClusterId"])
        hsm_type = p.get("HsmType")
        policy = p.get("BackupRetentionPolicy")
        if hsm_type is None and policy is None:
            raise ServiceError(_INVALID, "Specify HsmType or BackupRetentionPolicy.")
        if cluster.state not in CLUSTER_OPERATION_STATES["ModifyCluster"]:
            raise ServiceError(
                _INVALID,
                f"Cluster {cluster.cluster_id} cannot be modified in state {cluster.state}.",
            )
        retention = _retention_days(policy) if policy is not None else None
        event = None
        if hsm_type is not None and hsm_type != cluster.hsm_type:
            event = self._hsm_type_change(cluster, _check_hsm_type(hsm_type))
        if retention is not None:
            cluster.backup_retention_days = retention
            self._apply_retention()
        if event is not None:
            cluster.transition(event)
            done = "modified" if event == "modify" else "rolled_back"
            self._after(self.delays.modify_cluster, cluster, done, hsm_type=hsm_type)
        return {"Cluster": cluster.describe()}

    def DeleteCluster(self, p: Params) -> Result:
        cluster = self._cluster(p["ClusterId"])
        if cluster.hsms:
            raise ServiceError(
                _INVALID,
                f"Cluster {cluster.cluster_id} still has {len(cluster.hsms)} HSM(s); "
                f"delete all HSMs before deleting the cluster.",
            )
        if not cluster.transition("delete"):
            raise ServiceError(
                _INVALID,
                f"Cluster {cluster.cluster_id} cannot be deleted in state {cluster.state}.",
            )
        self._after(self.delays.delete_cluster, cluster, "deleted")
        return {"Cluster": cluster.describe()}

    # -- HSMs -----------------------------------------------------------------

    def CreateHsm(self, p: Params) -> Result:
        cluster = self._cluster(p["ClusterId"])
        if cluster.state not in CLUSTER_OPERATION_STATES["CreateHsm"]:
            raise ServiceError(
                _INVALID, f"Cannot create an HSM in cluster {cluster.cluster_id} in state "
                          f"{cluster.state}.",
            )
        zone = p["AvailabilityZone"]
        subnet_id = cluster.subnet_mapping.get(zone)
        if subnet_id is None:
            raise ServiceError(
                _INVALID,
                f"Cluster {cluster.cluster_id} has no subnet in Availability Zone {zone}; "
                f"its zones are {', '.join(sorted(cluster.subnet_mapping))}.",
            )
        if len(cluster.hsms) >= MAX_HSMS_PER_CLUSTER:
            raise ServiceError(
                _INVALID, f"A cluster can have at most {MAX_HSMS_PER_CLUSTER} HSMs."
            )
        hsm = self._new_hsm(cluster, self.subnets[subnet_id], p.get("IpAddress"))
        self._after_hsm(self.delays.create_hsm, cluster, hsm, "created")
        return {"Hsm": hsm.describe()}

    def DeleteHsm(self, p: Params) -> Result:
        cluster = self._cluster(p["ClusterId"])
        given = [name for name in ("HsmId", "EniId", "EniIp") if name in p]
        if len(given) != 1:
            raise ServiceError(_INVALID, "Specify exactly one of HsmId, EniId and EniIp.")
        member = given[0]
        attribute = {"HsmId": "hsm_id", "EniId": "eni_id", "EniIp": "eni_ip"}[member]
        hsm = next(
            (h for h in cluster.hsms.values() if getattr(h, attribute) == p[member]), None
        )
        if hsm is None:
            raise ServiceError(
                _NOT_FOUND, f"No HSM with {member} {p[member]} in cluster {cluster.cluster_id}."
            )
        if cluster.state not in CLUSTER_OPERATION_STATES["DeleteHsm"]:
            raise ServiceError(
                _INVALID, f"Cannot delete an HSM of cluster {cluster.cluster_id} in state "
                          f"{cluster.state}.",
            )
        if (hsm.state, "delete") not in HSM_TRANSITIONS:
            raise ServiceError(
                _INVALID, f"HSM {hsm.hsm_id} cannot be deleted in state {hsm.state}."
            )
        if cluster.state == ClusterState.ACTIVE and cluster.active_hsms():
            self._take_backup(cluster)  # removing an HSM from an active cluster
        hsm.state = HSM_TRANSITIONS[(hsm.state, "delete")]
        self._after_hsm(self.delays.delete_hsm, cluster, hsm, "deleted")
        return {"HsmId": hsm.hsm_id}

    # -- backups --------------------------------------------------------------

    def DescribeBackups(self, p: Params) -> Result:
        filters = _filters(p.get("Filters"), _BACKUP_FILTERS)
        states = filters.get("states")
        if states is not None:
            _check_values("states", states, _BACKUP_STATES)
        never = filters.get("neverExpires")
        never_expires: set[bool] | None = None
        if never is not None:
            _check_values("neverExpires", [v.lower() for v in never], frozenset({"true", "false"}))
            never_expires = {v.lower() == "true" for v in never}
        ids, sources = filters.get("backupIds"), filters.get("sourceBackupIds")
        clusters = filters.get("clusterIds")
        backups = [] if p.get("Shared") else [
            b for b in self.backups.values()
            if (ids is None or b.backup_id in ids)
            and (sources is None or b.source_backup in sources)
            and (clusters is None or b.cluster_id in clusters)
            and (states is None or b.state in states)
            and (never_expires is None or b.never_expires in never_expires)
        ]
        if not p.get("SortAscending"):
            backups.reverse()
        page, result = _paginate(backups, p)
        result["Backups"] = [b.describe() for b in page]
        return result

    def DeleteBackup(self, p: Params) -> Result:
        backup = self._backup(p["BackupId"], "DeleteBackup")
        self._schedule_purge(backup)
        return {"Backup": backup.describe()}

    def RestoreBackup(self, p: Params) -> Result:
        backup = self._backup(p["BackupId"], "RestoreBackup")
        backup.state = BackupState.READY
        backup.delete_timestamp = None
        return {"Backup": backup.describe()}

    def ModifyBackupAttributes(self, p: Params) -> Result:
        backup = self._backup(p["BackupId"], "ModifyBackupAttributes")
        backup.never_expires = p["NeverExpires"]
        return {"Backup": backup.describe()}

    def CopyBackupToRegion(self, p: Params) -> Result:
        backup = self._backup(p["BackupId"], "CopyBackupToRegion")
        destination = p["DestinationRegion"]
        if destination == self.region:
            raise ServiceError(
                _INVALID,
                f"The destination Region must differ from the source Region {self.region}.",
            )
        tags = _new_tags(p.get("TagList"))
        copy = self.peer(destination).receive_backup_copy(backup, self.region, tags)
        return {
            "DestinationBackup": {
                "CreateTimestamp": copy.create_timestamp,
                "SourceRegion": self.region,
                "SourceBackup": backup.backup_id,
                "SourceCluster": backup.cluster_id,
            }
        }

    # -- tags -------------------------------------------------------------------

    def TagResource(self, p: Params) -> Result:
        tags = self._tags_of(p["ResourceId"])
        new = _new_tags(p["TagList"])
        if len(set(tags) | set(new)) > MAX_TAGS:
            raise ServiceError(
                _LIMIT, f"A resource can have at most {MAX_TAGS} tags; {p['ResourceId']} would "
                        f"have {len(set(tags) | set(new))}.",
            )
        tags.update(new)
        return {}

    def UntagResource(self, p: Params) -> Result:
        tags = self._tags_of(p["ResourceId"])
        for key in p["TagKeyList"]:
            _check_tag_key(key)
        for key in p["TagKeyList"]:
            tags.pop(key, None)
        return {}

    def ListTags(self, p: Params) -> Result:
        """ListTags; an untagged resource gives ``TagList: []`` (the model's minimum is 1)."""
        tags = self._tags_of(p["ResourceId"])
        page, result = _paginate(tag_list(tags), p)
        result["TagList"] = page
        return result

    # -- resource policies ------------------------------------------------------

    def GetResourcePolicy(self, p: Params) -> Result:
        backup = self._policy_backup(p.get("ResourceArn"))
        return {} if backup.resource_policy is None else {"Policy": backup.resource_policy}

    def PutResourcePolicy(self, p: Params) -> Result:
        backup = self._policy_backup(p.get("ResourceArn"))
        policy = p.get("Policy")
        if policy is None:
            raise ServiceError(_INVALID, "Policy is required.")
        _check_policy(policy)
        backup.resource_policy = policy
        return {"ResourceArn": backup.backup_arn, "Policy": policy}

    def DeleteResourcePolicy(self, p: Params) -> Result:
        backup = self._policy_backup(p.get("ResourceArn"))
        result: Result = {"ResourceArn": backup.backup_arn}
        if backup.resource_policy is not None:
            result["Policy"] = backup.resource_policy
        backup.resource_policy = None
        return result

    # -- helpers for the environment, fixtures and faults -------------------------

    def cluster(self, cluster_id: str) -> Cluster | None:
        """The cluster with this ID (DELETED ones while still listed), or ``None``."""
        return self.clusters.get(cluster_id)

    def add_subnet(
        self,
        subnet_id: str,
        availability_zone: str,
        *,
        cidr: str | None = None,
        vpc_id: str | None = None,
    ) -> Subnet:
        """Register a subnet (replacing any earlier record of it).

        ``cidr`` defaults to the next free ``10.0.N.0/24``; ``vpc_id`` to the
        one VPC of the account and Region.
        """
        if not _SUBNET.fullmatch(subnet_id):
            raise ValueError(f"{subnet_id!r} is not a subnet ID (subnet-<8-17 hex>)")
        if not _AZ.fullmatch(availability_zone) or availability_zone[:-1] != self.region:
            raise ValueError(f"{availability_zone!r} is not an Availability Zone of {self.region}")
        if cidr is None:
            cidr = self._free_block()
        else:
            network = ipaddress.IPv4Network(cidr)
            if network.prefixlen > 28:
                raise ValueError(f"subnet CIDR {cidr} is smaller than /28")
            cidr = str(network)
        subnet = Subnet(
            subnet_id, availability_zone, cidr, vpc_id or self.vpc_id,
            f"2001:db8:0:{len(self.subnets):x}",
        )
        self.subnets[subnet_id] = subnet
        return subnet

    @property
    def vpc_id(self) -> str:
        """The one VPC of the account and Region (made on first use)."""
        if self._vpc_id is None:
            self._vpc_id = "vpc-" + self.entropy.token(_HEX, 17)
        return self._vpc_id

    def activate_cluster(self, cluster_id: str, admin_password: str = ADMIN_PASSWORD) -> Cluster:
        """Activate an INITIALIZED cluster, as the CloudHSM CLI ``cluster activate`` does.

        Sets the admin password, makes the cluster ACTIVE and takes a backup.
        Needs an ACTIVE HSM. Raises ``LookupError`` or ``ValueError``.
        """
        self.clock.run_due()
        cluster = self._require_cluster(cluster_id)
        if not cluster.can("activate"):
            raise ValueError(
                f"cluster {cluster_id} is {cluster.state}; only an INITIALIZED cluster is activated"
            )
        if not cluster.active_hsms():
            raise ValueError(f"cluster {cluster_id} has no ACTIVE HSM to activate it on")
        _check_password(admin_password)
        cluster.transition("activate")
        cluster.users["admin"] = CryptoUser("admin", admin_password, role="CO")
        self._take_backup(cluster)
        self._start_periodic_backups()
        return cluster

    def create_user(self, cluster_id: str, username: str, password: str) -> CryptoUser:
        """Create a crypto user (CU), as an admin does with the CloudHSM CLI.

        Needs an ACTIVE cluster with an ACTIVE HSM (``VaultError("NO_ACTIVE_HSM")``).
        """
        cluster = self._user_cluster(cluster_id)
        if not _USERNAME.fullmatch(username):
            raise ValueError(f"{username!r} is not a valid user name (1-31 of A-Z a-z 0-9 _ . -)")
        if username in cluster.users:
            raise ValueError(f"user {username} already exists in {cluster_id}")
        _check_password(password)
        user = cluster.users[username] = CryptoUser(username, password)
        return user

    def delete_user(self, cluster_id: str, username: str) -> None:
        """Delete a user (``VaultError("USER_NOT_FOUND")`` if there is none)."""
        cluster = self._user_cluster(cluster_id)
        self._user(cluster, username)
        del cluster.users[username]

    def lock_user(self, cluster_id: str, username: str) -> CryptoUser:
        """Lock a user out, as five failed logins do."""
        user = self._user(self._user_cluster(cluster_id), username)
        user.locked = True
        user.failed_logins = max(user.failed_logins, 5)
        return user

    def log_in_elsewhere(
        self, cluster_id: str, username: str, logged_in: bool = True
    ) -> CryptoUser:
        """Have someone else hold (or drop) a session of this user."""
        user = self._user(self._user_cluster(cluster_id), username)
        user.logged_in_elsewhere = logged_in
        return user

    def replace_hsm(self, cluster_id: str, hsm_id: str) -> Hsm:
        """AWS replaces a failed HSM: same zone, subnet and IP, a new HSM ID.

        Nothing is backed up first. If no other HSM of the cluster is ACTIVE,
        the new HSM is restored from the latest backup, so key objects and
        users made since then are lost (the single-HSM risk of the User Guide).
        """
        self.clock.run_due()
        cluster = self._require_cluster(cluster_id)
        old = cluster.hsms.get(hsm_id)
        if old is None:
            raise LookupError(f"no HSM {hsm_id} in cluster {cluster_id}")
        del cluster.hsms[hsm_id]
        old.state = HsmState.DELETED
        new = Hsm(
            hsm_id="hsm-" + self.entropy.token(_ID_ALPHABET, 11),
            cluster_id=cluster.cluster_id,
            availability_zone=old.availability_zone,
            subnet_id=old.subnet_id,
            eni_id=old.eni_id,
            eni_ip=old.eni_ip,
            hsm_type=old.hsm_type,
            eni_ip_v6=old.eni_ip_v6,
        )
        cluster.hsms[new.hsm_id] = new
        self._hsm_created(cluster, new)
        return new

    def create_ready_cluster(
        self,
        *,
        hsm_count: int = 2,
        availability_zones: list[str] | None = None,
        kmsuser_password: str = KMSUSER_PASSWORD,
    ) -> Cluster:
        """An ACTIVE, initialized cluster with ``hsm_count`` ACTIVE HSMs and a ``kmsuser`` CU.

        Built directly on the model, with no timer left pending that changes
        its state. HSMs go round-robin over ``availability_zones`` (default:
        ``<region>a`` and ``<region>b``, more zones when there are more HSMs),
        one subnet per zone. The cluster certificate is signed by a customer
        CA made once per process (:func:`certificates.ca_certificate` is the
        trust anchor) and differs from that of every other ready cluster of
        this service. One backup (the activation backup) holds the users.
        """
        if not 0 <= hsm_count <= MAX_HSMS_PER_CLUSTER:
            raise ValueError(f"hsm_count must be 0-{MAX_HSMS_PER_CLUSTER}, not {hsm_count}")
        zones = list(availability_zones) if availability_zones else [
            self.region + letter for letter in "abcdef"[:max(2, min(hsm_count, 6))]
        ]
        if len(set(zones)) != len(zones):
            raise ValueError(f"availability_zones has duplicates: {zones}")
        _check_password(kmsuser_password)
        subnets = [self._subnet_in(zone) for zone in zones]
        cluster = self._new_cluster("hsm2m.medium", "FIPS", subnets)
        cluster.state = ClusterState.ACTIVE
        cluster.cluster_certificate = certificates.ready_cluster_certificate(self._ready_clusters)
        self._ready_clusters += 1
        cluster.trust_anchor = certificates.ca_certificate()
        cluster.hardware_certificates = certificates.hardware_certificates()
        for index in range(hsm_count):
            hsm = self._new_hsm(cluster, subnets[index % len(subnets)], None)
            hsm.state = HsmState.ACTIVE
        cluster.users["admin"] = CryptoUser("admin", ADMIN_PASSWORD, role="CO")
        cluster.users["kmsuser"] = CryptoUser("kmsuser", kmsuser_password)
        self._take_backup(cluster)
        self._start_periodic_backups()
        return cluster

    def peer(self, region: str) -> CloudHsmService:
        """The CloudHSM v2 service of another Region of the same account."""
        if self._peer is not None:
            return self._peer(region)
        service = self._peers.get(region)
        if service is None:
            service = self._peers[region] = CloudHsmService(
                self.account_id, region, self.clock, self.entropy, delays=self.delays,
                peer=self.peer,
            )
        return service

    def receive_backup_copy(
        self, source: Backup, source_region: str, tags: dict[str, str]
    ) -> Backup:
        """Store a copy of another Region's backup here (CopyBackupToRegion's far end)."""
        backup_id = "backup-" + self.entropy.token(_ID_ALPHABET, 11)
        now = self.clock.now()
        copy = Backup(
            backup_id=backup_id,
            backup_arn=f"{self._arn_prefix}backup/{backup_id}",
            cluster_id=source.cluster_id,
            create_timestamp=now,
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
        self.backups[backup_id] = copy
        return copy

    # -- internals: lookups ---------------------------------------------------------

    def _cluster(self, cluster_id: str) -> Cluster:
        cluster = self.clusters.get(cluster_id)
        if cluster is None or cluster.state == ClusterState.DELETED:
            raise ServiceError(_NOT_FOUND, f"Cluster {cluster_id} not found.")
        return cluster

    def _backup(self, backup_id: str, operation: str | None = None) -> Backup:
        """A backup by ID, in a state ``BACKUP_OPERATION_STATES`` allows for ``operation``."""
        backup = self.backups.get(backup_id)
        if backup is None:
            raise ServiceError(_NOT_FOUND, f"Backup {backup_id} not found.")
        if operation is not None and backup.state not in BACKUP_OPERATION_STATES[operation]:
            allowed = " or ".join(sorted(BACKUP_OPERATION_STATES[operation]))
            raise ServiceError(
                _INVALID, f"Backup {backup_id} is in state {backup.state}; {operation} needs "
                          f"a backup in state {allowed}.",
            )
        return backup

    def _tags_of(self, resource_id: str) -> dict[str, str]:
        if resource_id.startswith("backup-"):
            return self._backup(resource_id).tags
        return self._cluster(resource_id).tags

    def _source_backup(self, reference: str) -> Backup:
        backup_id = reference
        if reference.startswith("arn:"):
            match = _ARN.fullmatch(reference)
            if match is None or match["kind"] != "backup":
                raise ServiceError(_INVALID, f"{reference} is not a backup ARN.")
            if match["account"] != self.account_id:
                raise ServiceError(_NOT_FOUND, f"Backup {reference} not found.")
            if match["region"] != self.region:
                raise ServiceError(
                    _INVALID, f"Backup {reference} is in another Region; copy it to "
                              f"{self.region} with CopyBackupToRegion first.",
                )
            backup_id = match["id"]
        return self._backup(backup_id, "CreateCluster")

    def _policy_backup(self, arn: str | None) -> Backup:
        if arn is None:
            raise ServiceError(_INVALID, "ResourceArn is required.")
        match = _ARN.fullmatch(arn)
        if match is None:
            raise ServiceError(_INVALID, f"{arn} is not a CloudHSM ARN.")
        if match["account"] != self.account_id or match["region"] != self.region:
            raise ServiceError(_NOT_FOUND, f"Resource {arn} not found.")
        if match["kind"] != "backup":
            raise ServiceError(_INVALID, "Resource policies can only be attached to backups.")
        return self._backup(match["id"])

    def _require_cluster(self, cluster_id: str) -> Cluster:
        cluster = self.clusters.get(cluster_id)
        if cluster is None or cluster.state == ClusterState.DELETED:
            raise LookupError(f"no cluster {cluster_id} in {self.region}")
        return cluster

    def _user_cluster(self, cluster_id: str) -> Cluster:
        self.clock.run_due()
        cluster = self._require_cluster(cluster_id)
        if cluster.state != ClusterState.ACTIVE:
            raise ValueError(f"cluster {cluster_id} is {cluster.state}; users need ACTIVE")
        if not cluster.active_hsms():
            raise VaultError("NO_ACTIVE_HSM", f"Cluster {cluster_id} has no ACTIVE HSM.")
        return cluster

    @staticmethod
    def _user(cluster: Cluster, username: str) -> CryptoUser:
        user = cluster.users.get(username)
        if user is None:
            raise VaultError("USER_NOT_FOUND", f"No user {username} in {cluster.cluster_id}.")
        return user

    # -- internals: subnets and addresses -----------------------------------------------

    def _cluster_subnets(self, subnet_ids: list[str]) -> list[Subnet]:
        if len(set(subnet_ids)) != len(subnet_ids):
            raise ServiceError(_INVALID, "SubnetIds must not repeat a subnet.")
        subnets = [self._subnet(s) for s in subnet_ids]
        vpcs = {s.vpc_id for s in subnets}
        if len(vpcs) > 1:
            raise ServiceError(
                _INVALID, f"All subnets must be in the same VPC; these are in {sorted(vpcs)}."
            )
        zones: dict[str, str] = {}
        for subnet in subnets:
            other = zones.setdefault(subnet.availability_zone, subnet.subnet_id)
            if other != subnet.subnet_id:
                raise ServiceError(
                    _INVALID, f"Subnets {other} and {subnet.subnet_id} are both in "
                              f"{subnet.availability_zone}; give at most one subnet per "
                              f"Availability Zone.",
                )
        return subnets

    def _subnet(self, subnet_id: str) -> Subnet:
        subnet = self.subnets.get(subnet_id)
        if subnet is None:
            letter = "abcdefghijklmnopqrstuvwxyz"[self._unseen_subnets % 26]
            self._unseen_subnets += 1
            subnet = self.add_subnet(subnet_id, self.region + letter)
        return subnet

    def _subnet_in(self, zone: str) -> Subnet:
        """The default VPC's subnet in a zone, registered on first use."""
        vpc_id = self.vpc_id
        for subnet in self.subnets.values():
            if subnet.availability_zone == zone and subnet.vpc_id == vpc_id:
                return subnet
        return self.add_subnet("subnet-" + self.entropy.token(_HEX, 17), zone)

    def _free_block(self) -> str:
        used = {s.cidr for s in self.subnets.values()}
        for n in range(256):
            cidr = f"10.0.{n}.0/24"
            if cidr not in used:
                return cidr
        raise ValueError("no free 10.0.N.0/24 block left; give a cidr")

    def _new_ip(self, subnet: Subnet, requested: str | None) -> str:
        taken = {
            hsm.eni_ip for cluster in self.clusters.values() for hsm in cluster.hsms.values()
            if hsm.subnet_id == subnet.subnet_id
        }
        usable = subnet.usable
        if requested is not None:
            try:
                address = ipaddress.IPv4Address(requested)
            except ValueError:
                raise ServiceError(_INVALID, f"{requested} is not an IPv4 address.") from None
            if address not in subnet.network:
                raise ServiceError(
                    _INVALID, f"IP address {requested} is not in subnet {subnet.subnet_id} "
                              f"({subnet.cidr}).",
                )
            if int(address) not in usable:
                raise ServiceError(
                    _INVALID, f"IP address {requested} is reserved in subnet {subnet.subnet_id}."
                )
            if str(address) in taken:
                raise ServiceError(_INVALID, f"IP address {requested} is already in use.")
            return str(address)
        for _ in range(32):  # a random free address, as AWS picks
            text = _ip_text(usable[int.from_bytes(self.entropy.bytes(2), "big") % len(usable)])
            if text not in taken:
                return text
        for number in usable:
            text = _ip_text(number)
            if text not in taken:
                return text
        raise ServiceError(_INVALID, f"Subnet {subnet.subnet_id} has no free IP address.")

    # -- internals: making things ---------------------------------------------------------

    def _new_cluster(
        self,
        hsm_type: str,
        mode: str,
        subnets: list[Subnet],
        *,
        network_type: str = "IPV4",
        retention_days: int = DEFAULT_RETENTION_DAYS,
        tags: dict[str, str] | None = None,
    ) -> Cluster:
        cluster = Cluster(
            cluster_id="cluster-" + self.entropy.token(_ID_ALPHABET, 11),
            hsm_type=hsm_type,
            mode=mode,
            network_type=network_type,
            subnet_mapping={s.availability_zone: s.subnet_id for s in subnets},
            vpc_id=subnets[0].vpc_id,
            security_group="sg-" + self.entropy.token(_HEX, 17),
            create_timestamp=self.clock.now(),
            entropy=self.entropy,
            handles=self._handles,
            backup_retention_days=retention_days,
            tags=tags or {},
        )
        self.clusters[cluster.cluster_id] = cluster
        return cluster

    def _new_hsm(self, cluster: Cluster, subnet: Subnet, ip: str | None) -> Hsm:
        eni_ip = self._new_ip(subnet, ip)
        ipv6 = None
        if cluster.network_type == "DUALSTACK":
            ipv6 = f"{subnet.ipv6_prefix}::{int(ipaddress.IPv4Address(eni_ip)) & 0xFFFF:x}"
        hsm = Hsm(
            hsm_id="hsm-" + self.entropy.token(_ID_ALPHABET, 11),
            cluster_id=cluster.cluster_id,
            availability_zone=subnet.availability_zone,
            subnet_id=subnet.subnet_id,
            eni_id="eni-" + self.entropy.token(_HEX, 17),
            eni_ip=eni_ip,
            hsm_type=cluster.hsm_type,
            eni_ip_v6=ipv6,
        )
        cluster.hsms[hsm.hsm_id] = hsm
        return hsm

    def _take_backup(self, cluster: Cluster, at: float | None = None) -> Backup:
        backup_id = "backup-" + self.entropy.token(_ID_ALPHABET, 11)
        backup = Backup(
            backup_id=backup_id,
            backup_arn=f"{self._arn_prefix}backup/{backup_id}",
            cluster_id=cluster.cluster_id,
            create_timestamp=self.clock.now() if at is None else at,
            hsm_type=cluster.hsm_type,
            mode=cluster.mode,
            snapshot=VaultSnapshot.take(cluster.keys, cluster.users),
            cluster_certificate=cluster.cluster_certificate,
            trust_anchor=cluster.trust_anchor,
            retention_days=cluster.backup_retention_days,
        )
        self.backups[backup_id] = backup
        return backup

    def _hsm_type_change(self, cluster: Cluster, hsm_type: str) -> str:
        """The cluster event a change of HSM type starts, or a refusal."""
        now = self.clock.now()
        if cluster.hsm_type == "hsm1.medium" and hsm_type == "hsm2m.medium":
            event = "modify"
        elif (
            hsm_type == cluster.previous_hsm_type
            and cluster.hsm_type_rollback_expiration is not None
            and now < cluster.hsm_type_rollback_expiration
        ):
            event = "rollback"
        else:
            raise ServiceError(
                _INVALID, f"Cannot change the HSM type of cluster {cluster.cluster_id} from "
                          f"{cluster.hsm_type} to {hsm_type}.",
            )
        if not cluster.can(event):
            raise ServiceError(
                _INVALID, f"Cluster {cluster.cluster_id} must be ACTIVE to change its HSM type."
            )
        return event

    # -- internals: asynchronous changes -------------------------------------------------

    def _after(self, delay: float, cluster: Cluster, event: str, **details: Any) -> None:
        """Schedule the cluster event that ends an in-progress state."""
        expected, due = cluster.state, self.clock.now() + delay
        self.clock.call_at(due, lambda: self._complete(cluster, expected, event, due, details))

    def _complete(
        self, cluster: Cluster, expected: str, event: str, due: float, details: dict[str, Any]
    ) -> None:
        if cluster.state != expected or not cluster.transition(event):
            return  # something else changed the cluster meanwhile
        if event == "restored":
            self._start_periodic_backups()
        elif event == "deleted":
            self.clock.call_at(
                due + self.delays.deleted_cluster_visible, lambda: self._forget(cluster)
            )
        elif event in ("modified", "rolled_back"):
            new_type = details["hsm_type"]
            if event == "modified":
                cluster.previous_hsm_type = cluster.hsm_type
                cluster.hsm_type_rollback_expiration = due + ROLLBACK_WINDOW_DAYS * _DAY
            else:
                cluster.previous_hsm_type = None
                cluster.hsm_type_rollback_expiration = None
            cluster.hsm_type = new_type
            for hsm in cluster.hsms.values():
                hsm.hsm_type = new_type

    def _forget(self, cluster: Cluster) -> None:
        current = self.clusters.get(cluster.cluster_id)
        if current is cluster and cluster.state == ClusterState.DELETED:
            del self.clusters[cluster.cluster_id]

    def _after_hsm(self, delay: float, cluster: Cluster, hsm: Hsm, event: str) -> None:
        expected = hsm.state
        self.clock.call_later(delay, lambda: self._complete_hsm(cluster, hsm, expected, event))

    def _complete_hsm(self, cluster: Cluster, hsm: Hsm, expected: str, event: str) -> None:
        if hsm.state != expected or cluster.hsms.get(hsm.hsm_id) is not hsm:
            return
        if event == "created":
            self._hsm_created(cluster, hsm)
        elif event == "deleted":
            hsm.state = HSM_TRANSITIONS[(hsm.state, event)]
            del cluster.hsms[hsm.hsm_id]

    def _hsm_created(self, cluster: Cluster, hsm: Hsm) -> None:
        """A new HSM is ACTIVE: cloned from an ACTIVE HSM, or restored from the latest backup."""
        alone = not cluster.active_hsms()
        hsm.state = HSM_TRANSITIONS[(hsm.state, "created")]
        if alone:
            snapshot = self._restore_point(cluster)
            if snapshot is not None:
                snapshot.restore_into(cluster.keys, cluster.users)
        if cluster.hardware_certificates is None:
            cluster.hardware_certificates = certificates.hardware_certificates()
        if cluster.state == ClusterState.UNINITIALIZED and cluster.cluster_csr is None:
            cluster.cluster_csr = certificates.cluster_csr(cluster.cluster_id)
        if cluster.state == ClusterState.ACTIVE:
            self._take_backup(cluster)  # adding an HSM to an active cluster

    def _restore_point(self, cluster: Cluster) -> VaultSnapshot | None:
        latest = None
        for backup in self.backups.values():
            if (
                backup.cluster_id == cluster.cluster_id
                and backup.state == BackupState.READY
                and backup.source_region is None
            ):
                latest = backup
        return latest.snapshot if latest is not None else cluster.source_snapshot

    def _schedule_purge(self, backup: Backup, at: float | None = None) -> None:
        """PENDING_DELETION for 7 days, then gone (unless restored meanwhile)."""
        backup.state = BackupState.PENDING_DELETION
        start = self.clock.now() if at is None else at
        when = backup.delete_timestamp = start + PENDING_DELETION_DAYS * _DAY
        self.clock.call_at(when, lambda: self._purge(backup, when))

    def _purge(self, backup: Backup, when: float) -> None:
        if backup.state == BackupState.PENDING_DELETION and backup.delete_timestamp == when:
            backup.state = BackupState.DELETED
            self.backups.pop(backup.backup_id, None)

    def _start_periodic_backups(self) -> None:
        if not self._daily_started:
            self._daily_started = True
            self._schedule_daily(self.clock.now() + self.delays.backup_interval)

    def _schedule_daily(self, when: float) -> None:
        # call_at the planned time (not call_later), so a long clock jump runs every tick
        self.clock.call_at(when, lambda: self._daily(when))

    def _daily(self, when: float) -> None:
        """Periodic backups of active clusters, then retention, stamped with the planned time."""
        for cluster in list(self.clusters.values()):
            if cluster.state == ClusterState.ACTIVE and cluster.active_hsms():
                self._take_backup(cluster, at=when)
        self._apply_retention(when)
        self._schedule_daily(when + self.delays.backup_interval)

    def _apply_retention(self, at: float | None = None) -> None:
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
                self._schedule_purge(backup, at=now)


_OPERATIONS = frozenset(
    name for name, value in vars(CloudHsmService).items() if name[:1].isupper() and callable(value)
)


# -- request checks -----------------------------------------------------------------------


def _check_hsm_type(hsm_type: str) -> str:
    if hsm_type not in SUPPORTED_HSM_TYPES:
        raise ServiceError(
            _INVALID, f"HsmType {hsm_type} is not supported; use one of "
                      f"{', '.join(SUPPORTED_HSM_TYPES)}.",
        )
    return hsm_type


def _check_mode(hsm_type: str, mode: str) -> None:
    if mode != "FIPS" and hsm_type in FIPS_ONLY_HSM_TYPES:
        raise ServiceError(_INVALID, f"HsmType {hsm_type} supports only FIPS mode.")


def _retention_days(policy: dict[str, str] | None) -> int:
    if policy is None:
        return DEFAULT_RETENTION_DAYS
    if policy.get("Type") != "DAYS" or "Value" not in policy:
        raise ServiceError(
            _INVALID, "BackupRetentionPolicy needs Type DAYS and a Value in days."
        )
    value = policy["Value"]
    days = int(value) if value.isdigit() else -1  # the codec has checked [0-9]+ already
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise ServiceError(
            _INVALID, f"BackupRetentionPolicy Value must be {MIN_RETENTION_DAYS} to "
                      f"{MAX_RETENTION_DAYS} days, not {policy['Value']}.",
        )
    return days


def _check_tag_key(key: str) -> None:
    if key.lower().startswith("aws:"):
        raise ServiceError(_TAG, f"Tag key {key} uses the reserved prefix aws:.")


def _new_tags(entries: list[dict[str, str]] | None) -> dict[str, str]:
    tags: dict[str, str] = {}
    for tag in entries or ():
        key = tag["Key"]
        _check_tag_key(key)
        if key in tags:
            raise ServiceError(_TAG, f"Tag key {key} appears more than once.")
        tags[key] = tag["Value"]
    return tags


def _check_password(password: str) -> None:
    if not 7 <= len(password) <= 32:
        raise ValueError("a CloudHSM password has 7-32 characters")


def _check_policy(policy: str) -> None:
    try:
        document = json.loads(policy)
    except ValueError:
        document = None
    if not isinstance(document, dict) or "Statement" not in document:
        raise ServiceError(_INVALID, "Policy is not a valid JSON policy document.")


def _filters(filters: dict[str, list[str]] | None, allowed: frozenset[str]) -> dict[str, list[str]]:
    filters = filters or {}
    unknown = sorted(set(filters) - allowed)
    if unknown:
        raise ServiceError(
            _INVALID,
            f"Invalid filter {unknown[0]}; valid filters are {', '.join(sorted(allowed))}.",
        )
    return filters


def _check_values(name: str, values: list[str], allowed: frozenset[str]) -> None:
    for value in values:
        if value not in allowed:
            raise ServiceError(
                _INVALID, f"Invalid value {value} for filter {name}; valid values are "
                          f"{', '.join(sorted(allowed))}.",
            )


def _ip_text(number: int) -> str:
    return f"{number >> 24}.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"


def _paginate(items: list[Any], p: Params) -> tuple[list[Any], Result]:
    """One page of ``items`` from ``NextToken`` (an opaque offset), and the next token."""
    start = 0
    token = p.get("NextToken")
    if token is not None:
        try:
            start = int(base64.b64decode(token, validate=True).decode("ascii"))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            start = -1
        if start < 0:
            raise ServiceError(_INVALID, "The NextToken is not valid.")
    limit = p.get("MaxResults")
    end = len(items) if limit is None else start + limit
    result: Result = {}
    if end < len(items):
        result["NextToken"] = base64.b64encode(str(end).encode()).decode("ascii")
    return items[start:end], result
