from __future__ import annotations

from collections.abc import Iterator

# Imported once here so pytester's in-process runs (which restore sys.modules after
# each run) do not import them again for every inner session.
import boto3  # noqa: F401
import hypothesis  # noqa: F401
import moto  # noqa: F401
import pytest
import responses  # noqa: F401
from fidelity import allowed_errors


@pytest.fixture(autouse=True)
def _errors_are_in_the_model(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every error the fake answered in a test is one AWS may answer for that operation."""
    yield
    environment = request.node.funcargs.get("cloudhsm_kms")
    if environment is None:
        return
    for call in environment.calls:
        if call.error_code and call.operation:
            allowed = allowed_errors(call.service, call.operation)
            assert call.error_code in allowed, (
                f"{call.operation} answered {call.error_code}, which the model does not list"
            )
