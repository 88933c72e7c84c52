"""Named faults: the failures CloudHSM key stores really have.

Every API reports a fault consistently, as AWS reports the real event. The
same names and options serve the markers, ``--cloudhsm-fault`` and
:meth:`CloudHsmKms.fault <pytest_cloudhsm_kms.CloudHsmKms.fault>`.

A fault applies to everything that exists when it is applied: every custom
key store, cluster and CloudHSM-backed key of every Region the environment
has served. The rules every fault follows (docs/aws-behaviour.md §12):

* A fault changes what the world shows and answers, not the world's own
  progress. A store connecting or disconnecting, an HSM being created or
  deleted, a cluster being deleted, daily backups and key deletion all
  complete on time beneath it; lifting it shows the state the world reached.
* The test's own calls while a fault holds are judged by what the fault
  shows, as AWS judges what it sees, and change the real world: a store
  the test connects or disconnects is no longer hidden (lifting leaves it
  as the test left it); CreateHsm under ``empty_cluster`` makes a real HSM,
  cloned from the cluster's hidden ones as AWS clones a new HSM from an
  active one; DeleteCluster under ``empty_cluster`` deletes the hidden HSMs
  with the cluster; an IP address a hidden HSM holds stays taken.
* Backups hold the real key material, faults or not.
* A request that crosses the fault gets the fault's answer, and keeps it:
  a connection attempt that completes under ``empty_cluster`` ends FAILED
  (``INSUFFICIENT_CLOUDHSM_HSMS``) and stays FAILED after the lift.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from numbers import Real
from typing import TYPE_CHECKING, Any, Protocol

from .errors import ServiceError
from .kms.catalog import COUNTED_OPERATIONS
from .kms.clusters import ClusterMaterial
from .kms.keystores import ConnectionState
from .kms.quota import Throttle

if TYPE_CHECKING:
    from .cloudhsm.model import Cluster
    from .environment import CloudHsmKms
    from .kms.keystores import CustomKeyStore
    from .kms.model import Key

__all__ = [
    "CONNECTION_ERROR_CODES",
    "FAULTS",
    "TARGETS",
    "Disconnected",
    "EmptyCluster",
    "Fault",
    "MissingKeyMaterial",
    "Throttled",
    "acted_on",
    "fault_options",
    "make_fault",
]

# The ConnectionErrorCode values of CloudHSM key stores (docs/aws-behaviour.md §1.5).
CONNECTION_ERROR_CODES = frozenset({
    "INTERNAL_ERROR", "NETWORK_ERRORS", "CLUSTER_NOT_FOUND", "INSUFFICIENT_CLOUDHSM_HSMS",
    "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET", "INVALID_CREDENTIALS", "SUBNET_NOT_FOUND",
    "USER_LOCKED_OUT", "USER_LOGGED_IN", "USER_NOT_FOUND",
})
_ARN_REGION = re.compile(r"arn:aws[a-z-]*:kms:([a-z0-9-]+):")


class Fault(Protocol):
    """Anything that can be applied to an environment and lifted again."""

    def apply(self, environment: CloudHsmKms) -> None:
        """Change what the world shows and answers."""

    def lift(self, environment: CloudHsmKms) -> None:
        """Undo what :meth:`apply` shows: the world shows the state it has reached."""


def _stores(environment: CloudHsmKms) -> Iterator[CustomKeyStore]:
    for kms in environment.services("kms"):
        yield from kms.custom_key_stores.values()


def _check_int(name: str, value: object, *, optional: bool = False) -> None:
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        wanted = "an int >= 0 or None" if optional else "an int >= 0"
        raise ValueError(f"{name} must be {wanted}, not {value!r}")


def _names(name: str, value: object) -> list[str] | None:
    """``None``, one string, or a collection of non-empty strings, as a list."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Collection) or isinstance(items, (bytes, dict)) or not all(
            isinstance(item, str) and item for item in items):
        raise ValueError(f"{name} must be a string or a list of strings, not {value!r}")
    return list(items)


