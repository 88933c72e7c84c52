"""RSA key pairs derived from a label: the same label gives the same key pair in every process.

``cryptography`` (OpenSSL) draws RSA primes from the system's randomness and
cannot be seeded, so a seeded environment would make different RSA keys in
every run. Here the primes come from a deterministic stream instead: SHAKE-256
of the label, read as candidates of the right size, sieved by the small primes
and tested by Miller-Rabin with bases from the same stream. That is FIPS 186's
probable-prime method with a seeded generator; it takes about twice OpenSSL's
time, so callers keep the keys they made (:func:`rsa_key` caches them for the
process).
"""

from __future__ import annotations

import functools
import hashlib
import math

from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["rsa_key"]

PUBLIC_EXPONENT = 65537
_SIEVE_LIMIT = 50_000
_WINDOW = 4096  # candidates sieved at a time (even offsets from the start)


def _small_primes(limit: int) -> tuple[int, ...]:
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for n in range(2, math.isqrt(limit) + 1):
        if sieve[n]:
            sieve[n * n::n] = bytes(len(range(n * n, limit, n)))
    return tuple(n for n in range(3, limit) if sieve[n])


_SMALL = _small_primes(_SIEVE_LIMIT)


class _Stream:
    """An endless deterministic bit stream: SHAKE-256 of the label, read in blocks."""

    def __init__(self, label: bytes) -> None:
        self._label = label
        self._block = 0

    def integer(self, bits: int) -> int:
        data = hashlib.shake_256(self._label + self._block.to_bytes(8, "big")).digest(
            (bits + 7) // 8)
        self._block += 1
        return int.from_bytes(data, "big") >> (-bits % 8)


def _probable_prime(n: int, stream: _Stream, rounds: int) -> bool:
    d, s = n - 1, 0
    while not d & 1:
        d >>= 1
        s += 1
    for index in range(rounds):
        base = 2 if index == 0 else 3 + stream.integer(n.bit_length()) % (n - 4)
        x = pow(base, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int, stream: _Stream) -> int:
    """A prime of exactly ``bits`` bits whose top two bits are set (so p*q has 2*bits bits)."""
    rounds = 5 if bits >= 1024 else 8  # FIPS 186-5 table B.1 error bounds for these sizes
    while True:
        start = stream.integer(bits) | (0b11 << (bits - 2)) | 1
        composite = bytearray(_WINDOW)
        for p in _SMALL:  # mark start + 2k divisible by p
            first = (-start * pow(2, -1, p)) % p
            composite[first::p] = b"\x01" * len(range(first, _WINDOW, p))
        for k in range(_WINDOW):
            if composite[k]:
                continue
            candidate = start + 2 * k
            if candidate.bit_length() != bits:
                break
            if (candidate - 1) % PUBLIC_EXPONENT and _probable_prime(candidate, stream, rounds):
                return candidate


@functools.cache
def rsa_key(bits: int, label: str) -> rsa.RSAPrivateKey:
    """The RSA private key (public exponent 65537) of ``bits`` bits for ``label``."""
    stream = _Stream(f"pytest-cloudhsm-kms RSA {bits} {label}".encode())
    while True:
        p = _prime(bits - bits // 2, stream)
        q = _prime(bits // 2, stream)
        if p != q and (p * q).bit_length() == bits:
            break
    p, q = max(p, q), min(p, q)
    d = pow(PUBLIC_EXPONENT, -1, math.lcm(p - 1, q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
        rsa.RSAPublicNumbers(PUBLIC_EXPONENT, p * q),
    )
    return numbers.private_key()
