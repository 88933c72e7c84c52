"""pytest-cloudhsm-kms: an in-process fake of AWS KMS with CloudHSM key stores, for tests."""

from .clock import VirtualClock
from .context import RequestContext
from .environment import KMSUSER_PASSWORD, Call, CloudHsmKms, Endpoint
from .errors import ServiceError
from .settings import Settings

__all__ = [
    "KMSUSER_PASSWORD",
    "Call",
    "CloudHsmKms",
    "Endpoint",
    "RequestContext",
    "ServiceError",
    "Settings",
    "VirtualClock",
]
