"""Retry back-off and client-side rate limiting on the virtual clock.

While an environment is active, every wait a client makes between attempts
advances the environment's virtual clock instead of passing real time:

* botocore, legacy and standard modes: ``time.sleep`` in
  ``Endpoint._needs_retry`` (``botocore.endpoint.time``);
* botocore, adaptive mode: its ``TokenBucket`` reads ``bucket.Clock`` and
  waits for capacity in ``TokenBucket._acquire``;
* aiobotocore: ``AioEndpoint._sleep`` (``asyncio.sleep``),
  ``AnyioEndpoint._sleep`` (``anyio.sleep``), and the wait of its
  ``AsyncTokenBucket`` / ``AnyioTokenBucket``.

The per-client retry state (standard mode's retry quota, adaptive mode's rate
limiter) starts fresh in each environment a client is used in, so a
long-lived client throttled in one test neither lacks retries nor waits in
the next (docs/aws-behaviour.md §5.2 has botocore's rules). The rate limiter
is reset through its methods, bound when a client is made: clients made
before this module was imported keep botocore's behaviour.
"""

from __future__ import annotations

import sys
import time
import weakref
from typing import TYPE_CHECKING, Any

import botocore.endpoint
from botocore.exceptions import CapacityNotAvailableError
from botocore.retries import adaptive, bucket, quota, throttling

from .registry import current

if TYPE_CHECKING:
    from ..environment import CloudHsmKms

__all__ = ["install", "install_aio", "installed", "uninstall"]


class _VirtualTime:
    """Stands in for ``botocore.endpoint.time``: its ``sleep`` advances the virtual clock."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        environment = current()
        if environment is None:
            time.sleep(seconds)
        else:
            environment.clock.sleep(seconds)


_VIRTUAL_TIME = _VirtualTime()
_REAL_BUCKET_SLEEP = bucket.Clock.sleep
_REAL_ACQUIRE = bucket.TokenBucket._acquire
# Settles a wait that floating point leaves a hair short; botocore's own loop is unbounded.
_MAX_VIRTUAL_WAITS = 64
_state = {"installed": False}
_aio_real: dict[tuple[Any, str], Any] = {}


def installed() -> bool:
    """Whether waits are virtual now."""
    return _state["installed"]


def install() -> None:
    """Make back-off and rate-limiter waits advance the active environment's clock."""
    if _state["installed"]:
        return
    botocore.endpoint.time = _VIRTUAL_TIME
    bucket.Clock.current_time = _virtual_current_time
    bucket.Clock.sleep = _virtual_bucket_sleep
    bucket.TokenBucket._acquire = _virtual_acquire
    _state["installed"] = True
    if "aiobotocore.endpoint" in sys.modules:
        install_aio()


def uninstall() -> None:
    """Wait for real again. ``Clock.current_time`` stays wrapped: outside an
    environment it is real time, continued without a jump back for the rate
    limiter of a client that read a virtual clock before."""
    if not _state["installed"]:
        return
    botocore.endpoint.time = time
    bucket.Clock.sleep = _REAL_BUCKET_SLEEP
    bucket.TokenBucket._acquire = _REAL_ACQUIRE
    for (owner, name), real in _aio_real.items():
        setattr(owner, name, real)
    _aio_real.clear()
    _state["installed"] = False


def install_aio() -> None:
    """The same for aiobotocore (imported by now): its endpoints' sleep and its
    token buckets' wait advance the virtual clock; the rate limiters of its
    clients made from now on start fresh in each environment."""
    if not _state["installed"]:
        return
    from aiobotocore import endpoint
    from aiobotocore.retries import adaptive as aio_adaptive
    from aiobotocore.retries import bucket as aio_bucket

    if getattr(endpoint.AioEndpoint, "_cloudhsm_kms_virtual", False):
        return  # these classes are patched already (checked per class: a module may be reloaded)
    patches: list[tuple[Any, str, Any]] = []
    for cls in (endpoint.AioEndpoint, getattr(endpoint, "AnyioEndpoint", None)):
        if cls is not None and "_sleep" in vars(cls):  # AnyioEndpoint: aiobotocore 3.x, httpx
            patches.append((cls, "_sleep",
                            _aio_virtual_sleep(vars(cls)["_sleep"], checkpoint=True)))
    for cls in (aio_bucket.AsyncTokenBucket, getattr(aio_bucket, "AnyioTokenBucket", None)):
        if cls is not None and "_wait_for_new_fill_rate" in vars(cls):
            patches.append((cls, "_wait_for_new_fill_rate", _aio_virtual_sleep(
                vars(cls)["_wait_for_new_fill_rate"], checkpoint=False)))
    patches.append((endpoint.AioEndpoint, "_cloudhsm_kms_virtual", True))
    for owner, name, replacement in patches:
        _aio_real[(owner, name)] = vars(owner).get(name, False)
        setattr(owner, name, replacement)
    limiter = aio_adaptive.AsyncClientRateLimiter
    if not getattr(limiter, "_cloudhsm_kms_hooked", False):  # for good, as botocore's
        limiter.on_sending_request = _aio_limiter_hook(limiter.on_sending_request)
        limiter.on_receiving_response = _aio_limiter_hook(limiter.on_receiving_response)
        limiter._cloudhsm_kms_hooked = True


