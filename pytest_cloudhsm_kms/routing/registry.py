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
_REGION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


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
        # "Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request": read without an
        # expression when it is that plain (every botocore request); else the expression.
        start = authorization.find("Credential=")
        if start >= 0:
            scope = authorization[start + 11:].split("/", 3)
            if (len(scope) == 4 and scope[0] and "," not in scope[0] and len(scope[1]) == 8
                    and scope[1].isdecimal() and _REGION_CHARS.issuperset(scope[2])
                    and scope[2]):
                return scope[2]
        match = _SCOPE.search(authorization)
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
