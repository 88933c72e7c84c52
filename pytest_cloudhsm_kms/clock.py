"""One virtual clock for a whole environment.

Virtual time follows real time from the moment the clock is made, plus every
jump made by :meth:`VirtualClock.advance` (explicit jumps and botocore's
retry back-off, which advances the clock instead of sleeping). Deferred work
(cluster transitions, key deletion, connection delays) is scheduled on the
clock and runs, in due order, whenever the clock is read by a request or
advanced.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable

__all__ = ["VirtualClock"]


class VirtualClock:
    """Epoch seconds that tick with real time and jump on demand.

    ``ticking=False`` freezes the clock between explicit advances, which makes
    rate-based tests exact.
    """

    def __init__(self, start: float | None = None, *, ticking: bool = True) -> None:
        self._start = time.time() if start is None else float(start)
        self._origin = time.monotonic()
        self._offset = 0.0
        self._ticking = ticking
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._lock = threading.RLock()

    def now(self) -> float:
        """The current virtual time, in epoch seconds."""
        elapsed = time.monotonic() - self._origin if self._ticking else 0.0
        return self._start + elapsed + self._offset

    @property
    def lock(self) -> threading.RLock:
        """The lock its timers run under. An environment shares it, so a timer that falls
        due on whichever thread advances the clock never interleaves with a request."""
        return self._lock

    @property
    def ticking(self) -> bool:
        """Whether virtual time follows real time between jumps; set ``False`` to freeze it."""
        return self._ticking

    @ticking.setter
    def ticking(self, ticking: bool) -> None:
        with self._lock:
            now = self.now()
            self._ticking = ticking
            self._origin = time.monotonic()
            self._offset = now - self._start

    def advance(self, seconds: float) -> float:
        """Move virtual time forward, run the work that falls due, return the new time."""
        if seconds < 0:
            raise ValueError("the virtual clock never goes back")
        with self._lock:
            self._offset += seconds
        self.run_due()
        return self.now()

    def sleep(self, seconds: float) -> None:
        """A stand-in for :func:`time.sleep` that costs no wall time."""
        if seconds > 0:
            self.advance(seconds)

    def call_at(self, when: float, callback: Callable[[], None]) -> None:
        """Run ``callback`` once virtual time reaches ``when``."""
        with self._lock:
            heapq.heappush(self._timers, (when, next(self._seq), callback))

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        """Run ``callback`` after ``delay`` virtual seconds (0: before the next request)."""
        self.call_at(self.now() + delay, callback)

    def run_due(self) -> None:
        """Run every scheduled callback whose time has come, earliest first."""
        timers = self._timers
        if not timers:
            return
        with self._lock:
            now = self.now()
            while timers and timers[0][0] <= now:
                _, _, callback = heapq.heappop(timers)
                callback()
