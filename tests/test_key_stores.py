"""AWS CloudHSM key stores: the six custom key store operations through boto3.

docs/aws-behaviour.md §1.

CreateCustomKeyStore, DescribeCustomKeyStores, ConnectCustomKeyStore,
DisconnectCustomKeyStore, UpdateCustomKeyStore and DeleteCustomKeyStore: each
success (checked against the botocore output shape), each error of the model's
list that applies to ``AWS_CLOUDHSM`` stores, and the whole operation x
``ConnectionState`` table of docs/aws-behaviour.md §1.10.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import HOUR, call, delete_all_hsms, rejects, store_entry, store_state

from pytest_cloudhsm_kms import CloudHsmKms
from pytest_cloudhsm_kms.cloudhsm import KMSUSER_PASSWORD

WRONG_PASSWORD = "wrongPassw0rd"
MISSING_CLUSTER = "cluster-zzzzzzzzzzz"


# -- clients and helpers ---------------------------------------------------------------------


def new_store(
    env: CloudHsmKms, *, cluster: dict[str, Any] | None = None, name: str | None = None,
    password: str = KMSUSER_PASSWORD,
) -> str:
    """A DISCONNECTED store made directly on the service (setup, not under test)."""
    cluster = cluster or env.ready_cluster()
    service = env.kms()
    store_id: str = service.CreateCustomKeyStore({
        "CustomKeyStoreName": name or f"store-{len(service.custom_key_stores) + 1}",
        "CloudHsmClusterId": cluster["ClusterId"],
        "TrustAnchorCertificate": trust_anchor(env, cluster["ClusterId"]),
        "KeyStorePassword": password,
    })["CustomKeyStoreId"]
    return store_id


def trust_anchor(env: CloudHsmKms, cluster_id: str) -> str:
    """The ``customerCA.crt`` the cluster was initialized with."""
    cluster = env.cloudhsm().cluster(cluster_id)
    assert cluster is not None and cluster.trust_anchor is not None
    return cluster.trust_anchor


def create_args(env: CloudHsmKms, cluster_id: str, name: str = "store",
                password: str = KMSUSER_PASSWORD) -> dict[str, Any]:
    """CreateCustomKeyStore parameters for an ``AWS_CLOUDHSM`` store on ``cluster_id``."""
    return {
        "CustomKeyStoreName": name,
        "CloudHsmClusterId": cluster_id,
        "TrustAnchorCertificate": trust_anchor(env, cluster_id),
        "KeyStorePassword": password,
    }


def put_in_state(env: CloudHsmKms, store_id: str, state: str) -> None:
    """Drive a new DISCONNECTED store into ``state`` through the service (slow connections
    and disconnections come from the environment's settings)."""
    service, store_ref = env.kms(), {"CustomKeyStoreId": store_id}
    if state == "DISCONNECTED":
        return
    if state == "FAILED":
        service.UpdateCustomKeyStore({**store_ref, "KeyStorePassword": WRONG_PASSWORD})
    if state == "CONNECTING":
        env.settings = env.settings.replace(connect_delay=HOUR)
    service.ConnectCustomKeyStore(store_ref)
    env.clock.run_due()
    if state == "DISCONNECTING":
        env.settings = env.settings.replace(disconnect_delay=HOUR)
        service.DisconnectCustomKeyStore(store_ref)
    assert service.custom_key_store(store_id).connection_state == state


def timeline(env: CloudHsmKms, kms: Any, store_id: str, *steps: float) -> list[str]:
    """The store's ConnectionState now and after each advance of the virtual clock by ``steps``
    seconds."""
    states = [store_state(kms, store_id)]
    for seconds in steps:
        env.clock.advance(seconds)
        states.append(store_state(kms, store_id))
    return states


def cluster_from_backup(cloudhsmv2: Any, cluster: dict[str, Any], *, hsm_count: int = 2) -> str:
    """A cluster made with CreateCluster ``SourceBackupId`` from the newest backup of
    ``cluster``, with ``hsm_count`` HSMs in different Availability Zones."""
    backups = cloudhsmv2.describe_backups(Filters={"clusterIds": [cluster["ClusterId"]]})["Backups"]
    created = call(
        cloudhsmv2, "CreateCluster", HsmType="hsm2m.medium",
        SubnetIds=sorted(cluster["SubnetMapping"].values()), SourceBackupId=backups[0]["BackupId"],
    )["Cluster"]
    assert created["Certificates"]["ClusterCertificate"] == (
        cluster["Certificates"]["ClusterCertificate"])
    for zone in sorted(cluster["SubnetMapping"])[:hsm_count]:
        cloudhsmv2.create_hsm(ClusterId=created["ClusterId"], AvailabilityZone=zone)
    return str(created["ClusterId"])


# -- CreateCustomKeyStore -----------------------------------------------------------------------


def test_a_new_cloudhsm_key_store_is_disconnected_and_shows_its_cluster_and_trust_anchor(
    cloudhsm_kms, kms, cloudhsm_cluster
) -> None:
    args = create_args(cloudhsm_kms, cloudhsm_cluster["ClusterId"], "orders")
    store_id = call(kms, "CreateCustomKeyStore", **args)["CustomKeyStoreId"]

    assert re.fullmatch(r"cks-[0-9a-f]{17}", store_id)
    entry = store_entry(kms, store_id)
    assert entry["CustomKeyStoreName"] == "orders"
    assert entry["CloudHsmClusterId"] == cloudhsm_cluster["ClusterId"]
    assert entry["TrustAnchorCertificate"] == args["TrustAnchorCertificate"]
    assert entry["ConnectionState"] == "DISCONNECTED"
    assert entry["CustomKeyStoreType"] == "AWS_CLOUDHSM"
    assert "ConnectionErrorCode" not in entry
    assert "KeyStorePassword" not in entry


def test_create_custom_key_store_retried_with_identical_properties_returns_the_same_id(
    cloudhsm_kms, kms, cloudhsm_cluster
) -> None:
    args = create_args(cloudhsm_kms, cloudhsm_cluster["ClusterId"])
    first = call(kms, "CreateCustomKeyStore", **args)["CustomKeyStoreId"]
    again = call(kms, "CreateCustomKeyStore", **args)["CustomKeyStoreId"]

    assert again == first
    assert len(call(kms, "DescribeCustomKeyStores")["CustomKeyStores"]) == 1


def test_an_identical_create_for_a_connected_store_is_a_name_in_use(
    cloudhsm_kms, kms, cloudhsm_cluster
) -> None:
    args = create_args(cloudhsm_kms, cloudhsm_cluster["ClusterId"])
    store_id = call(kms, "CreateCustomKeyStore", **args)["CustomKeyStoreId"]
    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)

    rejects(kms, "CreateCustomKeyStore", "CustomKeyStoreNameInUseException", **args)


