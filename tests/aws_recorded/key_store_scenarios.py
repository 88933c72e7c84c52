"""The scenarios of the documented CloudHSM key store cases: what each case needs made
first, through boto3 clients of the fake and its scenario helpers.

Placeholders they name for the cases (``World.name``): ``<cluster-id>`` and
``<trust-anchor>`` (the cluster and its ``customerCA.crt``), ``<cks-id>`` (the
store), ``<key-id:1>`` (a KMS key in it), ``<cluster-id:2>`` (a related cluster),
and the blob ``<blob:ciphertext>``.
"""

from __future__ import annotations

from pytest_cloudhsm_kms.cloudhsm import KMSUSER_PASSWORD

from .recording import Given, World

NEW_PASSWORD = "tempPassword"  # kdg/fix-keystore: the kmsuser password set with changePswd


def a_cluster(world: World, hsm_count: int = 2) -> str:
    """A ready cluster (ACTIVE, initialized, ``kmsuser``); ``<cluster-id>`` and
    ``<trust-anchor>`` stand for its ID and its ``customerCA.crt``."""
    cluster_id: str = world.environment.ready_cluster(hsm_count=hsm_count)["ClusterId"]
    cluster = world.environment.cloudhsm().cluster(cluster_id)
    assert cluster is not None and cluster.trust_anchor is not None
    world.name("<cluster-id>", cluster_id)
    world.name("<trust-anchor>", cluster.trust_anchor)
    return cluster_id


def a_store(world: World, *, connect: bool = False) -> str:
    """The store ``ExampleKeyStore`` on a new cluster, made (and connected) through the
    client; ``<cks-id>``."""
    if "<cluster-id>" not in world.names:
        a_cluster(world)
    store_id: str = world.kms.create_custom_key_store(
        CustomKeyStoreName="ExampleKeyStore", CloudHsmClusterId=world.names["<cluster-id>"],
        TrustAnchorCertificate=world.names["<trust-anchor>"], KeyStorePassword=KMSUSER_PASSWORD,
    )["CustomKeyStoreId"]
    world.name("<cks-id>", store_id)
    if connect:
        world.kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        world.later()
    return store_id


def cluster(world: World) -> None:
    a_cluster(world)


def disconnected_store(world: World) -> None:
    a_store(world)


def connected_store(world: World) -> None:
    a_store(world, connect=True)


def disconnect(world: World) -> None:
    world.kms.disconnect_custom_key_store(CustomKeyStoreId=world.names["<cks-id>"])
    world.later()


def connect(world: World) -> None:
    world.kms.connect_custom_key_store(CustomKeyStoreId=world.names["<cks-id>"])
    world.later()


def connected_then_disconnected(world: World) -> None:
    connected_store(world)
    disconnect(world)


def delete_hsms(world: World, count: int | None = None, *, cluster: bool = False) -> None:
    """Delete ``count`` (default: all) HSMs of ``<cluster-id>`` through CloudHSM v2, and
    then, with ``cluster``, the cluster itself."""
    cloudhsmv2 = world.environment.client("cloudhsmv2")
    cluster_id = world.names["<cluster-id>"]
    hsms = cloudhsmv2.describe_clusters(Filters={"clusterIds": [cluster_id]})[
        "Clusters"][0]["Hsms"]
    for hsm in hsms[:count]:
        cloudhsmv2.delete_hsm(ClusterId=cluster_id, HsmId=hsm["HsmId"])
    world.later()
    if cluster:
        cloudhsmv2.delete_cluster(ClusterId=cluster_id)
        world.later()


def cluster_deleted_then_connected(world: World) -> None:
    """kdg/disconnect-keystore: KMS cannot find the cluster it was given."""
    disconnected_store(world)
    delete_hsms(world, cluster=True)
    connect(world)


def all_hsms_deleted_then_connected(world: World) -> None:
    """kdg/fix-keystore: the cluster does not contain any HSMs."""
    disconnected_store(world)
    delete_hsms(world)
    connect(world)


def kmsuser_password_changed(world: World) -> None:
    """kdg/fix-keystore: disconnected, then someone changes the kmsuser password."""
    connected_then_disconnected(world)
    kms_cluster = world.environment.cloudhsm().cluster(world.names["<cluster-id>"])
    assert kms_cluster is not None
    kms_cluster.set_password("kmsuser", NEW_PASSWORD)


def invalid_credentials(world: World) -> None:
    kmsuser_password_changed(world)
    connect(world)


def no_kmsuser_then_connected(world: World) -> None:
    """kdg/fix-keystore: the cluster has no kmsuser crypto user."""
    disconnected_store(world)
    world.environment.cloudhsm().delete_user(world.names["<cluster-id>"], "kmsuser")
    connect(world)


def kmsuser_logged_in_then_connected(world: World) -> None:
    """kdg/fix-keystore: someone is logged into the cluster as kmsuser."""
    disconnected_store(world)
    world.environment.cloudhsm().log_in_elsewhere(world.names["<cluster-id>"], "kmsuser")
    connect(world)


def full_subnet_then_connected(world: World) -> None:
    """kdg/fix-keystore: a cluster subnet has no free IP address. The cluster's subnets
    are /28 (11 usable addresses); HSMs fill the first."""
    service = world.environment.cloudhsm()
    region = world.environment.region
    for n, zone in enumerate("ab"):
        service.add_subnet(f"subnet-0f{n}0000000000000", f"{region}{zone}",
                           cidr=f"10.0.{200 + n}.0/28")
    a_store(world)
    cloudhsmv2 = world.environment.client("cloudhsmv2")
    for _ in range(10):
        cloudhsmv2.create_hsm(ClusterId=world.names["<cluster-id>"],
                              AvailabilityZone=f"{region}a")
    world.later()
    connect(world)


