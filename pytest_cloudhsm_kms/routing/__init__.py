"""Interception: which requests are the fake's, and how they reach it.

One process-wide stack of active environments; the top one answers. The
botocore hook is installed once, when this package is imported, and answers
only while an environment is active. :func:`follow_stack` makes the rest of
the process (back-off, ``os.environ``, ``requests``) match the top one.
"""

from __future__ import annotations

import functools
from typing import Any

from .. import isolation
from . import backoff
from .botocore_hook import install
from .registry import active, current, pop, push

__all__ = ["active", "backoff", "current", "follow_stack", "install", "pop", "push"]

install()


def follow_stack() -> None:
    """Make the process match the innermost active environment, or none.

    Called after every start and stop, so environments stopped out of order
    leave neither stale nor missing settings: fake credentials and Region,
    virtual back-off, ``requests`` routing.
    """
    top = current()
    if top is None:
        backoff.uninstall()
        _switch_requests_routing(False)
        isolation.restore()
        return
    backoff.install()
    isolation.apply(top.region)
    _switch_requests_routing(top._route_requests)


@functools.cache
def _requests_router() -> Any:
    """The process's one ``responses`` router (made once, and imported late: importing
    requests is slow; ``responses`` itself is a required dependency)."""
    from .requests_hook import RequestsRouter

    return RequestsRouter()


_process_router: list[Any] = []  # the started requests router, if any


def _switch_requests_routing(on: bool) -> None:
    if on and not _process_router:
        router = _requests_router()
        if router is not None:
            router.start()
            _process_router.append(router)
    elif not on and _process_router:
        _process_router.pop().stop()
