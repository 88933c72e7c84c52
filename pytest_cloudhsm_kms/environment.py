"""``CloudHsmKms``: the fake KMS and CloudHSM v2 of one test, usable without pytest."""

from __future__ import annotations

import contextlib
import functools
import re
import traceback
import uuid
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from . import clients, routing
from .clock import VirtualClock
from .cloudhsm.service import KMSUSER_PASSWORD, CloudHsmService
from .entropy import Entropy
from .errors import ServiceError
from .faults import FAULTS, Fault, make_fault
from .kms.service import KmsService
from .protocol import WireResponse
from .protocol.codecs import codec as _codec
from .protocol.raw import body_bytes, header_text
from .routing.endpoint import Endpoint
from .scope import Scope
from .settings import Settings
from .sts import SecurityTokenService

__all__ = ["KMSUSER_PASSWORD", "Call", "CloudHsmKms", "Endpoint"]

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "111122223333"
# Every AWS Region name is words and a number joined by hyphens ("us-east-1", "us-gov-west-1",
# "eusc-de-east-1"); an account ID is 12 digits (docs/aws-behaviour.md §1.1).
_REGION = re.compile(r"[a-z]+(?:-[a-z]+)+-[0-9]+")
_ACCOUNT_ID = re.compile(r"[0-9]{12}")


def check_identity(region: object, account_id: object) -> None:
    """Raise ``ValueError`` unless ``region`` is an AWS Region name and ``account_id``
    an AWS account ID: either would otherwise end up in every ARN and host name."""
    if not isinstance(region, str) or not _REGION.fullmatch(region):
        raise ValueError(f"region {region!r} is not an AWS Region name such as "
                         f"{DEFAULT_REGION!r} (lower case)")
    if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
        raise ValueError(f"account_id {account_id!r} is not an AWS account ID (12 digits, "
                         f"such as {DEFAULT_ACCOUNT_ID!r})")


def _check_settings(settings: object) -> Settings:
    if not isinstance(settings, Settings):
        raise TypeError(f"settings must be a pytest_cloudhsm_kms.Settings, not {settings!r}")
    return settings


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


Service = Any  # KmsService | CloudHsmService: both expose ``call(request, params)``
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
        check_identity(region, account_id)
        self.region = region
        self._settings = Settings() if settings is None else _check_settings(settings)
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
        # One lock for every state change: requests, scenario helpers, faults, the first
        # use of a Region, and the clock's timers (which run on whichever thread advances it).
        self._lock = self.clock.lock
        self._route_requests = route_requests
        self._started = False
        self.sts = SecurityTokenService(account_id)
        """The STS a profile's ``role_arn`` reaches (AssumeRole and the like)."""
        self._request_id_prefix = str(uuid.uuid4())[:24]
        self._request_count = 0

    # -- the services ---------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """Timings and limits of both services (see :class:`~.settings.Settings`).

        Assigning new settings (``env.settings = env.settings.replace(connect_delay=60)``)
        applies them to the KMS and CloudHSM of every Region from their next request
        or timer on: every part of both services reads them through its ``Scope``.
        """
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = _check_settings(settings)
        for service in self._services.values():
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
        with self._lock:
            return [service for (kind, _), service in self._services.items() if kind == name]

    def _service(self, name: str, region: str) -> Service:
        service = self._services.get((name, region))
        if service is None:
            with self._lock:  # two threads first using a Region get the same services
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
        text = target if type(target) is str else header_text(target)
        data = body if type(body) is bytes else body_bytes(body)
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

    def handle_sts(
        self, operation: str, region: str | None, body: bytes, authorization: str | None
    ) -> WireResponse:
        """Answer one STS request (an operation of :data:`sts.OPERATIONS`); never raises."""
        with self._lock:
            self._request_count += 1
            request_id = f"{self._request_id_prefix}{self._request_count:012x}"
            status, xml, error_code = self.sts.handle(
                operation, region or self.region, body, authorization, self.clock.now(), request_id
            )
            self.calls.append(Call("sts", region or self.region, operation, None, status,
                                   error_code))
        headers = {"x-amzn-RequestId": request_id, "Content-Type": "text/xml"}
        return WireResponse(status, headers, xml, operation, None, error_code)

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
        """A new boto3 client (botocore when boto3 is not installed) for this environment.

        It comes from the process's one session (:mod:`.clients`: fake credentials, no
        config file, models loaded once), so it costs what botocore's ``create_client``
        costs. Its retry and rate-limiter state start fresh in each environment.
        """
        return clients.make_client(service, region or self.region, **kwargs)

    def aio_client(self, service: str, region: str | None = None, **kwargs: Any) -> Any:
        """An aiobotocore client for this environment, as ``async with`` context:
        ``async with cloudhsm_kms.aio_client("kms") as kms: await kms.list_keys()``.

        Its retry back-off and adaptive rate limiter run on the virtual clock
        under asyncio and anyio alike. Needs ``aiobotocore`` installed.
        """
        return clients.aio_session().create_client(
            service, region_name=region or self.region, **kwargs)

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
        until it stops, then the outer one answers again. Environments may stop in
        any order; the process always matches the innermost one still active.
        """
        if self._started:
            raise RuntimeError("this CloudHsmKms is already started")
        self._started = True
        routing.push(self)
        routing.follow_stack()
        return self

    def stop(self) -> None:
        """Stop answering; when no environment is left active, restore the process
        environment as it was before the first one started."""
        if not self._started:
            return
        self._started = False
        routing.pop(self)
        routing.follow_stack()

    def __enter__(self) -> CloudHsmKms:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- inspection -----------------------------------------------------------------

    def operations(self, service: str | None = None) -> Iterator[str]:
        """The operations served so far, in order (optionally of one service)."""
        return (c.operation for c in self.calls if c.operation and service in (None, c.service))


_FACTORIES: dict[str, Callable[[CloudHsmKms, str], Service]] = {
    "kms": lambda env, region: KmsService(
        Scope(env.account_id, region, env.clock, env.entropy, env.settings),
        cloudhsm=env.cloudhsm(region), peer=env.kms,
    ),
    "cloudhsmv2": lambda env, region: CloudHsmService(
        Scope(env.account_id, region, env.clock, env.entropy, env.settings), peer=env.cloudhsm
    ),
}
