"""Custom key stores of type ``AWS_CLOUDHSM``: the six operations, connection, backing keys.

Choices where AWS documents nothing (docs/aws-behaviour.md §1):

* ConnectCustomKeyStore refuses synchronously only a cluster that is not
  ACTIVE (``CloudHsmClusterNotActiveException``). Every other failure is
  found while connecting and leaves the store FAILED with a
  ``ConnectionErrorCode``: ``CLUSTER_NOT_FOUND`` (no such cluster, or one
  being deleted), ``INSUFFICIENT_CLOUDHSM_HSMS`` (no ACTIVE HSM),
  ``INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET`` (HSMs hold every address of a
  cluster subnet; the network interfaces of connected stores are not counted),
  or the ``kmsuser`` login outcome (``USER_NOT_FOUND``, ``USER_LOCKED_OUT``,
  ``USER_LOGGED_IN``, ``INVALID_CREDENTIALS``). A failed login counts
  against ``kmsuser`` (documented: §1.5); the fifth in a row locks it.
* Connecting takes ``Settings.connect_delay`` virtual seconds (default 0:
  the store is CONNECTING in the call's own answer and CONNECTED, or FAILED,
  from the next request on); disconnecting takes ``Settings.disconnect_delay``.
  Connect on a CONNECTED or CONNECTING store changes nothing. An attempt that was disconnected
  before it finished never completes a later one.
* Keys of a store that is not CONNECTED (CONNECTING and DISCONNECTING
  included) report ``Unavailable``, except those pending deletion.
* A store remembers the cluster certificate of its cluster, so a cluster
  restored from a backup of it stays related (UpdateCustomKeyStore) and in
  use (CreateCustomKeyStore) even once the original cluster is deleted.
* Renaming is allowed only while CONNECTED or DISCONNECTED, as the model
  text names only those two states.
* DeleteCustomKeyStore checks the state before the keys.
* Creating an identical DISCONNECTED store again returns its ID. Identical to
  a store that is connected, or whose password KMS has rotated since, is
  ``CustomKeyStoreNameInUseException`` (the name is checked first).
* CreateKey in a CONNECTED store whose cluster is gone or not ACTIVE is
  ``CloudHsmClusterInvalidConfigurationException``, the only cluster error
  CreateKey's model lists (and the documented answer for a cluster short of two
  ACTIVE HSMs in two Availability Zones: §2.1).
* Cryptography that fails in the cluster (no ACTIVE HSM, backing key gone)
  is ``KMSInvalidStateException`` with a message in the form
  ``<key ARN> is unavailable: <cause> (custom key store <ID>).``; a cluster
  that is gone answers AWS's documented ``KMS cannot communicate with your
  CloudHSM cluster``. The key state does not change (docs/aws-behaviour.md
  §2.3, §2.6).
* Each key of a request counts against its store's quota, so a ReEncrypt
  between two keys of one store counts twice (one decryption and one
  encryption in the cluster). A request refused for the key's state still
  counts.
* Sending both ``CustomKeyStoreId`` and ``CustomKeyStoreName`` to
  DescribeCustomKeyStores, ``EXTERNAL_KEY_STORE`` stores (not modelled by
  this fake yet) and ``Xks*`` members for a CloudHSM store are
  ``ValidationException``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..context import RequestContext
from ..errors import ServiceError
from ..pagination import numbering
from .checks import paginate
from .clusters import ClusterAccess
from .declaration import DECLARED, declared_error, operation
from .quota import RequestQuota
from .registry import Scope

if TYPE_CHECKING:
    from .model import Key

__all__ = ["KMSUSER", "ConnectionState", "CustomKeyStore", "CustomKeyStores", "check_state"]

KMSUSER = "kmsuser"
_PASSWORD_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class ConnectionState:
    """The ``ConnectionState`` values of the KMS API."""

    CONNECTED = "CONNECTED"
    CONNECTING = "CONNECTING"
    FAILED = "FAILED"
    DISCONNECTED = "DISCONNECTED"
    DISCONNECTING = "DISCONNECTING"


@dataclass(eq=False)
class CustomKeyStore:
    """A custom key store. A new one is ``DISCONNECTED`` until ConnectCustomKeyStore."""

    custom_key_store_id: str
    custom_key_store_name: str
    cloud_hsm_cluster_id: str
    trust_anchor_certificate: str
    key_store_password: str
    creation_date: float
    quota: RequestQuota
    connection_state: str = ConnectionState.DISCONNECTED
    connection_error_code: str | None = None
    custom_key_store_type: str = "AWS_CLOUDHSM"
    keys: dict[str, Key] = field(default_factory=dict)
    cluster_certificate: str | None = field(default=None, repr=False)
    """The lineage of its cluster: related clusters have the same cluster certificate."""
    connection_attempt: int = field(default=0, repr=False)
    """Counts Connect and Disconnect requests, so a stale completion never ends a later one."""
    hidden_state: tuple[str, str | None] | None = field(default=None, repr=False)
    """While a fault shows another connection state: the real (state, error code)."""

    @property
    def connected(self) -> bool:
        """Whether its keys are available."""
        return self.connection_state == ConnectionState.CONNECTED

    @property
    def real_state(self) -> str:
        """The connection state the store has reached, whatever a fault shows."""
        return self.connection_state if self.hidden_state is None else self.hidden_state[0]

    def set_state(self, state: str, code: str | None = None) -> None:
        """A request changes the state it sees; the change is real (no fault hides it)."""
        self.connection_state, self.connection_error_code = state, code
        self.hidden_state = None

    def reach(self, state: str, code: str | None = None) -> None:
        """The store's own progress: beneath a fault that shows another state, if one does
        (docs/aws-behaviour.md §12)."""
        if self.hidden_state is None:
            self.connection_state, self.connection_error_code = state, code
        else:
            self.hidden_state = (state, code)

    def entry(self) -> dict[str, Any]:
        """The ``CustomKeyStoresListEntry`` of DescribeCustomKeyStores."""
        entry: dict[str, Any] = {
            "CustomKeyStoreId": self.custom_key_store_id,
            "CustomKeyStoreName": self.custom_key_store_name,
            "CloudHsmClusterId": self.cloud_hsm_cluster_id,
            "TrustAnchorCertificate": self.trust_anchor_certificate,
            "ConnectionState": self.connection_state,
            "CreationDate": self.creation_date,
            "CustomKeyStoreType": self.custom_key_store_type,
        }
        if self.connection_state == ConnectionState.FAILED and self.connection_error_code:
            entry["ConnectionErrorCode"] = self.connection_error_code
        return entry


# The connection states each operation on a store admits are in its declaration
# (docs/aws-behaviour.md §1.10); a new password or cluster needs a DISCONNECTED store.
_RECONFIGURABLE = frozenset({ConnectionState.DISCONNECTED})


def check_state(ctx: RequestContext, store: CustomKeyStore,
                states: frozenset[str] | None = None) -> CustomKeyStore:
    """``CustomKeyStoreInvalidStateException`` unless the store's connection state is one
    the operation declares (or one of ``states``)."""
    if store.connection_state not in (states or DECLARED[ctx.operation].store_states):
        raise ServiceError(
            "CustomKeyStoreInvalidStateException",
            f"Custom key store {store.custom_key_store_id} is in the "
            f"{store.connection_state} state; this operation is not valid in that state.",
        )
    return store


@dataclass(eq=False)
class CustomKeyStores:
    """The custom key store operations, and the stores of one account and Region."""

    scope: Scope
    clusters: ClusterAccess
    custom_key_stores: dict[str, CustomKeyStore] = field(default_factory=dict)

    @operation(messages={
        "external": ("ValidationException", "pytest-cloudhsm-kms does not model "
                     "EXTERNAL_KEY_STORE custom key stores yet."),
        "required": ("ValidationException",
                     "{member} is required for a custom key store of type AWS_CLOUDHSM."),
        "limit": ("LimitExceededException",
                  "The maximum of {limit} custom key stores has been reached."),
        "in use": ("CloudHsmClusterInUseException",
                   "Cluster {cluster_id} is already associated with custom key store "
                   "{store_id}, directly or through its backup history."),
        "trust anchor": ("IncorrectTrustAnchorException",
                         "The trust anchor certificate does not match the trust anchor of "
                         "cluster {cluster_id}."),
    })
    def CreateCustomKeyStore(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        if p.get("CustomKeyStoreType", "AWS_CLOUDHSM") != "AWS_CLOUDHSM":
            raise declared_error(ctx, "external")
        _refuse_xks_members(p)
        for member in ("CloudHsmClusterId", "TrustAnchorCertificate", "KeyStorePassword"):
            if member not in p:
                raise declared_error(ctx, "required", member=member)
        name, cluster_id = p["CustomKeyStoreName"], p["CloudHsmClusterId"]
        anchor, password = p["TrustAnchorCertificate"], p["KeyStorePassword"]
        for store in self.custom_key_stores.values():
            if (store.custom_key_store_name, store.cloud_hsm_cluster_id,
                    store.trust_anchor_certificate, store.key_store_password) == (
                    name, cluster_id, anchor, password) and (
                    store.connection_state == ConnectionState.DISCONNECTED):
                return {"CustomKeyStoreId": store.custom_key_store_id}
        self._check_name_free(name, None)
        limit = self.scope.settings.max_custom_key_stores
        if len(self.custom_key_stores) >= limit:
            raise declared_error(ctx, "limit", limit=limit)
        cluster = self.clusters.cluster(cluster_id)
        for store in self.custom_key_stores.values():
            related = cluster.cluster_certificate is not None and (
                store.cluster_certificate == cluster.cluster_certificate)
            if store.cloud_hsm_cluster_id == cluster_id or related:
                raise declared_error(ctx, "in use", cluster_id=cluster_id,
                                     store_id=store.custom_key_store_id)
        self.clusters.check_cluster(cluster, hsms_needed=2)
        if _normalise_pem(anchor) != _normalise_pem(cluster.trust_anchor or ""):
            raise declared_error(ctx, "trust anchor", cluster_id=cluster_id)
        store_id = "cks-" + self.scope.entropy.bytes(9).hex()[:17]
        self.custom_key_stores[store_id] = CustomKeyStore(
            custom_key_store_id=store_id,
            custom_key_store_name=name,
            cloud_hsm_cluster_id=cluster_id,
            trust_anchor_certificate=anchor,
            key_store_password=password,
            creation_date=ctx.date(),
            quota=RequestQuota(self.scope.clock, self.scope.settings.key_store_request_rate),
            cluster_certificate=cluster.cluster_certificate,
        )
        return {"CustomKeyStoreId": store_id}

    @operation(messages={
        "both": ("ValidationException",
                 "Specify either CustomKeyStoreId or CustomKeyStoreName, but not both."),
    })
    def DescribeCustomKeyStores(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        store_id, name = p.get("CustomKeyStoreId"), p.get("CustomKeyStoreName")
        if store_id is not None and name is not None:
            raise declared_error(ctx, "both")
        stores = list(self.custom_key_stores.values())
        if store_id is not None:
            stores = [self.custom_key_store(store_id)]
        elif name is not None:
            stores = [s for s in stores if s.custom_key_store_name == name]
            if not stores:
                raise _not_found(name)
        numbers = numbering(self, "custom key stores").number(self.custom_key_stores)
        page, result = paginate(stores, p, default_limit=100,
                                number=lambda s: numbers[s.custom_key_store_id])
        result["CustomKeyStores"] = [s.entry() for s in page]
        return result

    @operation(store_states={ConnectionState.CONNECTED, ConnectionState.CONNECTING,
                             ConnectionState.DISCONNECTED})
    def ConnectCustomKeyStore(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        store = self.custom_key_store(p["CustomKeyStoreId"])
        check_state(ctx, store)
        if store.connection_state != ConnectionState.DISCONNECTED:
            return {}
        cluster = self.clusters.cluster_or_none(store.cloud_hsm_cluster_id)
        if cluster is not None and cluster.state not in (
                "ACTIVE", "DELETE_IN_PROGRESS", "DELETED"):
            raise self.clusters.not_active(cluster)
        store.set_state(ConnectionState.CONNECTING)
        store.connection_attempt += 1
        attempt = store.connection_attempt
        self.scope.clock.call_later(self.scope.settings.connect_delay,
                                    lambda: self.finish_connecting(store, attempt))
        return {}

    @operation(store_states={ConnectionState.CONNECTED, ConnectionState.CONNECTING,
                             ConnectionState.FAILED})
    def DisconnectCustomKeyStore(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        store = self.custom_key_store(p["CustomKeyStoreId"])
        check_state(ctx, store)
        store.set_state(ConnectionState.DISCONNECTING)
        store.connection_attempt += 1
        attempt = store.connection_attempt
        cluster = self.clusters.cluster_or_none(store.cloud_hsm_cluster_id)
        if cluster is not None:
            cluster.logout(KMSUSER)
        self.scope.clock.call_later(self.scope.settings.disconnect_delay,
                                    lambda: self._finish_disconnecting(store, attempt))
        return {}

    @operation(store_states={ConnectionState.CONNECTED, ConnectionState.DISCONNECTED}, messages={
        "not related": ("CloudHsmClusterNotRelatedException",
                        "Cluster {cluster_id} does not share a backup history with cluster "
                        "{store_cluster_id}."),
    })
    def UpdateCustomKeyStore(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        store = self.custom_key_store(p["CustomKeyStoreId"])
        new_name = p.get("NewCustomKeyStoreName")
        password, cluster_id = p.get("KeyStorePassword"), p.get("CloudHsmClusterId")
        _refuse_xks_members(p)
        check_state(ctx, store, None if password is None and cluster_id is None
                    else _RECONFIGURABLE)
        if new_name is not None:
            self._check_name_free(new_name, store)
        if cluster_id is not None and cluster_id != store.cloud_hsm_cluster_id:
            cluster = self.clusters.cluster(cluster_id)
            if cluster.cluster_certificate is None or (
                    cluster.cluster_certificate != store.cluster_certificate):
                raise declared_error(ctx, "not related", cluster_id=cluster_id,
                                     store_cluster_id=store.cloud_hsm_cluster_id)
            self.clusters.check_cluster(cluster, hsms_needed=2)
            store.cloud_hsm_cluster_id = cluster_id
        if new_name is not None:
            store.custom_key_store_name = new_name
        if password is not None:
            store.key_store_password = password
        if password is not None or cluster_id is not None:
            # Reconfigured as the DISCONNECTED store it is shown as, it is one for real
            # (a disconnected fault no longer hides it: docs/aws-behaviour.md §12.2).
            store.set_state(ConnectionState.DISCONNECTED)
        return {}

    @operation(store_states={ConnectionState.DISCONNECTED}, messages={
        "has keys": ("CustomKeyStoreHasCMKsException",
                     "Custom key store {store_id} contains KMS keys. Schedule them for "
                     "deletion and wait for the waiting periods to end."),
    })
    def DeleteCustomKeyStore(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        store = self.custom_key_store(p["CustomKeyStoreId"])
        check_state(ctx, store)
        if store.keys:
            raise declared_error(ctx, "has keys", store_id=store.custom_key_store_id)
        del self.custom_key_stores[store.custom_key_store_id]
        return {}

    # -- lookups and the connection ---------------------------------------------

    def _check_name_free(self, name: str, renamed: CustomKeyStore | None) -> None:
        """``CustomKeyStoreNameInUseException`` if another store has ``name``."""
        for store in self.custom_key_stores.values():
            if store.custom_key_store_name == name and store is not renamed:
                raise ServiceError(
                    "CustomKeyStoreNameInUseException",
                    f"A custom key store with name {name} already exists.",
                )

    def custom_key_store(self, custom_key_store_id: str) -> CustomKeyStore:
        """A custom key store by ID, or ``CustomKeyStoreNotFoundException``."""
        store = self.custom_key_stores.get(custom_key_store_id)
        if store is None:
            raise _not_found(custom_key_store_id)
        return store

    def finish_connecting(self, store: CustomKeyStore, attempt: int | None = None) -> None:
        """End a connection attempt: CONNECTED, or FAILED with the cause's error code.

        ``attempt`` (the store's ``connection_attempt`` when it started) makes a
        stale attempt a no-op; ``None`` ends whichever attempt is under way.
        """
        if store.real_state != ConnectionState.CONNECTING:
            return
        if attempt is not None and attempt != store.connection_attempt:
            return
        error = self._connection_error(store)
        if error is None:
            store.reach(ConnectionState.CONNECTED)
        else:
            store.reach(ConnectionState.FAILED, error)

    def _connection_error(self, store: CustomKeyStore) -> str | None:
        cluster = self.clusters.cluster_or_none(store.cloud_hsm_cluster_id)
        if cluster is None or cluster.state in ("DELETE_IN_PROGRESS", "DELETED"):
            return "CLUSTER_NOT_FOUND"
        if not cluster.active_hsms():
            return "INSUFFICIENT_CLOUDHSM_HSMS"
        if self.clusters.subnet_without_free_address(cluster) is not None:
            return "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET"
        outcome: str | None = cluster.login(KMSUSER, store.key_store_password)
        if outcome is not None:
            return outcome
        # KMS rotates the kmsuser password to one only it knows, and stays logged in.
        rotated = self.scope.entropy.token(_PASSWORD_ALPHABET, 32)
        cluster.set_password(KMSUSER, rotated)
        store.key_store_password = rotated
        return None

    def _finish_disconnecting(self, store: CustomKeyStore, attempt: int) -> None:
        if store.real_state == ConnectionState.DISCONNECTING and (
                attempt == store.connection_attempt):
            store.reach(ConnectionState.DISCONNECTED)

    def random(self, ctx: RequestContext, store: CustomKeyStore, count: int) -> bytes:
        """GenerateRandom from the store's cluster. A connected store whose cluster has no
        ACTIVE HSM is GenerateRandom's ``"no_active_hsms"`` (a choice: docs/aws-behaviour.md
        §4.5)."""
        check_state(ctx, store)
        store.quota.consume(ctx.operation)
        cluster = self.clusters.cluster_or_none(store.cloud_hsm_cluster_id)
        if cluster is None or not cluster.active_hsms():
            raise declared_error(ctx, "no_active_hsms", store_id=store.custom_key_store_id)
        random: bytes = cluster.generate_random(count)
        return random


def _not_found(store: str) -> ServiceError:
    """No store of this ID, or (DescribeCustomKeyStores) of this name: one text."""
    return ServiceError("CustomKeyStoreNotFoundException",
                        f"Custom key store {store} does not exist.")


def _normalise_pem(pem: str) -> str:
    return "".join(pem.split())


def _refuse_xks_members(p: dict[str, Any]) -> None:
    """``Xks*`` members configure external key stores, which this fake does not model."""
    if any(member.startswith("Xks") for member in p):
        raise ServiceError(
            "ValidationException",
            "Xks properties apply only to custom key stores of type EXTERNAL_KEY_STORE.",
        )
