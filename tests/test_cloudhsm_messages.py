"""Every error text a CloudHSM v2 operation declares (``messages=``), through a boto3 client.

Each case below brings one declared error about and states its code and its
whole text (``docs/aws-behaviour.md §0.4``: AWS's shape, where no recording
exists). The tests at the end check that the cases and the declarations name
the same errors, so a new declared message comes with its case here, and that
every name ``cloudhsm/`` raises is declared (a static scan, :mod:`declared_scan`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from declared_scan import names_raised
from helpers import failure, snake

from pytest_cloudhsm_kms import CloudHsmKms, ServiceError
from pytest_cloudhsm_kms.cloudhsm import certificates
from pytest_cloudhsm_kms.cloudhsm.operations import DECLARED
from pytest_cloudhsm_kms.settings import Settings

INVALID = "CloudHsmInvalidRequestException"
NOT_FOUND = "CloudHsmResourceNotFoundException"
SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
DELAY = 60.0
"""Every in-progress state lasts this long, so a case can act while it lasts."""

Expected = tuple[dict[str, Any], str, str]
"""A case's request members, and the error code and text it answers."""
Case = Callable[[CloudHsmKms, Any], Expected]
CASES: dict[tuple[str, str], Case] = {}


def case(operation: str, name: str) -> Callable[[Case], Case]:
    """Register the case that brings about ``operation``'s declared error ``name``."""
    def register(make: Case) -> Case:
        CASES[operation, name] = make
        return make
    return register


@pytest.fixture
def env() -> Iterator[CloudHsmKms]:
    settings = Settings(create_cluster_delay=DELAY, create_hsm_delay=DELAY,
                        initialize_cluster_delay=DELAY, max_hsms_per_cluster=3)
    with CloudHsmKms(settings=settings) as environment:
        yield environment


def creating(client: Any, hsm_type: str = "hsm2m.medium") -> str:
    """A cluster in CREATE_IN_PROGRESS."""
    return str(client.create_cluster(HsmType=hsm_type, SubnetIds=SUBNETS)["Cluster"]["ClusterId"])


def uninitialized(env: CloudHsmKms, client: Any, *, hsm: bool,
                  hsm_type: str = "hsm2m.medium") -> str:
    """An UNINITIALIZED cluster, with one ACTIVE HSM (so its CSR exists) or none."""
    cluster_id = creating(client, hsm_type)
    env.clock.advance(DELAY)
    if hsm:
        client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1a")
        env.clock.advance(DELAY)
    return cluster_id


def ready(env: CloudHsmKms, hsm_count: int = 2) -> str:
    """An ACTIVE cluster with ``hsm_count`` ACTIVE HSMs in us-east-1a and us-east-1b."""
    return env.cloudhsm().create_ready_cluster(hsm_count=hsm_count).cluster_id


def backup_of(env: CloudHsmKms) -> tuple[str, str]:
    """The ID and ARN of the READY backup a ready cluster's activation took."""
    ready(env)
    (backup,) = env.cloudhsm().backups.values()
    return backup.backup_id, backup.backup_arn


# -- clusters ----------------------------------------------------------------------------------

OTHER_ACCOUNT = "arn:aws:cloudhsm:us-east-1:999999999999:backup/backup-aaaaaaaaaaa"
OTHER_REGION = "arn:aws:cloudhsm:eu-west-1:111122223333:backup/backup-aaaaaaaaaaa"
NOT_A_BACKUP = "arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-aaaaaaaaaaa"
OFF_THE_WIRE = {("CreateCluster", "not_a_backup_arn")}
"""Errors the model's input checks leave no request to reach (SourceBackupId's pattern admits
only backup ARNs): the service, called directly, answers them."""


@case("CreateCluster", "fips_only")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"HsmType": "hsm1.medium", "SubnetIds": SUBNETS, "Mode": "NON_FIPS"},
            INVALID, "HsmType hsm1.medium supports only FIPS mode.")


@case("CreateCluster", "not_a_backup_arn")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"HsmType": "hsm2m.medium", "SubnetIds": SUBNETS, "SourceBackupId": NOT_A_BACKUP},
            INVALID, f"{NOT_A_BACKUP} is not a backup ARN.")


@case("CreateCluster", "backup_of_another_account")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"HsmType": "hsm2m.medium", "SubnetIds": SUBNETS, "SourceBackupId": OTHER_ACCOUNT},
            NOT_FOUND, f"Backup {OTHER_ACCOUNT} not found.")


