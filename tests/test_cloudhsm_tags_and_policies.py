"""CloudHSM v2 tags (clusters and backups) and resource policies (backups)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fidelity import assert_valid_output
from helpers import error

POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
        "Action": ["cloudhsm:CreateCluster", "cloudhsm:DescribeBackups"],
        "Resource": "*",
    }],
})


def tags_of(client: Any, resource_id: str, **kwargs: Any) -> list[dict[str, str]]:
    response = client.list_tags(ResourceId=resource_id, **kwargs)
    assert_valid_output("cloudhsmv2", "ListTags", response)
    return list(response["TagList"])


@pytest.fixture
def backup_arn(cloudhsm_kms: Any) -> str:
    cluster = cloudhsm_kms.cloudhsm().create_ready_cluster()
    backup = next(b for b in cloudhsm_kms.cloudhsm().backups.values()
                  if b.cluster_id == cluster.cluster_id)
    return str(backup.backup_arn)


# -- tags ----------------------------------------------------------------------------------------


def test_tags_are_added_replaced_listed_and_removed(cloudhsm_kms, cloudhsmv2_client) -> None:
    cluster_id = cloudhsm_kms.cloudhsm().create_ready_cluster().cluster_id
    response = cloudhsmv2_client.tag_resource(
        ResourceId=cluster_id,
        TagList=[{"Key": "team", "Value": "crypto"}, {"Key": "env", "Value": "test"}])
    assert_valid_output("cloudhsmv2", "TagResource", response)
    cloudhsmv2_client.tag_resource(ResourceId=cluster_id,
                                   TagList=[{"Key": "env", "Value": "prod"}])
    assert tags_of(cloudhsmv2_client, cluster_id) == [
        {"Key": "team", "Value": "crypto"}, {"Key": "env", "Value": "prod"}]
    response = cloudhsmv2_client.untag_resource(ResourceId=cluster_id,
                                                TagKeyList=["team", "absent"])
    assert_valid_output("cloudhsmv2", "UntagResource", response)
    assert tags_of(cloudhsmv2_client, cluster_id) == [{"Key": "env", "Value": "prod"}]
    entry = cloudhsmv2_client.describe_clusters()["Clusters"][0]
    assert entry["TagList"] == [{"Key": "env", "Value": "prod"}]


def test_backups_take_tags_and_list_them_in_pages(
    cloudhsm_kms, cloudhsmv2_client, backup_arn
) -> None:
    backup_id = backup_arn.rsplit("/", 1)[1]
    cloudhsmv2_client.tag_resource(
        ResourceId=backup_id, TagList=[{"Key": f"k{i}", "Value": str(i)} for i in range(3)])
    first = cloudhsmv2_client.list_tags(ResourceId=backup_id, MaxResults=2)
    assert_valid_output("cloudhsmv2", "ListTags", first)
    rest = tags_of(cloudhsmv2_client, backup_id, NextToken=first["NextToken"])
    assert [t["Key"] for t in first["TagList"] + rest] == ["k0", "k1", "k2"]
    listed = cloudhsmv2_client.describe_backups()
    assert_valid_output("cloudhsmv2", "DescribeBackups", listed)
    assert len(listed["Backups"][0]["TagList"]) == 3


def test_tag_operations_refuse_aws_prefixed_keys_and_unknown_resources(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    cluster_id = cloudhsm_kms.cloudhsm().create_ready_cluster().cluster_id
    error("CloudHsmTagException", cloudhsmv2_client.tag_resource, ResourceId=cluster_id,
          TagList=[{"Key": "aws:cloudformation:stack-name", "Value": "x"}])
    error("CloudHsmTagException", cloudhsmv2_client.untag_resource, ResourceId=cluster_id,
          TagKeyList=["aws:created"])
    for resource_id in ("cluster-zzzzzzzzzzz", "backup-zzzzzzzzzzz"):
        error("CloudHsmResourceNotFoundException", cloudhsmv2_client.tag_resource,
              ResourceId=resource_id, TagList=[{"Key": "a", "Value": "b"}])
        error("CloudHsmResourceNotFoundException", cloudhsmv2_client.untag_resource,
              ResourceId=resource_id, TagKeyList=["a"])
        error("CloudHsmResourceNotFoundException", cloudhsmv2_client.list_tags,
              ResourceId=resource_id)
    error("CloudHsmInvalidRequestException", cloudhsmv2_client.list_tags, ResourceId=cluster_id,
          NextToken="bad")


def test_a_resource_holds_at_most_50_tags(cloudhsm_kms, cloudhsmv2_client) -> None:
    cluster_id = cloudhsm_kms.cloudhsm().create_ready_cluster().cluster_id
    cloudhsmv2_client.tag_resource(
        ResourceId=cluster_id, TagList=[{"Key": f"k{i}", "Value": ""} for i in range(50)])
    message = error("CloudHsmResourceLimitExceededException", cloudhsmv2_client.tag_resource,
                    ResourceId=cluster_id, TagList=[{"Key": "one-more", "Value": "x"}])
    assert "50" in message
    cloudhsmv2_client.tag_resource(ResourceId=cluster_id, TagList=[{"Key": "k0", "Value": "v"}])
    assert len(tags_of(cloudhsmv2_client, cluster_id)) == 50


# -- resource policies ---------------------------------------------------------------------------


def test_a_backup_resource_policy_is_put_read_and_deleted(
    cloudhsm_kms, cloudhsmv2_client, backup_arn
) -> None:
    response = cloudhsmv2_client.put_resource_policy(ResourceArn=backup_arn, Policy=POLICY)
    assert_valid_output("cloudhsmv2", "PutResourcePolicy", response)
    assert (response["ResourceArn"], response["Policy"]) == (backup_arn, POLICY)
    # Shared lists backups others share with the caller, and a PutResourcePolicy share only
    # once promoted in RAM (DescribeBackups in the API Reference, docs/aws-behaviour.md §6.4).
    assert cloudhsmv2_client.describe_backups(Shared=True)["Backups"] == []
    response = cloudhsmv2_client.get_resource_policy(ResourceArn=backup_arn)
    assert_valid_output("cloudhsmv2", "GetResourcePolicy", response)
    assert response["Policy"] == POLICY
    response = cloudhsmv2_client.delete_resource_policy(ResourceArn=backup_arn)
    assert_valid_output("cloudhsmv2", "DeleteResourcePolicy", response)
    assert (response["ResourceArn"], response["Policy"]) == (backup_arn, POLICY)
    response = cloudhsmv2_client.get_resource_policy(ResourceArn=backup_arn)
    assert_valid_output("cloudhsmv2", "GetResourcePolicy", response)
    assert "Policy" not in response


def test_only_a_ready_backup_takes_a_resource_policy(cloudhsm_kms, cloudhsmv2_client,
                                                    backup_arn) -> None:
    # AWS: "In order to share a backup, it must be in a 'READY' state" (PutResourcePolicy,
    # docs/aws-behaviour.md §6.4). A deleted backup is PENDING_DELETION until restored.
    backup_id = backup_arn.rsplit("/", 1)[1]
    cloudhsmv2_client.delete_backup(BackupId=backup_id)

    error("CloudHsmInvalidRequestException", cloudhsmv2_client.put_resource_policy,
          ResourceArn=backup_arn, Policy=POLICY)
    assert "Policy" not in cloudhsmv2_client.get_resource_policy(ResourceArn=backup_arn)
    cloudhsmv2_client.restore_backup(BackupId=backup_id)
    response = cloudhsmv2_client.put_resource_policy(ResourceArn=backup_arn, Policy=POLICY)
    assert response["Policy"] == POLICY


def test_resource_policies_need_a_known_backup_arn_and_a_json_policy(
    cloudhsm_kms, cloudhsmv2_client, backup_arn
) -> None:
    cluster_id = cloudhsm_kms.cloudhsm().create_ready_cluster().cluster_id
    cluster_arn = f"arn:aws:cloudhsm:us-east-1:111122223333:cluster/{cluster_id}"
    missing = backup_arn.rsplit("/", 1)[0] + "/backup-zzzzzzzzzzz"
    foreign = backup_arn.replace("111122223333", "444455556666")
    client = cloudhsmv2_client
    for call in (client.get_resource_policy, client.delete_resource_policy):
        error("CloudHsmInvalidRequestException", call)
        error("CloudHsmInvalidRequestException", call, ResourceArn=cluster_arn)
        error("CloudHsmResourceNotFoundException", call, ResourceArn=missing)
        error("CloudHsmResourceNotFoundException", call, ResourceArn=foreign)
    error("CloudHsmInvalidRequestException", client.put_resource_policy, ResourceArn=backup_arn)
    error("CloudHsmInvalidRequestException", client.put_resource_policy, ResourceArn=backup_arn,
          Policy="{not json")
    error("CloudHsmInvalidRequestException", client.put_resource_policy, Policy=POLICY)
    error("CloudHsmResourceNotFoundException", client.put_resource_policy, ResourceArn=missing,
          Policy=POLICY)
