"""ARNs in every AWS partition (docs/aws-behaviour.md §1.1).

An ARN starts ``arn:<partition>:``, the partition of its Region: ``aws-cn`` in
China, ``aws-us-gov`` in GovCloud (US), ``aws`` in the standard Regions. Clients
made for a Region of another partition are served in-process like any other.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.endpoint_provider import RuleSetStandardLibrary
from fidelity import assert_valid_output
from helpers import call, fails, new_key, rejects

from pytest_cloudhsm_kms import CloudHsmKms
from pytest_cloudhsm_kms.partitions import partition_of, partitions

ACCOUNT = "111122223333"
# (Region, its partition, another Region of that partition)
PARTITIONS = [
    pytest.param(("cn-north-1", "aws-cn", "cn-northwest-1"), id="aws-cn"),
    pytest.param(("us-gov-west-1", "aws-us-gov", "us-gov-east-1"), id="aws-us-gov"),
]
# Another partition's name for the same Region: what a wrong ARN carries.
OTHER = {"aws": "aws-cn", "aws-cn": "aws", "aws-us-gov": "aws"}


@pytest.mark.parametrize(("region", "partition"), [
    ("us-east-1", "aws"), ("ap-southeast-5", "aws"), ("cn-north-1", "aws-cn"),
    ("cn-northwest-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"),
    ("us-gov-east-1", "aws-us-gov"), ("us-iso-east-1", "aws-iso"),
    ("us-isob-east-1", "aws-iso-b"), ("eu-isoe-west-1", "aws-iso-e"),
    ("us-isof-south-1", "aws-iso-f"), ("eusc-de-east-1", "aws-eusc"),
    # Regions botocore does not name yet, claimed by a partition's Region pattern
    ("cn-south-9", "aws-cn"), ("us-gov-north-7", "aws-us-gov"), ("eu-central-9", "aws"),
    # claimed by no partition: aws
    ("xx-east-1", "aws"),
])
def test_the_partition_of_a_region_is_the_one_botocore_s_endpoint_resolver_picks(
    region: str, partition: str,
) -> None:
    botocore_says = RuleSetStandardLibrary({"partitions": list(partitions())}).aws_partition(region)
    assert partition_of(region) == botocore_says["name"] == partition


@pytest.fixture(params=PARTITIONS)
def where(request: pytest.FixtureRequest, cloudhsm_kms: CloudHsmKms) -> tuple[str, str, str]:
    """(Region, partition, another Region of the partition) of a non-standard partition."""
    region, partition, other = request.param
    return region, partition, other


def kms_in(region: str) -> Any:
    return boto3.client("kms", region_name=region)


def test_the_client_of_such_a_region_goes_to_its_partition_s_endpoint(where: Any) -> None:
    region, partition, _ = where
    suffix = {"aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com"}[partition]
    assert kms_in(region).meta.endpoint_url == f"https://kms.{region}.{suffix}"


def test_create_key_and_describe_key_answer_a_key_arn_of_the_region_s_partition(
    where: Any,
) -> None:
    region, partition, _ = where
    kms = kms_in(region)
    created = new_key(kms)
    arn = f"arn:{partition}:kms:{region}:{ACCOUNT}:key/{created['KeyId']}"
    assert created["Arn"] == arn
    assert call(kms, "DescribeKey", KeyId=arn)["KeyMetadata"]["Arn"] == arn
    assert {"KeyId": created["KeyId"], "KeyArn": arn} in call(kms, "ListKeys")["Keys"]


def test_an_alias_arn_carries_the_partition_and_names_its_key(where: Any) -> None:
    region, partition, _ = where
    kms = kms_in(region)
    key = new_key(kms)
    call(kms, "CreateAlias", AliasName="alias/china-or-govcloud", TargetKeyId=key["KeyId"])
    alias_arn = f"arn:{partition}:kms:{region}:{ACCOUNT}:alias/china-or-govcloud"
    aliases = call(kms, "ListAliases", KeyId=key["KeyId"])["Aliases"]
    assert [a["AliasArn"] for a in aliases] == [alias_arn]
    assert call(kms, "Encrypt", KeyId=alias_arn, Plaintext=b"p")["KeyId"] == key["Arn"]


def test_encrypt_takes_a_key_arn_of_the_partition_and_names_the_key_by_it(where: Any) -> None:
    region, _, _ = where
    kms = kms_in(region)
    key = new_key(kms)
    blob = call(kms, "Encrypt", KeyId=key["Arn"], Plaintext=b"p")
    assert blob["KeyId"] == key["Arn"]
    assert call(kms, "Decrypt", CiphertextBlob=blob["CiphertextBlob"])["KeyId"] == key["Arn"]


@pytest.mark.parametrize("region", ["cn-north-1", "us-gov-west-1", "us-east-1"])
def test_a_key_arn_of_another_partition_is_a_key_that_does_not_exist(
    cloudhsm_kms: CloudHsmKms, region: str,
) -> None:
    kms = kms_in(region)
    key = new_key(kms)
    partition = key["Arn"].split(":")[1]
    wrong = key["Arn"].replace(f"arn:{partition}:", f"arn:{OTHER[partition]}:", 1)
    message = rejects(kms, "Encrypt", "NotFoundException", KeyId=wrong, Plaintext=b"p")
    assert message == f"Key '{wrong}' does not exist"
    call(kms, "CreateAlias", AliasName="alias/here", TargetKeyId=key["KeyId"])
    wrong_alias = wrong.replace(f"key/{key['KeyId']}", "alias/here")
    message = rejects(kms, "DescribeKey", "NotFoundException", KeyId=wrong_alias)
    assert message == f"Alias {wrong_alias} is not found."


def test_a_replica_in_another_region_of_the_partition_carries_the_partition(
    where: Any,
) -> None:
    region, partition, other = where
    kms = kms_in(region)
    primary = new_key(kms, MultiRegion=True)
    replica = call(kms, "ReplicateKey", KeyId=primary["Arn"], ReplicaRegion=other)
    replica_arn = f"arn:{partition}:kms:{other}:{ACCOUNT}:key/{primary['KeyId']}"
    assert replica["ReplicaKeyMetadata"]["Arn"] == replica_arn
    config = call(kms_in(other), "DescribeKey", KeyId=replica_arn)["KeyMetadata"][
        "MultiRegionConfiguration"]
    assert config["PrimaryKey"] == {"Arn": primary["Arn"], "Region": region}
    assert config["ReplicaKeys"] == [{"Arn": replica_arn, "Region": other}]


def test_a_replica_region_of_another_partition_is_refused(where: Any) -> None:
    region, partition, _ = where
    kms = kms_in(region)
    primary = new_key(kms, MultiRegion=True)
    message = rejects(kms, "ReplicateKey", "ValidationException",
                      KeyId=primary["KeyId"], ReplicaRegion="us-east-1")
    assert message == (f"The replica Region us-east-1 is not in the partition {partition} "
                       f"of the primary key's Region {region}.")
    config = call(kms, "DescribeKey", KeyId=primary["KeyId"])["KeyMetadata"][
        "MultiRegionConfiguration"]
    assert config["ReplicaKeys"] == []


def test_the_account_root_in_policies_and_grants_carries_the_partition(where: Any) -> None:
    region, partition, _ = where
    kms = kms_in(region)
    key = new_key(kms)
    root = f"arn:{partition}:iam::{ACCOUNT}:root"
    policy = json.loads(call(kms, "GetKeyPolicy", KeyId=key["KeyId"],
                             PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": root}
    call(kms, "CreateGrant", KeyId=key["KeyId"], Operations=["Encrypt"],
         GranteePrincipal=f"arn:{partition}:iam::{ACCOUNT}:role/app")
    grants = call(kms, "ListGrants", KeyId=key["KeyId"])["Grants"]
    assert [g["IssuingAccount"] for g in grants] == [root]


def test_sts_answers_identities_in_the_partition_of_the_client_s_region(where: Any) -> None:
    region, partition, _ = where
    sts = boto3.client("sts", region_name=region)
    assert sts.get_caller_identity()["Arn"] == f"arn:{partition}:iam::{ACCOUNT}:root"
    role = sts.assume_role(RoleArn=f"arn:{partition}:iam::{ACCOUNT}:role/app",
                           RoleSessionName="tests")
    assert role["AssumedRoleUser"]["Arn"] == (
        f"arn:{partition}:sts::{ACCOUNT}:assumed-role/app/tests")


def test_cloudhsm_backup_arns_carry_the_partition_and_another_s_is_not_found(
    where: Any, cloudhsm_kms: CloudHsmKms,
) -> None:
    region, partition, _ = where
    cluster = cloudhsm_kms.ready_cluster(region=region)
    cloudhsm = boto3.client("cloudhsmv2", region_name=region)
    backups = call(cloudhsm, "DescribeBackups",
                   Filters={"clusterIds": [cluster["ClusterId"]]})["Backups"]
    arn = backups[0]["BackupArn"]
    assert arn == f"arn:{partition}:cloudhsm:{region}:{ACCOUNT}:backup/{backups[0]['BackupId']}"
    assert "Policy" not in call(cloudhsm, "GetResourcePolicy", ResourceArn=arn)
    wrong = arn.replace(f"arn:{partition}:", "arn:aws:", 1)
    assert fails(cloudhsm, "GetResourcePolicy", "CloudHsmResourceNotFoundException",
                 ResourceArn=wrong) == f"Resource {wrong} not found."
    assert fails(cloudhsm, "CreateCluster", "CloudHsmResourceNotFoundException",
                 HsmType="hsm2m.medium", SubnetIds=["subnet-0123456789abcdef0"],
                 SourceBackupId=wrong) == f"Backup {wrong} not found."


def test_a_fault_names_a_key_by_the_arn_of_its_partition_only(
    where: Any, cloudhsm_kms: CloudHsmKms,
) -> None:
    region, partition, _ = where
    key = cloudhsm_kms.ready_key(region=region)
    assert key["Arn"].startswith(f"arn:{partition}:kms:{region}:")
    wrong = key["Arn"].replace(f"arn:{partition}:", "arn:aws:", 1)
    with pytest.raises(ValueError, match="no KMS key"), \
            cloudhsm_kms.fault("missing_key_material", key_ids=[wrong]):
        pass
    kms = kms_in(region)
    with cloudhsm_kms.fault("missing_key_material", key_ids=[key["Arn"]]):
        message = rejects(kms, "Encrypt", "KMSInvalidStateException",
                          KeyId=key["Arn"], Plaintext=b"p")
        assert message.startswith(f"{key['Arn']} is unavailable")


def test_the_model_s_cloudhsm_arn_pattern_is_quoted_as_the_model_gives_it(
    cloudhsm_kms: CloudHsmKms,
) -> None:
    cloudhsm = boto3.client("cloudhsmv2", region_name="cn-north-1")
    message = rejects(cloudhsm, "GetResourcePolicy", "ValidationException",
                      ResourceArn="arn:aws-cn:cloudhsm:cn-north-1:111122223333:backup/nope")
    pattern = cloudhsm.meta.service_model.shape_for("CloudHsmArn").metadata["pattern"]
    assert message.endswith(f"Member must satisfy regular expression pattern: {pattern}")


@pytest.mark.parametrize("region", ["us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1",
                                    "us-isof-south-1", "eusc-de-east-1", "ap-southeast-5"])
def test_a_backup_arn_of_every_partition_names_its_backup(
    cloudhsm_kms: CloudHsmKms, region: str,
) -> None:
    cluster = cloudhsm_kms.ready_cluster(region=region)
    cloudhsm = boto3.client("cloudhsmv2", region_name=region)
    backup = call(cloudhsm, "DescribeBackups",
                  Filters={"clusterIds": [cluster["ClusterId"]]})["Backups"][0]
    assert backup["BackupArn"] == (f"arn:{partition_of(region)}:cloudhsm:{region}:{ACCOUNT}:"
                                   f"backup/{backup['BackupId']}")
    assert "Policy" not in call(cloudhsm, "GetResourcePolicy", ResourceArn=backup["BackupArn"])


@pytest.mark.parametrize("region", ["cn-north-1", "eu-isoe-west-1", "us-isof-south-1",
                                    "eusc-de-east-1"])
def test_the_output_check_takes_a_backup_arn_of_any_partition_and_only_of_its_form(
    region: str,
) -> None:
    # docs/aws-behaviour.md §6.1: the answer is checked against the same widened
    # BackupArn pattern as the fake's input check.
    arn = f"arn:{partition_of(region)}:cloudhsm:{region}:{ACCOUNT}:backup/backup-abcdefghijk"
    backup = {"BackupId": "backup-abcdefghijk", "BackupArn": arn}
    assert_valid_output("cloudhsmv2", "DescribeBackups", {"Backups": [backup]})
    backup["BackupArn"] = arn.replace(":cloudhsm:", ":kms:")
    with pytest.raises(AssertionError, match="does not match"):
        assert_valid_output("cloudhsmv2", "DescribeBackups", {"Backups": [backup]})
