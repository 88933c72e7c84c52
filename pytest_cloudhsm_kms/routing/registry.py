"""The stack of active environments. The innermost one answers requests."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .hosts import service_url

if TYPE_CHECKING:
    from ..environment import CloudHsmKms

__all__ = ["active", "current", "pop", "push", "region_of"]

_stack: list[CloudHsmKms] = []
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
        match = _SCOPE.search(authorization)
        if match:
            return match.group(1)
    match = service_url().match(url)
    return match.group("region").lower() if match else None
