"""Scenario builders: a ready cluster, activation, crypto users, a replaced HSM.

What AWS does through its API, the builders do through the same operation
handlers as the wire (CreateCluster, CreateHsm, InitializeCluster, DeleteHsm),
each with a :class:`~pytest_cloudhsm_kms.context.RequestContext` of
``source="setup"``, and they end the in-progress states those start at once
(:meth:`~.lifecycle.Lifecycle.finish`), as if the ``Settings`` delays had
passed. Only what a customer does outside the CloudHSM API is done here on
the model: signing the cluster CSR with their CA, activating the cluster and
creating crypto users with the CloudHSM CLI (``docs/aws-behaviour.md §6.7``),
and AWS replacing a failed HSM.

Every builder runs the clock's due timers first, so it acts on the world as
the next request would see it. Misuse raises ``ValueError`` or
``LookupError``; a user helper on a cluster with no ACTIVE HSM raises
``VaultError("NO_ACTIVE_HSM")``, as the CloudHSM CLI would fail.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..context import RequestContext
from . import certificates
from .model import Cluster, ClusterState, Hsm
from .vault import CryptoUser, VaultError

if TYPE_CHECKING:
    from .service import CloudHsmService

__all__ = [
    "ADMIN_PASSWORD",
    "KMSUSER_PASSWORD",
    "activate_cluster",
    "create_user",
    "delete_user",
    "lock_user",
    "log_in_elsewhere",
    "ready_cluster",
    "replace_hsm",
]

KMSUSER_PASSWORD = "kmsuserPassw0rd1"
"""The ``kmsuser`` password of ready-made clusters (letters and digits, 7-32 characters)."""

ADMIN_PASSWORD = "adminPassw0rd1"
"""The admin (crypto officer) password set by activation unless another is given."""

READY_HSM_TYPE = "hsm2m.medium"

_USERNAME = re.compile(r"[A-Za-z0-9_.-]{1,31}")


def _setup(service: CloudHsmService, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run one operation's handler as a setup call of the environment."""
    context = RequestContext(operation, service.region, service.account_id, service.clock,
                             source="setup")
    return service.call(context, params)


def ready_cluster(
    service: CloudHsmService,
    *,
    hsm_count: int = 2,
    availability_zones: list[str] | None = None,
    kmsuser_password: str = KMSUSER_PASSWORD,
) -> Cluster:
    """An ACTIVE, initialized cluster with ``hsm_count`` ACTIVE HSMs and a ``kmsuser`` CU.

    The customer's steps, in the User Guide's order: CreateCluster (one
    subnet per zone of the default VPC), CreateHsm of the first HSM, sign the
    cluster CSR, InitializeCluster, CreateHsm of the others (round-robin over
    ``availability_zones``, default ``<region>a`` and ``<region>b``, more
    zones when there are more HSMs), activate, create ``kmsuser``. The
    cluster certificate is signed by a customer CA made once per process
    (:func:`certificates.ca_certificate` is the trust anchor) and differs from
    that of every other ready cluster of the service. One backup (the
    activation backup) holds both users; a cluster of no HSM is made with one,
    which DeleteHsm then removes (taking the backup AWS takes then). No timer
    that changes the cluster is left.
    """
    limit = service.settings.max_hsms_per_cluster
    if not 0 <= hsm_count <= limit:
        raise ValueError(f"hsm_count must be 0-{limit}, not {hsm_count}")
    zones = list(availability_zones) if availability_zones else [
        service.region + letter for letter in "abcdef"[:max(2, min(hsm_count, 6))]
    ]
    if len(set(zones)) != len(zones):
        raise ValueError(f"availability_zones has duplicates: {zones}")
    _check_password(kmsuser_password)
    service.clock.run_due()
    subnets = [service.network.subnet_in(zone).subnet_id for zone in zones]
    created = _setup(service, "CreateCluster",
                     {"HsmType": READY_HSM_TYPE, "SubnetIds": subnets})
    cluster = service.clusters[created["Cluster"]["ClusterId"]]
    service.lifecycle.finish(cluster, "created")
    _add_hsm(service, cluster, zones[0])
    # The customer's CA signs the cluster CSR: every CSR is for the one fake HSM key.
    signed = certificates.ready_cluster_certificate(service.ready_clusters)
    service.ready_clusters += 1
    _setup(service, "InitializeCluster", {"ClusterId": cluster.cluster_id, "SignedCert": signed,
                                          "TrustAnchor": certificates.ca_certificate()})
    service.lifecycle.finish(cluster, "initialized")
    # An UNINITIALIZED cluster holds one HSM (docs/aws-behaviour.md §6.2): the others
    # join the initialized cluster, cloned from the first.
    for index in range(1, hsm_count):
        _add_hsm(service, cluster, zones[index % len(zones)])
    _activate(cluster, ADMIN_PASSWORD)
    cluster.users["kmsuser"] = CryptoUser("kmsuser", kmsuser_password)
    service.catalog.take(cluster)
    service.catalog.start_schedule()
    if hsm_count == 0:
        (only,) = cluster.hsms.values()
        _setup(service, "DeleteHsm", {"ClusterId": cluster.cluster_id, "HsmId": only.hsm_id})
        service.lifecycle.finish_hsm(cluster, only, "deleted")
    return cluster


