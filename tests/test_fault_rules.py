"""The rules every fault follows, through boto3 (docs/aws-behaviour.md §12).

A fault changes what the world shows and answers, not the world's own
progress: delayed changes complete on time beneath it, and lifting it shows
the state the world reached. The test's own calls while a fault holds are
judged by what the fault shows and change the real world. Backups hold the
real key material.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import DAY, error, store_state

from pytest_cloudhsm_kms.settings import Settings


@pytest.fixture
def cloudhsm_kms_settings(cloudhsm_kms_settings: Settings) -> Settings:
    """AWS-like delays for connecting, disconnecting and HSMs."""
    return cloudhsm_kms_settings.replace(
        connect_delay=60, disconnect_delay=60, create_hsm_delay=120, delete_hsm_delay=90)


def hsms(cloudhsmv2: Any, cluster_id: str) -> list[dict[str, Any]]:
    """The HSMs DescribeClusters lists for a cluster."""
    clusters = cloudhsmv2.describe_clusters(Filters={"clusterIds": [cluster_id]})["Clusters"]
    return list(clusters[0]["Hsms"]) if clusters else []


# -- delayed changes complete beneath a fault ------------------------------------------------


def test_a_store_disconnecting_beneath_a_fault_is_disconnected_once_it_is_lifted(
        cloudhsm_kms, kms, cloudhsm_key_store) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    with cloudhsm_kms.fault("disconnected"):
        cloudhsm_kms.clock.advance(120)
    assert store_state(kms, store_id) == "DISCONNECTED"
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)  # so the store is usable again
    cloudhsm_kms.clock.advance(60)
    assert store_state(kms, store_id) == "CONNECTED"


def test_a_store_connecting_beneath_a_fault_is_connected_once_it_is_lifted(
        cloudhsm_kms, kms, cloudhsm_key_store, cloudhsm_key) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    cloudhsm_kms.clock.advance(60)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    with cloudhsm_kms.fault("disconnected", error_code="NETWORK_ERRORS"):
        cloudhsm_kms.clock.advance(120)
        assert store_state(kms, store_id) == "FAILED"
    assert store_state(kms, store_id) == "CONNECTED"
    assert kms.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")["KeyId"]


def test_a_store_still_connecting_when_the_fault_is_lifted_connects_on_time(
        cloudhsm_kms, kms, cloudhsm_key_store) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    cloudhsm_kms.clock.advance(60)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    with cloudhsm_kms.fault("disconnected"):
        cloudhsm_kms.clock.advance(30)
    assert store_state(kms, store_id) == "CONNECTING"
    cloudhsm_kms.clock.advance(30)
    assert store_state(kms, store_id) == "CONNECTED"


def test_hsms_created_and_deleted_beneath_an_empty_cluster_fault_finish_on_time(
        cloudhsm_kms, cloudhsmv2, cloudhsm_cluster) -> None:
    cluster_id = cloudhsm_cluster["ClusterId"]
    zone = sorted(cloudhsm_cluster["SubnetMapping"])[0]
    doomed = hsms(cloudhsmv2, cluster_id)[0]["HsmId"]
    created = cloudhsmv2.create_hsm(ClusterId=cluster_id, AvailabilityZone=zone)["Hsm"]["HsmId"]
    cloudhsmv2.delete_hsm(ClusterId=cluster_id, HsmId=doomed)
    with cloudhsm_kms.fault("empty_cluster"):
        cloudhsm_kms.clock.advance(DAY)
        assert hsms(cloudhsmv2, cluster_id) == []
    states = {h["HsmId"]: h["State"] for h in hsms(cloudhsmv2, cluster_id)}
    assert states[created] == "ACTIVE"
    assert doomed not in states
    assert set(states.values()) == {"ACTIVE"}


# -- the test's own calls under a fault act on the real world -----------------------------------


def test_an_hsm_created_under_empty_cluster_holds_the_clusters_keys(
        cloudhsm_kms, kms, cloudhsmv2, cloudhsm_cluster, cloudhsm_key) -> None:
    """AWS clones a new HSM from an active one; the hidden HSMs are there."""
    cluster_id, key_id = cloudhsm_cluster["ClusterId"], cloudhsm_key["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"precious")["CiphertextBlob"]
    zone = sorted(cloudhsm_cluster["SubnetMapping"])[0]
    with cloudhsm_kms.fault("empty_cluster"):
        error("KMSInvalidStateException", kms.decrypt, CiphertextBlob=blob)
        cloudhsmv2.create_hsm(ClusterId=cluster_id, AvailabilityZone=zone)
        cloudhsm_kms.clock.advance(120)
        assert [h["State"] for h in hsms(cloudhsmv2, cluster_id)] == ["ACTIVE"]
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"precious"
    assert len(hsms(cloudhsmv2, cluster_id)) == 3
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"precious"


def test_delete_cluster_under_empty_cluster_deletes_its_hsms_for_good(
        cloudhsm_kms, kms, cloudhsmv2, cloudhsm_cluster, cloudhsm_key) -> None:
    cluster_id = cloudhsm_cluster["ClusterId"]
    with cloudhsm_kms.fault("empty_cluster"):
        deleted = cloudhsmv2.delete_cluster(ClusterId=cluster_id)["Cluster"]
        assert deleted["State"] == "DELETE_IN_PROGRESS"
    cluster = cloudhsmv2.describe_clusters(Filters={"clusterIds": [cluster_id]})["Clusters"][0]
    assert cluster["State"] == "DELETED"
    assert cluster["Hsms"] == []
    error("KMSInvalidStateException", kms.encrypt, KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")


def test_an_address_a_hidden_hsm_holds_stays_taken(
        cloudhsm_kms, cloudhsmv2, cloudhsm_cluster) -> None:
    cluster_id = cloudhsm_cluster["ClusterId"]
    hidden = hsms(cloudhsmv2, cluster_id)[0]
    with cloudhsm_kms.fault("empty_cluster"):
        error("CloudHsmInvalidRequestException", cloudhsmv2.create_hsm, ClusterId=cluster_id,
              AvailabilityZone=hidden["AvailabilityZone"], IpAddress=hidden["EniIp"])
        for _ in range(20):  # addresses AWS picks avoid it too
            cloudhsmv2.create_hsm(ClusterId=cluster_id,
                                  AvailabilityZone=hidden["AvailabilityZone"])
    addresses = [h["EniIp"] for h in hsms(cloudhsmv2, cluster_id)]
    assert len(addresses) == len(set(addresses)) == 22


def test_a_store_the_test_disconnects_under_a_fault_stays_disconnected(
        cloudhsm_kms, kms, cloudhsm_key_store) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    with cloudhsm_kms.fault("disconnected", error_code="NETWORK_ERRORS"):
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        assert store_state(kms, store_id) == "DISCONNECTING"
    cloudhsm_kms.clock.advance(60)
    assert store_state(kms, store_id) == "DISCONNECTED"


def test_a_store_the_test_reconfigures_under_a_fault_stays_disconnected(
        cloudhsm_kms, kms, cloudhsm_key_store, cloudhsm_key) -> None:
    """UpdateCustomKeyStore acts on the DISCONNECTED store the fault shows: a store that is
    reconfigured is not connected by a lift it never asked for."""
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    with cloudhsm_kms.fault("disconnected"):
        kms.update_custom_key_store(CustomKeyStoreId=store_id, KeyStorePassword="newPassw0rd1")
    assert store_state(kms, store_id) == "DISCONNECTED"
    error("KMSInvalidStateException", kms.encrypt, KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")


# -- backups hold the real material -----------------------------------------------------------


def test_a_daily_backup_is_taken_under_empty_cluster(
        cloudhsm_kms, cloudhsmv2, cloudhsm_cluster) -> None:
    cluster_id = cloudhsm_cluster["ClusterId"]
    before = cloudhsmv2.describe_backups(Filters={"clusterIds": [cluster_id]})["Backups"]
    with cloudhsm_kms.fault("empty_cluster"):
        cloudhsm_kms.clock.advance(DAY)
    after = cloudhsmv2.describe_backups(Filters={"clusterIds": [cluster_id]})["Backups"]
    assert len(after) == len(before) + 1


def test_a_backup_taken_under_missing_key_material_restores_the_key(
        cloudhsm_kms, kms, cloudhsmv2, cloudhsm_cluster, cloudhsm_key_store, cloudhsm_key) -> None:
    """The README's restore-from-backup recipe, with the daily backup taken under the fault."""
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    blob = kms.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"precious")["CiphertextBlob"]
    with cloudhsm_kms.fault("missing_key_material"):
        cloudhsm_kms.clock.advance(DAY)  # the daily backup
    backup = cloudhsmv2.describe_backups()["Backups"][0]  # newest first
    restored = cloudhsmv2.create_cluster(
        HsmType=cloudhsm_cluster["HsmType"], SourceBackupId=backup["BackupId"],
        SubnetIds=list(cloudhsm_cluster["SubnetMapping"].values()))["Cluster"]
    for zone in cloudhsm_cluster["SubnetMapping"]:
        cloudhsmv2.create_hsm(ClusterId=restored["ClusterId"], AvailabilityZone=zone)
    cloudhsm_kms.clock.advance(120)
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    cloudhsm_kms.clock.advance(60)
    kms.update_custom_key_store(CustomKeyStoreId=store_id, CloudHsmClusterId=restored["ClusterId"])
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    cloudhsm_kms.clock.advance(60)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"precious"
