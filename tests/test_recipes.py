"""The README's recipes, run as written, so the docs stay true."""

from __future__ import annotations

import pytest

DAY = 86_400


@pytest.mark.cloudhsm_throttled(times=2)
def test_app_survives_two_throttles(cloudhsm_key, kms_client) -> None:
    response = kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
    assert response["ResponseMetadata"]["RetryAttempts"] == 2


def test_reconnect_restores_the_keys(cloudhsm_kms, cloudhsm_key_store, cloudhsm_key,
                                     kms_client) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    kms_client.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    state = kms_client.describe_key(KeyId=cloudhsm_key["KeyId"])["KeyMetadata"]["KeyState"]
    assert state == "Unavailable"
    kms_client.connect_custom_key_store(CustomKeyStoreId=store_id)
    state = kms_client.describe_key(KeyId=cloudhsm_key["KeyId"])["KeyMetadata"]["KeyState"]
    assert state == "Enabled"


def test_restore_from_a_backup_that_holds_the_key(
    cloudhsm_kms, cloudhsm_cluster, cloudhsm_key_store, cloudhsm_key, cloudhsmv2_client,
    kms_client,
) -> None:
    key_id, store_id = cloudhsm_key["KeyId"], cloudhsm_key_store["CustomKeyStoreId"]
    blob = kms_client.encrypt(KeyId=key_id, Plaintext=b"precious")["CiphertextBlob"]
    cloudhsm_kms.clock.advance(DAY)  # the daily backup now holds the key
    cluster_id = cloudhsm_cluster["ClusterId"]
    cluster = cloudhsmv2_client.describe_clusters(
        Filters={"clusterIds": [cluster_id]})["Clusters"][0]
    for hsm in cluster["Hsms"]:  # lose every HSM: the cluster keeps only its backups
        cloudhsmv2_client.delete_hsm(ClusterId=cluster_id, HsmId=hsm["HsmId"])
    backup = cloudhsmv2_client.describe_backups(
        Filters={"clusterIds": [cluster_id]})["Backups"][0]

    restored = cloudhsmv2_client.create_cluster(
        HsmType=cluster["HsmType"], SourceBackupId=backup["BackupId"],
        SubnetIds=list(cluster["SubnetMapping"].values()),
    )["Cluster"]
    for zone in cluster["SubnetMapping"]:
        cloudhsmv2_client.create_hsm(ClusterId=restored["ClusterId"], AvailabilityZone=zone)
    kms_client.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    kms_client.update_custom_key_store(
        CustomKeyStoreId=store_id, CloudHsmClusterId=restored["ClusterId"])
    kms_client.connect_custom_key_store(CustomKeyStoreId=store_id)
    (store,) = kms_client.describe_custom_key_stores(CustomKeyStoreId=store_id)["CustomKeyStores"]
    assert store["ConnectionState"] == "CONNECTED", store.get("ConnectionErrorCode")

    assert kms_client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"precious"
    metadata = kms_client.describe_key(KeyId=key_id)["KeyMetadata"]
    assert metadata["CloudHsmClusterId"] == restored["ClusterId"]


def _seal(key_id: str, data: bytes) -> bytes:
    """The README's ``myapp.seal``: the application makes its own client."""
    import boto3

    blob: bytes = boto3.client("kms").encrypt(KeyId=key_id, Plaintext=data)["CiphertextBlob"]
    return blob


def test_app_asks_kms_once(cloudhsm_kms, cloudhsm_key) -> None:
    _seal(cloudhsm_key["KeyId"], b"x")
    assert list(cloudhsm_kms.operations("kms")) == ["Encrypt"]  # fixture setup is not listed
    call = cloudhsm_kms.calls[-1]
    assert (call.service, call.region, call.operation, call.status, call.error_code) == (
        "kms", cloudhsm_kms.region, "Encrypt", 200, None)
    assert call.params["KeyId"] == cloudhsm_key["KeyId"]
