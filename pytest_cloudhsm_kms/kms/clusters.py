"""What KMS sees of CloudHSM: the clusters of its Region, and the key material of a KMS key
in a CloudHSM key store (a backing key in the store's cluster)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..cloudhsm.vault import VaultError
from ..errors import ServiceError

if TYPE_CHECKING:
    from ..cloudhsm.model import Cluster
    from ..cloudhsm.service import CloudHsmService
    from .keystores import CustomKeyStore

__all__ = ["CANNOT_COMMUNICATE", "ClusterAccess", "ClusterMaterial"]

CANNOT_COMMUNICATE = "KMS cannot communicate with your CloudHSM cluster"
"""AWS's text, as the Developer Guide quotes it, when KMS cannot reach a connected store's
cluster (here: the cluster is gone); no key ARN, no period (docs/aws-behaviour.md §2.6)."""


class ClusterAccess:
    """The CloudHSM clusters of the Region, as custom key store operations need them."""

    def __init__(self, cloudhsm: CloudHsmService | None) -> None:
        self.cloudhsm = cloudhsm

    def cluster_or_none(self, cluster_id: str) -> Cluster | None:
        """A cluster by ID (deleted ones included while CloudHSM still lists them)."""
        if self.cloudhsm is None:
            return None
        return self.cloudhsm.cluster(cluster_id)

    def cluster(self, cluster_id: str) -> Cluster:
        """A cluster that exists and is not being deleted (else
        ``CloudHsmClusterNotFoundException``)."""
        cluster = self.cluster_or_none(cluster_id)
        if cluster is None or cluster.state in ("DELETE_IN_PROGRESS", "DELETED"):
            raise ServiceError(
                "CloudHsmClusterNotFoundException",
                f"AWS CloudHSM cluster {cluster_id} was not found in this account and Region.",
            )
        return cluster

    @staticmethod
    def not_active(cluster: Cluster) -> ServiceError:
        """``CloudHsmClusterNotActiveException``: the store operations that need an ACTIVE
        cluster (Create, Update and ConnectCustomKeyStore) share the text."""
        return ServiceError(
            "CloudHsmClusterNotActiveException",
            f"Cluster {cluster.cluster_id} is in the {cluster.state} state, not ACTIVE.",
        )

    @staticmethod
    def check_cluster(cluster: Cluster, *, hsms_needed: int) -> None:
        """An ACTIVE cluster with enough ACTIVE HSMs, each in a different AZ
        (docs/aws-behaviour.md §1.3)."""
        if cluster.state != "ACTIVE":
            raise ClusterAccess.not_active(cluster)
        zones = {hsm.availability_zone for hsm in cluster.active_hsms()}
        if len(zones) < hsms_needed or len(cluster.subnet_mapping) < 2:
            raise ServiceError(
                "CloudHsmClusterInvalidConfigurationException",
                f"Cluster {cluster.cluster_id} must have at least {hsms_needed} active HSMs, "
                "each in a different Availability Zone.",
            )

    def subnet_without_free_address(self, cluster: Cluster) -> str | None:
        """A subnet of the cluster whose every usable address an HSM's ENI holds, if any.

        Connecting needs one free address in each of the cluster's subnets, for the
        network interface KMS makes there (docs/aws-behaviour.md §1.5).
        """
        if self.cloudhsm is None:
            return None
        for subnet_id in cluster.subnet_mapping.values():
            subnet = self.cloudhsm.subnets.get(subnet_id)
            if subnet is None:
                continue
            taken = {hsm.eni_ip for other in self.cloudhsm.clusters.values()
                     for hsm in other.hsms.values() if hsm.subnet_id == subnet_id}
            if len(taken) >= len(subnet.usable):
                return subnet_id
        return None

    def cluster_for_new_key(self, store: CustomKeyStore) -> Cluster:
        """The cluster a new KMS key of a CONNECTED store gets its backing key from.

        It must be ACTIVE with two ACTIVE HSMs in two Availability Zones; anything
        else (the cluster gone too) is ``CloudHsmClusterInvalidConfigurationException``,
        the only cluster error CreateKey models (docs/aws-behaviour.md §2.1).
        """
        cluster = self.cluster_or_none(store.cloud_hsm_cluster_id)
        try:
            if cluster is None or cluster.state != "ACTIVE":
                raise ServiceError("CloudHsmClusterNotActiveException")
            self.check_cluster(cluster, hsms_needed=2)
        except ServiceError:
            raise ServiceError(
                "CloudHsmClusterInvalidConfigurationException",
                f"The AWS CloudHSM cluster {store.cloud_hsm_cluster_id} of custom key store "
                f"{store.custom_key_store_id} must be ACTIVE with at least two active HSMs, "
                "each in a different Availability Zone.",
            ) from None
        return cluster


class ClusterMaterial:
    """The key material of a KMS key in a CloudHSM key store: a backing key in the cluster.

    Every operation asks the store's current cluster, so it fails the way AWS
    does when the cluster has no ACTIVE HSM or no longer holds the key.
    """

    current_material_id = None

    def __init__(self, clusters: ClusterAccess, store: CustomKeyStore,
                 handle: int, arn: str) -> None:
        self._clusters = clusters
        self._store = store
        self.handle = handle
        self._arn = arn

    def encrypt(self, iv: bytes, plaintext: bytes, aad: bytes) -> bytes:
        cluster = self._cluster()
        return self._run(cluster, lambda: cluster.encrypt(self.handle, iv, plaintext, aad))

    def decrypt(self, material_id: bytes, iv: bytes, data: bytes, aad: bytes) -> bytes:
        cluster = self._cluster()
        return self._run(cluster, lambda: cluster.decrypt(self.handle, iv, data, aad))

    def delete_backing_key(self) -> bool:
        """Best effort at the end of the waiting period: only a connected store reaches it."""
        cluster = self.cluster()
        if not self._store.connected or cluster is None or not cluster.active_hsms():
            return False
        if cluster.has_key(self.handle):
            cluster.delete_key(self.handle)
        return True

    def cluster(self) -> Cluster | None:
        """The cluster that holds the backing key now (the store's current cluster), if any."""
        return self._clusters.cluster_or_none(self._store.cloud_hsm_cluster_id)

    def _cluster(self) -> Cluster:
        cluster = self.cluster()
        if cluster is None:
            raise ServiceError("KMSInvalidStateException", CANNOT_COMMUNICATE)
        return cluster

    def _run(self, cluster: Cluster, action: Callable[[], bytes]) -> bytes:
        try:
            return action()
        except VaultError as error:
            if error.reason == "DECRYPT_FAILED":
                raise ServiceError("InvalidCiphertextException", None) from None
            if error.reason == "NO_ACTIVE_HSM":
                raise self._invalid_state(
                    f"AWS CloudHSM cluster {cluster.cluster_id} has no active HSMs"
                ) from None
            raise self._invalid_state(
                f"its key material is not in AWS CloudHSM cluster {cluster.cluster_id}"
            ) from None

    def _invalid_state(self, cause: str) -> ServiceError:
        return ServiceError(
            "KMSInvalidStateException",
            f"{self._arn} is unavailable: {cause} (custom key store "
            f"{self._store.custom_key_store_id}).",
        )
