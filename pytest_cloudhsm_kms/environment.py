"""``CloudHsmKms``: the fake KMS and CloudHSM v2 of one test, usable without pytest."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import botocore.endpoint
from botocore.exceptions import CapacityNotAvailableError
from botocore.retries import bucket

from . import routing
from .clock import VirtualClock
from .cloudhsm.service import KMSUSER_PASSWORD, CloudHsmService
from .entropy import Entropy
from .errors import ServiceError
from .faults import FAULTS, Fault, make_fault
from .kms.registry import Scope
from .kms.service import KmsService
from .protocol import WireResponse
from .protocol.codecs import codec as _codec
from .protocol.raw import body_bytes, header_text
from .routing.endpoint import Endpoint
from .settings import Settings

__all__ = ["KMSUSER_PASSWORD", "Call", "CloudHsmKms", "Endpoint"]

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "111122223333"

# Set while an environment is active, so that no real credential or IMDS lookup happens.
_FAKE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_EC2_METADATA_DISABLED": "true",
}
_CLEARED_ENVIRONMENT = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE")


class Call(NamedTuple):
    """One request the fake answered: what was asked and how it ended."""

    service: str
    region: str
    operation: str | None
    params: dict[str, Any] | None
    status: int
    error_code: str | None

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.error_code is None


Service = Any  # KmsService | CloudHsmService: both expose ``call(operation, params)``
Interceptor = Callable[[str, str, dict[str, Any]], "ServiceError | None"]


class CloudHsmKms:
    """An in-process AWS KMS and AWS CloudHSM v2 for one account.

    Start it (``with CloudHsmKms() as aws:`` or :meth:`start`) and every
    botocore/boto3 client in the process sends its ``kms`` and ``cloudhsmv2``
    requests here; :meth:`stop` ends that. Each Region gets its own services,
    made on first use. All share one :class:`VirtualClock`.
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        seed: str | int | None = None,
        clock: VirtualClock | None = None,
        route_requests: bool = True,
        settings: Settings | None = None,
    ) -> None:
        self.region = region
        self._settings = settings or Settings()
        self.account_id = account_id
        self.clock = clock or VirtualClock()
        self.entropy = Entropy(seed)
        self.calls: list[Call] = []
        self.internal_errors: list[str] = []
        self.interceptors: list[Interceptor] = []
        self.fault_types: dict[str, Callable[..., Fault]] = dict(FAULTS)
        self.faults_applied: list[str] = []  # every fault applied, for the summary
        self._applied_faults: list[tuple[Fault, str]] = []  # in force now, oldest first
        self._services: dict[tuple[str, str], Service] = {}
        self._lock = threading.RLock()
        self._route_requests = route_requests
        self._requests_router: Any = None
        self._saved_environ: dict[str, str | None] = {}
        self._started = False
        self._request_id_prefix = str(uuid.uuid4())[:24]
        self._request_count = 0

    # -- the services ---------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """Timings and limits of both services (see :class:`~.settings.Settings`).

        Assigning new settings (``env.settings = env.settings.replace(connect_delay=60)``)
        applies them to the KMS of every Region from its next request on, and to
        CloudHSM services made afterwards (those made before keep theirs).
        """
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings
        for service in self.services("kms"):
            service.settings = settings

    def kms(self, region: str | None = None) -> KmsService:
        """The KMS of a Region (default: the environment's): its state (``keys``,
        ``custom_key_stores``, ...) for inspection, and :meth:`KmsService.call` to run
        an operation without a client, judged exactly as a client's request."""
        service: KmsService = self._service("kms", region or self.region)
        return service

    def cloudhsm(self, region: str | None = None) -> CloudHsmService:
        """The CloudHSM v2 of a Region (default: the environment's)."""
        service: CloudHsmService = self._service("cloudhsmv2", region or self.region)
        return service

    def services(self, name: str) -> list[Service]:
        """Every service of one kind (``kms`` or ``cloudhsmv2``) made so far, all Regions."""
        return [service for (kind, _), service in self._services.items() if kind == name]

    def _service(self, name: str, region: str) -> Service:
        service = self._services.get((name, region))
        if service is None:
            factory = _FACTORIES[name]
            service = self._services[(name, region)] = factory(self, region)
        return service

    # -- ready-made resources (what the fixtures use) ------------------------------
    # Their KMS calls run the wire's handlers in a context with source="setup" and are
    # judged by their own operation, as every call is (README: "Scenario helpers and
    # calls without a client").

    def ready_cluster(self, *, hsm_count: int = 2, region: str | None = None) -> dict[str, Any]:
        """Build an ACTIVE, initialized cluster with ``hsm_count`` ACTIVE HSMs across AZs
        and a ``kmsuser`` (password :data:`KMSUSER_PASSWORD`); return its DescribeClusters entry."""
        with self._lock:
            cluster = self.cloudhsm(region).create_ready_cluster(hsm_count=hsm_count)
            entry: dict[str, Any] = cluster.describe()
        return entry

    def ready_key_store(
        self, *, cluster_id: str | None = None, name: str | None = None, region: str | None = None
    ) -> dict[str, Any]:
        """Create and connect an ``AWS_CLOUDHSM`` key store (on a new ready cluster unless
        ``cluster_id`` is given); return its DescribeCustomKeyStores entry."""
        if cluster_id is None:
            cluster_id = self.ready_cluster(region=region)["ClusterId"]
        cluster = self.cloudhsm(region).cluster(cluster_id)
        if cluster is None:
            raise LookupError(f"no cluster {cluster_id}")
        kms = self.kms(region)
        with self._lock:
            store_id = self._setup(kms, "CreateCustomKeyStore", {
                "CustomKeyStoreName": name or f"key-store-{len(kms.custom_key_stores) + 1}",
                "CloudHsmClusterId": cluster_id,
                "TrustAnchorCertificate": cluster.trust_anchor,
                "KeyStorePassword": KMSUSER_PASSWORD,
            })["CustomKeyStoreId"]
            self._setup(kms, "ConnectCustomKeyStore", {"CustomKeyStoreId": store_id})
            store = kms.custom_key_store(store_id)
            kms.finish_connecting(store)
            return store.entry()

    def ready_key(
        self, *, custom_key_store_id: str | None = None, description: str = "",
        region: str | None = None,
    ) -> dict[str, Any]:
        """Create an Enabled symmetric key (Origin ``AWS_CLOUDHSM``) in a connected key store
        (a new ready one unless ``custom_key_store_id`` is given); return its KeyMetadata."""
        if custom_key_store_id is None:
            custom_key_store_id = self.ready_key_store(region=region)["CustomKeyStoreId"]
        with self._lock:
            metadata: dict[str, Any] = self._setup(self.kms(region), "CreateKey", {
                "Origin": "AWS_CLOUDHSM",
                "CustomKeyStoreId": custom_key_store_id,
                "Description": description,
            })["KeyMetadata"]
        return metadata

    def _setup(self, kms: KmsService, operation: str, document: dict[str, Any]
               ) -> dict[str, Any]:
        """Run a KMS operation for a scenario helper: the request members are checked
        against the model as a client's would be, then the handler runs in a context
        with ``source="setup"`` (see :meth:`KmsService.call`). Interceptors see only
        requests from clients."""
        params = _codec("kms").check_input(operation, document)
        return kms.call(kms.context(operation, params, source="setup"), params)

    # -- faults and injected errors ---------------------------------------------------

    @contextlib.contextmanager
    def fault(self, name: str, **options: Any) -> Iterator[Fault]:
        """Apply a named fault for the ``with`` block: ``with aws.fault("throttled", times=2):``.

        Names and options are those of the markers and ``--cloudhsm-fault``
        (see :mod:`pytest_cloudhsm_kms.faults`).
        """
        fault = make_fault(name, self.fault_types, **options)
        self.apply_fault(fault, name)
        try:
            yield fault
        finally:
            self.lift_fault(fault)

    @property
    def active_faults(self) -> list[str]:
        """The names of the faults applied and not lifted yet, oldest first."""
        return [name for _, name in self._applied_faults]

    def apply_fault(self, fault: Fault, name: str | None = None) -> None:
        """Apply a fault until :meth:`lift_fault`. Faults compose: each applies on top of
        the ones before. If applying fails, what it had changed is undone."""
        stack = self._applied_faults
        with self._lock:
            if any(applied is fault for applied, _ in stack):
                raise RuntimeError(f"{fault!r} is applied already")
            self.clock.run_due()
            try:
                fault.apply(self)
            except BaseException:
                fault.lift(self)
                raise
            if name is None:  # the name it is registered under, else its class name
                name = next((n for n, factory in self.fault_types.items()
                             if factory is type(fault)), type(fault).__name__)
            stack.append((fault, name))
            self.faults_applied.append(name)

    def lift_fault(self, fault: Fault) -> None:
        """Lift a fault (a no-op if not applied): the world shows again the state it has
        reached beneath it (docs/aws-behaviour.md §12).

        Faults are lifted in reverse order; lifting one that others were applied
        on top of lifts those first and applies them again afterwards.
        """
        stack = self._applied_faults
        with self._lock:
            index = next((i for i, (f, _) in enumerate(stack) if f is fault), None)
            if index is None:
                return
            self.clock.run_due()
            above = stack[index + 1:]
            for later, _ in reversed(above):
                later.lift(self)
            fault.lift(self)
            del stack[index:]
            for later, later_name in above:
                later.apply(self)
                stack.append((later, later_name))

    def add_interceptor(self, interceptor: Interceptor) -> Callable[[], None]:
        """Run ``interceptor(service, operation, params)`` before each operation; the
        :class:`ServiceError` it returns is answered instead of running the operation
        (``None`` lets the call through). Returns a function that removes it."""
        self.interceptors.append(interceptor)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self.interceptors.remove(interceptor)

        return remove

    # -- the wire ---------------------------------------------------------------

    def handle(
        self, service: str, region: str | None, target: str | bytes | None, body: object,
        *, protocol: str = "json",
    ) -> WireResponse:
        """Answer one wire request; never raises.

        ``protocol`` is ``json`` (AWS JSON 1.1; ``target`` is the ``X-Amz-Target``
        header) or ``rpc-v2-cbor`` (Smithy RPC v2 CBOR, CloudHSM v2 only; ``target``
        is the operation name from the request path). ``target`` is text or bytes,
        ``body`` bytes, text, a file or an iterable of chunks.
        """
        region = region or self.region
        codec = _codec(service, protocol)
        text = header_text(target)
        data = body_bytes(body)
        with self._lock:
            self._request_count += 1
            request_id = f"{self._request_id_prefix}{self._request_count:012x}"
            try:
                self.clock.run_due()
                backend = self._service(service, region)
                invoke = backend.call
                if self.interceptors:
                    invoke = functools.partial(self._intercepted, service, invoke)
                answer = codec.handle(text, data, request_id, invoke)
            except Exception as exc:  # a bug in the fake must not reach botocore
                self.internal_errors.append(traceback.format_exc())
                code = "KMSInternalException" if service == "kms" else (
                    "CloudHsmInternalFailureException")
                error = ServiceError(
                    code,
                    f"pytest-cloudhsm-kms internal error: {exc!r}",
                )
                answer = codec.error(error, request_id)
            self.calls.append(
                Call(service, region, answer.operation, answer.params, answer.status,
                     answer.error_code)
            )
        return answer

    def _intercepted(
        self, service: str, invoke: Callable[[str, dict[str, Any]], dict[str, Any]],
        operation: str, params: dict[str, Any],
    ) -> dict[str, Any]:
        for interceptor in tuple(self.interceptors):  # one may remove itself
            error = interceptor(service, operation, params)
            if error is None:
                continue
            if not isinstance(error, ServiceError):
                raise TypeError(
                    f"an interceptor answered {operation} with {error!r}; it must return a "
                    "pytest_cloudhsm_kms.ServiceError or None"
                )
            raise error
        return invoke(operation, params)

    # -- clients ----------------------------------------------------------------

    def client(self, service: str, region: str | None = None, **kwargs: Any) -> Any:
        """A boto3 client (botocore when boto3 is not installed) for this environment."""
        session = _client_session()
        make = getattr(session, "client", None) or session.create_client
        return make(service, region_name=region or self.region, **kwargs)

    # -- the local endpoint ------------------------------------------------------

    @contextlib.contextmanager
    def endpoint(self) -> Iterator[Endpoint]:
        """Serve this environment over HTTP on 127.0.0.1 for the ``with`` block.

        The :class:`~.routing.endpoint.Endpoint` gives ``url`` and ``environ``
        (for ``subprocess.run(..., env={**os.environ, **endpoint.environ})``).
        Requests arriving there are answered like in-process ones: same state,
        clock, faults, injected errors and call log.
        """
        with Endpoint(self) as endpoint:
            yield endpoint

    # -- activation -------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether this environment answers requests now."""
        return routing.current() is self

    def start(self) -> CloudHsmKms:
        """Route kms and cloudhsmv2 requests here until :meth:`stop`.

        Starting inside another active environment nests: the inner one answers
        until it stops, then the outer one answers again.
        """
        if self._started:
            raise RuntimeError("this CloudHsmKms is already started")
        self._started = True
        self._saved_environ = {
            name: os.environ.get(name)
            for name in (*_FAKE_ENVIRONMENT, *_CLEARED_ENVIRONMENT, "AWS_DEFAULT_REGION")
        }
        os.environ.update(_FAKE_ENVIRONMENT)
        os.environ["AWS_DEFAULT_REGION"] = self.region
        for name in _CLEARED_ENVIRONMENT:
            os.environ.pop(name, None)
        if not routing.active():  # the outermost environment patches the process
            _virtual_sleep.install()
            if self._route_requests:
                self._requests_router = _requests_router()
                self._requests_router.start()
        routing.push(self)
        return self

    def stop(self) -> None:
        """Stop answering and restore the process environment as it was."""
        if not self._started:
            return
        self._started = False
        if self._requests_router is not None:
            self._requests_router.stop()
            self._requests_router = None
        routing.pop(self)
        if not routing.active():
            _virtual_sleep.uninstall()
        for name, value in self._saved_environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def __enter__(self) -> CloudHsmKms:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- inspection -----------------------------------------------------------------

    def operations(self, service: str | None = None) -> Iterator[str]:
        """The operations served so far, in order (optionally of one service)."""
        return (c.operation for c in self.calls if c.operation and service in (None, c.service))


