"""Where the fake's randomness comes from: the OS, or a seed for repeatable runs."""

from __future__ import annotations

import functools
import os
import random
import uuid

__all__ = ["Entropy"]


class Entropy:
    """Random bytes, UUIDs and IDs; repeatable when ``seed`` is given.

    With a seed, the same sequence of calls yields the same IDs, key material,
    IVs and so ciphertexts, run after run.
    """

    def __init__(self, seed: str | int | None = None) -> None:
        self.seed = seed
        self._random = None if seed is None else random.Random(str(seed))

    def bytes(self, n: int) -> bytes:
        """``n`` random bytes."""
        if self._random is None:
            return os.urandom(n)
        return self._random.getrandbits(8 * n).to_bytes(n, "big") if n else b""

    def uuid4(self) -> str:
        """A random version-4 UUID in its canonical text form."""
        return str(uuid.UUID(bytes=self.bytes(16), version=4))

    def token(self, alphabet: str, length: int) -> str:
        """``length`` characters drawn from ``alphabet`` (ASCII): byte ``b`` picks
        ``alphabet[b % len(alphabet)]``."""
        return self.bytes(length).translate(_table(alphabet)).decode("ascii")


@functools.lru_cache(maxsize=32)
def _table(alphabet: str) -> bytes:
    """A ``bytes.translate`` table sending each byte value to its alphabet character."""
    return bytes(ord(alphabet[b % len(alphabet)]) for b in range(256))