@case("CreateCluster", "backup_in_another_region")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"HsmType": "hsm2m.medium", "SubnetIds": SUBNETS, "SourceBackupId": OTHER_REGION},
            INVALID, f"Backup {OTHER_REGION} is in another Region; copy it to us-east-1 with "
                     f"CopyBackupToRegion first.")


def initialize(cluster_id: str, signed: str = "", anchor: str = "") -> dict[str, Any]:
    """InitializeCluster's members: by default, the certificates of a ready cluster."""
    return {"ClusterId": cluster_id,
            "SignedCert": signed or certificates.ready_cluster_certificate(0),
            "TrustAnchor": anchor or certificates.ca_certificate()}


@case("InitializeCluster", "cluster_state")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = ready(env)
    return (initialize(cluster_id), INVALID,
            f"Cluster {cluster_id} is in state ACTIVE; only an UNINITIALIZED cluster can be "
            f"initialized.")


@case("InitializeCluster", "no_csr")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = uninitialized(env, client, hsm=False)
    return (initialize(cluster_id), INVALID,
            f"Cluster {cluster_id} has no cluster CSR yet: create an HSM first.")


@case("InitializeCluster", "certificates")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = uninitialized(env, client, hsm=True)
    return (initialize(cluster_id, anchor="not a certificate"), INVALID,
            "TrustAnchor is not a PEM-encoded X.509 certificate.")


@case("ModifyCluster", "cluster_state")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = creating(client)
    return ({"ClusterId": cluster_id, "BackupRetentionPolicy": {"Type": "DAYS", "Value": "30"}},
            INVALID, f"Cluster {cluster_id} cannot be modified in state CREATE_IN_PROGRESS.")


@case("ModifyCluster", "nothing_to_modify")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return {"ClusterId": ready(env)}, INVALID, "Specify HsmType or BackupRetentionPolicy."


@case("ModifyCluster", "hsm_type_change")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = ready(env)
    return ({"ClusterId": cluster_id, "HsmType": "hsm1.medium"}, INVALID,
            f"Cannot change the HSM type of cluster {cluster_id} from hsm2m.medium to "
            f"hsm1.medium.")


@case("ModifyCluster", "hsm_type_change_state")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = uninitialized(env, client, hsm=False, hsm_type="hsm1.medium")
    return ({"ClusterId": cluster_id, "HsmType": "hsm2m.medium"}, INVALID,
            f"Cluster {cluster_id} must be ACTIVE to change its HSM type.")


@case("DeleteCluster", "cluster_state")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = creating(client)
    return ({"ClusterId": cluster_id}, INVALID,
            f"Cluster {cluster_id} cannot be deleted in state CREATE_IN_PROGRESS.")


@case("DeleteCluster", "has_hsms")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = ready(env)
    return ({"ClusterId": cluster_id}, INVALID,
            f"Cluster {cluster_id} still has 2 HSM(s); delete all HSMs before deleting the "
            f"cluster.")


# -- HSMs ----------------------------------------------------------------------------------------


@case("CreateHsm", "cluster_state")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = creating(client)
    return ({"ClusterId": cluster_id, "AvailabilityZone": "us-east-1a"}, INVALID,
            f"Cannot create an HSM in cluster {cluster_id} in state CREATE_IN_PROGRESS.")


@case("CreateHsm", "second_hsm")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = uninitialized(env, client, hsm=True)
    return ({"ClusterId": cluster_id, "AvailabilityZone": "us-east-1b"}, INVALID,
            f"Cluster '{cluster_id}' already contains an HSM but has not yet been fully "
            "activated")


@case("CreateHsm", "no_subnet_in_zone")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = ready(env)
    return ({"ClusterId": cluster_id, "AvailabilityZone": "us-east-1f"}, INVALID,
            f"Cluster {cluster_id} has no subnet in Availability Zone us-east-1f; its zones "
            f"are us-east-1a, us-east-1b.")


@case("CreateHsm", "hsm_limit")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"ClusterId": ready(env, hsm_count=3), "AvailabilityZone": "us-east-1a"}, INVALID,
            "A cluster can have at most 3 HSMs.")


@case("DeleteHsm", "cluster_state")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = uninitialized(env, client, hsm=True)
    client.initialize_cluster(**initialize(cluster_id))
    (hsm,) = env.cloudhsm().clusters[cluster_id].hsms
    return ({"ClusterId": cluster_id, "HsmId": hsm}, INVALID,
            f"Cannot delete an HSM of cluster {cluster_id} in state INITIALIZE_IN_PROGRESS.")


@case("DeleteHsm", "hsm_identifier")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"ClusterId": ready(env), "HsmId": "hsm-aaaaaaaaaaa", "EniIp": "10.0.0.9"},
            INVALID, "Specify exactly one of HsmId, EniId and EniIp.")