def test_a_custom_key_store_name_is_unique_in_the_account_and_region(
    cloudhsm_kms, kms
) -> None:
    new_store(cloudhsm_kms, name="payments")
    other = cloudhsm_kms.ready_cluster()["ClusterId"]

    message = rejects(kms, "CreateCustomKeyStore", "CustomKeyStoreNameInUseException",
                    **create_args(cloudhsm_kms, other, "payments"))
    assert "payments" in message


def test_create_custom_key_store_needs_an_existing_cluster(
    cloudhsm_kms, kms, cloudhsm_cluster
) -> None:
    args = create_args(cloudhsm_kms, cloudhsm_cluster["ClusterId"])
    args["CloudHsmClusterId"] = MISSING_CLUSTER

    message = rejects(kms, "CreateCustomKeyStore", "CloudHsmClusterNotFoundException", **args)
    assert MISSING_CLUSTER in message


def test_create_custom_key_store_needs_an_active_cluster(
    cloudhsm_kms, kms, cloudhsmv2, cloudhsm_cluster
) -> None:
    uninitialized = call(cloudhsmv2, "CreateCluster", HsmType="hsm2m.medium",
                       SubnetIds=sorted(cloudhsm_cluster["SubnetMapping"].values()))["Cluster"]
    args = create_args(cloudhsm_kms, cloudhsm_cluster["ClusterId"])
    args["CloudHsmClusterId"] = uninitialized["ClusterId"]

    message = rejects(kms, "CreateCustomKeyStore", "CloudHsmClusterNotActiveException", **args)
    assert message == (f"Cluster {uninitialized['ClusterId']} is in the UNINITIALIZED state, "
                       "not ACTIVE.")


