"""The request quota of a custom key store, on the virtual clock (aws-facts §5.1)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from ..clock import VirtualClock
from ..errors import ServiceError

__all__ = ["COUNTED_OPERATIONS", "DEFAULT_RATE", "RequestQuota", "Throttle"]

# The CloudHSM key store request quota: shared by every key in one store, not adjustable.
DEFAULT_RATE = 1800.0
COUNTED_OPERATIONS = frozenset({
    "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
    "GenerateMac", "GenerateRandom", "ReEncrypt", "VerifyMac",
})
THROTTLING_MESSAGE = (
    "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."
)


@dataclass
class Throttle:
    """A throttling fault laid over a quota (all requests, or past ``after``, ``times`` of them,
    or beyond ``rate`` per virtual second, lowered by ``cluster_load``)."""

    rate: float | None = None
    after: int = 0
    times: int | None = None
    operations: Collection[str] | None = None
    cluster_load: float = 0.0
    seen: int = 0
    throttled: int = 0


@dataclass
class RequestQuota:
    """A token bucket holding one virtual second of requests at ``rate``."""

    clock: VirtualClock
    rate: float = DEFAULT_RATE
    throttle: Throttle | None = None
    counted: int = 0
    _tokens: float = field(default=-1.0, repr=False)
    _updated: float = field(default=0.0, repr=False)

    def consume(self, operation: str) -> None:
        """Count one request, or answer ``ThrottlingException`` (HTTP 400) as KMS does."""
        if operation not in COUNTED_OPERATIONS:
            return
        self.counted += 1
        throttle = self.throttle
        if throttle is not None and self._throttled_by_fault(throttle, operation):
            throttle.throttled += 1
            raise ServiceError("ThrottlingException", THROTTLING_MESSAGE, status=400)
        rate = self.effective_rate
        now = self.clock.now()
        if self._tokens < 0:
            self._tokens = rate
        else:
            self._tokens = min(rate, self._tokens + (now - self._updated) * rate)
        self._updated = now
        if self._tokens < 1.0:
            raise ServiceError("ThrottlingException", THROTTLING_MESSAGE, status=400)
        self._tokens -= 1.0

    @property
    def effective_rate(self) -> float:
        """Requests per virtual second the store admits now (a busy cluster admits fewer)."""
        throttle = self.throttle
        rate = self.rate if throttle is None or throttle.rate is None else throttle.rate
        load = throttle.cluster_load if throttle is not None else 0.0
        return max(rate * (1.0 - min(max(load, 0.0), 1.0)), 0.0)

    def _throttled_by_fault(self, throttle: Throttle, operation: str) -> bool:
        if throttle.operations is not None and operation not in throttle.operations:
            return False
        throttle.seen += 1
        if throttle.rate is not None or throttle.cluster_load:
            return False  # a rate limit: the token bucket decides
        if throttle.seen <= throttle.after:
            return False
        return throttle.times is None or throttle.throttled < throttle.times
