"""The clients of the environments: one session per process, and a pool for the fixtures.

:meth:`CloudHsmKms.client` and :meth:`CloudHsmKms.aio_client` make every
client from one session made once per process with the fake credentials: it
reads no credentials or config file and loads each model once, so a client
costs what botocore's ``create_client`` costs (about 2 ms).

The ``kms_client`` and ``cloudhsmv2_client`` fixtures skip even that: they
lease a client from :data:`POOL`, which hands a client back out to a later
test of the process only if nothing about it can tell the two tests apart:

* it was made for the same service and Region, under the same ``AWS_*`` and
  proxy variables of ``os.environ`` (botocore reads its retry mode, maximum
  attempts, endpoint URLs, FIPS and dual-stack choices and proxies from them
  when it makes a client);
* the test registered or unregistered no handler on its ``meta.events``
  (``Stubber.activate`` and ``deactivate`` do), and added or replaced no
  attribute of the client, its class, its ``meta`` or its config.

Otherwise the client is dropped and the next test gets a new one. A leased
client is out of the pool until it is given back, so no two tests (threads,
xdist workers: the pool is per process) share one. Its retry state (standard
mode's retry quota, adaptive mode's rate limiter) starts fresh in each
environment (:mod:`.routing.backoff`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from botocore.hooks import HierarchicalEmitter

from . import isolation

__all__ = ["POOL", "ClientPool", "aio_session", "make_client"]

_FAKE_KEYS = {
    "aws_access_key_id": isolation.FAKE_ACCESS_KEY_ID,
    "aws_secret_access_key": isolation.FAKE_SECRET_ACCESS_KEY,
}


@functools.cache
def client_session() -> Any:
    """The process's one boto3 session (botocore's when boto3 is not installed), with
    the fake credentials; its loaded models are reused by every client it makes."""
    try:
        import boto3
    except ImportError:  # pragma: no cover - boto3 is optional
        import botocore.session

        session = botocore.session.Session()
        session.set_credentials(*_FAKE_KEYS.values())
        return session
    return boto3.session.Session(**_FAKE_KEYS)


def make_client(service: str, region: str, **kwargs: Any) -> Any:
    """A new boto3 (else botocore) client of :func:`client_session`."""
    session = client_session()
    make = getattr(session, "client", None) or session.create_client
    return make(service, region_name=region, **kwargs)


def aio_session() -> Any:
    """The one aiobotocore session (one per import of aiobotocore: pytester's
    in-process runs may import it afresh)."""
    from aiobotocore.session import AioSession

    return _aio_session_of(AioSession)


@functools.cache
def _aio_session_of(session_class: Any) -> Any:
    session = session_class()
    session.set_credentials(*_FAKE_KEYS.values())
    return session


# -- the pool of the fixtures' clients ------------------------------------------------------


class _WatchedEmitter(HierarchicalEmitter):  # type: ignore[misc]  # botocore is untyped
    """A client's event emitter that notes any change to its handlers.

    The pool gives a new client's emitter (the one its ``meta.events`` wraps and its
    endpoint and signer share) this class: a noted change keeps the client out of
    the pool. Registering through ``meta.events`` goes through these methods too.
    """

    def register(self, *args: Any, **kwargs: Any) -> Any:
        self._cloudhsm_kms_changed = True
        return super().register(*args, **kwargs)

    def register_first(self, *args: Any, **kwargs: Any) -> Any:
        self._cloudhsm_kms_changed = True
        return super().register_first(*args, **kwargs)

    def register_last(self, *args: Any, **kwargs: Any) -> Any:
        self._cloudhsm_kms_changed = True
        return super().register_last(*args, **kwargs)

    def unregister(self, *args: Any, **kwargs: Any) -> Any:
        self._cloudhsm_kms_changed = True
        return super().unregister(*args, **kwargs)


def _environ_fingerprint() -> tuple[tuple[str, str], ...]:
    """The variables of ``os.environ`` botocore may read when it makes a client."""
    return tuple(sorted(
        (name, value) for name, value in os.environ.items()
        if name.startswith("AWS_") or name.lower().endswith("_proxy")
    ))


def _parts(client: Any) -> tuple[Any, ...]:
    """The objects whose attributes make a client what it is (botocore makes a class
    for each client)."""
    return client, type(client), client.meta, client.meta.config


_MISSING = object()


class _Lease:
    """A pooled client, with what it looked like when it was pooled."""

    __slots__ = ("client", "emitter", "key", "snapshot")

    def __init__(self, key: tuple[Any, ...]) -> None:
        service, region, _ = self.key = key
        self.client = client = make_client(service, region)
        client.exceptions  # noqa: B018 - loaded now (cached per service), so the snapshot has it
        emitter = getattr(client.meta.events, "_emitter", None)
        if type(emitter) is HierarchicalEmitter:
            emitter.__class__ = _WatchedEmitter
            self.emitter: HierarchicalEmitter | None = emitter
        else:  # not botocore's usual emitter: changes cannot be seen, so never pooled
            self.emitter = None
        self.snapshot = [dict(vars(part)) for part in _parts(client)]

    def unchanged(self) -> bool:
        """Whether the client is as it was pooled: same handlers, same attributes."""
        if self.emitter is None or "_cloudhsm_kms_changed" in vars(self.emitter):
            return False
        for part, before in zip(_parts(self.client), self.snapshot, strict=True):
            now = vars(part)
            if len(now) != len(before) or any(
                now.get(name, _MISSING) is not value for name, value in before.items()
            ):
                return False
        return True


class ClientPool:
    """Clients reused between tests while no test changes them (see the module's docstring)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        """How many idle clients it keeps at most; the least recently used go first."""
        self._idle: OrderedDict[tuple[Any, ...], list[_Lease]] = OrderedDict()
        self._count = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def lease(self, service: str, region: str) -> Iterator[Any]:
        """A client for the ``with`` block: an idle one made under the same settings,
        else a new one; given back afterwards if the block left it unchanged."""
        key = (service, region, _environ_fingerprint())
        with self._lock:
            idle = self._idle.get(key)
            lease = idle.pop() if idle else None
            if lease is not None:
                self._count -= 1
                if not idle:
                    del self._idle[key]
        if lease is None:
            lease = _Lease(key)
        yield lease.client
        if lease.unchanged():
            self._give_back(lease)

    def _give_back(self, lease: _Lease) -> None:
        with self._lock:
            self._idle.setdefault(lease.key, []).append(lease)
            self._idle.move_to_end(lease.key)
            self._count += 1
            while self._count > self.size:
                _, dropped = self._idle.popitem(last=False)
                self._count -= len(dropped)

    def clear(self) -> None:
        """Drop every idle client."""
        with self._lock:
            self._idle.clear()
            self._count = 0


POOL = ClientPool()
"""The process's pool of the fixtures' clients."""
