"""pytest-cloudhsm-kms: an in-process fake of AWS KMS with CloudHSM key stores, for tests."""

from .clock import VirtualClock
from .environment import KMSUSER_PASSWORD, Call, CloudHsmKms
from .errors import ServiceError

__all__ = ["KMSUSER_PASSWORD", "Call", "CloudHsmKms", "ServiceError", "VirtualClock"]
