"""Clusters and HSMs of one account and Region: making them, and ending their in-progress states.

Every state change AWS makes asynchronously is scheduled on the virtual
clock: the response of CreateCluster, CreateHsm, InitializeCluster,
ModifyCluster (HsmType), DeleteHsm and DeleteCluster shows the in-progress
state, and the change completes after the matching ``Settings`` delay (0.0 by
default: by the very next request, because the environment runs due timers
before each request). A scheduled change does nothing if something else
changed the cluster or HSM meanwhile, so :meth:`Lifecycle.finish` may end an
in-progress state at once (the scenario builders do) and the timer then finds
nothing to do.

**Choices where AWS documents nothing** (``docs/aws-behaviour.md §6.2``, §6.6):

* A cluster made from a backup goes ``CREATE_IN_PROGRESS -> ACTIVE`` with no
  HSM (the Terraform provider waits for ACTIVE right after CreateCluster when
  a source backup is given); its first HSM is restored from the backup.
* An HSM that becomes ACTIVE while no other HSM of its cluster is ACTIVE is
  restored from the cluster's latest READY backup (or the backup the cluster
  was made from): key objects made after that backup are missing. The first
  ACTIVE HSM of an UNINITIALIZED cluster makes its cluster CSR.
* DELETED clusters stay visible in DescribeClusters for
  ``Settings.deleted_cluster_visible`` (one virtual hour by default).

Documented (§6.9): ModifyCluster's answer to an HSM type change already shows the
new type (the original one for a rollback) and ``HsmTypeRollbackExpiration``, 24
hours after the migration started; the HSMs take the new type when it completes.
"""

from __future__ import annotations

import itertools

from ..scope import Scope
from . import certificates
from .backups import ID_ALPHABET, BackupCatalog
from .model import Cluster, ClusterState, Hsm, HsmState
from .network import HEX, Network, Subnet

__all__ = ["ROLLBACK_WINDOW", "Lifecycle"]

ROLLBACK_WINDOW = 24 * 3600.0
"""How long after an HSM type change starts the cluster can go back, in seconds
(``HsmTypeRollbackExpiration``, docs/aws-behaviour.md §6.9)."""


