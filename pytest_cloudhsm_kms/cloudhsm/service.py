"""``CloudHsmService``: the CloudHSM v2 of one account and Region, and its dispatch table.

The service composes what a Region holds (:class:`~.network.Network`, the
:class:`~.backups.BackupCatalog`, the clusters and their
:class:`~.lifecycle.Lifecycle`) and runs operations: :meth:`CloudHsmService.call`
looks the operation of its request context up in :data:`OPERATIONS`, every
operation declared in ``cluster_operations``, ``backup_operations`` and
``resource_operations`` (:data:`.operations.DECLARED`), and calls its handler
with that context. The service keeps no per-request state.

Its other public methods are for the environment, fixtures, faults and tests:
:meth:`~CloudHsmService.cluster` for KMS, the scenario builders of
:mod:`.builders` (ready cluster, activation, crypto users, a replaced HSM),
:meth:`~CloudHsmService.add_subnet`, and :meth:`~CloudHsmService.peer` for
the other Regions of the account. Timings and limits come from the
environment's :class:`~pytest_cloudhsm_kms.settings.Settings`, read live through
the service's :class:`~pytest_cloudhsm_kms.scope.Scope`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from ..context import RequestContext
from ..errors import ServiceError
from ..scope import RegionalService, Scope
from . import (  # noqa: F401  (the *_operations families, imported for their declarations)
    backup_operations,
    builders,
    cluster_operations,
    resource_operations,
)
from .backups import BackupCatalog
from .builders import ADMIN_PASSWORD, KMSUSER_PASSWORD
from .lifecycle import Lifecycle
from .model import Backup, Cluster, Hsm
from .network import Network, Subnet
from .operations import DECLARED, INVALID, Operation, Params, Result
from .vault import CryptoUser

__all__ = ["ADMIN_PASSWORD", "KMSUSER_PASSWORD", "OPERATIONS", "CloudHsmService"]

OPERATIONS: MappingProxyType[str, Operation] = MappingProxyType(dict(sorted(DECLARED.items())))
"""Every CloudHSM v2 operation the fake serves, by name, in alphabetical order."""


class CloudHsmService(RegionalService):
    """The CloudHSM v2 API of one account and Region.

    ``scope`` says which account and Region it serves, with which clock, entropy
    and settings; ``peer(region)`` (see :class:`~pytest_cloudhsm_kms.scope.RegionalService`)
    is the service of another Region, for CopyBackupToRegion.
    """

    def __init__(self, scope: Scope, *,
                 peer: Callable[[str], CloudHsmService] | None = None) -> None:
        super().__init__(scope, peer=peer)
        self.network = Network(scope.region, scope.entropy)
        self.clusters: dict[str, Cluster] = {}
        self.catalog = BackupCatalog(scope, self.clusters)
        self.lifecycle = Lifecycle(scope, self.network, self.catalog)
        self.backups: dict[str, Backup] = self.catalog.backups
        self.subnets: dict[str, Subnet] = self.network.subnets
        self.ready_clusters = 0
        """How many ready clusters the builders made (each gets its own cluster certificate)."""

    # -- operations -------------------------------------------------------------

    def call(self, request: RequestContext | str, params: Params, *,
             context: RequestContext | None = None) -> Result:
        """Run one operation, named by its context or by its name (a client's request).

        A name means a request from the wire, with a fresh context. Prefer
        ``call(context, params)``, as for :meth:`.KmsService.call`; the older
        ``call(name, params, context=context)`` means the same, and the name must
        then be the context's operation (``ValueError`` if not).
        """
        if context is not None:  # the older form
            if request != context.operation:
                raise ValueError(f"call({request!r}, params, context=...) was given a context "
                                 f"of {context.operation}")
            request = context
        if isinstance(request, str):
            request = RequestContext(request, self.region, self.account_id, self.clock)
        declared = OPERATIONS.get(request.operation)
        if declared is None:
            raise ServiceError(INVALID,
                               f"{request.operation} is not supported by pytest-cloudhsm-kms.")
        return declared.handler(self, request, params)

    # -- for KMS, fixtures and faults ----------------------------------------------

    def cluster(self, cluster_id: str) -> Cluster | None:
        """The cluster with this ID (DELETED ones while still listed), or ``None``.

        Does not run due timers: KMS calls it on every request, after the
        environment has run them.
        """
        return self.clusters.get(cluster_id)

    @property
    def vpc_id(self) -> str:
        """The one VPC of the account and Region (made on first use)."""
        return self.network.vpc_id

    def add_subnet(
        self, subnet_id: str, availability_zone: str, *, cidr: str | None = None,
        vpc_id: str | None = None,
    ) -> Subnet:
        """Register a subnet (see :meth:`.network.Network.add_subnet`)."""
        return self.network.add_subnet(subnet_id, availability_zone, cidr=cidr, vpc_id=vpc_id)

    def create_ready_cluster(
        self, *, hsm_count: int = 2, availability_zones: list[str] | None = None,
        kmsuser_password: str = KMSUSER_PASSWORD,
    ) -> Cluster:
        """An ACTIVE, initialized cluster with ACTIVE HSMs and a ``kmsuser`` (see
        :func:`.builders.ready_cluster`)."""
        return builders.ready_cluster(self, hsm_count=hsm_count,
                                      availability_zones=availability_zones,
                                      kmsuser_password=kmsuser_password)

    def activate_cluster(self, cluster_id: str, admin_password: str = ADMIN_PASSWORD) -> Cluster:
        """Activate an INITIALIZED cluster (see :func:`.builders.activate_cluster`)."""
        return builders.activate_cluster(self, cluster_id, admin_password)

    def create_user(self, cluster_id: str, username: str, password: str) -> CryptoUser:
        """Create a crypto user, as an admin does with the CloudHSM CLI."""
        return builders.create_user(self, cluster_id, username, password)

    def delete_user(self, cluster_id: str, username: str) -> None:
        """Delete a user (``VaultError("USER_NOT_FOUND")`` if there is none)."""
        builders.delete_user(self, cluster_id, username)

    def lock_user(self, cluster_id: str, username: str) -> CryptoUser:
        """Lock a user out, as five failed logins do."""
        return builders.lock_user(self, cluster_id, username)

    def log_in_elsewhere(
        self, cluster_id: str, username: str, logged_in: bool = True
    ) -> CryptoUser:
        """Have someone else hold (or drop) a session of this user."""
        return builders.log_in_elsewhere(self, cluster_id, username, logged_in)

    def replace_hsm(self, cluster_id: str, hsm_id: str) -> Hsm:
        """AWS replaces a failed HSM (see :func:`.builders.replace_hsm`)."""
        return builders.replace_hsm(self, cluster_id, hsm_id)
