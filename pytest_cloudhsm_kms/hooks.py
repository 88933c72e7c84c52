"""Hook specifications a conftest.py can implement (added with ``pytest_addhooks``).

``pytest_cloudhsm_kms_setup`` and ``pytest_cloudhsm_kms_error`` apply, as
conftest hooks do, to the tests in the conftest's folder and below it.
``pytest_cloudhsm_kms_faults`` registers fault names for the whole session
(a conftest loaded at start-up, so that ``--cloudhsm-fault`` can name them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .environment import CloudHsmKms
    from .errors import ServiceError
    from .faults import Fault

hookspec = pluggy.HookspecMarker("pytest")


@hookspec
def pytest_cloudhsm_kms_setup(environment: CloudHsmKms) -> None:
    """Seed a new environment before the test uses it: create clusters, stores, keys, aliases.

    Runs once per ``cloudhsm_kms`` fixture, right after the environment
    starts, before the fixtures that depend on it and before any fault of a
    marker or of ``--cloudhsm-fault`` (faults then apply to what it made).
    ``environment.ready_key()``, ``environment.kms().call("CreateAlias", {...})``
    and boto3 clients all work here; each call is judged by its own operation
    (see the README, "Scenario helpers and calls without a client").
    """


@hookspec(firstresult=True)
def pytest_cloudhsm_kms_error(
    environment: CloudHsmKms, service: str, operation: str, params: dict[str, Any]
) -> ServiceError | None:
    """Answer an error of your own instead of running ``operation``; ``None`` lets it run.

    Called for every request (each retry attempt too) once it has been
    decoded and validated, with ``service`` ``"kms"`` or ``"cloudhsmv2"`` and
    the request members as ``params``. Return a
    :class:`~pytest_cloudhsm_kms.ServiceError` with any code and message; its
    HTTP status is ``status`` if given, else 500 for the fault codes of the
    botocore model (``KMSInternalException``, ...) and 400 otherwise. botocore
    retries it as it would AWS's answer (a 503, a 500 or a throttling code
    are retried). ``environment.calls`` holds the requests answered so far,
    so a hook can fail only the first attempts.
    """


@hookspec
def pytest_cloudhsm_kms_faults() -> dict[str, Callable[..., Fault]] | None:
    """Register named faults: ``{name: factory}``.

    ``factory(**options)`` returns an object with ``apply(environment)`` and
    ``lift(environment)`` (the second restores what the first changed); a
    ``TypeError`` or ``ValueError`` it raises for bad options is reported
    naming the test. The names work in ``@pytest.mark.cloudhsm_faults(...)``,
    ``--cloudhsm-fault NAME`` and ``cloudhsm_kms.fault(name, **options)``.
    """
