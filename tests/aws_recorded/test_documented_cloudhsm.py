"""Documented AWS CloudHSM v2 answers: the CLI output the User Guide prints, as checks.

Each :class:`Documented` case names the page that prints a real answer
(``cloudhsm_sources.py``), brings the fake to the same situation through a boto3
``cloudhsmv2`` client, makes the same call and compares: members the page shows are
answered (with the page's value, or a value of the page's format where it names a
resource), members shown absent (:data:`ABSENT`) are not, and members the page does
not show are not judged, since the examples are abridged (none shows the
``BackupArn`` every backup carries, say). Where the archived and the live page
disagree, the live one decides (``docs/aws-behaviour.md §6.9``).
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from fidelity import assert_valid_output
from helpers import cluster_entry, snake

from .cloudhsm_sources import SOURCES
from .recording import ABSENT, Shape, World, _compare

REGION = "us-east-1"
DESTINATION = "us-west-2"
SUBNETS = {"us-east-1a": "subnet-0e358c43", "us-east-1b": "subnet-f1d6e798",
           "us-east-1c": "subnet-40ed9d3b"}


def pattern(name: str, regex: str) -> Shape:
    """A string that matches ``regex`` whole."""
    return Shape(name, lambda v: isinstance(v, str) and re.fullmatch(regex, v) is not None)


def _address(kind: type[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> Shape:
    def test(value: Any) -> bool:
        try:
            return isinstance(ipaddress.ip_address(value), kind)
        except ValueError:
            return False
    return Shape(f"{kind.__name__[:4]} address", test)


CLUSTER_ID = pattern("cluster ID", r"cluster-[2-7a-zA-Z]{11,16}")
HSM_ID = pattern("HSM ID", r"hsm-[2-7a-zA-Z]{11,16}")
BACKUP_ID = pattern("backup ID", r"backup-[2-7a-zA-Z]{11,16}")
ENI_ID = pattern("ENI ID", r"eni-[0-9a-fA-F]{8,17}")
SECURITY_GROUP = pattern("security group ID", r"sg-[0-9a-fA-F]{8,17}")
VPC_ID = pattern("VPC ID", r"vpc-[0-9a-fA-F]{8,17}")
IPV4, IPV6 = _address(ipaddress.IPv4Address), _address(ipaddress.IPv6Address)
PEM_CERTIFICATE = pattern("PEM certificate",
                          r"-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n?")
EMPTY = Shape("{}", lambda v: v == {})
EPOCH_MS = Shape(
    "timestamp in epoch seconds with milliseconds",
    lambda v: isinstance(v, datetime.datetime) and v.tzinfo is not None
    and v.microsecond % 1000 == 0)
SUBNET_MAPPING = Shape(
    "Availability Zone -> subnet ID",
    lambda v: isinstance(v, dict) and bool(v) and all(
        re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d[a-z]", zone)
        and re.fullmatch(r"subnet-[0-9a-fA-F]{8,17}", subnet) for zone, subnet in v.items()))
ONLY_CLUSTER_CERTIFICATE = {
    "ClusterCertificate": PEM_CERTIFICATE, "ClusterCsr": ABSENT, "HsmCertificate": ABSENT,
    "AwsHardwareCertificate": ABSENT, "ManufacturerHardwareCertificate": ABSENT,
}
COST_CENTER = [{"Key": "Cost Center", "Value": "12345"}]


# -- the situations ---------------------------------------------------------------------------


class Scene:
    """One case's world: the clients, and the placeholders its answer uses."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.environment = world.environment
        self.client = self.environment.client("cloudhsmv2")
        self.backup_created: datetime.datetime | None = None
        """The ``CreateTimestamp`` of ``<backup-id>``."""
        self.called_at = 0.0
        """When the HSM type change started, in epoch seconds."""

    def name(self, placeholder: str, value: Any) -> Any:
        self.world.names[placeholder] = value
        return value

    def create_cluster(self, **params: Any) -> dict[str, Any]:
        params.setdefault("HsmType", "hsm2m.medium")
        params.setdefault("SubnetIds", list(SUBNETS.values()))
        cluster: dict[str, Any] = self.client.create_cluster(**params)["Cluster"]
        self.name("<cluster-id>", cluster["ClusterId"])
        return cluster

    def ready_backup(self) -> str:
        """An ACTIVE cluster's activation backup (``<backup-id>``, of ``<cluster-id>``)."""
        ready = self.environment.cloudhsm().create_ready_cluster()
        self.name("<cluster-id>", ready.cluster_id)
        (backup,) = self.client.describe_backups()["Backups"]
        self.backup_created = backup["CreateTimestamp"]
        return str(self.name("<backup-id>", backup["BackupId"]))

    def active_cluster(self, **params: Any) -> str:
        """A cluster made, initialized and activated through the API, as the guide does."""
        cluster_id = self.create_cluster(**params)["ClusterId"]
        self.client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1a")
        csr = cluster_entry(self.client, cluster_id)["Certificates"]["ClusterCsr"]
        anchor, signed = _sign(csr)
        self.client.initialize_cluster(ClusterId=cluster_id, SignedCert=signed,
                                       TrustAnchor=anchor)
        self.environment.cloudhsm().activate_cluster(cluster_id)
        return str(cluster_id)