def test_a_cluster_already_tied_to_a_key_store_is_in_use(
    cloudhsm_kms, kms, cloudhsm_cluster
) -> None:
    new_store(cloudhsm_kms, cluster=cloudhsm_cluster, name="first")

    rejects(kms, "CreateCustomKeyStore", "CloudHsmClusterInUseException",
          **create_args(cloudhsm_kms, cloudhsm_cluster["ClusterId"], "second"))


def test_a_cluster_sharing_a_backup_history_with_a_store_cluster_is_in_use(
    cloudhsm_kms, kms, cloudhsmv2, cloudhsm_cluster
) -> None:
    new_store(cloudhsm_kms, cluster=cloudhsm_cluster, name="first")
    restored = cluster_from_backup(cloudhsmv2, cloudhsm_cluster)

    rejects(kms, "CreateCustomKeyStore", "CloudHsmClusterInUseException",
          **create_args(cloudhsm_kms, restored, "second"))


@pytest.mark.parametrize("shape", ["one HSM", "two HSMs in one zone", "second HSM deleted"])
def test_create_custom_key_store_needs_two_active_hsms_in_different_availability_zones(
    cloudhsm_kms, kms, cloudhsmv2, shape
) -> None:
    service = cloudhsm_kms.cloudhsm()
    if shape == "one HSM":
        cluster = service.create_ready_cluster(hsm_count=1)
    elif shape == "two HSMs in one zone":
        cluster = service.create_ready_cluster(hsm_count=2, availability_zones=["us-east-1a"])
    else:
        cluster = service.create_ready_cluster(hsm_count=2)
        cloudhsmv2.delete_hsm(ClusterId=cluster.cluster_id, HsmId=next(iter(cluster.hsms)))

    message = rejects(kms, "CreateCustomKeyStore", "CloudHsmClusterInvalidConfigurationException",
                    **create_args(cloudhsm_kms, cluster.cluster_id))
    assert "two active HSMs" in message or "2 active HSMs" in message


def test_the_trust_anchor_must_be_the_customer_ca_that_signed_the_cluster_certificate(
    cloudhsm_kms, kms, cloudhsm_cluster
) -> None:
    args = create_args(cloudhsm_kms, cloudhsm_cluster["ClusterId"])
    args["TrustAnchorCertificate"] = cloudhsm_cluster["Certificates"]["ClusterCertificate"]

    rejects(kms, "CreateCustomKeyStore", "IncorrectTrustAnchorException", **args)


def test_an_account_has_at_most_ten_custom_key_stores(cloudhsm_kms, kms_no_retry) -> None:
    for index in range(10):
        new_store(cloudhsm_kms, name=f"store-{index}")
    eleventh = cloudhsm_kms.ready_cluster()["ClusterId"]

    rejects(kms_no_retry, "CreateCustomKeyStore", "LimitExceededException",
          **create_args(cloudhsm_kms, eleventh, "eleventh"))


