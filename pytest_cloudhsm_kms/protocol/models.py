"""The botocore service models the fake answers to, loaded once per process."""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
from botocore.model import ServiceModel

__all__ = ["fault_codes", "service_model"]


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