@functools.cache
def _requests_router() -> Any:
    """The process's one ``responses`` router (made once, and imported late: importing
    requests is slow; ``responses`` itself is a required dependency)."""
    from .routing.requests_hook import RequestsRouter

    return RequestsRouter()


@functools.cache
def _client_session() -> Any:
    """One session for every client made through :meth:`CloudHsmKms.client`.

    Its loaded models are reused, so making a client costs milliseconds, and its
    credentials are the fake ones (the session is made while an environment is active).
    """
    try:
        import boto3
    except ImportError:  # pragma: no cover - boto3 is optional
        import botocore.session

        return botocore.session.get_session()
    return boto3.session.Session()


_FACTORIES: dict[str, Callable[[CloudHsmKms, str], Service]] = {
    "kms": lambda env, region: KmsService(
        Scope(env.account_id, region, env.clock, env.entropy, env.settings),
        cloudhsm=env.cloudhsm(region), peer=env.kms,
    ),
    "cloudhsmv2": lambda env, region: CloudHsmService(
        env.account_id, region, env.clock, env.entropy, settings=env.settings, peer=env.cloudhsm
    ),
}


class _VirtualSleep:
    """Retry back-off advances the virtual clock instead of sleeping.

    Stands in for ``botocore.endpoint.time`` (legacy and standard modes) and,
    for adaptive mode, makes botocore's client-side token bucket read the
    virtual clock and wait by advancing it.
    """

    def __init__(self) -> None:
        self._real = time

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def sleep(self, seconds: float) -> None:
        environment = routing.current()
        if environment is None:
            self._real.sleep(seconds)
        else:
            environment.clock.sleep(seconds)

    def install(self) -> None:
        botocore.endpoint.time = self
        bucket.Clock.current_time = _virtual_current_time
        bucket.Clock.sleep = _virtual_bucket_sleep
        bucket.TokenBucket._acquire = _virtual_acquire

    def uninstall(self) -> None:
        """Sleep for real again. ``Clock.current_time`` stays wrapped: outside an
        environment it is real time, continued without a jump back for the rate
        limiter of a client that read a virtual clock before."""
        botocore.endpoint.time = self._real
        bucket.Clock.sleep = _REAL_BUCKET_SLEEP
        bucket.TokenBucket._acquire = _REAL_ACQUIRE


