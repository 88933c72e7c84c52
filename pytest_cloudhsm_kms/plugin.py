"""pytest glue: options, markers, fixtures, hooks and the summary. No domain logic here.

A fault has four doors with the same names and options: a marker
(``@pytest.mark.cloudhsm_throttled(times=2)``), the ``cloudhsm_faults``
matrix marker, the context manager ``cloudhsm_kms.fault("throttled", times=2)``
and ``--cloudhsm-fault throttled``. Faults from markers and the command line
are built (and their options checked) when the test is set up, applied after
its fixtures are set up, just before the body, and lifted as soon as the body
ends, before fixture teardown.

Longer than most modules (over 500 lines) because every pytest hook lives
here, next to the fixtures it works with; none of it is domain logic.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

from . import clients, hooks
from .environment import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    CloudHsmKms,
    Endpoint,
    check_identity,
)
from .errors import ServiceError
from .faults import FAULTS, TARGETS, Fault, acted_on, make_fault
from .isolation import Isolation
from .kms.catalog import COUNTED_OPERATIONS
from .protocol.json11 import as_client_parses
from .settings import Settings
from .stats import SessionStats

__all__ = [
    "CloudHsmFaultWarning",
    "CloudHsmStaleEnvironmentWarning",
    "cloudhsm_cluster",
    "cloudhsm_fault",
    "cloudhsm_key",
    "cloudhsm_key_store",
    "cloudhsm_kms",
    "cloudhsm_kms_endpoint",
    "cloudhsm_kms_settings",
    "cloudhsmv2_client",
    "kms_client",
]



class CloudHsmFaultWarning(pytest.PytestWarning):
    """A fault a test asked for found nothing to act on (no key store, cluster or key),
    so the test ran as if without it. Filter with
    ``-W error::pytest_cloudhsm_kms.plugin.CloudHsmFaultWarning`` (or ``ignore::``)."""


class CloudHsmStaleEnvironmentWarning(pytest.PytestWarning):
    """A test's ``cloudhsm_kms`` environment was never torn down (another fixture's
    teardown raised a ``BaseException`` first); the plugin stopped it before the next test."""


# marker name -> fault name; the marker's kwargs are exactly the fault's options.
FAULT_MARKERS = {
    "cloudhsm_disconnected": "disconnected",
    "cloudhsm_empty_cluster": "empty_cluster",
    "cloudhsm_missing_key_material": "missing_key_material",
    "cloudhsm_throttled": "throttled",
}
_DURING = "from after fixture setup to the end of the test body"
MARKER_HELP = {
    "cloudhsm_disconnected": "cloudhsm_disconnected(error_code=None): "
    f"{_DURING}, the custom key stores are DISCONNECTED, or FAILED with that "
    "ConnectionErrorCode (e.g. 'NETWORK_ERRORS'); their keys report KeyState Unavailable and "
    "cryptography fails with KMSInvalidStateException '<key ARN> is unavailable.'. "
    "Fault 'disconnected': also --cloudhsm-fault disconnected, "
    "cloudhsm_kms.fault('disconnected', ...).",
    "cloudhsm_empty_cluster": "cloudhsm_empty_cluster(): "
    f"{_DURING}, the CloudHSM clusters have no HSM (DescribeClusters lists none); "
    "cryptography fails with KMSInvalidStateException; a connection attempt ends FAILED "
    "with INSUFFICIENT_CLOUDHSM_HSMS. Fault 'empty_cluster': also --cloudhsm-fault "
    "empty_cluster, cloudhsm_kms.fault('empty_cluster').",
    "cloudhsm_missing_key_material": "cloudhsm_missing_key_material(key_ids=None): "
    f"{_DURING}, the backing keys of all CloudHSM keys, or of key_ids (key IDs, ARNs or "
    "aliases), are gone from their clusters; KeyState is unchanged, cryptography fails with "
    "KMSInvalidStateException. Fault 'missing_key_material': also --cloudhsm-fault "
    "missing_key_material, cloudhsm_kms.fault('missing_key_material', ...).",
    "cloudhsm_throttled": "cloudhsm_throttled(rate=None, after=0, times=None, operations=None, "
    f"cluster_load=0.0): {_DURING}, requests the key store quota counts "
    f"({', '.join(sorted(COUNTED_OPERATIONS))}; or only `operations`) get "
    "ThrottlingException (HTTP 400), which "
    "botocore retries: all of them, or past the first `after`, or only `times` of them, or "
    "beyond `rate` per virtual second lowered by `cluster_load` (0.0-1.0). Fault 'throttled': "
    "also --cloudhsm-fault throttled, cloudhsm_kms.fault('throttled', ...).",
    "cloudhsm_faults": "cloudhsm_faults(*names): run the test once per named fault, with "
    "default options ('none': no fault), the names as test ids; the test may take the "
    "`cloudhsm_fault` fixture to learn which. Names: disconnected, empty_cluster, "
    "missing_key_material, throttled, none, or one a conftest registers "
    "(pytest_cloudhsm_kms_faults).",
}
NO_FAULT = "none"
_SETTINGS = pytest.StashKey[Settings]()  # the ini's settings, parsed once per session
_FAULT_PARAM = "cloudhsm_fault"


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hooks)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cloudhsm-kms", "fake AWS KMS with CloudHSM key stores")
    group.addoption(
        "--cloudhsm-fault", action="append", default=[], metavar="NAME",
        help="Apply the fault NAME, with its default options, to every test that uses the "
        "cloudhsm_kms fixture (directly or through kms_client, cloudhsm_key, ...), from after "
        "fixture setup to the end of the test body. Repeat the option to combine faults. "
        "NAME: disconnected, empty_cluster, missing_key_material, throttled, or a fault a "
        "conftest registers with pytest_cloudhsm_kms_faults. Tests see the names in "
        "request.config.getoption('cloudhsm_fault'). For options use the markers "
        "(pytest --markers) or cloudhsm_kms.fault(NAME, **options).",
    )
    parser.addini(
        "cloudhsm_kms_region", f"Region of the fake KMS and CloudHSM (default {DEFAULT_REGION})",
        default=DEFAULT_REGION,
    )
    parser.addini(
        "cloudhsm_kms_account_id",
        f"Account ID of the fake KMS and CloudHSM (default {DEFAULT_ACCOUNT_ID})",
        default=DEFAULT_ACCOUNT_ID,
    )
    parser.addini(
        "cloudhsm_kms_isolate",
        "Keep the whole session away from the real AWS account (default true): from "
        "pytest_configure on, no credentials or config file, profile, container or instance "
        "metadata credentials are read; fake keys and the cloudhsm_kms_region Region are set "
        "when none are. false: only while an environment is active.",
        type="bool", default=True,
    )
    parser.addini(
        "cloudhsm_kms_seed",
        "Seed for deterministic IDs, key material and ciphertext (per test; default: random)",
        default="",
    )
    parser.addini(
        "cloudhsm_kms_settings",
        "Timings and limits of the fake, one 'name = value' per line (e.g. connect_delay = 60, "
        "max_hsms_per_cluster = 3); names are the fields of pytest_cloudhsm_kms.Settings",
        type="linelist", default=[],
    )


_ISOLATION = pytest.StashKey[Isolation]()


def pytest_configure(config: pytest.Config) -> None:
    for text in MARKER_HELP.values():
        config.addinivalue_line("markers", text)
    config.stash[_STATS] = SessionStats()
    try:
        config.stash[_SETTINGS] = Settings.from_lines(config.getini("cloudhsm_kms_settings"))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    try:
        check_identity(config.getini("cloudhsm_kms_region"),
                       config.getini("cloudhsm_kms_account_id"))
    except ValueError as error:  # "region ..." or "account_id ...": the ini option's name
        raise pytest.UsageError(f"cloudhsm_kms_{error}") from None
    if config.getini("cloudhsm_kms_isolate"):
        isolation = config.stash[_ISOLATION] = Isolation(config.getini("cloudhsm_kms_region"))
        isolation.start()
    known = _fault_types(config)
    for name in config.getoption("cloudhsm_fault"):
        if name not in known:
            raise pytest.UsageError(
                f"--cloudhsm-fault {name!r} is not a known fault; known faults: "
                f"{', '.join(sorted(known))}"
            )


def pytest_unconfigure(config: pytest.Config) -> None:
    isolation = config.stash.get(_ISOLATION, None)
    if isolation is not None:
        isolation.stop()


# -- the summary ------------------------------------------------------------------------


_STATS = pytest.StashKey[SessionStats]()
_WORKER_OUTPUT_KEY = "pytest_cloudhsm_kms_stats"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its statistics to the controller; the controller (or a run
    without xdist) warns of a ``--cloudhsm-fault`` that found nothing in any test."""
    config = session.config
    for stale in _stop_stale(config, "the end of the session"):
        config.issue_config_time_warning(stale, stacklevel=2)
    output = getattr(config, "workeroutput", None)
    stats = config.stash.get(_STATS, None)
    if stats is None:
        return
    if isinstance(output, dict):
        output[_WORKER_OUTPUT_KEY] = stats.dump()
        return
    for name, tests in sorted(stats.option_tests.items()):
        if tests and stats.option_idle[name] == tests:
            factory = _fault_types(config).get(name)
            target = (TARGETS.get(factory) if isinstance(factory, type) else None) or (
                "store, cluster or key")
            where = ("the one test that uses cloudhsm_kms: it ran" if tests == 1 else
                     f"any of the {tests} tests that use cloudhsm_kms: they all ran")
            config.issue_config_time_warning(CloudHsmFaultWarning(
                f"--cloudhsm-fault {name} found no {target} to act on in {where} without the "
                "fault"), stacklevel=2)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """The xdist controller adds a finished worker's statistics to its own."""
    data = getattr(node, "workeroutput", {}).get(_WORKER_OUTPUT_KEY)
    stats = node.config.stash.get(_STATS, None)
    if data and stats is not None:
        stats.merge(data)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Faults injected and operations served, when the plugin was used."""
    stats = config.stash.get(_STATS, None)
    if stats is None or not stats.environments:
        return
    terminalreporter.section("pytest-cloudhsm-kms")
    for line in stats.summary_lines():
        terminalreporter.write_line(line)


# -- faults from markers and the command line ---------------------------------------------


def _fault_types(config: pytest.Config) -> dict[str, Callable[..., Fault]]:
    """The built-in faults and those conftests register (one registry for the session)."""
    types: dict[str, Callable[..., Fault]] = dict(FAULTS)
    for registered in config.hook.pytest_cloudhsm_kms_faults():
        types.update(registered or {})
    return types


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``cloudhsm_faults(*names)``: one run per fault, parametrizing ``cloudhsm_fault``."""
    marker = metafunc.definition.get_closest_marker("cloudhsm_faults")
    if marker is None:
        return
    names = list(marker.args)
    known = _fault_types(metafunc.config)
    problem = None
    if marker.kwargs:
        problem = f"takes fault names only, got options {marker.kwargs!r}"
    elif not names:
        problem = "needs at least one fault name"
    else:
        bad = [n for n in names if not isinstance(n, str) or (n != NO_FAULT and n not in known)]
        if bad:
            problem = f"got unknown fault {bad[0]!r}"
    if problem is not None:
        pytest.fail(
            f"{metafunc.definition.nodeid}: @pytest.mark.cloudhsm_faults {problem}; it takes "
            f"fault names: {NO_FAULT!r}, {', '.join(repr(n) for n in sorted(known))}",
            pytrace=False,
        )
    if _FAULT_PARAM not in metafunc.fixturenames:
        metafunc.fixturenames.append(_FAULT_PARAM)
    metafunc.parametrize(_FAULT_PARAM, names, ids=names)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A fault marker pulls in ``cloudhsm_kms``, as if the test had asked for it.

    (Here rather than in ``pytest_generate_tests``: pytest prunes the fixtures a
    parametrized test did not ask for.)
    """
    for item in items:
        if any(item.get_closest_marker(m) for m in (*FAULT_MARKERS, "cloudhsm_faults")):
            fixturenames = getattr(item, "fixturenames", None)
            if isinstance(fixturenames, list) and "cloudhsm_kms" not in fixturenames:
                fixturenames.insert(0, "cloudhsm_kms")


_REQUESTED = pytest.StashKey[list[tuple[str, str, Fault]]]()  # (source, name, fault)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Stop an environment a broken teardown left running; build the test's faults now, so a
    misused marker is an error before any fixture runs."""
    for stale in _stop_stale(item.config, item.nodeid):
        warnings.warn(stale, stacklevel=2)
    if not _asks_for_faults(item):
        return
    types = _fault_types(item.config)
    item.stash[_REQUESTED] = [
        (source, name, _make(item, types, source, name, options))
        for source, name, options in _requested(item)
    ]


