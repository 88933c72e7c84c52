"""CloudHSM v2 clusters and HSMs: CreateCluster to DeleteCluster, through a boto3 client."""

from __future__ import annotations

import dataclasses
import datetime
import functools
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from fidelity import assert_valid_output
from helpers import cluster_entry, error

from pytest_cloudhsm_kms import CloudHsmKms
from pytest_cloudhsm_kms.settings import Settings

SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
OTHER_CLUSTER = "cluster-zzzzzzzzzzz"


# -- helpers -------------------------------------------------------------------------------


def name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def certificate(subject: str, issuer: str, public_key: Any, signing_key: Any,
                *, ca: bool | None = True) -> x509.Certificate:
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
        .public_key(public_key).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), True)
    return builder.sign(signing_key, hashes.SHA256())


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@functools.cache
def customer_ca(label: str = "customerCA") -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A self-signed RSA-2048 root, as ``openssl req -x509`` makes ``customerCA.crt``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key, certificate(label, label, key.public_key(), key)


def sign_csr(csr_pem: str, ca: tuple[rsa.RSAPrivateKey, x509.Certificate] | None = None) -> str:
    """Sign the cluster CSR with the customer CA, as the User Guide's openssl step does."""
    key, ca_cert = ca or customer_ca()
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    signed = (
        x509.CertificateBuilder().subject_name(csr.subject).issuer_name(ca_cert.subject)
        .public_key(csr.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return pem(signed)


def create_cluster(client: Any, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("HsmType", "hsm2m.medium")
    kwargs.setdefault("SubnetIds", SUBNETS)
    response = client.create_cluster(**kwargs)
    assert_valid_output("cloudhsmv2", "CreateCluster", response)
    return dict(response["Cluster"])


def uninitialized_with_hsm(client: Any) -> dict[str, Any]:
    """An UNINITIALIZED cluster with one ACTIVE HSM, so its CSR exists."""
    cluster_id = create_cluster(client)["ClusterId"]
    assert_valid_output("cloudhsmv2", "CreateHsm", client.create_hsm(
        ClusterId=cluster_id, AvailabilityZone="us-east-1a"))
    return cluster_entry(client, cluster_id)


# -- the User Guide's walk -------------------------------------------------------------


def test_the_user_guide_lifecycle_create_initialize_activate_scale_and_delete(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    client = cloudhsmv2_client
    created = create_cluster(client)
    cluster_id = created["ClusterId"]
    assert created["State"] == "CREATE_IN_PROGRESS" and created["Hsms"] == []
    assert created["SubnetMapping"] == {"us-east-1a": SUBNETS[0], "us-east-1b": SUBNETS[1]}

    cluster = cluster_entry(client, cluster_id)
    assert cluster["State"] == "UNINITIALIZED"
    assert "ClusterCsr" not in cluster["Certificates"]  # only once it has an HSM

    hsm = client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1a")
    assert_valid_output("cloudhsmv2", "CreateHsm", hsm)
    assert hsm["Hsm"]["State"] == "CREATE_IN_PROGRESS"

    cluster = cluster_entry(client, cluster_id)
    assert [h["State"] for h in cluster["Hsms"]] == ["ACTIVE"]
    certificates = cluster["Certificates"]
    assert {"ClusterCsr", "HsmCertificate", "AwsHardwareCertificate",
            "ManufacturerHardwareCertificate"} <= set(certificates)
    csr = x509.load_pem_x509_csr(certificates["ClusterCsr"].encode())
    assert csr.is_signature_valid
    assert cluster_id in csr.subject.rfc4514_string()

    signed = sign_csr(certificates["ClusterCsr"])
    anchor = pem(customer_ca()[1])
    response = client.initialize_cluster(ClusterId=cluster_id, SignedCert=signed,
                                         TrustAnchor=anchor)
    assert_valid_output("cloudhsmv2", "InitializeCluster", response)
    assert response["State"] == "INITIALIZE_IN_PROGRESS"
    assert "INITIALIZED" in response["StateMessage"]

    cluster = cluster_entry(client, cluster_id)
    assert cluster["State"] == "INITIALIZED"
    assert cluster["Certificates"]["ClusterCertificate"] == signed
    assert "ClusterCsr" not in cluster["Certificates"]

    active = cloudhsm_kms.cloudhsm().activate_cluster(cluster_id, admin_password="Sup3rSecret")
    assert active.trust_anchor == anchor
    cluster = cluster_entry(client, cluster_id)
    assert cluster["State"] == "ACTIVE" and "PreCoPassword" not in cluster
    backups = client.describe_backups(Filters={"clusterIds": [cluster_id]})
    assert_valid_output("cloudhsmv2", "DescribeBackups", backups)
    assert len(backups["Backups"]) == 1  # activation takes a backup

    client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1b")
    cluster = cluster_entry(client, cluster_id)
    assert sorted(h["AvailabilityZone"] for h in cluster["Hsms"]) == ["us-east-1a", "us-east-1b"]
    assert all(h["State"] == "ACTIVE" for h in cluster["Hsms"])
    assert len(client.describe_backups()["Backups"]) == 2  # adding an HSM takes a backup

    for h in cluster["Hsms"]:
        deleted = client.delete_hsm(ClusterId=cluster_id, HsmId=h["HsmId"])
        assert_valid_output("cloudhsmv2", "DeleteHsm", deleted)
        assert deleted["HsmId"] == h["HsmId"]
    assert cluster_entry(client, cluster_id)["Hsms"] == []
    assert len(client.describe_backups()["Backups"]) == 4  # so does removing one

    response = client.delete_cluster(ClusterId=cluster_id)
    assert_valid_output("cloudhsmv2", "DeleteCluster", response)
    assert response["Cluster"]["State"] == "DELETE_IN_PROGRESS"
    assert cluster_entry(client, cluster_id)["State"] == "DELETED"
    error("CloudHsmResourceNotFoundException", client.delete_cluster, ClusterId=cluster_id)


# -- CreateCluster ---------------------------------------------------------------------------


def test_create_cluster_makes_ids_security_group_and_vpc_in_aws_formats(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    cluster = create_cluster(cloudhsmv2_client, TagList=[{"Key": "team", "Value": "crypto"}])
    assert cluster["ClusterId"].startswith("cluster-") and len(cluster["ClusterId"]) == 19
    assert cluster["SecurityGroup"].startswith("sg-")
    assert cluster["VpcId"] == cloudhsm_kms.cloudhsm().vpc_id
    assert cluster["BackupRetentionPolicy"] == {"Type": "DAYS", "Value": "90"}
    assert cluster["BackupPolicy"] == "DEFAULT" and cluster["Mode"] == "FIPS"
    assert cluster["TagList"] == [{"Key": "team", "Value": "crypto"}]
    assert cluster["PreCoPassword"]


def test_create_cluster_uses_the_subnet_registry_for_zones(cloudhsm_kms, cloudhsmv2_client) -> None:
    service = cloudhsm_kms.cloudhsm()
    service.add_subnet("subnet-00000000000000c01", "us-east-1c", cidr="10.1.3.0/24")
    cluster = create_cluster(cloudhsmv2_client, SubnetIds=["subnet-00000000000000c01"],
                             BackupRetentionPolicy={"Type": "DAYS", "Value": "7"})
    assert cluster["SubnetMapping"] == {"us-east-1c": "subnet-00000000000000c01"}
    assert cluster["BackupRetentionPolicy"]["Value"] == "7"
    hsm = cloudhsmv2_client.create_hsm(ClusterId=cluster["ClusterId"],
                                       AvailabilityZone="us-east-1c")["Hsm"]
    assert hsm["EniIp"].startswith("10.1.3.")


def test_create_cluster_subnets_must_share_one_vpc(cloudhsm_kms, cloudhsmv2_client) -> None:
    cloudhsm_kms.cloudhsm().add_subnet("subnet-00000000000000e01", "us-east-1e",
                                       vpc_id="vpc-0000000000000000f")
    message = error("CloudHsmInvalidRequestException", cloudhsmv2_client.create_cluster,
                    HsmType="hsm2m.medium", SubnetIds=[SUBNETS[0], "subnet-00000000000000e01"])
    assert "same VPC" in message


def test_create_cluster_takes_at_most_one_subnet_per_zone(cloudhsm_kms, cloudhsmv2_client) -> None:
    service = cloudhsm_kms.cloudhsm()
    service.add_subnet("subnet-00000000000000d01", "us-east-1d")
    service.add_subnet("subnet-00000000000000d02", "us-east-1d")
    message = error("CloudHsmInvalidRequestException", cloudhsmv2_client.create_cluster,
                    HsmType="hsm2m.medium",
                    SubnetIds=["subnet-00000000000000d01", "subnet-00000000000000d02"])
    assert "us-east-1d" in message
    error("CloudHsmInvalidRequestException", cloudhsmv2_client.create_cluster,
          HsmType="hsm2m.medium", SubnetIds=[SUBNETS[0], SUBNETS[0]])


CREATE_CLUSTER_ERRORS = {
    "unsupported HsmType": ({"HsmType": "hsm9.large"}, "CloudHsmInvalidRequestException"),
    "hsm1.medium is FIPS only": ({"HsmType": "hsm1.medium", "Mode": "NON_FIPS"},
                                 "CloudHsmInvalidRequestException"),
    "retention under 7 days": ({"BackupRetentionPolicy": {"Type": "DAYS", "Value": "6"}},
                               "CloudHsmInvalidRequestException"),
    "retention over 379 days": ({"BackupRetentionPolicy": {"Type": "DAYS", "Value": "380"}},
                                "CloudHsmInvalidRequestException"),
    "retention without type": ({"BackupRetentionPolicy": {"Value": "30"}},
                               "CloudHsmInvalidRequestException"),
    "reserved tag prefix": ({"TagList": [{"Key": "aws:owner", "Value": "x"}]},
                            "CloudHsmTagException"),
    "repeated tag key": ({"TagList": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]},
                         "CloudHsmTagException"),
    "unknown backup": ({"SourceBackupId": "backup-aaaaaaaaaaa"},
                       "CloudHsmResourceNotFoundException"),
    "backup of another account": (
        {"SourceBackupId": "arn:aws:cloudhsm:us-east-1:999999999999:backup/backup-aaaaaaaaaaa"},
        "CloudHsmResourceNotFoundException"),
    "backup in another Region": (
        {"SourceBackupId": "arn:aws:cloudhsm:eu-west-1:111122223333:backup/backup-aaaaaaaaaaa"},
        "CloudHsmInvalidRequestException"),
}


def test_create_cluster_rejects_invalid_types_modes_retention_tags_and_backups(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    for case, (extra, code) in CREATE_CLUSTER_ERRORS.items():
        kwargs = {"HsmType": "hsm2m.medium", "SubnetIds": SUBNETS, **extra}
        assert error(code, cloudhsmv2_client.create_cluster, **kwargs), case
    assert cloudhsmv2_client.describe_clusters()["Clusters"] == []


# -- DescribeClusters ------------------------------------------------------------------------


def test_describe_clusters_filters_by_ids_vpcs_and_states(cloudhsm_kms, cloudhsmv2_client) -> None:
    client = cloudhsmv2_client
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster()
    new = create_cluster(client)["ClusterId"]
    every = client.describe_clusters()
    assert_valid_output("cloudhsmv2", "DescribeClusters", every)
    assert [c["ClusterId"] for c in every["Clusters"]] == [ready.cluster_id, new]
    active = client.describe_clusters(Filters={"states": ["ACTIVE"]})
    assert_valid_output("cloudhsmv2", "DescribeClusters", active)
    assert [c["ClusterId"] for c in active["Clusters"]] == [ready.cluster_id]
    by_vpc = client.describe_clusters(Filters={"vpcIds": [ready.vpc_id]})
    assert_valid_output("cloudhsmv2", "DescribeClusters", by_vpc)
    assert len(by_vpc["Clusters"]) == 2
    unknown = client.describe_clusters(Filters={"clusterIds": [OTHER_CLUSTER]})
    assert_valid_output("cloudhsmv2", "DescribeClusters", unknown)
    assert unknown["Clusters"] == []  # no CloudHsmResourceNotFoundException here


def test_describe_clusters_pages_with_next_token(cloudhsm_kms, cloudhsmv2_client) -> None:
    service = cloudhsm_kms.cloudhsm()
    ids = [service.create_ready_cluster().cluster_id for _ in range(3)]
    first = cloudhsmv2_client.describe_clusters(MaxResults=2)
    assert_valid_output("cloudhsmv2", "DescribeClusters", first)
    assert len(first["Clusters"]) == 2 and "NextToken" in first
    second = cloudhsmv2_client.describe_clusters(MaxResults=2, NextToken=first["NextToken"])
    assert_valid_output("cloudhsmv2", "DescribeClusters", second)
    assert "NextToken" not in second
    assert [c["ClusterId"] for c in first["Clusters"] + second["Clusters"]] == ids
    pages = cloudhsmv2_client.get_paginator("describe_clusters").paginate(
        PaginationConfig={"PageSize": 1})
    assert [c["ClusterId"] for page in pages for c in page["Clusters"]] == ids


def test_describe_clusters_rejects_unknown_filters_states_and_tokens(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    for kwargs in ({"Filters": {"names": ["x"]}}, {"Filters": {"states": ["RUNNING"]}},
                   {"NextToken": "not-a-token"}):
        error("CloudHsmInvalidRequestException", cloudhsmv2_client.describe_clusters, **kwargs)


# -- InitializeCluster -----------------------------------------------------------------------


def test_initialize_cluster_keeps_trust_anchor_and_signed_certificate(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    cluster = uninitialized_with_hsm(cloudhsmv2_client)
    signed = sign_csr(cluster["Certificates"]["ClusterCsr"])
    anchor = pem(customer_ca()[1])
    response = cloudhsmv2_client.initialize_cluster(
        ClusterId=cluster["ClusterId"], SignedCert=signed, TrustAnchor=anchor)
    assert_valid_output("cloudhsmv2", "InitializeCluster", response)
    model = cloudhsm_kms.cloudhsm().cluster(cluster["ClusterId"])
    assert model.trust_anchor == anchor and model.cluster_certificate == signed


def test_initialize_cluster_needs_an_uninitialized_cluster(cloudhsm_kms, cloudhsmv2_client) -> None:
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster()
    anchor = pem(customer_ca()[1])
    message = error("CloudHsmInvalidRequestException", cloudhsmv2_client.initialize_cluster,
                    ClusterId=ready.cluster_id, SignedCert=anchor, TrustAnchor=anchor)
    assert "ACTIVE" in message


def test_initialize_cluster_needs_the_csr_of_a_first_hsm(cloudhsm_kms, cloudhsmv2_client) -> None:
    cluster_id = create_cluster(cloudhsmv2_client)["ClusterId"]
    anchor = pem(customer_ca()[1])
    message = error("CloudHsmInvalidRequestException", cloudhsmv2_client.initialize_cluster,
                    ClusterId=cluster_id, SignedCert=anchor, TrustAnchor=anchor)
    assert "HSM" in message
    error("CloudHsmResourceNotFoundException", cloudhsmv2_client.initialize_cluster,
          ClusterId=OTHER_CLUSTER, SignedCert=anchor, TrustAnchor=anchor)


@functools.cache
def _bad_anchors() -> dict[str, str]:
    """Trust anchors InitializeCluster must refuse (made once: key generation is slow)."""
    ca_key, ca_cert = customer_ca()
    ec_key = ec.generate_private_key(ec.SECP256R1())
    return {
        "not PEM": "not a certificate",
        "not a CA": pem(certificate("leaf", "leaf", ca_key.public_key(), ca_key, ca=False)),
        "not RSA": pem(certificate("ecCA", "ecCA", ec_key.public_key(), ec_key)),
        "over 5000 characters": pem(ca_cert) + "\n" * 5000,
    }


def test_initialize_cluster_checks_the_trust_anchor_and_the_signed_certificate(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    cluster = uninitialized_with_hsm(cloudhsmv2_client)
    csr = cluster["Certificates"]["ClusterCsr"]
    ca_key, ca_cert = customer_ca()
    anchor, signed = pem(ca_cert), sign_csr(csr)
    other_ca = customer_ca("otherCA")
    cases = {f"TrustAnchor {what}": (signed, bad) for what, bad in _bad_anchors().items()}
    cases.update({
        "TrustAnchor not self-signed": (signed, signed),
        "SignedCert not PEM": ("not a certificate", anchor),
        "SignedCert signed by another CA": (sign_csr(csr, other_ca), anchor),
        "SignedCert for another key": (pem(certificate(
            "someone", "customerCA", other_ca[0].public_key(), ca_key, ca=False)), anchor),
    })
    for case, (signed_cert, trust_anchor) in cases.items():
        message = error("CloudHsmInvalidRequestException", cloudhsmv2_client.initialize_cluster,
                        ClusterId=cluster["ClusterId"], SignedCert=signed_cert,
                        TrustAnchor=trust_anchor)
        assert message, case
    assert cluster_entry(cloudhsmv2_client, cluster["ClusterId"])["State"] == "UNINITIALIZED"


# -- ModifyCluster ---------------------------------------------------------------------------


def test_modify_cluster_changes_the_backup_retention_policy(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    cluster_id = create_cluster(cloudhsmv2_client)["ClusterId"]
    response = cloudhsmv2_client.modify_cluster(
        ClusterId=cluster_id, BackupRetentionPolicy={"Type": "DAYS", "Value": "379"})
    assert_valid_output("cloudhsmv2", "ModifyCluster", response)
    assert response["Cluster"]["BackupRetentionPolicy"] == {"Type": "DAYS", "Value": "379"}


def test_modify_cluster_migrates_hsm1_to_hsm2m_and_can_roll_back(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    client = cloudhsmv2_client
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster()
    backup_id = client.describe_backups()["Backups"][0]["BackupId"]
    cluster_id = create_cluster(client, HsmType="hsm1.medium",
                                SourceBackupId=backup_id)["ClusterId"]
    assert ready.cluster_id != cluster_id
    response = client.modify_cluster(ClusterId=cluster_id, HsmType="hsm2m.medium")
    assert_valid_output("cloudhsmv2", "ModifyCluster", response)
    assert response["Cluster"]["State"] == "MODIFY_IN_PROGRESS"
    cluster = cluster_entry(client, cluster_id)
    assert cluster["State"] == "ACTIVE" and cluster["HsmType"] == "hsm2m.medium"
    assert "HsmTypeRollbackExpiration" in cluster
    response = client.modify_cluster(ClusterId=cluster_id, HsmType="hsm1.medium")
    assert_valid_output("cloudhsmv2", "ModifyCluster", response)
    assert response["Cluster"]["State"] == "ROLLBACK_IN_PROGRESS"
    cluster = cluster_entry(client, cluster_id)
    assert cluster["HsmType"] == "hsm1.medium" and "HsmTypeRollbackExpiration" not in cluster


def hsm1_cluster_with_an_hsm(cloudhsm_kms: CloudHsmKms, client: Any) -> str:
    """An ACTIVE hsm1.medium cluster (made from a backup) with one ACTIVE HSM."""
    cloudhsm_kms.cloudhsm().create_ready_cluster()
    backup_id = client.describe_backups()["Backups"][0]["BackupId"]
    cluster_id = create_cluster(client, HsmType="hsm1.medium",
                                SourceBackupId=backup_id)["ClusterId"]
    client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1a")
    assert cluster_entry(client, cluster_id)["State"] == "ACTIVE"
    return str(cluster_id)


def test_a_migration_backs_up_the_cluster_shows_the_new_type_and_then_migrates_its_hsms(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    # hsm1-to-hsm2-migration: ModifyCluster answers the new HsmType with MODIFY_IN_PROGRESS;
    # the HSMs are replaced one by one (docs/aws-behaviour.md §6.9).
    client = cloudhsmv2_client
    cluster_id = hsm1_cluster_with_an_hsm(cloudhsm_kms, client)
    cloudhsm_kms.settings = dataclasses.replace(cloudhsm_kms.settings, modify_cluster_delay=1800.0)
    before = client.describe_backups(Filters={"clusterIds": [cluster_id]})["Backups"]
    answer = client.modify_cluster(ClusterId=cluster_id, HsmType="hsm2m.medium")["Cluster"]
    assert (answer["State"], answer["HsmType"]) == ("MODIFY_IN_PROGRESS", "hsm2m.medium")
    assert [h["HsmType"] for h in cluster_entry(client, cluster_id)["Hsms"]] == ["hsm1.medium"]
    # "Before migrating the first HSM, AWS CloudHSM creates a full backup of the entire
    # cluster", of its original type.
    after = client.describe_backups(Filters={"clusterIds": [cluster_id]})["Backups"]
    (taken,) = [b for b in after if b["BackupId"] not in {o["BackupId"] for o in before}]
    assert (taken["HsmType"], taken["BackupState"]) == ("hsm1.medium", "READY")
    cloudhsm_kms.clock.advance(1800.0)
    cluster = cluster_entry(client, cluster_id)
    assert cluster["State"] == "ACTIVE"
    assert [h["HsmType"] for h in cluster["Hsms"]] == ["hsm2m.medium"]


def test_a_migration_can_be_rolled_back_while_it_runs(cloudhsm_kms, cloudhsmv2_client) -> None:
    # hsm1-to-hsm2-migration: rolling back "while the cluster is MODIFY_IN_PROGRESS"
    # gives the original cluster back (docs/aws-behaviour.md §6.9).
    client = cloudhsmv2_client
    cluster_id = hsm1_cluster_with_an_hsm(cloudhsm_kms, client)
    cloudhsm_kms.settings = dataclasses.replace(cloudhsm_kms.settings, modify_cluster_delay=1800.0)
    client.modify_cluster(ClusterId=cluster_id, HsmType="hsm2m.medium")
    cloudhsm_kms.clock.advance(600.0)
    answer = client.modify_cluster(ClusterId=cluster_id, HsmType="hsm1.medium")["Cluster"]
    assert (answer["State"], answer["HsmType"]) == ("ROLLBACK_IN_PROGRESS", "hsm1.medium")
    error("CloudHsmInvalidRequestException", client.modify_cluster, ClusterId=cluster_id,
          BackupRetentionPolicy={"Type": "DAYS", "Value": "30"})
    cloudhsm_kms.clock.advance(1800.0)
    cluster = cluster_entry(client, cluster_id)
    assert (cluster["State"], cluster["HsmType"]) == ("ACTIVE", "hsm1.medium")
    assert [h["HsmType"] for h in cluster["Hsms"]] == ["hsm1.medium"]
    assert "HsmTypeRollbackExpiration" not in cluster


def test_an_hsm_type_change_rolls_back_only_within_24_hours_of_its_start(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    # hsm1-to-hsm2-migration: "You can roll back the migration within 24 hours of starting
    # it" (docs/aws-behaviour.md §6.9).
    client = cloudhsmv2_client
    late, in_time = (hsm1_cluster_with_an_hsm(cloudhsm_kms, client) for _ in range(2))
    for cluster_id in (late, in_time):
        client.modify_cluster(ClusterId=cluster_id, HsmType="hsm2m.medium")
    cloudhsm_kms.clock.advance(23 * 3600.0)
    rolled_back = client.modify_cluster(ClusterId=in_time, HsmType="hsm1.medium")["Cluster"]
    assert rolled_back["State"] == "ROLLBACK_IN_PROGRESS"
    cloudhsm_kms.clock.advance(3600.0)
    error("CloudHsmInvalidRequestException", client.modify_cluster,
          ClusterId=late, HsmType="hsm1.medium")


def test_modify_cluster_rejects_no_change_a_downgrade_and_bad_retention(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster()
    for kwargs in ({}, {"HsmType": "hsm1.medium"},
                   {"BackupRetentionPolicy": {"Type": "DAYS", "Value": "400"}}):
        error("CloudHsmInvalidRequestException", cloudhsmv2_client.modify_cluster,
              ClusterId=ready.cluster_id, **kwargs)
    error("CloudHsmResourceNotFoundException", cloudhsmv2_client.modify_cluster,
          ClusterId=OTHER_CLUSTER, HsmType="hsm2m.medium")


# -- DeleteCluster ---------------------------------------------------------------------------


def test_a_deleted_cluster_stays_listed_for_an_hour(cloudhsm_kms, cloudhsmv2_client) -> None:
    cluster_id = create_cluster(cloudhsmv2_client)["ClusterId"]
    response = cloudhsmv2_client.delete_cluster(ClusterId=cluster_id)
    assert_valid_output("cloudhsmv2", "DeleteCluster", response)
    assert response["Cluster"]["StateMessage"] == "The cluster is being deleted."
    assert cluster_entry(cloudhsmv2_client, cluster_id)["State"] == "DELETED"
    cloudhsm_kms.clock.advance(3601)
    listed = cloudhsmv2_client.describe_clusters()
    assert_valid_output("cloudhsmv2", "DescribeClusters", listed)
    assert listed["Clusters"] == []


def test_delete_cluster_needs_all_hsms_deleted_first(cloudhsm_kms, cloudhsmv2_client) -> None:
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster()
    message = error("CloudHsmInvalidRequestException", cloudhsmv2_client.delete_cluster,
                    ClusterId=ready.cluster_id)
    assert "HSM" in message
    error("CloudHsmResourceNotFoundException", cloudhsmv2_client.delete_cluster,
          ClusterId=OTHER_CLUSTER)


def test_delete_cluster_while_it_is_being_created_is_refused() -> None:
    with CloudHsmKms(settings=Settings(create_cluster_delay=600)) as env:
        client = env.client("cloudhsmv2")
        cluster_id = create_cluster(client)["ClusterId"]
        assert cluster_entry(client, cluster_id)["State"] == "CREATE_IN_PROGRESS"
        error("CloudHsmInvalidRequestException", client.delete_cluster, ClusterId=cluster_id)
        error("CloudHsmInvalidRequestException", client.create_hsm,
              ClusterId=cluster_id, AvailabilityZone="us-east-1a")
        env.clock.advance(600)
        assert cluster_entry(client, cluster_id)["State"] == "UNINITIALIZED"


# -- CreateHsm -------------------------------------------------------------------------------


def test_create_hsm_gives_an_eni_in_the_zone_subnet(cloudhsm_kms, cloudhsmv2_client) -> None:
    cluster_id = create_cluster(cloudhsmv2_client)["ClusterId"]
    subnet = cloudhsm_kms.cloudhsm().subnets[SUBNETS[1]]
    response = cloudhsmv2_client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1b",
                                            IpAddress=subnet.cidr.replace("0/24", "77"))
    assert_valid_output("cloudhsmv2", "CreateHsm", response)
    hsm = response["Hsm"]
    assert hsm["HsmId"].startswith("hsm-") and len(hsm["HsmId"]) == 15
    assert hsm["EniId"].startswith("eni-") and len(hsm["EniId"]) == 21
    assert hsm["EniIp"] == subnet.cidr.replace("0/24", "77")
    assert (hsm["SubnetId"], hsm["ClusterId"]) == (SUBNETS[1], cluster_id)


def test_a_dualstack_cluster_gives_hsms_an_ipv6_address(cloudhsm_kms, cloudhsmv2_client) -> None:
    cluster_id = create_cluster(cloudhsmv2_client, NetworkType="DUALSTACK")["ClusterId"]
    response = cloudhsmv2_client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1a")
    assert_valid_output("cloudhsmv2", "CreateHsm", response)
    assert ":" in response["Hsm"]["EniIpV6"]


def test_create_hsm_needs_a_cluster_zone_and_a_free_address_in_its_subnet(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    cluster_id = create_cluster(cloudhsmv2_client)["ClusterId"]
    net = cloudhsm_kms.cloudhsm().subnets[SUBNETS[0]].cidr.rsplit(".", 1)[0]
    # Another cluster's HSM holds .40 of the same subnet.
    other_id = create_cluster(cloudhsmv2_client)["ClusterId"]
    cloudhsmv2_client.create_hsm(ClusterId=other_id, AvailabilityZone="us-east-1a",
                                 IpAddress=f"{net}.40")
    cases = [("us-east-1f", None, "Availability Zone"), ("us-east-1a", "192.168.0.10", "not in"),
             ("us-east-1a", f"{net}.2", "reserved"), ("us-east-1a", f"{net}.300", "not an IPv4"),
             ("us-east-1a", f"{net}.40", "in use")]
    for zone, ip, fragment in cases:
        kwargs = {"ClusterId": cluster_id, "AvailabilityZone": zone}
        if ip is not None:
            kwargs["IpAddress"] = ip
        assert fragment in error("CloudHsmInvalidRequestException", cloudhsmv2_client.create_hsm,
                                 **kwargs)
    error("CloudHsmResourceNotFoundException", cloudhsmv2_client.create_hsm,
          ClusterId=OTHER_CLUSTER, AvailabilityZone="us-east-1a")


def test_a_cluster_holds_at_most_28_hsms(cloudhsm_kms, cloudhsmv2_client) -> None:
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster(hsm_count=28)
    message = error("CloudHsmInvalidRequestException", cloudhsmv2_client.create_hsm,
                    ClusterId=ready.cluster_id, AvailabilityZone="us-east-1a")
    assert "28" in message


# -- DeleteHsm -------------------------------------------------------------------------------


def test_delete_hsm_finds_the_hsm_by_id_eni_or_ip(cloudhsm_kms, cloudhsmv2_client) -> None:
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster(hsm_count=4)
    hsms = ready.describe()["Hsms"]
    for hsm, member in zip(hsms, ["HsmId", "EniId", "EniIp"], strict=False):
        response = cloudhsmv2_client.delete_hsm(ClusterId=ready.cluster_id, **{member: hsm[member]})
        assert_valid_output("cloudhsmv2", "DeleteHsm", response)
        assert response["HsmId"] == hsm["HsmId"]
    remaining = cluster_entry(cloudhsmv2_client, ready.cluster_id)["Hsms"]
    assert [h["HsmId"] for h in remaining] == [hsms[3]["HsmId"]]


def test_delete_hsm_goes_through_delete_in_progress() -> None:
    with CloudHsmKms(settings=Settings(delete_hsm_delay=60)) as env:
        client = env.client("cloudhsmv2")
        ready = env.cloudhsm().create_ready_cluster()
        hsm_id = ready.describe()["Hsms"][0]["HsmId"]
        client.delete_hsm(ClusterId=ready.cluster_id, HsmId=hsm_id)
        states = {h["HsmId"]: h["State"] for h in cluster_entry(client, ready.cluster_id)["Hsms"]}
        assert states[hsm_id] == "DELETE_IN_PROGRESS"
        assert len(ready.active_hsms()) == 1
        message = error("CloudHsmInvalidRequestException", client.delete_hsm,
                        ClusterId=ready.cluster_id, HsmId=hsm_id)
        assert "DELETE_IN_PROGRESS" in message
        env.clock.advance(60)
        assert hsm_id not in [h["HsmId"] for h in cluster_entry(client, ready.cluster_id)["Hsms"]]


def test_delete_hsm_takes_exactly_one_known_identifier(cloudhsm_kms, cloudhsmv2_client) -> None:
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster()
    cases = [
        ({}, "CloudHsmInvalidRequestException"),
        ({"HsmId": "hsm-aaaaaaaaaaa", "EniIp": "10.0.0.9"}, "CloudHsmInvalidRequestException"),
        ({"HsmId": "hsm-aaaaaaaaaaa"}, "CloudHsmResourceNotFoundException"),
        ({"EniId": "eni-00000000000000000"}, "CloudHsmResourceNotFoundException"),
    ]
    for kwargs, code in cases:
        error(code, cloudhsmv2_client.delete_hsm, ClusterId=ready.cluster_id, **kwargs)
    error("CloudHsmResourceNotFoundException", cloudhsmv2_client.delete_hsm,
          ClusterId=OTHER_CLUSTER, HsmId="hsm-aaaaaaaaaaa")
    assert len(ready.active_hsms()) == 2


# -- timing ------------------------------------------------------------------------------------


def test_transition_delays_hold_states_until_the_virtual_clock_moves() -> None:
    with CloudHsmKms(settings=Settings(create_cluster_delay=300, create_hsm_delay=600)) as env:
        client = env.client("cloudhsmv2")
        cluster_id = create_cluster(client)["ClusterId"]
        env.clock.advance(299)
        assert cluster_entry(client, cluster_id)["State"] == "CREATE_IN_PROGRESS"
        env.clock.advance(1)
        assert cluster_entry(client, cluster_id)["State"] == "UNINITIALIZED"
        client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1a")
        assert cluster_entry(client, cluster_id)["Hsms"][0]["State"] == "CREATE_IN_PROGRESS"
        env.clock.advance(600)
        assert cluster_entry(client, cluster_id)["Hsms"][0]["State"] == "ACTIVE"


def test_a_ready_cluster_is_ready_at_once_whatever_the_delays() -> None:
    slow = Settings(create_cluster_delay=600, create_hsm_delay=600,
                    initialize_cluster_delay=600, delete_hsm_delay=600)
    with CloudHsmKms(settings=slow) as env:
        client = env.client("cloudhsmv2")
        for hsm_count in (2, 0):
            ready = env.cloudhsm().create_ready_cluster(hsm_count=hsm_count)
            described = cluster_entry(client, ready.cluster_id)
            assert described["State"] == "ACTIVE"
            assert [h["State"] for h in described["Hsms"]] == ["ACTIVE"] * hsm_count
            env.clock.advance(600)
            assert cluster_entry(client, ready.cluster_id) == described


def test_a_cluster_holds_at_most_max_hsms_per_cluster() -> None:
    with CloudHsmKms(settings=Settings(max_hsms_per_cluster=3)) as env:
        client = env.client("cloudhsmv2")
        ready = env.cloudhsm().create_ready_cluster(hsm_count=3)
        message = error("CloudHsmInvalidRequestException", client.create_hsm,
                        ClusterId=ready.cluster_id, AvailabilityZone="us-east-1a")
        assert "at most 3 HSMs" in message
        with pytest.raises(ValueError, match="0-3"):
            env.cloudhsm().create_ready_cluster(hsm_count=4)


def test_settings_refuse_negative_delays() -> None:
    with pytest.raises(ValueError, match="negative"):
        Settings(create_hsm_delay=-1)
