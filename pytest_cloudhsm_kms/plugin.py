"""pytest glue: options, markers, fixtures, hooks and the summary. No domain logic here."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Generator, Iterator
from typing import Any, Callable

import pytest

from . import hooks
from .environment import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, CloudHsmKms
from .errors import ServiceError
from .faults import FAULTS, Fault, make_fault

__all__ = [
    "cloudhsm_cluster",
    "cloudhsm_key",
    "cloudhsm_key_store",
    "cloudhsm_kms",
    "cloudhsmv2_client",
    "kms_client",
]

# marker name -> fault name; the marker's kwargs are exactly the fault's options.
FAULT_MARKERS = {
    "cloudhsm_disconnected": "disconnected",
    "cloudhsm_empty_cluster": "empty_cluster",
    "cloudhsm_missing_key_material": "missing_key_material",
    "cloudhsm_throttled": "throttled",
}
MARKER_HELP = {
    "cloudhsm_disconnected": "cloudhsm_disconnected(error_code=None): during the test the key "
    "stores are DISCONNECTED, or FAILED with that ConnectionErrorCode; their keys report "
    "Unavailable and refuse cryptography (KMSInvalidStateException).",
    "cloudhsm_empty_cluster": "cloudhsm_empty_cluster(): during the test the clusters have no "
    "ACTIVE HSM; cryptography fails with KMSInvalidStateException, connecting fails with "
    "INSUFFICIENT_CLOUDHSM_HSMS.",
    "cloudhsm_missing_key_material": "cloudhsm_missing_key_material(key_ids=None): during the "
    "test the backing keys (all, or of the named keys) are gone from the clusters; key state "
    "is unchanged, cryptography fails with KMSInvalidStateException.",
    "cloudhsm_throttled": "cloudhsm_throttled(rate=None, after=0, times=None, operations=None, "
    "cluster_load=0.0): during the test quota-counted requests to the key stores get "
    "ThrottlingException (HTTP 400): all, past `after`, `times` of them, or beyond `rate` per "
    "virtual second lowered by `cluster_load`.",
    "cloudhsm_faults": "cloudhsm_faults(*names): run the test once per named fault "
    "('none' for the baseline); the ids are the names.",
}
NO_FAULT = "none"
_FAULT_PARAM = "cloudhsm_fault"


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hooks)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cloudhsm-kms", "fake AWS KMS with CloudHSM key stores")
    group.addoption(
        "--cloudhsm-fault", action="append", default=[], metavar="NAME",
        help="apply this fault to every test that uses cloudhsm_kms (repeatable): "
        "disconnected, empty_cluster, missing_key_material, throttled, or one a conftest "
        "registers",
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
        "cloudhsm_kms_seed",
        "Seed for deterministic IDs, key material and ciphertext (per test; default: random)",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    for text in MARKER_HELP.values():
        config.addinivalue_line("markers", text)
    config.stash[_STATS] = _Stats()
    unknown = [n for n in config.getoption("cloudhsm_fault") if n not in _fault_types(config)]
    if unknown:
        raise pytest.UsageError(
            f"--cloudhsm-fault {unknown[0]!r} is not a known fault; known faults: "
            f"{', '.join(sorted(_fault_types(config)))}"
        )


class _Stats:
    """What the plugin did in this session, for the terminal summary."""

    def __init__(self) -> None:
        self.environments = 0
        self.faults: Counter[str] = Counter()
        self.operations: Counter[tuple[str, str]] = Counter()


_STATS = pytest.StashKey[_Stats]()


def _fault_types(config: pytest.Config) -> dict[str, Callable[..., Fault]]:
    types: dict[str, Callable[..., Fault]] = dict(FAULTS)
    for registered in config.hook.pytest_cloudhsm_kms_faults():
        types.update(registered or {})
    return types


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("cloudhsm_faults")
    if marker is None:
        return
    names = list(marker.args)
    known = _fault_types(metafunc.config)
    unknown = [n for n in names if n != NO_FAULT and n not in known]
    if not names or unknown:
        raise pytest.UsageError(
            f"{metafunc.definition.nodeid}: cloudhsm_faults takes fault names "
            f"({NO_FAULT!r} or one of {', '.join(sorted(known))}), got {names!r}"
        )
    for name in ("cloudhsm_kms", _FAULT_PARAM):
        if name not in metafunc.fixturenames:
            metafunc.fixturenames.append(name)
    metafunc.parametrize(_FAULT_PARAM, names, ids=names)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A fault marker pulls in ``cloudhsm_kms``, as if the test had asked for it."""
    for item in items:
        if any(item.get_closest_marker(m) for m in FAULT_MARKERS):
            fixturenames = getattr(item, "fixturenames", None)
            if isinstance(fixturenames, list) and "cloudhsm_kms" not in fixturenames:
                fixturenames.insert(0, "cloudhsm_kms")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Faults from markers, ``cloudhsm_faults`` and ``--cloudhsm-fault`` hold during the body."""
    environment = getattr(item, "funcargs", {}).get("cloudhsm_kms")
    if not isinstance(environment, CloudHsmKms):
        yield
        return
    applied = []
    for name, options in _requested_faults(item):
        fault = _make(item, environment, name, options)
        environment.apply_fault(fault, name)
        applied.append(fault)
    try:
        yield
    finally:
        for fault in reversed(applied):
            environment.lift_fault(fault)


def _requested_faults(item: pytest.Item) -> Iterator[tuple[str, dict[str, Any]]]:
    for marker_name, fault_name in FAULT_MARKERS.items():
        marker = item.get_closest_marker(marker_name)
        if marker is not None:
            if marker.args:
                _misuse(item, f"@pytest.mark.{marker_name} takes keyword options only, "
                        f"got positional {marker.args!r}")
            yield fault_name, dict(marker.kwargs)
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get(_FAULT_PARAM, NO_FAULT) != NO_FAULT:
        yield callspec.params[_FAULT_PARAM], {}
    for name in item.config.getoption("cloudhsm_fault"):
        yield name, {}


def _make(item: pytest.Item, environment: CloudHsmKms, name: str, options: dict[str, Any]) -> Fault:
    try:
        return make_fault(name, environment.fault_types, **options)
    except (TypeError, ValueError) as error:
        _misuse(item, str(error))
        raise  # pragma: no cover - _misuse does not return


def _misuse(item: pytest.Item, message: str) -> None:
    __tracebackhide__ = True
    pytest.fail(f"{item.nodeid}: {message}", pytrace=False)


@pytest.fixture
def cloudhsm_fault(request: pytest.FixtureRequest) -> str:
    """The fault this run of a ``cloudhsm_faults`` test is under (``"none"`` for the baseline)."""
    return str(getattr(request, "param", NO_FAULT))


@pytest.fixture
def cloudhsm_kms(request: pytest.FixtureRequest) -> Iterator[CloudHsmKms]:
    """The active fake AWS KMS + CloudHSM v2 environment for this test.

    While it is active, every botocore/boto3 client in the process sends its
    ``kms`` and ``cloudhsmv2`` requests to it (fake credentials, the ini Region).
    Faults from markers and ``--cloudhsm-fault`` hold during the test body;
    ``cloudhsm_kms.fault(name, **options)`` applies one in a ``with`` block.
    """
    config = request.config
    seed = config.getini("cloudhsm_kms_seed")
    environment = CloudHsmKms(
        region=config.getini("cloudhsm_kms_region"),
        account_id=config.getini("cloudhsm_kms_account_id"),
        seed=f"{seed}:{request.node.nodeid}" if seed else None,
    )
    environment.fault_types = _fault_types(config)
    hook = config.hook
    if hook.pytest_cloudhsm_kms_error.get_hookimpls():
        environment.add_interceptor(functools.partial(_hook_interceptor, hook, environment))
    with environment:
        hook.pytest_cloudhsm_kms_setup(environment=environment)
        yield environment
    stats = config.stash[_STATS]
    stats.environments += 1
    stats.faults.update(environment.faults_applied)
    stats.operations.update((c.service, c.operation) for c in environment.calls if c.operation)
    if environment.internal_errors:
        pytest.fail(
            "pytest-cloudhsm-kms hit an internal error (answered as a 500):\n"
            + environment.internal_errors[0],
            pytrace=False,
        )


def _hook_interceptor(
    hook: Any, environment: CloudHsmKms, service: str, operation: str, params: dict[str, Any]
) -> ServiceError | None:
    error: ServiceError | None = hook.pytest_cloudhsm_kms_error(
        environment=environment, service=service, operation=operation, params=params
    )
    return error


@pytest.fixture
def kms_client(cloudhsm_kms: CloudHsmKms) -> Any:
    """A KMS client (boto3 when installed, else botocore) answered by ``cloudhsm_kms``."""
    return cloudhsm_kms.client("kms")


@pytest.fixture
def cloudhsmv2_client(cloudhsm_kms: CloudHsmKms) -> Any:
    """A CloudHSM v2 client (boto3 when installed, else botocore) answered by ``cloudhsm_kms``."""
    return cloudhsm_kms.client("cloudhsmv2")


@pytest.fixture
def cloudhsm_cluster(cloudhsm_kms: CloudHsmKms) -> dict[str, Any]:
    """The ``DescribeClusters`` entry of a ready AWS CloudHSM cluster.

    ACTIVE and initialized, with two ACTIVE HSMs in two Availability Zones and
    a ``kmsuser`` crypto user whose password is
    ``pytest_cloudhsm_kms.KMSUSER_PASSWORD``.
    """
    return cloudhsm_kms.ready_cluster()


@pytest.fixture
def cloudhsm_key_store(
    cloudhsm_kms: CloudHsmKms, cloudhsm_cluster: dict[str, Any]
) -> dict[str, Any]:
    """The ``DescribeCustomKeyStores`` entry of a CONNECTED ``AWS_CLOUDHSM`` key store
    on ``cloudhsm_cluster``."""
    return cloudhsm_kms.ready_key_store(cluster_id=cloudhsm_cluster["ClusterId"])


@pytest.fixture
def cloudhsm_key(cloudhsm_kms: CloudHsmKms, cloudhsm_key_store: dict[str, Any]) -> dict[str, Any]:
    """The ``DescribeKey`` ``KeyMetadata`` of an Enabled symmetric KMS key (Origin
    ``AWS_CLOUDHSM``) in ``cloudhsm_key_store``; its cryptography runs in the cluster."""
    return cloudhsm_kms.ready_key(custom_key_store_id=cloudhsm_key_store["CustomKeyStoreId"])


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Faults injected and operations served, when the plugin was used."""
    stats = config.stash.get(_STATS, None)
    if stats is None or not stats.environments:
        return
    write = terminalreporter.write_line
    terminalreporter.section("pytest-cloudhsm-kms")
    write(f"environments: {stats.environments}")
    if stats.faults:
        write("faults injected: " + ", ".join(f"{n} x{c}" for n, c in sorted(stats.faults.items())))
    for service in ("kms", "cloudhsmv2"):
        served = {op: n for (svc, op), n in stats.operations.items() if svc == service}
        if served:
            write(f"{service} operations served: "
                  + ", ".join(f"{op} x{n}" for op, n in sorted(served.items())))