# -- botocore's adaptive mode ----------------------------------------------------------


def _virtual_current_time(self: Any) -> float:
    """botocore's ``bucket.Clock.current_time``: the active environment's virtual time.

    Each adaptive-mode client has one such clock (its token bucket, rate
    clocker and CUBIC calculator share it). The time it reads stays continuous
    for that client across environments and after them: a client made in one
    test and used in the next (whose virtual clock may be days behind) sees no
    jump back.
    """
    environment = current()
    source = environment.clock if environment is not None else None
    now = source.now() if source is not None else time.time()
    state: list[Any] | None = self.__dict__.get("_cloudhsm_kms_time")
    if state is None:
        self._cloudhsm_kms_time = [source, 0.0, now]  # source, shift, last reading
        return now
    if state[0] is not source:
        state[0] = source
        state[1] = max(state[2] - now, 0.0)
    reading: float = max(now + state[1], state[2])
    state[2] = reading
    return reading


def _virtual_bucket_sleep(self: Any, amount: float) -> None:
    _VIRTUAL_TIME.sleep(amount)


def _virtual_acquire(self: Any, amount: float, block: bool) -> bool:
    """botocore's ``TokenBucket._acquire``, with the wait for capacity made virtual."""
    environment = current()
    if environment is None:
        return bool(_REAL_ACQUIRE(self, amount, block))
    self._refill()
    if amount > self._current_capacity:
        if not block:
            raise CapacityNotAvailableError()
        for _ in range(_MAX_VIRTUAL_WAITS):
            wait = self._sleep_amount(amount)
            if wait <= 0:
                break
            environment.clock.advance(wait)
            self._refill()
    self._current_capacity -= amount
    return True


# -- per-client retry state: fresh in each environment -----------------------------------------


def _first_use_here(state: Any) -> bool:
    """Whether a client's retry state is used for the first time in the active
    environment after having been used in another one (then it is to be reset)."""
    environment = current()
    if environment is None:
        return False
    seen: weakref.ref[CloudHsmKms] | None = state.__dict__.get("_cloudhsm_kms_environment")
    if seen is not None and seen() is environment:
        return False
    state._cloudhsm_kms_environment = weakref.ref(environment)
    return seen is not None


def _reset_limiter(limiter: Any) -> None:
    """Put an adaptive-mode rate limiter back as botocore makes it for a new client."""
    clock = limiter._clock
    limiter._rate_adjustor = throttling.CubicCalculator(
        starting_max_rate=0, start_time=clock.current_time()
    )
    limiter._token_bucket = type(limiter._token_bucket)(max_rate=1, clock=clock)
    limiter._rate_clocker = adaptive.RateClocker(clock)
    limiter._enabled = False


_REAL_ON_SENDING = adaptive.ClientRateLimiter.on_sending_request
_REAL_ON_RECEIVING = adaptive.ClientRateLimiter.on_receiving_response
_REAL_QUOTA_ACQUIRE = quota.RetryQuota.acquire


def _on_sending_request(self: Any, request: Any, **kwargs: Any) -> Any:
    if _first_use_here(self):
        _reset_limiter(self)
    return _REAL_ON_SENDING(self, request, **kwargs)


def _on_receiving_response(self: Any, **kwargs: Any) -> Any:
    if _first_use_here(self):
        _reset_limiter(self)
    return _REAL_ON_RECEIVING(self, **kwargs)


def _quota_acquire(self: Any, capacity_amount: int) -> bool:
    """Standard mode's retry quota: full again in each environment."""
    if _first_use_here(self):
        with self._lock:
            self._available_capacity = self._max_capacity
    return bool(_REAL_QUOTA_ACQUIRE(self, capacity_amount))


# Bound into each client's event handlers when the client is made: patched for good.
adaptive.ClientRateLimiter.on_sending_request = _on_sending_request
adaptive.ClientRateLimiter.on_receiving_response = (
    _on_receiving_response
)
quota.RetryQuota.acquire = _quota_acquire


# -- aiobotocore -----------------------------------------------------------------------------


def _aio_virtual_sleep(real: Any, *, checkpoint: bool) -> Any:
    """An async sleep of aiobotocore (a retry's back-off, the rate limiter's wait) that
    advances the virtual clock under an environment; with ``checkpoint`` it still
    yields to the event loop once, as a real sleep does."""
    async def sleep(self: Any, sleep_amount: float) -> None:
        environment = current()
        if environment is None:
            await real(self, sleep_amount)
            return
        environment.clock.sleep(sleep_amount)
        if checkpoint:
            await real(self, 0)

    return sleep


def _aio_limiter_hook(real: Any) -> Any:
    async def hook(self: Any, *args: Any, **kwargs: Any) -> Any:
        if _first_use_here(self):
            _reset_limiter(self)
        return await real(self, *args, **kwargs)

    return hook