def test_external_key_stores_are_refused_with_a_validation_exception(
    cloudhsm_kms, kms, cloudhsm_cluster
) -> None:
    message = rejects(
        kms, "CreateCustomKeyStore", "ValidationException", CustomKeyStoreName="xks",
        CustomKeyStoreType="EXTERNAL_KEY_STORE", XksProxyConnectivity="PUBLIC_ENDPOINT",
        XksProxyUriEndpoint="https://xks.example.com", XksProxyUriPath="/kms/xks/v1",
    )
    assert "EXTERNAL_KEY_STORE" in message
    args = create_args(cloudhsm_kms, cloudhsm_cluster["ClusterId"])
    rejects(kms, "CreateCustomKeyStore", "ValidationException",
          XksProxyUriEndpoint="https://xks.example.com", **args)
    store_id = new_store(cloudhsm_kms, cluster=cloudhsm_cluster, name="hsm")
    rejects(kms, "UpdateCustomKeyStore", "ValidationException", CustomKeyStoreId=store_id,
          XksProxyUriPath="/kms/xks/v1")


@pytest.mark.parametrize("member", ["CloudHsmClusterId", "TrustAnchorCertificate",
                                    "KeyStorePassword"])
def test_a_cloudhsm_key_store_needs_a_cluster_trust_anchor_and_password(
    cloudhsm_kms, kms, cloudhsm_cluster, member
) -> None:
    args = create_args(cloudhsm_kms, cloudhsm_cluster["ClusterId"])
    del args[member]

    assert member in rejects(kms, "CreateCustomKeyStore", "ValidationException", **args)


# -- DescribeCustomKeyStores --------------------------------------------------------------------


def test_describe_custom_key_stores_finds_a_store_by_id_or_by_name(cloudhsm_kms, kms) -> None:
    wanted = new_store(cloudhsm_kms, name="wanted")
    new_store(cloudhsm_kms, name="other")

    by_name = call(kms, "DescribeCustomKeyStores", CustomKeyStoreName="wanted")
    assert [s["CustomKeyStoreId"] for s in by_name["CustomKeyStores"]] == [wanted]
    assert by_name["Truncated"] is False
    assert store_entry(kms, wanted)["CustomKeyStoreName"] == "wanted"


def test_an_unknown_store_id_or_name_is_not_found_rather_than_an_empty_list(
    cloudhsm_kms, kms
) -> None:
    assert rejects(kms, "DescribeCustomKeyStores", "CustomKeyStoreNotFoundException",
                   CustomKeyStoreId="cks-1234567890abcdef0") == (
        "Custom key store cks-1234567890abcdef0 does not exist.")
    assert rejects(kms, "DescribeCustomKeyStores", "CustomKeyStoreNotFoundException",
                   CustomKeyStoreName="nowhere") == "Custom key store nowhere does not exist."
    assert call(kms, "DescribeCustomKeyStores")["CustomKeyStores"] == []


def test_describe_custom_key_stores_takes_an_id_or_a_name_but_not_both(cloudhsm_kms, kms) -> None:
    store_id = new_store(cloudhsm_kms, name="both")

    rejects(kms, "DescribeCustomKeyStores", "ValidationException",
          CustomKeyStoreId=store_id, CustomKeyStoreName="both")


def test_describe_custom_key_stores_pages_with_limit_and_marker(cloudhsm_kms, kms) -> None:
    created = [new_store(cloudhsm_kms, name=f"page-{n}") for n in range(3)]

    first = call(kms, "DescribeCustomKeyStores", Limit=2)
    assert first["Truncated"] is True
    second = call(kms, "DescribeCustomKeyStores", Limit=2, Marker=first["NextMarker"])
    assert second["Truncated"] is False
    assert "NextMarker" not in second
    listed = [s["CustomKeyStoreId"] for s in first["CustomKeyStores"] + second["CustomKeyStores"]]
    assert listed == created
    pages = kms.get_paginator("describe_custom_key_stores").paginate(PaginationConfig={
        "PageSize": 1})
    assert [s["CustomKeyStoreId"] for page in pages for s in page["CustomKeyStores"]] == created