def _add_hsm(service: CloudHsmService, cluster: Cluster, zone: str) -> None:
    made = _setup(service, "CreateHsm", {"ClusterId": cluster.cluster_id, "AvailabilityZone": zone})
    service.lifecycle.finish_hsm(cluster, cluster.hsms[made["Hsm"]["HsmId"]], "created")


def activate_cluster(
    service: CloudHsmService, cluster_id: str, admin_password: str = ADMIN_PASSWORD
) -> Cluster:
    """Activate an INITIALIZED cluster, as the CloudHSM CLI ``cluster activate`` does.

    Sets the admin password, makes the cluster ACTIVE and takes a backup
    (``docs/aws-behaviour.md §6.6``). Needs an ACTIVE HSM.
    """
    service.clock.run_due()
    cluster = _cluster(service, cluster_id)
    if not cluster.can("activate"):
        raise ValueError(
            f"cluster {cluster_id} is {cluster.state}; only an INITIALIZED cluster is activated"
        )
    if not cluster.active_hsms():
        raise ValueError(f"cluster {cluster_id} has no ACTIVE HSM to activate it on")
    _check_password(admin_password)
    _activate(cluster, admin_password)
    service.catalog.take(cluster)
    service.catalog.start_schedule()
    return cluster


def _activate(cluster: Cluster, admin_password: str) -> None:
    cluster.transition("activate")
    cluster.users["admin"] = CryptoUser("admin", admin_password, role="CO")


# -- crypto users (what an admin does with the CloudHSM CLI) ------------------------------------


def create_user(service: CloudHsmService, cluster_id: str, username: str,
                password: str) -> CryptoUser:
    """Create a crypto user (CU). Needs an ACTIVE cluster with an ACTIVE HSM."""
    cluster = _user_cluster(service, cluster_id)
    if not _USERNAME.fullmatch(username):
        raise ValueError(f"{username!r} is not a valid user name (1-31 of A-Z a-z 0-9 _ . -)")
    if username in cluster.users:
        raise ValueError(f"user {username} already exists in {cluster_id}")
    _check_password(password)
    user = cluster.users[username] = CryptoUser(username, password)
    return user


def delete_user(service: CloudHsmService, cluster_id: str, username: str) -> None:
    """Delete a user (``VaultError("USER_NOT_FOUND")`` if there is none)."""
    cluster = _user_cluster(service, cluster_id)
    _user(cluster, username)
    del cluster.users[username]


def lock_user(service: CloudHsmService, cluster_id: str, username: str) -> CryptoUser:
    """Lock a user out, as five failed logins do."""
    user = _user(_user_cluster(service, cluster_id), username)
    user.locked = True
    user.failed_logins = max(user.failed_logins, 5)
    return user


def log_in_elsewhere(service: CloudHsmService, cluster_id: str, username: str,
                     logged_in: bool = True) -> CryptoUser:
    """Have someone else hold (or drop) a session of this user."""
    user = _user(_user_cluster(service, cluster_id), username)
    user.logged_in_elsewhere = logged_in
    return user


# -- what AWS does on its own ------------------------------------------------------------------


def replace_hsm(service: CloudHsmService, cluster_id: str, hsm_id: str) -> Hsm:
    """AWS replaces a failed HSM: same zone, subnet and IP, a new HSM ID.

    Nothing is backed up first. If no other HSM of the cluster is ACTIVE,
    the new HSM is restored from the latest backup, so key objects and users
    made since then are lost (the single-HSM risk of the User Guide).
    """
    service.clock.run_due()
    cluster = _cluster(service, cluster_id)
    old = cluster.hsms.get(hsm_id)
    if old is None:
        raise LookupError(f"no HSM {hsm_id} in cluster {cluster_id}")
    return service.lifecycle.replace_hsm(cluster, old)


# -- helpers -------------------------------------------------------------------------------------


def _cluster(service: CloudHsmService, cluster_id: str) -> Cluster:
    cluster = service.clusters.get(cluster_id)
    if cluster is None or cluster.state == ClusterState.DELETED:
        raise LookupError(f"no cluster {cluster_id} in {service.region}")
    return cluster


def _user_cluster(service: CloudHsmService, cluster_id: str) -> Cluster:
    service.clock.run_due()
    cluster = _cluster(service, cluster_id)
    if cluster.state != ClusterState.ACTIVE:
        raise ValueError(f"cluster {cluster_id} is {cluster.state}; users need ACTIVE")
    if not cluster.active_hsms():
        raise VaultError("NO_ACTIVE_HSM", f"Cluster {cluster_id} has no ACTIVE HSM.")
    return cluster


def _user(cluster: Cluster, username: str) -> CryptoUser:
    user = cluster.users.get(username)
    if user is None:
        raise VaultError("USER_NOT_FOUND", f"No user {username} in {cluster.cluster_id}.")
    return user


def _check_password(password: str) -> None:
    if not 7 <= len(password) <= 32:
        raise ValueError("a CloudHSM password has 7-32 characters")