_REAL_BUCKET_SLEEP = bucket.Clock.sleep
_REAL_ACQUIRE = bucket.TokenBucket._acquire
# Settles a wait that floating point leaves a hair short; botocore's own loop is unbounded.
_MAX_VIRTUAL_WAITS = 64


def _virtual_current_time(self: Any) -> float:
    """botocore's ``bucket.Clock.current_time``: the active environment's virtual time.

    Each adaptive-mode client has one such clock (its token bucket, rate
    clocker and CUBIC calculator share it). The time it reads stays continuous
    for that client across environments and after them: a client made in one
    test and used in the next (whose virtual clock may be days behind) sees no
    jump back, which would otherwise drain its bucket and advance the next
    test's clock by the gap.
    """
    environment = routing.current()
    source = environment.clock if environment is not None else None
    now = source.now() if source is not None else time.time()
    state: list[Any] | None = self.__dict__.get("_cloudhsm_kms_time")
    if state is None:
        self._cloudhsm_kms_time = [source, 0.0, now]  # source, shift, last reading
        return now
    if state[0] is not source:
        state[0] = source
        state[1] = max(state[2] - now, 0.0)
    reading: float = max(now + state[1], state[2])
    state[2] = reading
    return reading


def _virtual_bucket_sleep(self: Any, amount: float) -> None:
    _virtual_sleep.sleep(amount)


def _virtual_acquire(self: Any, amount: float, block: bool) -> bool:
    """botocore's ``TokenBucket._acquire``, with the wait for capacity made virtual.

    botocore waits on a condition until the bucket refills; here the virtual
    clock advances by that wait instead, so an adaptive-mode client costs no
    wall time however long its limiter makes it wait.
    """
    environment = routing.current()
    if environment is None:
        return bool(_REAL_ACQUIRE(self, amount, block))
    self._refill()
    if amount > self._current_capacity:
        if not block:
            raise CapacityNotAvailableError()
        for _ in range(_MAX_VIRTUAL_WAITS):
            wait = self._sleep_amount(amount)
            if wait <= 0:
                break
            environment.clock.advance(wait)
            self._refill()
    self._current_capacity -= amount
    return True


_virtual_sleep = _VirtualSleep()