@case("DeleteHsm", "hsm_not_found")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = ready(env)
    return ({"ClusterId": cluster_id, "EniIp": "10.9.9.9"}, NOT_FOUND,
            f"No HSM with EniIp 10.9.9.9 in cluster {cluster_id}.")


@case("DeleteHsm", "hsm_state")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = ready(env)
    hsm_id = client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1a")["Hsm"]["HsmId"]
    return ({"ClusterId": cluster_id, "HsmId": hsm_id}, INVALID,
            f"HSM {hsm_id} cannot be deleted in state CREATE_IN_PROGRESS.")


# -- backups, tags and policies -------------------------------------------------------------------


@case("CopyBackupToRegion", "same_region")
def _(env: CloudHsmKms, client: Any) -> Expected:
    backup_id, _arn = backup_of(env)
    return ({"BackupId": backup_id, "DestinationRegion": "us-east-1"}, INVALID,
            "The destination Region must differ from the source Region us-east-1.")


@case("TagResource", "tag_limit")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = ready(env)
    client.tag_resource(ResourceId=cluster_id,
                        TagList=[{"Key": f"k{n}", "Value": "v"} for n in range(50)])
    return ({"ResourceId": cluster_id, "TagList": [{"Key": "one-more", "Value": "v"}]},
            "CloudHsmResourceLimitExceededException",
            f"A resource can have at most 50 tags; {cluster_id} would have 51.")


@case("PutResourcePolicy", "policy_required")
def _(env: CloudHsmKms, client: Any) -> Expected:
    _id, arn = backup_of(env)
    return {"ResourceArn": arn}, INVALID, "Policy is required."


@case("PutResourcePolicy", "invalid_policy")
def _(env: CloudHsmKms, client: Any) -> Expected:
    _id, arn = backup_of(env)
    return ({"ResourceArn": arn, "Policy": '{"Version": "2012-10-17"}'}, INVALID,
            "Policy is not a valid JSON policy document.")


@case("PutResourcePolicy", "backup_not_ready")
def _(env: CloudHsmKms, client: Any) -> Expected:
    backup_id, arn = backup_of(env)
    client.delete_backup(BackupId=backup_id)
    return ({"ResourceArn": arn, "Policy": '{"Statement": []}'}, INVALID,
            f"Backup {backup_id} is PENDING_DELETION; only a READY backup can take a "
            "resource policy.")


# -- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "name"), sorted(CASES))
def test_a_declared_error_answers_its_code_and_text(
    env: CloudHsmKms, operation: str, name: str,
) -> None:
    client = env.client("cloudhsmv2")
    params, code, text = CASES[operation, name](env, client)

    if (operation, name) in OFF_THE_WIRE:
        with pytest.raises(ServiceError) as raised:
            env.cloudhsm().call(operation, params)
        assert (raised.value.code, raised.value.message) == (code, text)
        return
    answered = failure(getattr(client, snake(operation)), **params)

    assert (answered.code, answered.status, answered.message) == (code, 400, text)


def test_every_declared_error_has_its_case() -> None:
    declared = {(op.name, name) for op in DECLARED.values() for name in op.messages}
    assert declared == set(CASES)


def test_every_error_a_cloudhsm_module_raises_by_name_is_declared() -> None:
    """``declared_error(ctx, "name")`` finds ``name`` in the declaration of the request's
    operation: a name no operation declares would be a bug (an internal failure, 500)."""
    declared = {name for op in DECLARED.values() for name in op.messages}
    raised = names_raised("cloudhsm")

    assert raised - declared == set()
    assert declared - raised == set(), "declared but never raised"


def test_the_scan_finds_every_form_of_raising_by_name(tmp_path: Path) -> None:
    (tmp_path / "cloudhsm").mkdir()
    (tmp_path / "cloudhsm" / "family.py").write_text(
        "def handler(service, ctx, p):\n"
        "    if p:\n"
        "        raise declared_error(ctx, 'has_hsmz', count=1)\n"
        "    raise DELETE_CLUSTER.error('cluster_state', cluster='c', state='s')\n"
        "def other(ctx, name):\n"
        "    return DECLARED[ctx.operation].error(name)\n")
    assert names_raised("cloudhsm", tmp_path) == {"has_hsmz", "cluster_state"}
    (tmp_path / "cloudhsm" / "family.py").write_text("declared_error(ctx, name)\n")
    with pytest.raises(AssertionError, match=r"cloudhsm/family\.py:1: .* string literal"):
        names_raised("cloudhsm", tmp_path)