class Lifecycle:
    """The clusters of one account and Region, and the timers that end their in-progress states."""

    def __init__(self, scope: Scope, network: Network, catalog: BackupCatalog) -> None:
        self.scope = scope
        self.clock = scope.clock
        self.entropy = scope.entropy
        self.network = network
        self.catalog = catalog
        self.clusters: dict[str, Cluster] = catalog.clusters
        self._handles = itertools.count(262_145)  # key handles, unique in the Region

    # -- making things --------------------------------------------------------------

    def new_cluster(
        self,
        hsm_type: str,
        mode: str,
        subnets: list[Subnet],
        *,
        network_type: str,
        retention_days: int,
        tags: dict[str, str],
        now: float,
    ) -> Cluster:
        """A cluster in ``CREATE_IN_PROGRESS`` (nothing scheduled yet)."""
        cluster = Cluster(
            cluster_id="cluster-" + self.entropy.token(ID_ALPHABET, 11),
            hsm_type=hsm_type,
            mode=mode,
            network_type=network_type,
            subnet_mapping={s.availability_zone: s.subnet_id for s in subnets},
            vpc_id=subnets[0].vpc_id,
            security_group="sg-" + self.entropy.token(HEX, 17),
            create_timestamp=now,
            entropy=self.entropy,
            handles=self._handles,
            backup_retention_days=retention_days,
            tags=tags,
        )
        self.clusters[cluster.cluster_id] = cluster
        return cluster

    def new_hsm(self, cluster: Cluster, subnet: Subnet, ip: str | None) -> Hsm:
        """An HSM in ``CREATE_IN_PROGRESS`` with an ENI in ``subnet`` (nothing scheduled yet)."""
        taken = {
            hsm.eni_ip for other in self.clusters.values() for hsm in other.hsms.values()
            if hsm.subnet_id == subnet.subnet_id
        }
        eni_ip = self.network.eni_ip(subnet, ip, taken)
        ipv6 = None
        if cluster.network_type == "DUALSTACK":
            ipv6 = self.network.eni_ip_v6(subnet, eni_ip)
        hsm = Hsm(
            hsm_id="hsm-" + self.entropy.token(ID_ALPHABET, 11),
            cluster_id=cluster.cluster_id,
            availability_zone=subnet.availability_zone,
            subnet_id=subnet.subnet_id,
            eni_id="eni-" + self.entropy.token(HEX, 17),
            eni_ip=eni_ip,
            hsm_type=cluster.hsm_type,
            eni_ip_v6=ipv6,
        )
        cluster.hsms[hsm.hsm_id] = hsm
        return hsm

    def replace_hsm(self, cluster: Cluster, old: Hsm) -> Hsm:
        """AWS replaces a failed HSM: same zone, subnet, ENI and IP; a new ID; ACTIVE at once."""
        del cluster.hsms[old.hsm_id]
        old.state = HsmState.DELETED
        new = Hsm(
            hsm_id="hsm-" + self.entropy.token(ID_ALPHABET, 11),
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

    # -- cluster changes --------------------------------------------------------------

    def after(self, delay: float, cluster: Cluster, event: str) -> None:
        """Schedule the cluster ``event`` that ends the in-progress state it is in now."""
        expected, due = cluster.state, self.clock.now() + delay
        self.clock.call_at(due, lambda: self._complete(cluster, expected, event, due))

    def change_hsm_type(self, cluster: Cluster, event: str, hsm_type: str, delay: float) -> None:
        """Start ModifyCluster's change of HSM type (``modify`` or ``rollback``): the cluster
        shows ``hsm_type`` at once, its HSMs once the change completes after ``delay``. A
        migration starts with a backup of the cluster (the backups AWS takes before each
        further HSM are not modeled)."""
        if event == "modify":
            self.catalog.take(cluster)  # of the original type, before the first HSM (§6.9)
            cluster.previous_hsm_type = cluster.hsm_type
            cluster.hsm_type_rollback_expiration = self.clock.now() + ROLLBACK_WINDOW
        cluster.transition(event)
        cluster.hsm_type = hsm_type
        self.after(delay, cluster, "modified" if event == "modify" else "rolled_back")

    def finish(self, cluster: Cluster, event: str) -> None:
        """End the cluster's in-progress state now with ``event`` (its timer then does nothing)."""
        self._complete(cluster, cluster.state, event, self.clock.now())

    def _complete(self, cluster: Cluster, expected: str, event: str, due: float) -> None:
        if cluster.state != expected or not cluster.transition(event):
            return  # something else changed the cluster meanwhile
        if event == "restored":
            self.catalog.start_schedule()
        elif event == "deleted":
            when = due + self.scope.settings.deleted_cluster_visible
            self.clock.call_at(when, lambda: self._forget(cluster))
        elif event in ("modified", "rolled_back"):
            if event == "rolled_back":
                cluster.previous_hsm_type = None
                cluster.hsm_type_rollback_expiration = None
            for hsm in cluster.hsms.values():
                hsm.hsm_type = cluster.hsm_type

    def _forget(self, cluster: Cluster) -> None:
        current = self.clusters.get(cluster.cluster_id)
        if current is cluster and cluster.state == ClusterState.DELETED:
            del self.clusters[cluster.cluster_id]

    # -- HSM changes ------------------------------------------------------------------

    def after_hsm(self, delay: float, cluster: Cluster, hsm: Hsm, event: str) -> None:
        """Schedule the HSM ``event`` (``created``, ``deleted``) that ends its in-progress state."""
        expected = hsm.state
        self.clock.call_later(delay, lambda: self._complete_hsm(cluster, hsm, expected, event))

    def finish_hsm(self, cluster: Cluster, hsm: Hsm, event: str) -> None:
        """End the HSM's in-progress state now with ``event`` (its timer then does nothing)."""
        self._complete_hsm(cluster, hsm, hsm.state, event)

    def delete_hidden_hsms(self, cluster: Cluster) -> None:
        """DeleteCluster of a cluster that shows no HSM deletes those a fault hides with it:
        lifting the fault never brings them back (docs/aws-behaviour.md §12)."""
        for hsm_id in cluster.hidden_hsms:
            hsm = cluster.hsms.pop(hsm_id, None)
            if hsm is not None:
                hsm.state = HsmState.DELETED
        cluster.hidden_hsms.clear()

    def _complete_hsm(self, cluster: Cluster, hsm: Hsm, expected: str, event: str) -> None:
        if hsm.state != expected or cluster.hsms.get(hsm.hsm_id) is not hsm:
            return
        if event == "created":
            self._hsm_created(cluster, hsm)
        elif event == "deleted":
            hsm.transition(event)
            del cluster.hsms[hsm.hsm_id]

    def _hsm_created(self, cluster: Cluster, hsm: Hsm) -> None:
        """A new HSM is ACTIVE: cloned from an ACTIVE HSM, or restored from the latest backup."""
        alone = not cluster.active_hsms(hidden=True)  # a fault hides HSMs, it does not delete them
        hsm.transition("created")
        if alone:
            snapshot = self.catalog.restore_point(cluster)
            if snapshot is not None:
                snapshot.restore_into(cluster.keys, cluster.users)
        if cluster.hardware_certificates is None:
            cluster.hardware_certificates = certificates.hardware_certificates()
        if cluster.state == ClusterState.UNINITIALIZED and cluster.csr_common_name is None:
            cluster.csr_common_name = cluster.cluster_id
        if cluster.state == ClusterState.ACTIVE:
            self.catalog.take(cluster)  # adding an HSM to an active cluster
