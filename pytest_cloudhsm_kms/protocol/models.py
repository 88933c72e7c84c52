"""The botocore service models the fake answers to, loaded once per process."""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
from botocore.model import ServiceModel

__all__ = ["BOTOCORE_SINCE", "fault_codes", "in_model", "service_model"]

# What the newest models have and older supported botocore releases (1.41.0+) lack, with
# the first botocore release that has it: ``Operation``, ``Operation.Member`` or
# ``Shape=VALUE`` of an enum. Where the installed model lacks one, the fake does not
# offer it: botocore cannot send it, and a request that reaches the fake anyway gets the
# answer AWS gives an unknown operation, member or value. That follows from the codecs
# and input checkers being made from the installed model; nothing in the package reads
# this table. The tests skip by it (``requires_operation``) and docs/coverage.md lists it.
BOTOCORE_SINCE: dict[str, dict[str, str]] = {
    "kms": {
        "Encapsulate": "1.44.0",
        "Decapsulate": "1.44.0",
        **{f"{shape}=ML_KEM_{size}": "1.44.0"
           for shape in ("KeySpec", "DataKeyPairSpec") for size in (512, 768, 1024)},
        "KeyUsageType=ENCAPSULATE_DECAPSULATE": "1.44.0",
        "GetKeyLastUsage": "1.42.97",
        "Decrypt.DryRunModifiers": "1.42.50",
        "ReEncrypt.DryRunModifiers": "1.42.50",
        "CreateGrant.GranteeServicePrincipal": "1.43.12",
        "ListGrants.GranteeServicePrincipal": "1.43.12",
        "ListRetirableGrants.RetiringServicePrincipal": "1.43.12",
    },
}


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.cache
def service_model(name: str) -> ServiceModel:
    """The installed botocore model of ``kms`` or ``cloudhsmv2``."""
    return _session().get_service_model(name)


@functools.cache
def fault_codes(name: str) -> frozenset[str]:
    """Error codes the model marks as faults: sent with HTTP 500 so botocore retries them."""
    loader = _session().get_component("data_loader")
    raw: dict[str, Any] = loader.load_service_model(name, "service-2")
    return frozenset(n for n, s in raw["shapes"].items() if s.get("exception") and s.get("fault"))


def in_model(service: str, feature: str) -> bool:
    """Whether the installed model has ``feature`` (``Operation``, ``Operation.Member``
    or ``Shape=VALUE``; see :data:`BOTOCORE_SINCE`)."""
    model = service_model(service)
    if "=" in feature:
        shape_name, value = feature.split("=", 1)
        if shape_name not in model.shape_names:
            return False
        return value in (getattr(model.shape_for(shape_name), "enum", None) or ())
    operation, _, member = feature.partition(".")
    if operation not in model.operation_names:
        return False
    if not member:
        return True
    shape = model.operation_model(operation).input_shape
    return shape is not None and member in shape.members
