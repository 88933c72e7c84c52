"""Hook specifications a conftest.py can implement (added with ``pytest_addhooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import pluggy

if TYPE_CHECKING:
    from .environment import CloudHsmKms
    from .errors import ServiceError
    from .faults import Fault

hookspec = pluggy.HookspecMarker("pytest")


@hookspec
def pytest_cloudhsm_kms_setup(environment: CloudHsmKms) -> None:
    """Seed a new environment before the test uses it: create keys, clusters, stores.

    Runs once per ``cloudhsm_kms`` fixture, after the environment starts and
    before any fault is applied.
    """


@hookspec(firstresult=True)
def pytest_cloudhsm_kms_error(
    environment: CloudHsmKms, service: str, operation: str, params: dict[str, Any]
) -> ServiceError | None:
    """Return a :class:`~pytest_cloudhsm_kms.ServiceError` (any code, status and message)
    to answer it instead of running ``operation``; ``None`` lets the call through."""


@hookspec
def pytest_cloudhsm_kms_faults() -> dict[str, Callable[..., Fault]] | None:
    """Register named faults: ``{name: factory}``, where ``factory(**options)`` returns
    an object with ``apply(environment)`` and ``lift(environment)``. The names work
    in ``@pytest.mark.cloudhsm_faults(...)``, ``--cloudhsm-fault`` and
    ``cloudhsm_kms.fault(name)``."""