def _sign(csr_pem: str) -> tuple[str, str]:
    """A self-signed customer CA and the cluster CSR signed by it, as with openssl."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "customerCA")])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    end = start + datetime.timedelta(days=3652)
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(start).not_valid_after(end)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
          .sign(key, hashes.SHA256()))
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    cert = (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(ca_name)
            .public_key(csr.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end).sign(key, hashes.SHA256()))
    anchor, signed = (c.public_bytes(serialization.Encoding.PEM).decode() for c in (ca, cert))
    return anchor, signed


def nothing(scene: Scene) -> dict[str, Any]:
    return {}


def hsm1_cluster(scene: Scene) -> dict[str, Any]:
    return {"HsmType": "hsm1.medium", "SubnetIds": list(SUBNETS.values())}


def hsm2m_cluster(scene: Scene) -> dict[str, Any]:
    return {"HsmType": "hsm2m.medium", "SubnetIds": list(SUBNETS.values()), "Mode": "FIPS",
            "NetworkType": "IPV4", "BackupRetentionPolicy": {"Type": "DAYS", "Value": "90"}}


def from_backup(scene: Scene) -> dict[str, Any]:
    backup_id = scene.ready_backup()
    return {"HsmType": "hsm2m.medium", "SubnetIds": list(SUBNETS.values()),
            "SourceBackupId": backup_id}


def hsm_in(network_type: str) -> Callable[[Scene], dict[str, Any]]:
    def given(scene: Scene) -> dict[str, Any]:
        cluster_id = scene.create_cluster(NetworkType=network_type)["ClusterId"]
        scene.name("<subnet-c>", SUBNETS["us-east-1c"])
        return {"ClusterId": cluster_id, "AvailabilityZone": "us-east-1c"}
    return given


def uninitialized(scene: Scene) -> dict[str, Any]:
    cluster_id = scene.create_cluster()["ClusterId"]
    scene.client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1a")
    csr = cluster_entry(scene.client, cluster_id)["Certificates"]["ClusterCsr"]
    anchor, signed = _sign(csr)
    return {"ClusterId": cluster_id, "SignedCert": signed, "TrustAnchor": anchor}


def restored_cluster_without_hsm(scene: Scene) -> dict[str, Any]:
    cluster_id = scene.client.create_cluster(**from_backup(scene))["Cluster"]["ClusterId"]
    scene.name("<cluster-id>", cluster_id)
    assert cluster_entry(scene.client, cluster_id)["Hsms"] == []
    return {"ClusterId": cluster_id}


def ready_backup(scene: Scene) -> dict[str, Any]:
    return {"BackupId": scene.ready_backup()}


def deleted_backup(scene: Scene) -> dict[str, Any]:
    backup_id = scene.ready_backup()
    scene.client.delete_backup(BackupId=backup_id)
    return {"BackupId": backup_id}


def deleted_non_fips_backup(scene: Scene) -> dict[str, Any]:
    cluster_id = scene.active_cluster(Mode="NON_FIPS")
    (backup,) = scene.client.describe_backups(Filters={"clusterIds": [cluster_id]})["Backups"]
    scene.client.delete_backup(BackupId=backup["BackupId"])
    scene.name("<backup-id>", backup["BackupId"])
    return {"Filters": {"states": ["PENDING_DELETION"]}}


def copy_to_destination(scene: Scene) -> dict[str, Any]:
    return {"DestinationRegion": DESTINATION, "BackupId": scene.ready_backup()}


def copied(scene: Scene) -> dict[str, Any]:
    scene.client.copy_backup_to_region(**copy_to_destination(scene))
    return {}


def tagged_active_cluster(scene: Scene) -> dict[str, Any]:
    cluster_id = scene.active_cluster()
    scene.client.tag_resource(ResourceId=cluster_id, TagList=COST_CENTER)
    return {"ClusterId": cluster_id, "BackupRetentionPolicy": {"Type": "DAYS", "Value": "90"}}


def hsm_by_address(scene: Scene) -> dict[str, Any]:
    cluster_id = scene.create_cluster()["ClusterId"]
    hsm = scene.client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1a")["Hsm"]
    scene.name("<hsm-id>", hsm["HsmId"])
    return {"ClusterId": cluster_id, "EniIp": hsm["EniIp"]}


def hsm1_to_migrate(scene: Scene) -> dict[str, Any]:
    cluster_id = scene.active_cluster(HsmType="hsm1.medium")
    scene.called_at = scene.environment.clock.now()
    return {"ClusterId": cluster_id, "HsmType": "hsm2m.medium"}


def migrated_to_roll_back(scene: Scene) -> dict[str, Any]:
    request = hsm1_to_migrate(scene)
    scene.client.modify_cluster(**request)
    assert cluster_entry(scene.client, request["ClusterId"])["State"] == "ACTIVE"
    return {**request, "HsmType": "hsm1.medium"}


def never_expires(value: bool) -> Callable[[Scene], dict[str, Any]]:
    def given(scene: Scene) -> dict[str, Any]:
        backup_id = scene.ready_backup()
        if not value:
            scene.client.modify_backup_attributes(BackupId=backup_id, NeverExpires=True)
        return {"BackupId": backup_id, "NeverExpires": value}
    return given


def cluster_to_tag(scene: Scene) -> dict[str, Any]:
    return {"ResourceId": scene.create_cluster()["ClusterId"], "TagList": COST_CENTER}


def tagged_cluster(scene: Scene) -> dict[str, Any]:
    cluster_id = scene.create_cluster()["ClusterId"]
    scene.client.tag_resource(ResourceId=cluster_id, TagList=COST_CENTER)
    return {"ResourceId": cluster_id}


def tag_to_remove(scene: Scene) -> dict[str, Any]:
    return {**tagged_cluster(scene), "TagKeyList": ["Cost Center"]}


# -- the cases --------------------------------------------------------------------------------


Answer = dict[str, Any] | Callable[[Scene], dict[str, Any]]


@dataclass(frozen=True)
class Documented:
    """One documented answer, and how to bring the fake to it."""

    source: str
    """The page that prints it: a key of ``cloudhsm_sources.SOURCES``."""
    operation: str
    given: Callable[[Scene], dict[str, Any]]
    """Makes the situation; answers the request (placeholders of the answer named)."""
    answer: Answer
    """The members the page shows: values, formats (:class:`Shape`), or :data:`ABSENT`."""
    exact: bool = False
    """The page shows every member (an answer this small is not abridged)."""
    region: str = REGION

    @property
    def id(self) -> str:
        return f"{self.operation}:{self.source}"


CREATED = {
    "BackupPolicy": "DEFAULT", "VpcId": VPC_ID, "SubnetMapping": SUBNET_MAPPING,
    "SecurityGroup": SECURITY_GROUP, "Hsms": [], "State": "CREATE_IN_PROGRESS",
    "ClusterId": CLUSTER_ID, "CreateTimestamp": EPOCH_MS,
}
RESTORED = {**CREATED, "SourceBackupId": "<backup-id>", "Certificates": ONLY_CLUSTER_CERTIFICATE,
            "HsmType": "hsm2m.medium"}
NEW_HSM = {
    "State": "CREATE_IN_PROGRESS", "ClusterId": "<cluster-id>", "HsmId": HSM_ID,
    "SubnetId": "<subnet-c>", "AvailabilityZone": "us-east-1c", "EniId": ENI_ID, "EniIp": IPV4,
}
BACKUP = {"BackupId": "<backup-id>", "ClusterId": "<cluster-id>", "CreateTimestamp": EPOCH_MS}
RETAINED_90_DAYS = {"Type": "DAYS", "Value": "90"}


def migrating(state: str, hsm_type: str) -> Callable[[Scene], dict[str, Any]]:
    def answer(scene: Scene) -> dict[str, Any]:
        deadline = scene.called_at + 24 * 3600
        return {"Cluster": {
            "BackupPolicy": "DEFAULT", "BackupRetentionPolicy": RETAINED_90_DAYS,
            "VpcId": VPC_ID, "SubnetMapping": SUBNET_MAPPING, "SecurityGroup": SECURITY_GROUP,
            "HsmType": hsm_type, "State": state, "ClusterId": "<cluster-id>",
            "CreateTimestamp": EPOCH_MS, "Mode": "FIPS", "ClusterMode": ABSENT,
            "HsmTypeRollbackExpiration": Shape(
                "time 24 hours after the migration started, to the millisecond",
                lambda v: EPOCH_MS.test(v) and abs(v.timestamp() - deadline) < 5)}}
    return answer


def copy_of_backup(scene: Scene) -> dict[str, Any]:
    return {"DestinationBackup": {
        "CreateTimestamp": scene.backup_created, "SourceBackup": "<backup-id>",
        "SourceCluster": "<cluster-id>", "SourceRegion": REGION}}


def listed_copy(scene: Scene) -> dict[str, Any]:
    return {"Backups": [{
        "BackupId": BACKUP_ID, "BackupState": "READY", "ClusterId": "<cluster-id>",
        "CreateTimestamp": scene.backup_created, "CopyTimestamp": EPOCH_MS,
        "SourceBackup": "<backup-id>", "SourceCluster": "<cluster-id>", "SourceRegion": REGION,
        "DeleteTimestamp": ABSENT}]}


CASES: list[Documented] = [
    Documented("create-cluster (archived)", "CreateCluster", hsm1_cluster, {"Cluster": {
        **CREATED, "HsmType": "hsm1.medium", "Certificates": EMPTY}}),
    Documented("create-cluster (live)", "CreateCluster", hsm2m_cluster, {"Cluster": {
        **CREATED, "HsmType": "hsm2m.medium", "Certificates": EMPTY, "NetworkType": "IPV4",
        "BackupRetentionPolicy": RETAINED_90_DAYS, "Mode": "FIPS", "ClusterMode": ABSENT}}),
    Documented("create-cluster-from-backup (archived)", "CreateCluster", from_backup,
               {"Cluster": RESTORED}),
    Documented("create-cluster-from-backup (live)", "CreateCluster", from_backup, {"Cluster": {
        **RESTORED, "NetworkType": "IPV4", "BackupRetentionPolicy": RETAINED_90_DAYS}}),
    Documented("add-remove-hsm (archived)", "CreateHsm", hsm_in("IPV4"), {"Hsm": {
        **NEW_HSM, "EniIpV6": ABSENT}}),
    Documented("add-hsm (live)", "CreateHsm", hsm_in("DUALSTACK"), {"Hsm": {
        **NEW_HSM, "EniIpV6": IPV6}}),
    Documented("add-remove-hsm (archived)", "DeleteHsm", hsm_by_address,
               {"HsmId": "<hsm-id>"}, exact=True),
    Documented("get-api-logs-using-cloudtrail (archived)", "CreateHsm", hsm_in("IPV4"),
               {"Hsm": NEW_HSM}),
    Documented("initialize-cluster (archived)", "InitializeCluster", uninitialized, {
        "State": "INITIALIZE_IN_PROGRESS",
        "StateMessage": "Cluster is initializing. State will change to INITIALIZED upon "
                        "completion."}, exact=True),
    Documented("delete-cluster (archived)", "DeleteCluster", restored_cluster_without_hsm, {
        "Cluster": {**RESTORED, "State": "DELETE_IN_PROGRESS",
                    "StateMessage": "The cluster is being deleted.",
                    "ClusterId": "<cluster-id>"}}),
    Documented("delete-restore-backup (archived)", "DeleteBackup", ready_backup, {"Backup": {
        **BACKUP, "BackupState": "PENDING_DELETION", "DeleteTimestamp": EPOCH_MS}}),
    Documented("delete-restore-backup (archived)", "RestoreBackup", deleted_backup, {"Backup": {
        **BACKUP, "BackupState": "READY", "DeleteTimestamp": ABSENT}}),
    Documented("delete-restore-backup (live)", "DeleteBackup", ready_backup, {"Backup": {
        **BACKUP, "BackupState": "PENDING_DELETION", "DeleteTimestamp": EPOCH_MS,
        "HsmType": "hsm2m.medium", "Mode": "FIPS"}}),
    Documented("delete-restore-backup (live)", "DescribeBackups", deleted_non_fips_backup, {
        "Backups": [{**BACKUP, "BackupState": "PENDING_DELETION", "DeleteTimestamp": EPOCH_MS,
                     "HsmType": "hsm2m.medium", "Mode": "NON_FIPS", "NeverExpires": False,
                     "TagList": []}]}),
    Documented("copy-backup-to-region (archived)", "CopyBackupToRegion", copy_to_destination,
               copy_of_backup, exact=True),
    Documented("copy-backup-to-region (archived)", "DescribeBackups", copied, listed_copy,
               region=DESTINATION),
    Documented("manage-backup-retention (archived)", "ModifyCluster", tagged_active_cluster, {
        "Cluster": {"BackupPolicy": "DEFAULT", "BackupRetentionPolicy": RETAINED_90_DAYS,
                    "ClusterId": "<cluster-id>", "CreateTimestamp": EPOCH_MS,
                    "SecurityGroup": SECURITY_GROUP, "State": "ACTIVE",
                    "SubnetMapping": SUBNET_MAPPING, "TagList": COST_CENTER, "VpcId": VPC_ID}}),
    Documented("manage-backup-retention (archived)", "ModifyBackupAttributes",
               never_expires(True), {"Backup": {**BACKUP, "BackupState": "READY",
                                                "NeverExpires": True}}),
    Documented("manage-backup-retention (archived)", "ModifyBackupAttributes",
               never_expires(False), {"Backup": {**BACKUP, "BackupState": "READY",
                                                 "NeverExpires": False}}),
    Documented("hsm1-to-hsm2-migration (live)", "ModifyCluster", hsm1_to_migrate,
               migrating("MODIFY_IN_PROGRESS", "hsm2m.medium")),
    Documented("hsm1-to-hsm2-migration (live)", "ModifyCluster", migrated_to_roll_back,
               migrating("ROLLBACK_IN_PROGRESS", "hsm1.medium")),
    Documented("tag-resources (archived)", "TagResource", cluster_to_tag, {}, exact=True),
    Documented("tag-resources (archived)", "ListTags", tagged_cluster, {"TagList": COST_CENTER},
               exact=True),
    Documented("tag-resources (archived)", "UntagResource", tag_to_remove, {}, exact=True),
]


def _ids(cases: list[Documented]) -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for case in cases:
        seen[case.id] = seen.get(case.id, 0) + 1
        ids.append(case.id if seen[case.id] == 1 else f"{case.id}:{seen[case.id]}")
    return ids


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_documented_answer(case: Documented, world: World) -> None:
    __tracebackhide__ = True
    assert case.source in SOURCES, f"{case.source} is not in cloudhsm_sources.SOURCES"
    scene = Scene(world)
    request = case.given(scene)
    client = scene.client if case.region == REGION else world.environment.client(
        "cloudhsmv2", region=case.region)
    response = getattr(client, snake(case.operation))(**request)
    assert_valid_output("cloudhsmv2", case.operation, response)
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    answer = case.answer(scene) if callable(case.answer) else case.answer
    problems: list[str] = []
    _compare(world, world.sub(answer), body, case.operation, problems, partial=not case.exact)
    where = f"{case.source}: {SOURCES[case.source].address}"
    assert not problems, f"{where}\n" + "\n".join(problems)
