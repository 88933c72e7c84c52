"""Interception: which requests are the fake's, and how they reach it.

One process-wide stack of active environments; the top one answers. The
botocore hook is installed once, when this package is imported, and answers
only while an environment is active.
"""

from __future__ import annotations

from . import backoff
from .botocore_hook import install
from .registry import active, current, pop, push

__all__ = ["active", "backoff", "current", "install", "pop", "push"]

install()
