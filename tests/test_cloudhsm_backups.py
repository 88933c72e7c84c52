"""CloudHSM v2 backups: when they are taken, what they restore, and the backup operations."""

from __future__ import annotations

from typing import Any

from fidelity import assert_valid_output
from helpers import DAY, cluster_entry, error

from pytest_cloudhsm_kms import CloudHsmKms, Settings
from pytest_cloudhsm_kms.cloudhsm import CloudHsmService
from pytest_cloudhsm_kms.scope import Scope

MISSING_BACKUP = "backup-aaaaaaaaaaa"


def backups(client: Any, **kwargs: Any) -> list[dict[str, Any]]:
    response = client.describe_backups(**kwargs)
    assert_valid_output("cloudhsmv2", "DescribeBackups", response)
    return list(response["Backups"])


def periodic_backup(cloudhsm_kms: Any, client: Any, key_label: str) -> tuple[Any, int, str]:
    """A ready cluster with one key, a day later: its cluster, the key's handle, and the
    ID of the periodic backup that holds the key."""
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster()
    handle = ready.create_key(key_label)
    cloudhsm_kms.clock.advance(DAY)
    return ready, handle, backups(client)[0]["BackupId"]


# -- when backups are taken, and what they restore ------------------------------------------------


def test_backups_are_taken_on_hsm_add_and_remove_and_every_24_hours(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster()
    assert len(backups(cloudhsmv2_client)) == 1  # the activation backup
    cloudhsmv2_client.create_hsm(ClusterId=ready.cluster_id, AvailabilityZone="us-east-1b")
    assert len(backups(cloudhsmv2_client)) == 2
    hsm_id = ready.describe()["Hsms"][0]["HsmId"]
    cloudhsmv2_client.delete_hsm(ClusterId=ready.cluster_id, HsmId=hsm_id)
    assert len(backups(cloudhsmv2_client)) == 3
    cloudhsm_kms.clock.advance(DAY)
    listed = backups(cloudhsmv2_client)
    assert len(listed) == 4
    backup = listed[0]  # newest first
    assert backup["BackupState"] == "READY" and backup["ClusterId"] == ready.cluster_id
    assert backup["BackupArn"] == (
        f"arn:aws:cloudhsm:us-east-1:111122223333:backup/{backup['BackupId']}")
    assert (backup["HsmType"], backup["Mode"], backup["NeverExpires"]) == (
        "hsm2m.medium", "FIPS", False)


def test_a_key_made_after_the_last_backup_is_lost_when_the_only_hsm_is_replaced(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    service = cloudhsm_kms.cloudhsm()
    ready = service.create_ready_cluster(hsm_count=1)
    backed_up = ready.create_key("arn:aws:kms:us-east-1:111122223333:key/backed-up")
    cloudhsm_kms.clock.advance(DAY)  # the periodic backup holds the first key
    late = ready.create_key("arn:aws:kms:us-east-1:111122223333:key/late")
    old_hsm = ready.active_hsms()[0]
    new_hsm = service.replace_hsm(ready.cluster_id, old_hsm.hsm_id)
    assert new_hsm.hsm_id != old_hsm.hsm_id and new_hsm.eni_ip == old_hsm.eni_ip
    assert ready.has_key(backed_up)
    assert not ready.has_key(late)
    assert ready.find_keys("arn:aws:kms:us-east-1:111122223333:key/late") == []
    hsms = cluster_entry(cloudhsmv2_client, ready.cluster_id)["Hsms"]
    assert [(h["HsmId"], h["State"]) for h in hsms] == [(new_hsm.hsm_id, "ACTIVE")]


def test_a_second_hsm_is_cloned_so_nothing_is_lost_while_one_stays_active(cloudhsm_kms) -> None:
    service = cloudhsm_kms.cloudhsm()
    ready = service.create_ready_cluster(hsm_count=2)
    handle = ready.create_key("label")
    service.replace_hsm(ready.cluster_id, ready.active_hsms()[0].hsm_id)
    assert ready.has_key(handle)


def test_deleting_the_last_hsm_backs_up_so_a_new_hsm_gets_every_key(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster(hsm_count=1)
    handle = ready.create_key("label")
    hsm_id = ready.active_hsms()[0].hsm_id
    cloudhsmv2_client.delete_hsm(ClusterId=ready.cluster_id, HsmId=hsm_id)
    assert cluster_entry(cloudhsmv2_client, ready.cluster_id)["State"] == "ACTIVE"
    assert not ready.has_key(handle)  # no ACTIVE HSM holds it now
    cloudhsmv2_client.create_hsm(ClusterId=ready.cluster_id, AvailabilityZone="us-east-1a")
    assert cluster_entry(cloudhsmv2_client, ready.cluster_id)["Hsms"][0]["State"] == "ACTIVE"
    assert ready.has_key(handle)


def test_a_cluster_made_from_a_backup_is_related_active_and_restores_it_on_its_first_hsm(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    service = cloudhsm_kms.cloudhsm()
    source, kept, backup_id = periodic_backup(cloudhsm_kms, cloudhsmv2_client, "kept")
    after = source.create_key("after the backup")
    response = cloudhsmv2_client.create_cluster(
        HsmType="hsm2m.medium", SourceBackupId=backup_id,
        SubnetIds=list(source.subnet_mapping.values()))
    assert_valid_output("cloudhsmv2", "CreateCluster", response)
    created = response["Cluster"]
    assert created["State"] == "CREATE_IN_PROGRESS" and created["SourceBackupId"] == backup_id
    assert created["Certificates"]["ClusterCertificate"] == source.cluster_certificate
    restored = service.cluster(created["ClusterId"])
    assert restored.trust_anchor == source.trust_anchor
    assert cluster_entry(cloudhsmv2_client, restored.cluster_id)["State"] == "ACTIVE"
    assert restored.active_hsms() == []
    cloudhsmv2_client.create_hsm(ClusterId=restored.cluster_id, AvailabilityZone="us-east-1a")
    cluster_entry(cloudhsmv2_client, restored.cluster_id)
    assert restored.has_key(kept) and not restored.has_key(after)
    assert restored.login("kmsuser", "kmsuserPassw0rd1") is None


def test_a_cluster_can_be_made_from_a_backup_arn(cloudhsm_kms, cloudhsmv2_client) -> None:
    cloudhsm_kms.cloudhsm().create_ready_cluster()
    arn = backups(cloudhsmv2_client)[0]["BackupArn"]
    response = cloudhsmv2_client.create_cluster(
        HsmType="hsm2m.medium", SourceBackupId=arn, SubnetIds=["subnet-0000000000000aa01"])
    assert_valid_output("cloudhsmv2", "CreateCluster", response)
    assert response["Cluster"]["SourceBackupId"] == arn.rsplit("/", 1)[1]


# -- retention -------------------------------------------------------------------------------------


def test_retention_expires_old_backups_but_never_the_last_or_never_expiring_ones(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    ready = cloudhsm_kms.cloudhsm().create_ready_cluster(hsm_count=1)
    response = cloudhsmv2_client.modify_cluster(
        ClusterId=ready.cluster_id, BackupRetentionPolicy={"Type": "DAYS", "Value": "7"})
    assert_valid_output("cloudhsmv2", "ModifyCluster", response)
    first = backups(cloudhsmv2_client)[0]["BackupId"]
    cloudhsmv2_client.modify_backup_attributes(BackupId=first, NeverExpires=True)
    cloudhsm_kms.clock.advance(9 * DAY)
    listed = backups(cloudhsmv2_client, SortAscending=True)
    states = [b["BackupState"] for b in listed]
    assert listed[0]["BackupId"] == first and states[0] == "READY"
    assert states[1:3] == ["PENDING_DELETION", "PENDING_DELETION"]  # days 1 and 2
    assert set(states[3:]) == {"READY"}

    cloudhsmv2_client.delete_hsm(ClusterId=ready.cluster_id, HsmId=ready.active_hsms()[0].hsm_id)
    cloudhsm_kms.clock.advance(30 * DAY)  # no HSM: no new backups
    listed = backups(cloudhsmv2_client, Filters={"states": ["READY"]})
    assert [b["BackupId"] for b in listed][-1] == first
    assert len(listed) == 2  # the never-expiring one and the last one


# -- DescribeBackups ------------------------------------------------------------------------------


def test_describe_backups_filters_sorts_and_pages(cloudhsm_kms, cloudhsmv2_client) -> None:
    service = cloudhsm_kms.cloudhsm()
    one, two = service.create_ready_cluster(), service.create_ready_cluster()
    cloudhsm_kms.clock.advance(DAY)
    newest_first = backups(cloudhsmv2_client)
    assert len(newest_first) == 4
    oldest_first = backups(cloudhsmv2_client, SortAscending=True)
    assert oldest_first == newest_first[::-1]
    mine = backups(cloudhsmv2_client, Filters={"clusterIds": [one.cluster_id]})
    assert {b["ClusterId"] for b in mine} == {one.cluster_id} and len(mine) == 2
    by_id = backups(cloudhsmv2_client, Filters={"backupIds": [mine[0]["BackupId"]]})
    assert by_id == [mine[0]]
    cloudhsmv2_client.modify_backup_attributes(BackupId=mine[0]["BackupId"], NeverExpires=True)
    newest_first = backups(cloudhsmv2_client)
    assert backups(cloudhsmv2_client, Filters={"neverExpires": ["true"]})[0]["BackupId"] == (
        mine[0]["BackupId"])
    assert len(backups(cloudhsmv2_client, Filters={"neverExpires": ["false"]})) == 3
    assert backups(cloudhsmv2_client, Filters={"states": ["PENDING_DELETION"]}) == []
    assert backups(cloudhsmv2_client, Shared=True) == []
    first = cloudhsmv2_client.describe_backups(MaxResults=3)
    assert_valid_output("cloudhsmv2", "DescribeBackups", first)
    rest = backups(cloudhsmv2_client, MaxResults=3, NextToken=first["NextToken"])
    assert first["Backups"] + rest == newest_first
    pages = cloudhsmv2_client.get_paginator("describe_backups").paginate(
        PaginationConfig={"PageSize": 1})
    assert [b["BackupId"] for page in pages for b in page["Backups"]] == [
        b["BackupId"] for b in newest_first]
    assert two.cluster_id in {b["ClusterId"] for b in newest_first}


def test_describe_backups_rejects_unknown_filters_and_values(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    for kwargs in ({"Filters": {"hsmIds": ["x"]}}, {"Filters": {"states": ["GONE"]}},
                   {"Filters": {"neverExpires": ["maybe"]}}, {"NextToken": "bad"}):
        error("CloudHsmInvalidRequestException", cloudhsmv2_client.describe_backups, **kwargs)


# -- DeleteBackup and RestoreBackup ---------------------------------------------------------------


def test_a_deleted_backup_is_pending_deletion_for_7_days_then_gone(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    cloudhsm_kms.cloudhsm().create_ready_cluster()
    backup_id = backups(cloudhsmv2_client)[0]["BackupId"]
    response = cloudhsmv2_client.delete_backup(BackupId=backup_id)
    assert_valid_output("cloudhsmv2", "DeleteBackup", response)
    deleted = response["Backup"]
    assert deleted["BackupState"] == "PENDING_DELETION"
    now = cloudhsm_kms.clock.now()
    assert abs(deleted["DeleteTimestamp"].timestamp() - (now + 7 * DAY)) < 5
    cloudhsm_kms.clock.advance(7 * DAY)
    assert backup_id not in [b["BackupId"] for b in backups(cloudhsmv2_client)]


def test_restore_backup_brings_back_a_backup_pending_deletion(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    cloudhsm_kms.cloudhsm().create_ready_cluster()
    backup_id = backups(cloudhsmv2_client)[0]["BackupId"]
    cloudhsmv2_client.delete_backup(BackupId=backup_id)
    response = cloudhsmv2_client.restore_backup(BackupId=backup_id)
    assert_valid_output("cloudhsmv2", "RestoreBackup", response)
    assert response["Backup"]["BackupState"] == "READY"
    assert "DeleteTimestamp" not in response["Backup"]
    cloudhsm_kms.clock.advance(8 * DAY)
    assert backup_id in [b["BackupId"] for b in backups(cloudhsmv2_client)]


def test_backup_operations_check_the_backup_state(cloudhsm_kms, cloudhsmv2_client) -> None:
    cloudhsm_kms.cloudhsm().create_ready_cluster()
    backup_id = backups(cloudhsmv2_client)[0]["BackupId"]
    error("CloudHsmInvalidRequestException", cloudhsmv2_client.restore_backup, BackupId=backup_id)
    cloudhsmv2_client.delete_backup(BackupId=backup_id)
    for call, kwargs in [
        (cloudhsmv2_client.delete_backup, {}),
        (cloudhsmv2_client.modify_backup_attributes, {"NeverExpires": True}),
        (cloudhsmv2_client.copy_backup_to_region, {"DestinationRegion": "us-west-2"}),
    ]:
        error("CloudHsmInvalidRequestException", call, BackupId=backup_id, **kwargs)
    error("CloudHsmInvalidRequestException", cloudhsmv2_client.create_cluster,
          HsmType="hsm2m.medium", SubnetIds=["subnet-0000000000000aa01"], SourceBackupId=backup_id)


def test_backup_operations_on_an_unknown_backup_are_not_found(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    for call, kwargs in [
        (cloudhsmv2_client.delete_backup, {}),
        (cloudhsmv2_client.restore_backup, {}),
        (cloudhsmv2_client.modify_backup_attributes, {"NeverExpires": True}),
        (cloudhsmv2_client.copy_backup_to_region, {"DestinationRegion": "us-west-2"}),
    ]:
        error("CloudHsmResourceNotFoundException", call, BackupId=MISSING_BACKUP, **kwargs)


# -- ModifyBackupAttributes -----------------------------------------------------------------------


def test_modify_backup_attributes_sets_never_expires(cloudhsm_kms, cloudhsmv2_client) -> None:
    cloudhsm_kms.cloudhsm().create_ready_cluster()
    backup_id = backups(cloudhsmv2_client)[0]["BackupId"]
    response = cloudhsmv2_client.modify_backup_attributes(BackupId=backup_id, NeverExpires=True)
    assert_valid_output("cloudhsmv2", "ModifyBackupAttributes", response)
    assert response["Backup"]["NeverExpires"] is True


# -- CopyBackupToRegion ---------------------------------------------------------------------------


def test_copy_backup_to_region_makes_a_backup_there_with_its_source(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    ready, handle, backup_id = periodic_backup(cloudhsm_kms, cloudhsmv2_client, "copied")
    response = cloudhsmv2_client.copy_backup_to_region(
        DestinationRegion="us-west-2", BackupId=backup_id,
        TagList=[{"Key": "copy", "Value": "yes"}])
    assert_valid_output("cloudhsmv2", "CopyBackupToRegion", response)
    destination = response["DestinationBackup"]
    assert (destination["SourceRegion"], destination["SourceBackup"],
            destination["SourceCluster"]) == ("us-east-1", backup_id, ready.cluster_id)

    west = cloudhsm_kms.client("cloudhsmv2", "us-west-2")
    (copy,) = backups(west)
    assert copy["BackupId"] != backup_id and copy["SourceBackup"] == backup_id
    assert copy["SourceRegion"] == "us-east-1" and "CopyTimestamp" in copy
    assert copy["BackupArn"].startswith("arn:aws:cloudhsm:us-west-2:111122223333:backup/")
    assert copy["TagList"] == [{"Key": "copy", "Value": "yes"}]
    assert backups(west, Filters={"sourceBackupIds": [backup_id]}) == [copy]
    created = west.create_cluster(HsmType="hsm2m.medium", SourceBackupId=copy["BackupId"],
                                  SubnetIds=["subnet-0000000000000bb01"])
    assert_valid_output("cloudhsmv2", "CreateCluster", created)
    cluster_id = created["Cluster"]["ClusterId"]
    assert created["Cluster"]["SubnetMapping"] == {"us-west-2a": "subnet-0000000000000bb01"}
    west.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-west-2a")
    west.describe_clusters()
    assert cloudhsm_kms.cloudhsm("us-west-2").cluster(cluster_id).has_key(handle)


def test_a_copy_without_a_tag_list_takes_the_source_backups_tags(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    # The model's CopyBackupToRegion TagList: "If you do not specify tags, the service
    # copies tags from the source backup" (docs/aws-behaviour.md §6.9).
    cloudhsm_kms.cloudhsm().create_ready_cluster()
    (source,) = backups(cloudhsmv2_client)
    cloudhsmv2_client.tag_resource(ResourceId=source["BackupId"],
                                   TagList=[{"Key": "team", "Value": "crypto"}])
    cloudhsmv2_client.copy_backup_to_region(DestinationRegion="us-west-2",
                                            BackupId=source["BackupId"])
    (copy,) = backups(cloudhsm_kms.client("cloudhsmv2", "us-west-2"))
    assert copy["TagList"] == [{"Key": "team", "Value": "crypto"}]
    assert copy["CreateTimestamp"] == source["CreateTimestamp"]


def test_copy_backup_to_region_needs_another_region_and_valid_tags(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    cloudhsm_kms.cloudhsm().create_ready_cluster()
    backup_id = backups(cloudhsmv2_client)[0]["BackupId"]
    error("CloudHsmInvalidRequestException", cloudhsmv2_client.copy_backup_to_region,
          DestinationRegion="us-east-1", BackupId=backup_id)
    error("CloudHsmTagException", cloudhsmv2_client.copy_backup_to_region,
          DestinationRegion="us-west-2", BackupId=backup_id,
          TagList=[{"Key": "aws:x", "Value": "y"}])


def test_without_a_peer_the_service_keeps_its_own_region_services(cloudhsm_kms) -> None:
    service = CloudHsmService(Scope("111122223333", "eu-west-1", cloudhsm_kms.clock,
                                    cloudhsm_kms.entropy))
    service.create_ready_cluster()
    backup_id = next(iter(service.backups))
    result = service.call("CopyBackupToRegion",
                          {"DestinationRegion": "eu-central-1", "BackupId": backup_id})
    assert result["DestinationBackup"]["SourceBackup"] == backup_id
    assert service.peer("eu-central-1") is service.peer("eu-central-1")
    assert len(service.peer("eu-central-1").backups) == 1


# -- timings and limits come from the environment's Settings ---------------------------------


def test_backup_period_retention_and_deletion_windows_come_from_the_settings() -> None:
    settings = Settings(backup_interval=3600, backup_retention_days=10,
                        backup_pending_deletion_days=1, deleted_cluster_visible=60)
    with CloudHsmKms(settings=settings) as env:
        client = env.client("cloudhsmv2")
        ready = env.cloudhsm().create_ready_cluster()
        entry = cluster_entry(client, ready.cluster_id)
        assert entry["BackupRetentionPolicy"] == {"Type": "DAYS", "Value": "10"}
        env.clock.advance(3600)
        assert len(backups(client)) == 2  # activation, then one periodic backup an hour later
        backup_id = backups(client)[0]["BackupId"]
        deleted = client.delete_backup(BackupId=backup_id)["Backup"]
        assert abs(deleted["DeleteTimestamp"].timestamp() - (env.clock.now() + DAY)) < 5
        env.clock.advance(DAY)
        assert backup_id not in [b["BackupId"] for b in backups(client)]
        for hsm in ready.describe()["Hsms"]:
            client.delete_hsm(ClusterId=ready.cluster_id, HsmId=hsm["HsmId"])
        client.delete_cluster(ClusterId=ready.cluster_id)
        assert cluster_entry(client, ready.cluster_id)["State"] == "DELETED"
        env.clock.advance(60)
        listed = client.describe_clusters(Filters={"clusterIds": [ready.cluster_id]})
        assert listed["Clusters"] == []
