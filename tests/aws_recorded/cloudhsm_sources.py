"""The documented answers of real AWS CloudHSM v2 this suite checks the fake against.

No parity recording of CloudHSM v2 exists; AWS's own documentation prints the
answers of real calls instead: the CloudHSM User Guide, whose archived source is
``awsdocs/aws-cloudhsm-user-guide`` on GitHub (``doc_source/*.md``, read at the
commit named; archived in 2023), and its live pages on docs.aws.amazon.com (read in
November 2026), which print newer answers (``hsm2m.medium``, ``Mode``,
``NetworkType``). Where the two disagree, the live page wins
(``docs/aws-behaviour.md §6.9``). Our cases carry over the facts each answer shows
(members present and absent in that state, value formats, exact texts); the
scenarios and requests are our own, and values that name a resource (IDs, dates,
addresses) are checked by format only.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["ARCHIVED", "LIVE", "SOURCES", "Source"]

ARCHIVED = "https://github.com/awsdocs/aws-cloudhsm-user-guide/blob/{commit}/doc_source/{page}.md"
LIVE = "https://docs.aws.amazon.com/cloudhsm/latest/userguide/{page}.html"


class Source(NamedTuple):
    """One documented CLI answer: where it is printed, and what our case carries over."""

    address: str
    carries: str


def _archived(commit: str, page: str) -> str:
    return ARCHIVED.format(commit=commit, page=page)


def _live(page: str) -> str:
    return LIVE.format(page=page)


SOURCES: dict[str, Source] = {
    "create-cluster (archived)": Source(
        _archived("008976225842110587a38400e4f4c72732bd82ac", "create-cluster"),
        "CreateCluster answers CREATE_IN_PROGRESS with Hsms [] and Certificates {}, "
        "BackupPolicy DEFAULT, a SubnetMapping of zone to subnet, sg-/vpc- IDs, and "
        "CreateTimestamp in epoch seconds with milliseconds"),
    "create-cluster (live)": Source(
        _live("create-cluster"),
        "the same for hsm2m.medium, with BackupRetentionPolicy DAYS/90 and NetworkType "
        "IPV4 (the page prints the mode as 'ClusterMode', a member the model does not "
        "have: the fake answers the model's Mode)"),
    "create-cluster-from-backup (archived)": Source(
        _archived("f0abdacbe34c386fda54701b0a67933fb7c5773b", "create-cluster-from-backup"),
        "CreateCluster with SourceBackupId answers CREATE_IN_PROGRESS, Hsms [], the "
        "SourceBackupId, and Certificates holding only the backup's ClusterCertificate"),
    "create-cluster-from-backup (live)": Source(
        _live("create-cluster-from-backup"),
        "the same for hsm2m.medium, with NetworkType IPV4 and BackupRetentionPolicy DAYS/90"),
    "add-remove-hsm (archived)": Source(
        _archived("c20c0b094f6cbdadae31bf99a4b19099781b9ce7", "add-remove-hsm"),
        "CreateHsm answers CREATE_IN_PROGRESS with the HSM's network interface already "
        "made: EniId (eni-), EniIp (an IPv4 address of its subnet), SubnetId, AvailabilityZone; "
        "DeleteHsm by the HSM's IP address answers exactly its HsmId"),
    "add-hsm (live)": Source(
        _live("add-hsm"),
        "the same, and EniIpV6 (an IPv6 address) for an HSM of a dual-stack cluster"),
    "get-api-logs-using-cloudtrail (archived)": Source(
        _archived("008976225842110587a38400e4f4c72732bd82ac", "get-api-logs-using-cloudtrail"),
        "the CloudTrail entry of a CreateHsm call records the same answer: CREATE_IN_PROGRESS "
        "with eniId, eniIp, subnetId, availabilityZone, hsmId and clusterId"),
    "initialize-cluster (archived)": Source(
        _archived("0871fadccea9f80b78316f6726c50f806763ae5d", "initialize-cluster"),
        "InitializeCluster answers exactly State INITIALIZE_IN_PROGRESS and the StateMessage "
        "'Cluster is initializing. State will change to INITIALIZED upon completion.'"),
    "delete-cluster (archived)": Source(
        _archived("c20c0b094f6cbdadae31bf99a4b19099781b9ce7", "delete-cluster"),
        "DeleteCluster of a cluster made from a backup answers DELETE_IN_PROGRESS, the "
        "StateMessage 'The cluster is being deleted.', Hsms [], its SourceBackupId and "
        "Certificates holding only the ClusterCertificate"),
    "delete-restore-backup (archived)": Source(
        _archived("008976225842110587a38400e4f4c72732bd82ac", "delete-restore-backup"),
        "DeleteBackup answers PENDING_DELETION with a DeleteTimestamp; RestoreBackup "
        "answers READY with no DeleteTimestamp"),
    "delete-restore-backup (live)": Source(
        _live("delete-restore-backup"),
        "DeleteBackup answers the backup's HsmType and Mode too; DescribeBackups filtered "
        "on states=PENDING_DELETION lists it with HsmType, Mode, NeverExpires false, "
        "DeleteTimestamp and TagList [] (the page's DeleteBackup example shows hsm1.medium "
        "and FIPS, its DescribeBackups example hsm2m.medium and NON_FIPS: the backup's "
        "cluster decides)"),
    "copy-backup-to-region (archived)": Source(
        _archived("e9ec5a2c26e87de9d41d73c0d980bfb4bcd2abe0", "copy-backup-to-region"),
        "CopyBackupToRegion answers DestinationBackup with exactly CreateTimestamp, "
        "SourceBackup, SourceCluster and SourceRegion; the copy's CreateTimestamp is the "
        "source backup's (so the model says too), and the copy DescribeBackups lists "
        "there has a CopyTimestamp"),
    "manage-backup-retention (archived)": Source(
        _archived("e9cbb77d955cf07287147ad263016eeea63c9cae", "manage-backup-retention"),
        "ModifyCluster with a retention policy answers the cluster with BackupRetentionPolicy "
        "and its TagList; ModifyBackupAttributes answers the backup READY with NeverExpires "
        "true, then false"),
    "hsm1-to-hsm2-migration (live)": Source(
        _live("hsm1-to-hsm2-migration"),
        "ModifyCluster changing hsm1.medium to hsm2m.medium answers MODIFY_IN_PROGRESS with "
        "HsmType already hsm2m.medium and HsmTypeRollbackExpiration (the page: a rollback is "
        "possible for 24 hours after the migration starts); the rollback answers "
        "ROLLBACK_IN_PROGRESS with HsmType hsm1.medium and the same member"),
    "tag-resources (archived)": Source(
        _archived("95a5e60437cca02f44ecec3cce1ae5209fab6ce7", "tag-resources"),
        "TagResource and UntagResource answer nothing (the CLI prints no output); ListTags "
        "answers TagList [{Key: 'Cost Center', Value: '12345'}]"),
}
"""Each documented answer: its page, and the facts our cases take from it."""