@dataclass
class Disconnected:
    """The key stores are DISCONNECTED, or FAILED with ``error_code`` (a ``ConnectionErrorCode``).

    DescribeCustomKeyStores shows the state (and ``ConnectionErrorCode`` when
    FAILED); the stores' keys report ``KeyState`` ``Unavailable`` (those pending
    deletion stay ``PendingDeletion``) and their cryptography fails with
    ``KMSInvalidStateException: <key ARN> is unavailable.`` Each store keeps its
    real state aside (``CustomKeyStore.hidden_state``): connecting and
    disconnecting complete beneath the fault.
    """

    error_code: str | None = None
    # (store, the state shown before the fault, whether another fault hid it already)
    _saved: list[tuple[CustomKeyStore, tuple[str, str | None], bool]] = field(
        default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.error_code is not None and self.error_code not in CONNECTION_ERROR_CODES:
            raise ValueError(
                f"error_code must be None (DISCONNECTED) or a ConnectionErrorCode of a CloudHSM "
                f"key store: {', '.join(sorted(CONNECTION_ERROR_CODES))}; not {self.error_code!r}"
            )

    @property
    def _state(self) -> tuple[str, str | None]:
        if self.error_code is None:
            return ConnectionState.DISCONNECTED, None
        return ConnectionState.FAILED, self.error_code

    def apply(self, environment: CloudHsmKms) -> None:
        for store in _stores(environment):
            shown = (store.connection_state, store.connection_error_code)
            self._saved.append((store, shown, store.hidden_state is not None))
            if store.hidden_state is None:
                store.hidden_state = shown
            store.connection_state, store.connection_error_code = self._state

    def lift(self, environment: CloudHsmKms) -> None:
        for store, shown, under_another in reversed(self._saved):
            _show_again(store, shown, under_another)
        self._saved.clear()


def _show_again(store: CustomKeyStore, shown: tuple[str, str | None],
                under_another: bool) -> None:
    """Undo what a disconnected fault shows of one store.

    A store the test connected, disconnected or reconfigured meanwhile is no longer
    hidden and keeps the state it reached. Under another fault, the store shows that fault's
    state again; otherwise the state it reached beneath the fault.
    """
    if store.hidden_state is None:
        return
    if under_another:
        store.connection_state, store.connection_error_code = shown
    else:
        store.connection_state, store.connection_error_code = store.hidden_state
        store.hidden_state = None


@dataclass
class EmptyCluster:
    """The clusters show no HSM, as if every HSM had been deleted.

    DescribeClusters lists no HSM (the cluster stays ACTIVE); cryptography with
    CloudHSM keys fails with ``KMSInvalidStateException``; a connection attempt
    ends FAILED with ``INSUFFICIENT_CLOUDHSM_HSMS``. Stores stay CONNECTED, as
    KMS reports a broken cluster behind a connected store (docs/aws-behaviour.md
    §1.4). The hidden HSMs still complete their creation or deletion, and an
    HSM the test creates meanwhile is shown (module docstring).
    """

    _saved: list[tuple[Cluster, set[str]]] = field(default_factory=list, repr=False)

    def apply(self, environment: CloudHsmKms) -> None:
        for cloudhsm in environment.services("cloudhsmv2"):
            for cluster in cloudhsm.clusters.values():
                hidden = set(cluster.hsms) - cluster.hidden_hsms
                cluster.hidden_hsms |= hidden
                self._saved.append((cluster, hidden))

    def lift(self, environment: CloudHsmKms) -> None:
        for cluster, hidden in reversed(self._saved):
            cluster.hidden_hsms -= hidden
        self._saved.clear()


@dataclass
class MissingKeyMaterial:
    """The backing keys of CloudHSM keys are gone from their clusters.

    All of them, or only those of ``key_ids`` (key IDs, key ARNs, alias names
    or alias ARNs). The keys' state is unchanged (``Enabled`` stays
    ``Enabled``), but their cryptography fails with ``KMSInvalidStateException``,
    as after an HSM was restored from a backup older than the key
    (docs/aws-behaviour.md §2.6). The cluster still holds the key objects:
    backups taken meanwhile include them.
    """

    key_ids: Collection[str] | None = None
    _saved: list[tuple[Cluster, int]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.key_ids = _names("key_ids", self.key_ids)

    def apply(self, environment: CloudHsmKms) -> None:
        wanted = None if self.key_ids is None else {
            _resolve(environment, key_id).key_id for key_id in self.key_ids}
        for kms in environment.services("kms"):
            for key in kms.keys.values():
                material = key.material
                if not isinstance(material, ClusterMaterial):
                    continue
                if wanted is not None and key.key_id not in wanted:
                    continue
                cluster = material.cluster()
                handle = material.handle
                if cluster is not None and handle in cluster.keys and (
                        handle not in cluster.hidden_keys):
                    cluster.hidden_keys.add(handle)
                    self._saved.append((cluster, handle))

    def lift(self, environment: CloudHsmKms) -> None:
        for cluster, handle in reversed(self._saved):
            cluster.hidden_keys.discard(handle)
        self._saved.clear()


def _resolve(environment: CloudHsmKms, key_id: str) -> Key:
    """A CloudHSM key store key named by ID, ARN or alias (an ARN names its Region)."""
    match = _ARN_REGION.match(key_id)
    region = match.group(1) if match else environment.region
    for kms in environment.services("kms"):
        if kms.region != region:
            continue
        try:
            key: Key = kms.key(key_id)
        except ServiceError:
            break
        if not isinstance(key.material, ClusterMaterial):
            raise ValueError(f"key_ids: {key_id!r} is not a key in a CloudHSM key store")
        return key
    raise ValueError(f"key_ids: no KMS key {key_id!r} in {region}")


@dataclass
class Throttled:
    """Requests the key store quota counts get ``ThrottlingException`` (HTTP 400).

    The message is AWS's: "You have exceeded the rate at which you may call
    KMS. Reduce the frequency of your calls." Counted requests are those of the
    operations whose declaration marks them counted by the quota
    (``pytest_cloudhsm_kms.kms.catalog.COUNTED_OPERATIONS``) on keys of the
    stores (GenerateRandom: with a key store); ``operations`` narrows them to
    some of those operations. Of those:

    * all are throttled by default;
    * ``after=N`` lets the first N through;
    * ``times=N`` throttles N of them, then lets the rest through (``times=2``:
      botocore's standard mode succeeds on its third attempt);
    * ``rate=R`` throttles only beyond R requests per virtual second, and
      ``cluster_load`` (0.0 to 1.0, the share of the cluster busy with other
      work) lowers that rate, or the store's quota of 1,800 if no rate is given.

    ``after`` and ``times`` count over every store; rates are per store.
    """

    rate: float | None = None
    after: int = 0
    times: int | None = None
    operations: Collection[str] | None = None
    cluster_load: float = 0.0
    _saved: list[tuple[CustomKeyStore, Throttle | None]] = field(default_factory=list, repr=False)
    _throttle: Throttle | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.rate is not None and (
                isinstance(self.rate, bool) or not isinstance(self.rate, Real) or self.rate < 0):
            raise ValueError(f"rate must be a number >= 0 (requests per second) or None, "
                             f"not {self.rate!r}")
        _check_int("after", self.after)
        _check_int("times", self.times, optional=True)
        if isinstance(self.cluster_load, bool) or not isinstance(self.cluster_load, Real) or (
                not 0.0 <= self.cluster_load <= 1.0):
            raise ValueError(
                f"cluster_load must be a number from 0.0 to 1.0, not {self.cluster_load!r}")
        self.operations = _names("operations", self.operations)
        unknown = set(self.operations or ()) - COUNTED_OPERATIONS
        if unknown:
            raise ValueError(
                f"operations {sorted(unknown)} are not counted by the key store quota; "
                f"choose from {', '.join(sorted(COUNTED_OPERATIONS))}"
            )

    @property
    def throttled(self) -> int:
        """How many requests this fault has throttled so far."""
        return self._throttle.throttled if self._throttle is not None else 0

    def apply(self, environment: CloudHsmKms) -> None:
        if self._throttle is None:  # applied again (over a fault lifted beneath it): keep counting
            self._throttle = Throttle(
                rate=None if self.rate is None else float(self.rate),
                after=self.after,
                times=self.times,
                operations=frozenset(self.operations) if self.operations is not None else None,
                cluster_load=float(self.cluster_load),
            )
        for store in _stores(environment):
            self._saved.append((store, store.quota.throttle))
            store.quota.throttle = self._throttle

    def lift(self, environment: CloudHsmKms) -> None:
        for store, throttle in reversed(self._saved):
            if store.quota.throttle is self._throttle:
                store.quota.throttle = throttle
        self._saved.clear()


FAULTS: dict[str, Callable[..., Fault]] = {
    "disconnected": Disconnected,
    "empty_cluster": EmptyCluster,
    "missing_key_material": MissingKeyMaterial,
    "throttled": Throttled,
}


def fault_options(factory: Callable[..., Fault]) -> list[str] | None:
    """The option names a fault factory takes (``None``: it takes any, or cannot tell)."""
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return None
    names = []
    for parameter in parameters:
        if parameter.kind is parameter.VAR_KEYWORD:
            return None
        if parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD) and (
                not parameter.name.startswith("_")):
            names.append(parameter.name)
    return names


def make_fault(
    name: str, registry: dict[str, Callable[..., Fault]] | None = None, **options: Any
) -> Fault:
    """Build a named fault.

    An unknown name, or a name that is not a string, is a ``ValueError``; an
    unknown option a ``TypeError``; a bad option value a ``ValueError``. Each
    message names the fault and what it takes.
    """
    registry = FAULTS if registry is None else registry
    factory = registry.get(name) if isinstance(name, str) else None
    if factory is None:
        raise ValueError(f"unknown fault {name!r}; known faults: {', '.join(sorted(registry))}")
    known = fault_options(factory)
    unknown = [o for o in options if o.startswith("_") or (known is not None and o not in known)]
    if unknown:
        takes = ", ".join(known) if known else "no options"
        raise TypeError(f"fault {name!r} has no option {unknown[0]!r}; it takes {takes}")
    try:
        return factory(**options)
    except (TypeError, ValueError) as error:
        raise type(error)(f"fault {name!r}: {error}") from None


# What each built-in fault acts on, as the warning about a fault that found none names it.
TARGETS: dict[type, str] = {
    Disconnected: "custom key store",
    EmptyCluster: "CloudHSM cluster",
    MissingKeyMaterial: "key in a CloudHSM key store",
    Throttled: "custom key store",
}


def acted_on(fault: Fault) -> int | None:
    """How many stores, clusters or keys ``fault`` acted on when it was applied.

    ``None`` when it cannot tell. A registered fault may define its own
    ``acted_on`` count (an ``int`` attribute or property); the built-in ones count
    what they changed and will restore.
    """
    count = getattr(fault, "acted_on", None)
    if isinstance(count, int) and not isinstance(count, bool):
        return count
    if type(fault) in TARGETS:
        return len(getattr(fault, "_saved", ()))
    return None
