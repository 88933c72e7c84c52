"""CloudHSM v2 operations on clusters and HSMs: Create/Describe/Initialize/Modify/DeleteCluster,
CreateHsm and DeleteHsm.

**Choices where AWS documents nothing** (``docs/aws-behaviour.md §6.2``-§6.4):

* InitializeCluster is valid only in ``UNINITIALIZED`` and once the cluster
  CSR exists (after the first HSM is ACTIVE); DeleteCluster needs the cluster
  to have no HSM; both answer ``CloudHsmInvalidRequestException`` otherwise.
* ``hsm1.medium`` supports only ``FIPS`` mode. ModifyCluster changes the HSM
  type only from ``hsm1.medium`` to ``hsm2m.medium`` (``MODIFY_IN_PROGRESS``,
  then ACTIVE) and back (``ROLLBACK_IN_PROGRESS``) before
  ``HsmTypeRollbackExpiration``, 24 hours after the change started (documented,
  §6.9).
* A cluster holds at most ``Settings.max_hsms_per_cluster`` HSMs (28, a fixed
  AWS quota, §6.8); the adjustable account quotas (clusters, HSMs per Region)
  are not enforced.
* DescribeClusters returns everything in one page when ``MaxResults`` is absent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ServiceError
from ..pagination import numbering
from . import certificates
from .model import BackupState, Cluster, ClusterState
from .operations import (
    ARN,
    INVALID,
    NOT_FOUND,
    Operation,
    Params,
    Result,
    declared_error,
    filters,
    find_cluster,
    new_tags,
    paginate,
    retention_days,
)

if TYPE_CHECKING:
    from ..context import RequestContext
    from .model import Backup
    from .service import CloudHsmService

__all__ = ["SUPPORTED_HSM_TYPES"]

SUPPORTED_HSM_TYPES = ("hsm1.medium", "hsm2m.medium")
FIPS_ONLY_HSM_TYPES = frozenset({"hsm1.medium"})

_SETTLED = frozenset({ClusterState.UNINITIALIZED, ClusterState.INITIALIZED,
                      ClusterState.ACTIVE, ClusterState.DEGRADED})
_CLUSTER_FILTERS: dict[str, frozenset[str] | None] = {
    "clusterIds": None,
    "vpcIds": None,
    "states": frozenset(v for k, v in vars(ClusterState).items() if k.isupper()),
}
"""DescribeClusters filters, with the values of those that have a set of values."""


# -- clusters ------------------------------------------------------------------------------

CREATE_CLUSTER = Operation(
    "CreateCluster", backup_states=frozenset({BackupState.READY}),
    messages={
        "fips_only": (INVALID, "HsmType {hsm_type} supports only FIPS mode."),
        "not_a_backup_arn": (INVALID, "{arn} is not a backup ARN."),
        "backup_of_another_account": (NOT_FOUND, "Backup {arn} not found."),
        "backup_in_another_region": (
            INVALID, "Backup {arn} is in another Region; copy it to {region} with "
                     "CopyBackupToRegion first."),
    },
)


@CREATE_CLUSTER.handles
def create_cluster(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    hsm_type = _check_hsm_type(p["HsmType"])
    subnets = service.network.cluster_subnets(p["SubnetIds"])
    retention = retention_days(p.get("BackupRetentionPolicy"),
                               service.settings.backup_retention_days)
    tags = new_tags(p.get("TagList"))
    source = None
    if "SourceBackupId" in p:
        source = _source_backup(service, ctx, p["SourceBackupId"])
    mode = p.get("Mode") or (source.mode if source else "FIPS")
    if mode != "FIPS" and hsm_type in FIPS_ONLY_HSM_TYPES:
        raise declared_error(ctx, "fips_only", hsm_type=hsm_type)
    cluster = service.lifecycle.new_cluster(
        hsm_type, mode, subnets, network_type=p.get("NetworkType", "IPV4"),
        retention_days=retention, tags=tags, now=ctx.now(),
    )
    event = "created"
    if source is not None:
        event = "restored"
        cluster.source_backup_id = source.backup_id
        cluster.source_snapshot = source.snapshot
        cluster.cluster_certificate = source.cluster_certificate
        cluster.trust_anchor = source.trust_anchor
    service.lifecycle.after(service.settings.create_cluster_delay, cluster, event)
    return {"Cluster": cluster.describe()}


def _source_backup(service: CloudHsmService, ctx: RequestContext, reference: str) -> Backup:
    """``SourceBackupId``: a backup ID, or the ARN of a backup of this account and Region
    (another partition's ARN is not found, as another account's: docs/aws-behaviour.md §1.1)."""
    backup_id = reference
    if reference.startswith("arn:"):
        match = ARN.fullmatch(reference)
        if match is None or match["kind"] != "backup":
            raise declared_error(ctx, "not_a_backup_arn", arn=reference)
        if match["partition"] != service.scope.partition or match["account"] != service.account_id:
            raise declared_error(ctx, "backup_of_another_account", arn=reference)
        if match["region"] != service.region:
            raise declared_error(ctx, "backup_in_another_region", arn=reference,
                                 region=service.region)
        backup_id = match["id"]
    return CREATE_CLUSTER.find_backup(service.backups, backup_id)


DESCRIBE_CLUSTERS = Operation("DescribeClusters")


@DESCRIBE_CLUSTERS.handles
def describe_clusters(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    given = filters(p.get("Filters"), _CLUSTER_FILTERS)
    ids, vpcs, states = given.get("clusterIds"), given.get("vpcIds"), given.get("states")
    clusters = [
        c for c in service.clusters.values()
        if (ids is None or c.cluster_id in ids)
        and (vpcs is None or c.vpc_id in vpcs)
        and (states is None or c.state in states)
    ]
    numbers = numbering(service, "clusters").number(service.clusters)
    page, result = paginate(clusters, p, lambda c: numbers[c.cluster_id])
    result["Clusters"] = [c.describe() for c in page]
    return result


INITIALIZE_CLUSTER = Operation(
    "InitializeCluster", cluster_event="initialize",
    messages={
        "cluster_state": (INVALID, "Cluster {cluster} is in state {state}; only an "
                                   "UNINITIALIZED cluster can be initialized."),
        "no_csr": (INVALID, "Cluster {cluster} has no cluster CSR yet: create an HSM first."),
        "certificates": (INVALID, "{problem}"),  # worded by certificates.check_initialization
    },
)


@INITIALIZE_CLUSTER.handles
def initialize_cluster(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    cluster = find_cluster(service.clusters, p["ClusterId"])
    INITIALIZE_CLUSTER.check_cluster(cluster)
    if cluster.csr_common_name is None:
        raise declared_error(ctx, "no_csr", cluster=cluster.cluster_id)
    problem = certificates.check_initialization(p["SignedCert"], p["TrustAnchor"])
    if problem is not None:
        raise declared_error(ctx, "certificates", problem=problem)
    cluster.cluster_certificate = p["SignedCert"]
    cluster.trust_anchor = p["TrustAnchor"]
    cluster.transition("initialize")
    service.lifecycle.after(service.settings.initialize_cluster_delay, cluster, "initialized")
    described = cluster.describe()
    return {"State": described["State"], "StateMessage": described["StateMessage"]}


MODIFY_CLUSTER = Operation(
    "ModifyCluster", cluster_states=_SETTLED,
    messages={
        "cluster_state": (INVALID, "Cluster {cluster} cannot be modified in state {state}."),
        "nothing_to_modify": (INVALID, "Specify HsmType or BackupRetentionPolicy."),
        "hsm_type_change": (INVALID, "Cannot change the HSM type of cluster {cluster} from "
                                     "{current} to {hsm_type}."),
        "hsm_type_change_state": (INVALID, "Cluster {cluster} must be ACTIVE to change its HSM "
                                           "type."),
    },
)


@MODIFY_CLUSTER.handles
def modify_cluster(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    cluster = find_cluster(service.clusters, p["ClusterId"])
    hsm_type = p.get("HsmType")
    policy = p.get("BackupRetentionPolicy")
    if hsm_type is None and policy is None:
        raise declared_error(ctx, "nothing_to_modify")
    # A migration can be rolled back while it runs, too (docs/aws-behaviour.md §6.9).
    rolling_back = policy is None and hsm_type == cluster.previous_hsm_type
    if not (rolling_back and cluster.state == ClusterState.MODIFY_IN_PROGRESS):
        MODIFY_CLUSTER.check_cluster(cluster)
    retention = None
    if policy is not None:
        retention = retention_days(policy, service.settings.backup_retention_days)
    event = None
    if hsm_type is not None and hsm_type != cluster.hsm_type:
        event = _hsm_type_change(ctx, cluster, _check_hsm_type(hsm_type))
    if retention is not None:
        cluster.backup_retention_days = retention
        service.catalog.apply_retention()
    if event is not None and hsm_type is not None:
        service.lifecycle.change_hsm_type(cluster, event, hsm_type,
                                          service.settings.modify_cluster_delay)
    return {"Cluster": cluster.describe()}


def _hsm_type_change(ctx: RequestContext, cluster: Cluster, hsm_type: str) -> str:
    """The cluster event a change of HSM type starts (``modify`` or ``rollback``), or a refusal."""
    if cluster.hsm_type == "hsm1.medium" and hsm_type == "hsm2m.medium":
        event = "modify"
    elif (
        hsm_type == cluster.previous_hsm_type
        and cluster.hsm_type_rollback_expiration is not None
        and ctx.now() < cluster.hsm_type_rollback_expiration
    ):
        event = "rollback"
    else:
        raise declared_error(ctx, "hsm_type_change", cluster=cluster.cluster_id,
                             current=cluster.hsm_type, hsm_type=hsm_type)
    if not cluster.can(event):
        raise declared_error(ctx, "hsm_type_change_state", cluster=cluster.cluster_id)
    return event


DELETE_CLUSTER = Operation(
    "DeleteCluster", cluster_event="delete",
    messages={
        "cluster_state": (INVALID, "Cluster {cluster} cannot be deleted in state {state}."),
        "has_hsms": (INVALID, "Cluster {cluster} still has {count} HSM(s); delete all HSMs "
                              "before deleting the cluster."),
    },
)


@DELETE_CLUSTER.handles
def delete_cluster(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    cluster = find_cluster(service.clusters, p["ClusterId"])
    hsms = cluster.visible_hsms()
    if hsms:
        raise declared_error(ctx, "has_hsms", cluster=cluster.cluster_id, count=len(hsms))
    DELETE_CLUSTER.check_cluster(cluster)
    cluster.transition("delete")
    service.lifecycle.delete_hidden_hsms(cluster)
    service.lifecycle.after(service.settings.delete_cluster_delay, cluster, "deleted")
    return {"Cluster": cluster.describe()}


# -- HSMs ------------------------------------------------------------------------------------

CREATE_HSM = Operation(
    "CreateHsm", cluster_states=_SETTLED,
    messages={
        "cluster_state": (INVALID, "Cannot create an HSM in cluster {cluster} in state {state}."),
        # AWS's text, quoted from a real answer (docs/aws-behaviour.md §6.2).
        "second_hsm": (INVALID, "Cluster '{cluster}' already contains an HSM but has not yet "
                                   "been fully activated"),
        "no_subnet_in_zone": (INVALID, "Cluster {cluster} has no subnet in Availability Zone "
                                       "{zone}; its zones are {zones}."),
        "hsm_limit": (INVALID, "A cluster can have at most {limit} HSMs."),
    },
)


@CREATE_HSM.handles
def create_hsm(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    cluster = find_cluster(service.clusters, p["ClusterId"])
    CREATE_HSM.check_cluster(cluster)
    if cluster.state == ClusterState.UNINITIALIZED and cluster.visible_hsms():
        raise declared_error(ctx, "second_hsm", cluster=cluster.cluster_id)
    zone = p["AvailabilityZone"]
    subnet_id = cluster.subnet_mapping.get(zone)
    if subnet_id is None:
        raise declared_error(ctx, "no_subnet_in_zone", cluster=cluster.cluster_id, zone=zone,
                             zones=", ".join(sorted(cluster.subnet_mapping)))
    limit = service.settings.max_hsms_per_cluster
    if len(cluster.hsms) >= limit:
        raise declared_error(ctx, "hsm_limit", limit=limit)
    subnet = service.network.subnets[subnet_id]
    hsm = service.lifecycle.new_hsm(cluster, subnet, p.get("IpAddress"))
    service.lifecycle.after_hsm(service.settings.create_hsm_delay, cluster, hsm, "created")
    return {"Hsm": hsm.describe()}


DELETE_HSM = Operation(
    "DeleteHsm", cluster_states=_SETTLED,
    messages={
        "cluster_state": (INVALID, "Cannot delete an HSM of cluster {cluster} in state {state}."),
        "hsm_identifier": (INVALID, "Specify exactly one of HsmId, EniId and EniIp."),
        "hsm_not_found": (NOT_FOUND, "No HSM with {member} {value} in cluster {cluster}."),
        "hsm_state": (INVALID, "HSM {hsm} cannot be deleted in state {state}."),
    },
)
_HSM_IDENTIFIERS = {"HsmId": "hsm_id", "EniId": "eni_id", "EniIp": "eni_ip"}


@DELETE_HSM.handles
def delete_hsm(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    cluster = find_cluster(service.clusters, p["ClusterId"])
    given = [name for name in _HSM_IDENTIFIERS if name in p]
    if len(given) != 1:
        raise declared_error(ctx, "hsm_identifier")
    member = given[0]
    attribute = _HSM_IDENTIFIERS[member]
    hsm = next((h for h in cluster.visible_hsms() if getattr(h, attribute) == p[member]), None)
    if hsm is None:
        raise declared_error(ctx, "hsm_not_found", member=member, value=p[member],
                             cluster=cluster.cluster_id)
    DELETE_HSM.check_cluster(cluster)
    if not hsm.can("delete"):
        raise declared_error(ctx, "hsm_state", hsm=hsm.hsm_id, state=hsm.state)
    if cluster.state == ClusterState.ACTIVE and cluster.active_hsms(hidden=True):
        service.catalog.take(cluster)  # removing an HSM from an active cluster
    hsm.transition("delete")
    service.lifecycle.after_hsm(service.settings.delete_hsm_delay, cluster, hsm, "deleted")
    return {"HsmId": hsm.hsm_id}


def _check_hsm_type(hsm_type: str) -> str:
    """``HsmType`` of CreateCluster and ModifyCluster, which share its refusal."""
    if hsm_type not in SUPPORTED_HSM_TYPES:
        raise ServiceError(
            INVALID, f"HsmType {hsm_type} is not supported; use one of "
                     f"{', '.join(SUPPORTED_HSM_TYPES)}.",
        )
    return hsm_type