def _asks_for_faults(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return bool(
        item.config.getoption("cloudhsm_fault")
        or any(item.get_closest_marker(m) for m in FAULT_MARKERS)
        or (callspec is not None and _FAULT_PARAM in callspec.params)
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Faults from markers, ``cloudhsm_faults`` and ``--cloudhsm-fault`` hold during the body."""
    environment = getattr(item, "funcargs", {}).get("cloudhsm_kms")
    faults = item.stash.get(_REQUESTED, [])
    if not isinstance(environment, CloudHsmKms) or not faults:
        yield
        return
    applied: list[Fault] = []
    try:
        for source, name, fault in faults:
            problem = None
            try:
                environment.apply_fault(fault, name)
            except (TypeError, ValueError) as error:  # say, key_ids naming no key
                problem = f"fault {name!r}: {error}"
            if problem is not None:
                _misuse(item, problem)
            applied.append(fault)
            _check_acted(item, source, name, fault)
        yield
    finally:
        for fault in reversed(applied):
            environment.lift_fault(fault)


def _check_acted(item: pytest.Item, source: str, name: str, fault: Fault) -> None:
    """A fault that found nothing to act on is never silent: a marker's warns for its test,
    ``--cloudhsm-fault``'s are counted for the summary (a CI matrix runs it on every test)."""
    idle = acted_on(fault) == 0
    if source == "--cloudhsm-fault":
        stats = item.config.stash[_STATS]
        stats.option_tests[name] += 1
        stats.option_idle[name] += idle
    elif idle:
        target = TARGETS.get(type(fault), "store, cluster or key")
        warnings.warn(CloudHsmFaultWarning(
            f"{item.nodeid}: {source} found no {target} to act on when the test body started, "
            f"so the test ran without fault {name!r}"), stacklevel=2)


def _requested(item: pytest.Item) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where it comes from, fault name, options) of each fault the test asks for."""
    for marker_name, fault_name in FAULT_MARKERS.items():
        markers = list(item.iter_markers(marker_name))  # the closest first
        if not markers:
            continue
        options: dict[str, Any] = {}
        for marker in reversed(markers):  # closer markers override options of farther ones
            if marker.args:
                _misuse(item, f"@pytest.mark.{marker_name} takes keyword options only, "
                        f"got positional {marker.args!r}")
            options.update(marker.kwargs)
        yield f"@pytest.mark.{marker_name}", fault_name, options
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get(_FAULT_PARAM, NO_FAULT) != NO_FAULT:
        yield "@pytest.mark.cloudhsm_faults", callspec.params[_FAULT_PARAM], {}
    for name in item.config.getoption("cloudhsm_fault"):
        yield "--cloudhsm-fault", name, {}


def _make(
    item: pytest.Item, types: dict[str, Callable[..., Fault]], source: str, name: str,
    options: dict[str, Any],
) -> Fault:
    __tracebackhide__ = True
    try:
        return make_fault(name, types, **options)
    except (TypeError, ValueError) as error:
        problem = f"{source}: {error}"
    _misuse(item, problem)  # outside the except block: no chained traceback
    raise AssertionError("unreachable")  # pragma: no cover - _misuse does not return


def _misuse(item: pytest.Item, message: str) -> None:
    __tracebackhide__ = True
    pytest.fail(f"{item.nodeid}: {message}", pytrace=False)


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def cloudhsm_fault(request: pytest.FixtureRequest) -> str:
    """The fault this run of a ``@pytest.mark.cloudhsm_faults(...)`` test is under
    (``"none"`` for the baseline run, and for tests without that marker)."""
    return str(getattr(request, "param", NO_FAULT))


@pytest.fixture
def cloudhsm_kms_settings(request: pytest.FixtureRequest) -> Settings:
    """Timings and limits of this test's ``cloudhsm_kms`` environment
    (a ``pytest_cloudhsm_kms.Settings``): the ``cloudhsm_kms_settings`` ini lines
    over the defaults. Override this fixture in a conftest or test module to
    change them for some tests, e.g. ``return cloudhsm_kms_settings.replace(
    connect_delay=60)``, or parametrize it:
    ``@pytest.mark.parametrize("cloudhsm_kms_settings", [Settings(max_keys=2)])``.
    """
    return request.config.stash[_SETTINGS]


@pytest.fixture
def cloudhsm_kms(
    request: pytest.FixtureRequest, cloudhsm_kms_settings: Settings
) -> Iterator[CloudHsmKms]:
    """The active fake AWS KMS + CloudHSM v2 environment for this test.

    While it is active, every botocore/boto3 client in the process sends its
    ``kms`` and ``cloudhsmv2`` requests to it (fake credentials, the ini Region).
    Its timings and limits are the ``cloudhsm_kms_settings`` fixture's.
    Faults from markers and ``--cloudhsm-fault`` hold during the test body;
    ``with cloudhsm_kms.fault(name, **options):`` applies one for a block.
    """
    config = request.config
    if not isinstance(cloudhsm_kms_settings, Settings):
        pytest.fail(f"{request.node.nodeid}: the cloudhsm_kms_settings fixture gave "
                    f"{cloudhsm_kms_settings!r}, not a pytest_cloudhsm_kms.Settings (return "
                    "cloudhsm_kms_settings.replace(...) or Settings(...))", pytrace=False)
    seed = config.getini("cloudhsm_kms_seed")
    environment = CloudHsmKms(
        region=config.getini("cloudhsm_kms_region"),
        account_id=config.getini("cloudhsm_kms_account_id"),
        seed=f"{seed}:{request.node.nodeid}" if seed else None,
        settings=cloudhsm_kms_settings,
    )
    environment.fault_types = _fault_types(config)
    hook = request.node.ihook  # conftest hooks apply to the tests in and below their folder
    if hook.pytest_cloudhsm_kms_error.get_hookimpls():
        environment.add_interceptor(_HookInterceptor(hook, environment))
    live, entry = config.stash.setdefault(_LIVE, []), (environment, request.node.nodeid)
    live.append(entry)
    with environment:
        hook.pytest_cloudhsm_kms_setup(environment=environment)
        yield environment
    config.stash.get(_FIXTURES, {}).pop(id(environment), None)
    if entry not in live:  # stopped as stale already
        return
    live.remove(entry)
    config.stash[_STATS].record(environment)
    if environment.internal_errors:
        pytest.fail(
            "pytest-cloudhsm-kms hit an internal error (answered as a 500):\n"
            + environment.internal_errors[0],
            pytrace=False,
        )


# The environments the fixture started and has not stopped yet, with their tests' IDs.
_LIVE = pytest.StashKey[list[tuple[CloudHsmKms, str]]]()
# Each live environment's fixture definition and request, to finish it as pytest would.
_FIXTURES = pytest.StashKey[dict[int, tuple[Any, Any]]]()


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: Any) -> Generator[None, Any, None]:
    """Remember how ``cloudhsm_kms`` was set up, so a stale one can be finished."""
    outcome = yield
    if fixturedef.argname == "cloudhsm_kms" and outcome.excinfo is None:
        value = outcome.get_result()
        if isinstance(value, CloudHsmKms):
            request.config.stash.setdefault(_FIXTURES, {})[id(value)] = (fixturedef, request)


def _stop_stale(config: pytest.Config, before: str) -> list[CloudHsmStaleEnvironmentWarning]:
    """Stop the environments of earlier tests whose teardown never ran, and say so.

    A ``BaseException`` in a fixture's teardown makes pytest skip the teardowns
    after it, ``cloudhsm_kms``'s among them: without this, that environment would
    keep answering (and keep its fake credentials in ``os.environ``) in later tests.
    """
    live = config.stash.get(_LIVE, None)
    if not live:
        return []
    stale, live[:] = live[:], []
    found = []
    fixtures = config.stash.get(_FIXTURES, {})
    for environment, nodeid in reversed(stale):
        fixture = fixtures.pop(id(environment), None)
        if fixture is not None:
            # pytest keeps the fixture's value (and those of the fixtures built on it, say
            # cloudhsm_key) cached, and would hand them to the next test that asks: finish
            # them as the skipped teardown would have.
            fixturedef, request = fixture
            with contextlib.suppress(Exception):
                fixturedef.finish(request)
        environment.stop()
        config.stash[_STATS].record(environment)
        found.append(CloudHsmStaleEnvironmentWarning(
            f"the cloudhsm_kms environment of {nodeid} was never torn down (a fixture's "
            f"teardown raised a BaseException before it); stopped it before {before}"))
    return found


class _HookInterceptor:
    """Asks ``pytest_cloudhsm_kms_error`` about each operation."""

    def __init__(self, hook: Any, environment: CloudHsmKms) -> None:
        self._hook = hook.pytest_cloudhsm_kms_error
        self._environment = environment

    def __call__(self, service: str, operation: str, params: dict[str, Any]) -> ServiceError | None:
        error: ServiceError | None = self._hook(
            environment=self._environment, service=service, operation=operation, params=params
        )
        return error


@pytest.fixture
def kms_client(cloudhsm_kms: CloudHsmKms) -> Iterator[Any]:
    """A KMS client (boto3 when installed, else botocore) answered by ``cloudhsm_kms``.

    Reused by later tests while a test leaves it unchanged (no handler registered or
    unregistered on ``meta.events``, as a ``Stubber`` does; no attribute set) and
    ``AWS_*`` variables are the same; ``cloudhsm_kms.client("kms")`` makes a new one.
    """
    with clients.POOL.lease("kms", cloudhsm_kms.region) as client:
        yield client


@pytest.fixture
def cloudhsm_kms_endpoint(cloudhsm_kms: CloudHsmKms) -> Iterator[Endpoint]:
    """``cloudhsm_kms`` served over HTTP on 127.0.0.1 (a free port), for subprocesses
    and other SDKs: ``.url``, and ``.environ`` to run a program against it with
    ``subprocess.run(..., env={**os.environ, **cloudhsm_kms_endpoint.environ})``.

    Same state, virtual clock, faults (markers, ``--cloudhsm-fault``, context
    managers), injected errors and call log as in-process clients. Stopped when
    the test ends; nothing listens afterwards.
    """
    with cloudhsm_kms.endpoint() as endpoint:
        yield endpoint


@pytest.fixture
def cloudhsmv2_client(cloudhsm_kms: CloudHsmKms) -> Iterator[Any]:
    """A CloudHSM v2 client (boto3 when installed, else botocore) answered by ``cloudhsm_kms``;
    reused between tests as ``kms_client`` is."""
    with clients.POOL.lease("cloudhsmv2", cloudhsm_kms.region) as client:
        yield client


@pytest.fixture
def cloudhsm_cluster(cloudhsm_kms: CloudHsmKms) -> dict[str, Any]:
    """The ``DescribeClusters`` entry of a ready AWS CloudHSM cluster, exactly as the client
    parses it (``datetime`` timestamps).

    ACTIVE and initialized, with two ACTIVE HSMs in two Availability Zones and
    a ``kmsuser`` crypto user whose password is
    ``pytest_cloudhsm_kms.KMSUSER_PASSWORD``.
    """
    entry = cloudhsm_kms.ready_cluster()
    return _parsed("cloudhsmv2", "DescribeClusters", "Clusters", entry)


@pytest.fixture
def cloudhsm_key_store(
    cloudhsm_kms: CloudHsmKms, cloudhsm_cluster: dict[str, Any]
) -> dict[str, Any]:
    """The ``DescribeCustomKeyStores`` entry of a CONNECTED ``AWS_CLOUDHSM`` key store
    on ``cloudhsm_cluster``, exactly as the client parses it."""
    entry = cloudhsm_kms.ready_key_store(cluster_id=cloudhsm_cluster["ClusterId"])
    return _parsed("kms", "DescribeCustomKeyStores", "CustomKeyStores", entry)


@pytest.fixture
def cloudhsm_key(cloudhsm_kms: CloudHsmKms, cloudhsm_key_store: dict[str, Any]) -> dict[str, Any]:
    """The ``DescribeKey`` ``KeyMetadata`` of an Enabled symmetric KMS key (Origin
    ``AWS_CLOUDHSM``) in ``cloudhsm_key_store``, exactly as the client parses it; its
    cryptography runs in the cluster."""
    metadata = cloudhsm_kms.ready_key(custom_key_store_id=cloudhsm_key_store["CustomKeyStoreId"])
    parsed: dict[str, Any] = as_client_parses("kms", "DescribeKey", {"KeyMetadata": metadata})
    return dict(parsed["KeyMetadata"])


def _parsed(service: str, operation: str, member: str, entry: dict[str, Any]) -> dict[str, Any]:
    """One entry of a describe call's list, exactly as the client would give it."""
    parsed = as_client_parses(service, operation, {member: [entry]})
    return dict(parsed[member][0])