def test_a_marker_kms_did_not_issue_is_an_invalid_marker(cloudhsm_kms, kms) -> None:
    new_store(cloudhsm_kms)

    rejects(kms, "DescribeCustomKeyStores", "InvalidMarkerException", Marker="not-a-marker")


# -- ConnectCustomKeyStore and DisconnectCustomKeyStore ------------------------------------------



def test_connect_returns_at_once_and_the_store_is_connecting_until_connected(
    cloudhsm_kms, kms
) -> None:
    store_id = new_store(cloudhsm_kms)
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(connect_delay=600.0)

    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    assert timeline(cloudhsm_kms, kms, store_id, 599.0, 1.0) == [
        "CONNECTING", "CONNECTING", "CONNECTED"]


def test_connect_rotates_the_kmsuser_password_so_the_old_one_fails_but_kms_reconnects(
    cloudhsm_kms, kms, cloudhsm_cluster
) -> None:
    store_id = new_store(cloudhsm_kms, cluster=cloudhsm_cluster)
    cluster = cloudhsm_kms.cloudhsm().cluster(cloudhsm_cluster["ClusterId"])
    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    assert store_state(kms, store_id) == "CONNECTED"

    assert cluster.login("kmsuser", KMSUSER_PASSWORD) == "INVALID_CREDENTIALS"
    call(kms, "DisconnectCustomKeyStore", CustomKeyStoreId=store_id)
    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    assert store_state(kms, store_id) == "CONNECTED"


def test_connect_on_a_connected_store_changes_nothing(cloudhsm_kms, kms, cloudhsm_cluster) -> None:
    store_id = new_store(cloudhsm_kms, cluster=cloudhsm_cluster)
    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    assert store_state(kms, store_id) == "CONNECTED"
    kmsuser = cloudhsm_kms.cloudhsm().cluster(cloudhsm_cluster["ClusterId"]).users["kmsuser"]
    password = kmsuser.password
    assert password != KMSUSER_PASSWORD

    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    assert store_state(kms, store_id) == "CONNECTED"
    assert kmsuser.password == password


def break_for(env: CloudHsmKms, cloudhsmv2: Any, cluster_id: str, error_code: str) -> None:
    """Give the cluster the real cause of ``error_code`` (INVALID_CREDENTIALS: the store
    was made with a wrong password)."""
    service = env.cloudhsm()
    if error_code == "USER_NOT_FOUND":
        service.delete_user(cluster_id, "kmsuser")
    elif error_code == "USER_LOGGED_IN":
        service.log_in_elsewhere(cluster_id, "kmsuser")
    elif error_code == "USER_LOCKED_OUT":
        service.lock_user(cluster_id, "kmsuser")
    elif error_code == "INSUFFICIENT_CLOUDHSM_HSMS":
        delete_all_hsms(cloudhsmv2, cluster_id)
    elif error_code == "CLUSTER_NOT_FOUND":
        delete_all_hsms(cloudhsmv2, cluster_id)
        cloudhsmv2.delete_cluster(ClusterId=cluster_id)


@pytest.mark.parametrize("error_code", [
    "INVALID_CREDENTIALS", "USER_NOT_FOUND", "USER_LOGGED_IN", "USER_LOCKED_OUT",
    "INSUFFICIENT_CLOUDHSM_HSMS", "CLUSTER_NOT_FOUND",
])
def test_a_failed_connection_is_failed_with_the_error_code_of_its_cause(
    cloudhsm_kms, kms, cloudhsmv2, cloudhsm_cluster, error_code
) -> None:
    password = WRONG_PASSWORD if error_code == "INVALID_CREDENTIALS" else KMSUSER_PASSWORD
    store_id = new_store(cloudhsm_kms, cluster=cloudhsm_cluster, password=password)
    break_for(cloudhsm_kms, cloudhsmv2, cloudhsm_cluster["ClusterId"], error_code)

    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    entry = store_entry(kms, store_id)
    assert (entry["ConnectionState"], entry["ConnectionErrorCode"]) == ("FAILED", error_code)
    call(kms, "DisconnectCustomKeyStore", CustomKeyStoreId=store_id)
    entry = store_entry(kms, store_id)
    assert entry["ConnectionState"] == "DISCONNECTED"
    assert "ConnectionErrorCode" not in entry