def locked_out(world: World) -> None:
    """kdg/fix-keystore: five failed logins lock kmsuser; then KMS gets a lockout
    response, even with the right password."""
    kmsuser_password_changed(world)
    for _ in range(5):
        connect(world)
        disconnect(world)
    world.kms.update_custom_key_store(CustomKeyStoreId=world.names["<cks-id>"],
                                      KeyStorePassword=NEW_PASSWORD)
    connect(world)


def store_key(world: World) -> None:
    """A KMS key in a connected store; ``<key-id:1>``, and ``<blob:ciphertext>`` one of
    its ciphertexts."""
    connected_store(world)
    world.key(Origin="AWS_CLOUDHSM", CustomKeyStoreId=world.names["<cks-id>"])
    world.blobs["ciphertext"] = world.kms.encrypt(
        KeyId=world.names["<key-id:1>"], Plaintext=b"data")["CiphertextBlob"]


def store_key_disconnected(world: World) -> None:
    store_key(world)
    disconnect(world)


def store_key_disabled_disconnected(world: World) -> None:
    store_key(world)
    world.kms.disable_key(KeyId=world.names["<key-id:1>"])
    disconnect(world)


def reconnected(given: Given) -> Given:
    def made(world: World) -> None:
        given(world)
        connect(world)
    return made


def store_key_pending_deletion_disconnected(world: World) -> None:
    store_key(world)
    world.kms.schedule_key_deletion(KeyId=world.names["<key-id:1>"])
    disconnect(world)


def deletion_cancelled_while_disconnected(world: World) -> None:
    """kdg/fix-keystore: a key pending deletion in a disconnected store, cancelled."""
    store_key_pending_deletion_disconnected(world)
    world.kms.cancel_key_deletion(KeyId=world.names["<key-id:1>"])


def store_key_disabled_while_disconnected(world: World) -> None:
    """kdg/fix-keystore: DisableKey on an Unavailable key takes effect on reconnect."""
    store_key_disconnected(world)
    world.kms.disable_key(KeyId=world.names["<key-id:1>"])


def described_store_key(world: World) -> None:
    connected_store(world)
    world.key(Origin="AWS_CLOUDHSM", CustomKeyStoreId=world.names["<cks-id>"],
              Description="Key in custom key store")


def deleted_while_disconnected(world: World) -> None:
    """kdg/delete-cmk-keystore: the waiting period ends while the store is disconnected."""
    store_key(world)
    world.kms.schedule_key_deletion(KeyId=world.names["<key-id:1>"], PendingWindowInDays=7)
    disconnect(world)
    world.later(8 * 86_400)


def store_key_cluster_deleted(world: World) -> None:
    """kdg/fix-keystore: the cluster of a connected store is deleted."""
    store_key(world)
    delete_hsms(world, cluster=True)


def connected_store_one_hsm(world: World) -> None:
    """kdg/create-cmk-keystore: a connected store whose cluster has one ACTIVE HSM."""
    connected_store(world)
    delete_hsms(world, 1)


def one_hsm_cluster(world: World) -> None:
    a_cluster(world, hsm_count=1)


def uninitialized_cluster(world: World) -> None:
    """A cluster just created (UNINITIALIZED), in the subnets of a ready one."""
    ready = world.environment.ready_cluster()
    created = world.environment.client("cloudhsmv2").create_cluster(
        HsmType=ready["HsmType"], SubnetIds=sorted(ready["SubnetMapping"].values()))
    world.name("<cluster-id>", created["Cluster"]["ClusterId"])
    world.name("<trust-anchor>", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")


def cluster_certificate_as_anchor(world: World) -> None:
    """``<trust-anchor>`` stands for the cluster's own certificate, not the
    ``customerCA.crt`` that signed it."""
    cluster_id = a_cluster(world)
    described = world.environment.client("cloudhsmv2").describe_clusters(
        Filters={"clusterIds": [cluster_id]})["Clusters"][0]
    world.name("<trust-anchor>", described["Certificates"]["ClusterCertificate"])


def related_cluster(world: World) -> None:
    """A DISCONNECTED store, and ``<cluster-id:2>`` a cluster restored from a backup of
    its cluster (api/UpdateCustomKeyStore#cluster: "a different backup of the same
    cluster")."""
    connected_then_disconnected(world)
    cloudhsmv2 = world.environment.client("cloudhsmv2")
    cluster_id = world.names["<cluster-id>"]
    backups = cloudhsmv2.describe_backups(Filters={"clusterIds": [cluster_id]})["Backups"]
    described = cloudhsmv2.describe_clusters(Filters={"clusterIds": [cluster_id]})["Clusters"][0]
    restored = cloudhsmv2.create_cluster(
        HsmType=described["HsmType"], SubnetIds=sorted(described["SubnetMapping"].values()),
        SourceBackupId=backups[0]["BackupId"])["Cluster"]["ClusterId"]
    for zone in sorted(described["SubnetMapping"])[:2]:
        cloudhsmv2.create_hsm(ClusterId=restored, AvailabilityZone=zone)
    world.later()
    world.name("<cluster-id:2>", restored)


def deleted_store(world: World) -> None:
    disconnected_store(world)
    world.kms.delete_custom_key_store(CustomKeyStoreId=world.names["<cks-id>"])
