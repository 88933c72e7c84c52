"""CloudHSM v2 operations (being written)."""

from __future__ import annotations

from typing import Any

from ..clock import VirtualClock
from ..entropy import Entropy
from ..errors import ServiceError


class CloudHsmService:
    def __init__(self, account_id: str, region: str, clock: VirtualClock, entropy: Entropy) -> None:
        self.account_id = account_id
        self.region = region
        self.clock = clock
        self.entropy = entropy

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        raise ServiceError("CloudHsmInvalidRequestException", f"{operation} is not available yet")