def test_five_failed_connections_lock_kmsuser_out(cloudhsm_kms, kms, cloudhsm_cluster) -> None:
    store_id = new_store(cloudhsm_kms, cluster=cloudhsm_cluster, password=WRONG_PASSWORD)
    for _ in range(5):
        call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
        assert store_entry(kms, store_id)["ConnectionErrorCode"] == "INVALID_CREDENTIALS"
        call(kms, "DisconnectCustomKeyStore", CustomKeyStoreId=store_id)

    call(kms, "UpdateCustomKeyStore", CustomKeyStoreId=store_id, KeyStorePassword=KMSUSER_PASSWORD)
    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    assert store_entry(kms, store_id)["ConnectionErrorCode"] == "USER_LOCKED_OUT"


def test_the_right_password_after_invalid_credentials_connects(cloudhsm_kms, kms) -> None:
    store_id = new_store(cloudhsm_kms, password=WRONG_PASSWORD)
    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    call(kms, "DisconnectCustomKeyStore", CustomKeyStoreId=store_id)

    call(kms, "UpdateCustomKeyStore", CustomKeyStoreId=store_id, KeyStorePassword=KMSUSER_PASSWORD)
    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    assert store_state(kms, store_id) == "CONNECTED"


def test_connect_to_a_cluster_that_is_not_active_fails_at_once_and_stays_disconnected(
    cloudhsm_kms, kms, cloudhsm_cluster
) -> None:
    store_id = new_store(cloudhsm_kms, cluster=cloudhsm_cluster)
    # DEGRADED has no API trigger: the cluster model is set directly.
    cloudhsm_kms.cloudhsm().cluster(cloudhsm_cluster["ClusterId"]).state = "DEGRADED"

    message = rejects(kms, "ConnectCustomKeyStore", "CloudHsmClusterNotActiveException",
                      CustomKeyStoreId=store_id)
    assert message == (f"Cluster {cloudhsm_cluster['ClusterId']} is in the DEGRADED state, "
                       "not ACTIVE.")
    assert store_state(kms, store_id) == "DISCONNECTED"


def test_a_connection_attempt_disconnected_midway_never_completes_a_later_one(
    cloudhsm_kms, kms
) -> None:
    store_id = new_store(cloudhsm_kms)
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(connect_delay=60.0)
    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    call(kms, "DisconnectCustomKeyStore", CustomKeyStoreId=store_id)
    cloudhsm_kms.clock.advance(10.0)
    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)

    # At +55 s the first attempt would have ended; the second ends at +60 s.
    assert timeline(cloudhsm_kms, kms, store_id, 55.0, 5.0) == [
        "CONNECTING", "CONNECTING", "CONNECTED"]


def test_disconnect_goes_through_disconnecting_and_logs_kms_out_of_kmsuser(
    cloudhsm_kms, kms, cloudhsm_key_store
) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    kmsuser = cloudhsm_kms.cloudhsm().cluster(cloudhsm_key_store["CloudHsmClusterId"]).users[
        "kmsuser"]
    assert kmsuser.kms_session
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(disconnect_delay=30.0)

    call(kms, "DisconnectCustomKeyStore", CustomKeyStoreId=store_id)
    assert not kmsuser.kms_session
    assert timeline(cloudhsm_kms, kms, store_id, 30.0) == ["DISCONNECTING", "DISCONNECTED"]


# -- UpdateCustomKeyStore -------------------------------------------------------------------------


