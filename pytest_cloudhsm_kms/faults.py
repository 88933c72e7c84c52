"""Named faults: the failures CloudHSM key stores really have.

A fault changes the fake's world the way the real event would, so every API
reports it consistently, and lifting it restores that world exactly. The
same names and options serve the markers, ``--cloudhsm-fault`` and
:meth:`CloudHsmKms.fault <pytest_cloudhsm_kms.CloudHsmKms.fault>`.

A fault applies to everything that exists when it is applied: every custom
key store, cluster and CloudHSM-backed key of every Region the environment
has served.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol

from .kms.keystores import ClusterMaterial, ConnectionState
from .kms.quota import COUNTED_OPERATIONS, Throttle

if TYPE_CHECKING:
    from .environment import CloudHsmKms
    from .kms.keystores import CustomKeyStore

__all__ = [
    "FAULTS",
    "Disconnected",
    "EmptyCluster",
    "Fault",
    "MissingKeyMaterial",
    "Throttled",
    "make_fault",
]

CONNECTION_ERROR_CODES = frozenset({
    "INTERNAL_ERROR", "NETWORK_ERRORS", "CLUSTER_NOT_FOUND", "INSUFFICIENT_CLOUDHSM_HSMS",
    "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET", "INVALID_CREDENTIALS", "SUBNET_NOT_FOUND",
    "USER_LOCKED_OUT", "USER_LOGGED_IN", "USER_NOT_FOUND",
})


class Fault(Protocol):
    """Anything that can be applied to an environment and lifted again."""

    def apply(self, environment: CloudHsmKms) -> None:
        """Change the world."""

    def lift(self, environment: CloudHsmKms) -> None:
        """Restore the world as it was before :meth:`apply`."""


def _stores(environment: CloudHsmKms) -> Iterator[CustomKeyStore]:
    for kms in environment.services("kms"):
        yield from kms.custom_key_stores.values()


@dataclass
class Disconnected:
    """The key store is DISCONNECTED, or FAILED with ``error_code`` (a ``ConnectionErrorCode``).

    Its keys report ``Unavailable`` and their cryptography fails with
    ``KMSInvalidStateException``.
    """

    error_code: str | None = None
    _saved: list[tuple[CustomKeyStore, str, str | None]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.error_code is not None and self.error_code not in CONNECTION_ERROR_CODES:
            raise ValueError(
                f"error_code must be one of {sorted(CONNECTION_ERROR_CODES)}, "
                f"not {self.error_code!r}"
            )

    def apply(self, environment: CloudHsmKms) -> None:
        for store in _stores(environment):
            self._saved.append((store, store.connection_state, store.connection_error_code))
            if self.error_code is None:
                store.connection_state = ConnectionState.DISCONNECTED
                store.connection_error_code = None
            else:
                store.connection_state = ConnectionState.FAILED
                store.connection_error_code = self.error_code

    def lift(self, environment: CloudHsmKms) -> None:
        for store, state, code in self._saved:
            store.connection_state, store.connection_error_code = state, code
        self._saved.clear()


@dataclass
class EmptyCluster:
    """The clusters have no HSM at all: DescribeClusters lists none, cryptography on
    CloudHSM keys fails with ``KMSInvalidStateException``, and a connect attempt
    ends FAILED with ``INSUFFICIENT_CLOUDHSM_HSMS``."""

    _saved: list[tuple[Any, dict[str, Any]]] = field(default_factory=list, repr=False)

    def apply(self, environment: CloudHsmKms) -> None:
        for cloudhsm in environment.services("cloudhsmv2"):
            for cluster in cloudhsm.clusters.values():
                self._saved.append((cluster, dict(cluster.hsms)))
                cluster.hsms.clear()

    def lift(self, environment: CloudHsmKms) -> None:
        for cluster, hsms in self._saved:
            cluster.hsms.update(hsms)
        self._saved.clear()


@dataclass
class MissingKeyMaterial:
    """The backing keys of CloudHSM keys (all, or those ``key_ids`` name: IDs, ARNs or
    aliases) are gone from their clusters. Key state is unchanged; cryptography
    fails with ``KMSInvalidStateException``."""

    key_ids: Collection[str] | None = None
    _saved: list[tuple[Any, int, Any]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.key_ids, str):
            self.key_ids = [self.key_ids]

    def apply(self, environment: CloudHsmKms) -> None:
        wanted: set[str] | None = None
        if self.key_ids is not None:
            kms = environment.kms()
            wanted = {kms.key(key_id).key_id for key_id in self.key_ids}
        for kms in environment.services("kms"):
            for key in kms.keys.values():
                material = key.material
                if not isinstance(material, ClusterMaterial):
                    continue
                if wanted is not None and key.key_id not in wanted:
                    continue
                cluster = material.cluster()
                if cluster is not None and material.handle in cluster.keys:
                    self._saved.append((cluster, material.handle,
                                        cluster.keys.pop(material.handle)))

    def lift(self, environment: CloudHsmKms) -> None:
        for cluster, handle, key_object in self._saved:
            cluster.keys[handle] = key_object
        self._saved.clear()


@dataclass
class Throttled:
    """Quota-counted requests to the key stores get ``ThrottlingException`` (HTTP 400).

    All of them by default; or only past the first ``after``; or only ``times``
    of them; or only beyond ``rate`` requests per virtual second, lowered by
    ``cluster_load`` (0.0 to 1.0, the share of the cluster busy with other
    work); ``operations`` limits it to some operations.
    """

    rate: float | None = None
    after: int = 0
    times: int | None = None
    operations: Collection[str] | None = None
    cluster_load: float = 0.0
    _saved: list[tuple[CustomKeyStore, Throttle | None]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.rate is not None and self.rate < 0:
            raise ValueError(f"rate must be >= 0, not {self.rate!r}")
        if self.after < 0 or (self.times is not None and self.times < 0):
            raise ValueError("after and times must be >= 0")
        if not 0.0 <= self.cluster_load <= 1.0:
            raise ValueError(f"cluster_load must be between 0.0 and 1.0, not {self.cluster_load!r}")
        if isinstance(self.operations, str):
            self.operations = [self.operations]
        unknown = set(self.operations or ()) - COUNTED_OPERATIONS
        if unknown:
            raise ValueError(
                f"operations {sorted(unknown)} are not counted by the key store quota; "
                f"choose from {sorted(COUNTED_OPERATIONS)}"
            )

    def apply(self, environment: CloudHsmKms) -> None:
        for store in _stores(environment):
            self._saved.append((store, store.quota.throttle))
            store.quota.throttle = Throttle(
                rate=self.rate,
                after=self.after,
                times=self.times,
                operations=frozenset(self.operations) if self.operations is not None else None,
                cluster_load=self.cluster_load,
            )

    def lift(self, environment: CloudHsmKms) -> None:
        for store, throttle in self._saved:
            store.quota.throttle = throttle
        self._saved.clear()


FAULTS: dict[str, Callable[..., Fault]] = {
    "disconnected": Disconnected,
    "empty_cluster": EmptyCluster,
    "missing_key_material": MissingKeyMaterial,
    "throttled": Throttled,
}


def make_fault(
    name: str, registry: dict[str, Callable[..., Fault]] | None = None, **options: Any
) -> Fault:
    """Build a named fault; unknown names and options are clear errors."""
    registry = FAULTS if registry is None else registry
    factory = registry.get(name)
    if factory is None:
        raise ValueError(f"unknown fault {name!r}; known faults: {', '.join(sorted(registry))}")
    private = [option for option in options if option.startswith("_")]
    if private:
        raise TypeError(f"fault {name!r} has no option {private[0]!r}")
    try:
        return factory(**options)
    except TypeError as error:
        raise TypeError(f"fault {name!r}: {error}") from None
