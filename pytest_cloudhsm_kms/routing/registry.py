"""The stack of active environments. The innermost one answers requests."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .hosts import service_url

if TYPE_CHECKING:
    from ..environment import CloudHsmKms

__all__ = [
    "active", "add_endpoint", "current", "is_endpoint", "pop", "push", "region_of",
    "remove_endpoint",
]

_stack: list[CloudHsmKms] = []
_endpoints: set[str] = set()  # base URLs of the local endpoints serving now
_SCOPE = re.compile(r"Credential=[^/,]+/\d{8}/([a-z0-9-]+)/")


def push(environment: CloudHsmKms) -> None:
    """Make ``environment`` the one that answers."""
    _stack.append(environment)


def pop(environment: CloudHsmKms) -> None:
    """Stop ``environment`` answering; the one it nested in answers again."""
    if environment in _stack:
        _stack.remove(environment)


def current() -> CloudHsmKms | None:
    """The environment answering now, if any."""
    return _stack[-1] if _stack else None


def active() -> tuple[CloudHsmKms, ...]:
    """Every started environment, outermost first."""
    return tuple(_stack)


def region_of(url: str, authorization: str | None) -> str | None:
    """The Region a request is for: its SigV4 scope, else its host."""
    if authorization:
        start = authorization.find("Credential=")  # where the scope is; no search needed
        match = _SCOPE.match(authorization, start) if start >= 0 else None
        if match is None and start >= 0:
            match = _SCOPE.search(authorization, start + 1)
        if match:
            return match.group(1)
    match = service_url().match(url)
    return match.group("region").lower() if match else None


def add_endpoint(url: str) -> None:
    """A local endpoint serves at ``url``: in-process clients pointed at it go over HTTP."""
    _endpoints.add(url.rstrip("/") + "/")


def remove_endpoint(url: str) -> None:
    """The endpoint at ``url`` stopped."""
    _endpoints.discard(url.rstrip("/") + "/")


def is_endpoint(url: str) -> bool:
    """Whether ``url`` is on a local endpoint that is serving now."""
    return bool(_endpoints) and any(url.startswith(base) for base in _endpoints)