def test_a_connected_store_can_be_renamed(cloudhsm_kms, kms, cloudhsm_key_store) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]

    call(kms, "UpdateCustomKeyStore", CustomKeyStoreId=store_id, NewCustomKeyStoreName="renamed")
    entry = store_entry(kms, store_id)
    assert (entry["CustomKeyStoreName"], entry["ConnectionState"]) == ("renamed", "CONNECTED")


def test_a_store_cannot_take_the_name_of_another_store(cloudhsm_kms, kms) -> None:
    store_id = new_store(cloudhsm_kms, name="one")
    new_store(cloudhsm_kms, name="two")

    rejects(kms, "UpdateCustomKeyStore", "CustomKeyStoreNameInUseException",
          CustomKeyStoreId=store_id, NewCustomKeyStoreName="two")
    call(kms, "UpdateCustomKeyStore", CustomKeyStoreId=store_id, NewCustomKeyStoreName="one")


def test_a_store_moves_to_a_related_cluster_and_its_keys_follow(
    cloudhsm_kms, kms, cloudhsmv2, cloudhsm_cluster, cloudhsm_key_store, cloudhsm_key
) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    blob = kms.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"kept")["CiphertextBlob"]
    (first_hsm, _) = cloudhsm_cluster["Hsms"]
    cloudhsmv2.delete_hsm(ClusterId=cloudhsm_cluster["ClusterId"],
                          HsmId=first_hsm["HsmId"])  # backup
    restored = cluster_from_backup(cloudhsmv2, cloudhsm_cluster)
    call(kms, "DisconnectCustomKeyStore", CustomKeyStoreId=store_id)

    call(kms, "UpdateCustomKeyStore", CustomKeyStoreId=store_id, CloudHsmClusterId=restored)
    assert store_entry(kms, store_id)["CloudHsmClusterId"] == restored
    metadata = kms.describe_key(KeyId=cloudhsm_key["KeyId"])["KeyMetadata"]
    assert metadata["CloudHsmClusterId"] == restored
    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"


def test_a_store_moves_to_a_related_cluster_even_after_its_cluster_was_deleted(
    cloudhsm_kms, kms, cloudhsmv2, cloudhsm_cluster
) -> None:
    store_id = new_store(cloudhsm_kms, cluster=cloudhsm_cluster)
    delete_all_hsms(cloudhsmv2, cloudhsm_cluster["ClusterId"])
    cloudhsmv2.delete_cluster(ClusterId=cloudhsm_cluster["ClusterId"])
    cloudhsm_kms.clock.advance(2 * HOUR)  # the DELETED cluster is no longer listed
    restored = cluster_from_backup(cloudhsmv2, cloudhsm_cluster)

    call(kms, "UpdateCustomKeyStore", CustomKeyStoreId=store_id, CloudHsmClusterId=restored)
    call(kms, "ConnectCustomKeyStore", CustomKeyStoreId=store_id)
    assert store_state(kms, store_id) == "CONNECTED"


def test_a_store_cannot_move_to_an_unrelated_missing_or_undersized_cluster(
    cloudhsm_kms, kms, cloudhsmv2, cloudhsm_cluster
) -> None:
    store_id = new_store(cloudhsm_kms, cluster=cloudhsm_cluster)
    unrelated = cloudhsm_kms.ready_cluster()["ClusterId"]
    one_hsm = cluster_from_backup(cloudhsmv2, cloudhsm_cluster, hsm_count=1)

    rejects(kms, "UpdateCustomKeyStore", "CloudHsmClusterNotRelatedException",
          CustomKeyStoreId=store_id, CloudHsmClusterId=unrelated)
    rejects(kms, "UpdateCustomKeyStore", "CloudHsmClusterNotFoundException",
          CustomKeyStoreId=store_id, CloudHsmClusterId=MISSING_CLUSTER)
    rejects(kms, "UpdateCustomKeyStore", "CloudHsmClusterInvalidConfigurationException",
          CustomKeyStoreId=store_id, CloudHsmClusterId=one_hsm)
    assert store_entry(kms, store_id)["CloudHsmClusterId"] == cloudhsm_cluster["ClusterId"]


