"""The request quota of a custom key store, on the virtual clock (docs/aws-behaviour.md §5.1).

Every KMS key of one CloudHSM key store shares one request quota (1,800
requests per second in 2023, not adjustable; ``Settings.key_store_request_rate``)
for the cryptographic operations whose declaration says ``counted``
(:data:`.catalog.COUNTED_OPERATIONS`). Past it, KMS answers
``ThrottlingException`` at HTTP 400, which botocore retries in every retry
mode. A :class:`Throttle` (the ``throttled`` fault) lays a stricter rule over
the quota for a while.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from ..clock import VirtualClock
from ..errors import ServiceError

__all__ = ["THROTTLING_MESSAGE", "RequestQuota", "Throttle"]

# docs/aws-behaviour.md §5.1: the Developer Guide's throttling page shows this one text
# for every throttling condition, the CloudHSM key store's quota too.
THROTTLING_MESSAGE = (
    "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."
)


@dataclass(eq=False)
class Throttle:
    """A throttling rule laid over the quotas of one or more key stores.

    A counted request (of one of ``operations``, or any) is throttled when it
    comes after the first ``after`` such requests, while fewer than ``times``
    have been throttled (no limit if ``None``), and, when a rate is set
    (``rate`` or ``cluster_load``), only if it exceeds ``rate`` requests per
    virtual second (default: the store's quota) lowered by ``cluster_load``.
    With no rate, every such request is throttled.

    One object may serve several stores: ``seen`` and ``throttled`` count over
    all of them, while each store keeps its own rate bucket.
    """

    rate: float | None = None
    after: int = 0
    times: int | None = None
    operations: Collection[str] | None = None
    cluster_load: float = 0.0
    seen: int = 0
    throttled: int = 0

    @property
    def limits_rate(self) -> bool:
        """Whether requests are throttled only beyond a rate (else: all of them)."""
        return self.rate is not None or self.cluster_load > 0.0

    def rate_for(self, quota_rate: float) -> float:
        """Requests per virtual second admitted, given the store's own quota."""
        rate = quota_rate if self.rate is None else self.rate
        return max(rate * (1.0 - min(max(self.cluster_load, 0.0), 1.0)), 0.0)


class _Bucket:
    """A token bucket holding one virtual second of requests at ``rate`` (at least one)."""

    __slots__ = ("_tokens", "_updated")

    def __init__(self) -> None:
        self._tokens = -1.0  # full on first use
        self._updated = 0.0

    def take(self, rate: float, now: float) -> bool:
        if rate <= 0.0:
            return False
        capacity = max(rate, 1.0)
        if self._tokens < 0.0:
            self._tokens = capacity
        elif now > self._updated:
            self._tokens = min(capacity, self._tokens + (now - self._updated) * rate)
        self._updated = max(now, self._updated)
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True


@dataclass
class RequestQuota:
    """The request quota of one custom key store: ``rate`` requests per virtual second."""

    clock: VirtualClock
    rate: float = 1800.0
    throttle: Throttle | None = None
    counted: int = 0
    _bucket: _Bucket = field(default_factory=_Bucket, repr=False)
    # The throttle's own bucket, so a throttle with a low rate, once lifted, leaves the
    # store's quota as full as it would have been.
    _throttle_bucket: _Bucket = field(default_factory=_Bucket, repr=False)
    _throttle_of_bucket: Throttle | None = field(default=None, repr=False)

    def consume(self, operation: str) -> None:
        """Count one request of ``operation`` (one the quota counts), or answer
        ``ThrottlingException`` (HTTP 400) as KMS does."""
        self.counted += 1
        throttle = self.throttle
        if throttle is not None and self._throttled_by(throttle, operation):
            throttle.throttled += 1
            raise _throttling()
        if not self._bucket.take(self.rate, self.clock.now()):
            raise _throttling()

    def _throttled_by(self, throttle: Throttle, operation: str) -> bool:
        if throttle.operations is not None and operation not in throttle.operations:
            return False
        throttle.seen += 1
        if throttle.seen <= throttle.after:
            return False
        if throttle.times is not None and throttle.throttled >= throttle.times:
            return False
        if not throttle.limits_rate:
            return True
        if self._throttle_of_bucket is not throttle:  # a new throttle starts with a full bucket
            self._throttle_of_bucket = throttle
            self._throttle_bucket = _Bucket()
        return not self._throttle_bucket.take(throttle.rate_for(self.rate), self.clock.now())


def _throttling() -> ServiceError:
    return ServiceError("ThrottlingException", THROTTLING_MESSAGE, status=400)