# -- DeleteCustomKeyStore -------------------------------------------------------------------------


def test_deleting_a_store_leaves_its_cluster_free_for_a_new_store(
    cloudhsm_kms, kms, cloudhsm_cluster
) -> None:
    store_id = new_store(cloudhsm_kms, cluster=cloudhsm_cluster)

    call(kms, "DeleteCustomKeyStore", CustomKeyStoreId=store_id)
    rejects(kms, "DescribeCustomKeyStores", "CustomKeyStoreNotFoundException",
          CustomKeyStoreId=store_id)
    rejects(kms, "DeleteCustomKeyStore", "CustomKeyStoreNotFoundException",
          CustomKeyStoreId=store_id)
    call(kms, "CreateCustomKeyStore", **create_args(cloudhsm_kms, cloudhsm_cluster["ClusterId"]))


def test_a_store_that_holds_kms_keys_cannot_be_deleted(
    cloudhsm_kms, kms, cloudhsm_key_store, cloudhsm_key
) -> None:
    store_id = cloudhsm_key_store["CustomKeyStoreId"]
    call(kms, "DisconnectCustomKeyStore", CustomKeyStoreId=store_id)

    rejects(kms, "DeleteCustomKeyStore", "CustomKeyStoreHasCMKsException",
            CustomKeyStoreId=store_id)


# -- operation x ConnectionState (docs/aws-behaviour.md §1.10) -------------------------------------

STATES = ["CONNECTED", "CONNECTING", "FAILED", "DISCONNECTED", "DISCONNECTING"]
ALLOWED_IN = {
    "ConnectCustomKeyStore": {"CONNECTED", "CONNECTING", "DISCONNECTED"},
    "DisconnectCustomKeyStore": {"CONNECTED", "CONNECTING", "FAILED"},
    "UpdateCustomKeyStore name": {"CONNECTED", "DISCONNECTED"},
    "UpdateCustomKeyStore password": {"DISCONNECTED"},
    "UpdateCustomKeyStore cluster": {"DISCONNECTED"},
    "DeleteCustomKeyStore": {"DISCONNECTED"},
    "CreateKey in the store": {"CONNECTED"},
    "GenerateRandom in the store": {"CONNECTED"},
}


def request_for(action: str, store_id: str, cluster_id: str) -> tuple[str, dict[str, Any]]:
    store = {"CustomKeyStoreId": store_id}
    operation = action.split()[0]
    extra: dict[str, Any] = {
        "UpdateCustomKeyStore name": {"NewCustomKeyStoreName": "renamed"},
        "UpdateCustomKeyStore password": {"KeyStorePassword": KMSUSER_PASSWORD},
        "UpdateCustomKeyStore cluster": {"CloudHsmClusterId": cluster_id},
        "CreateKey in the store": {"Origin": "AWS_CLOUDHSM"},
        "GenerateRandom in the store": {"NumberOfBytes": 16},
    }.get(action, {})
    return operation, {**store, **extra}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ALLOWED_IN))
def test_custom_key_store_operations_are_refused_in_the_connection_states_aws_lists(
    cloudhsm_kms, kms, cloudhsm_cluster, action, state
) -> None:
    store_id = new_store(cloudhsm_kms, cluster=cloudhsm_cluster)
    put_in_state(cloudhsm_kms, store_id, state)
    operation, params = request_for(action, store_id, cloudhsm_cluster["ClusterId"])

    if state in ALLOWED_IN[action]:
        call(kms, operation, **params)
    else:
        message = rejects(kms, operation, "CustomKeyStoreInvalidStateException", **params)
        assert store_id in message and state in message
        assert cloudhsm_kms.kms().custom_key_store(store_id).connection_state == state
