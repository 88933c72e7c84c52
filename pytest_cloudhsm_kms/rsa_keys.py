"""RSA key pairs derived from a label: the same label gives the same key pair in every process.

``cryptography`` (OpenSSL) draws RSA primes from the system's randomness and
cannot be seeded, so a seeded environment would make different RSA keys in
every run. Here the primes come from a deterministic stream instead: SHAKE-256
of the label, read as candidates of the right size, sieved by the small primes
and tested by Miller-Rabin with bases from the same stream. That is FIPS 186's
probable-prime method with a seeded generator. In pure Python the search takes
several times OpenSSL's time, so :func:`rsa_key` caches the keys it made for the
process, and the keys most processes need start from recorded positions of their
primes, which makes them as cheap as OpenSSL's.
"""

from __future__ import annotations

import functools
import hashlib
import math

from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["prime_positions", "rsa_key"]

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


def _prime(bits: int, stream: _Stream, skip: int = 0) -> tuple[int, int]:
    """A prime of exactly ``bits`` bits whose top two bits are set (so p*q has 2*bits bits),
    and where the search found it (windows before its own times ``_WINDOW``, plus its
    offset). ``skip`` starts the search there: composites use no stream (base 2 rejects
    them first), so skipping them yields the same prime."""
    rounds = 5 if bits >= 1024 else 8  # FIPS 186-5 table B.1 error bounds for these sizes
    windows = 0
    while True:
        start = stream.integer(bits) | (0b11 << (bits - 2)) | 1
        if skip >= _WINDOW * (windows + 1):  # a window the recorded search found empty
            windows += 1
            continue
        offset = max(skip - _WINDOW * windows, 0)
        if offset:  # the recorded prime: read the stream its tests read, skip the tests
            for _ in range(rounds - 1):
                stream.integer(bits)
            return start + 2 * offset, skip
        composite = bytearray(_WINDOW)
        for p in _SMALL:  # mark start + 2k divisible by p
            first = (-start * (p + 1) // 2) % p  # (p + 1) // 2 is the inverse of 2 mod p
            composite[first::p] = b"\x01" * len(range(first, _WINDOW, p))
        for k in range(offset, _WINDOW):
            if composite[k]:
                continue
            candidate = start + 2 * k
            if candidate.bit_length() != bits:
                break
            if (candidate - 1) % PUBLIC_EXPONENT and _probable_prime(candidate, stream, rounds):
                return candidate, _WINDOW * windows + k
        windows += 1


# Where the search finds each prime of the keys every process makes (the cluster
# certificates' keys) or many do (the seeded RSA pools of every size): ``prime_positions`` of
# each, recorded so these keys cost a few exponentiations instead of a search. A
# wrong entry costs only time: OpenSSL's check of the key finds a composite "prime" and
# the search runs after all (tests/test_seeded_processes.py checks every entry).
_POSITIONS: dict[tuple[int, str], tuple[int, ...]] = {
    (2048, "HSM"): (15, 35),
    (2048, "customer CA"): (1106, 25),
    (2048, "pool 0"): (222, 379),
    (2048, "pool 1"): (262, 1309),
    (2048, "pool 2"): (287, 118),
    (2048, "pool 3"): (222, 252),
    (2048, "pool 4"): (1, 144),
    (2048, "pool 5"): (649, 923),
    (2048, "pool 6"): (177, 240),
    (2048, "pool 7"): (528, 74),
    (3072, "pool 0"): (148, 156),
    (3072, "pool 1"): (38, 21),
    (3072, "pool 2"): (184, 35),
    (3072, "pool 3"): (2265, 195),
    (3072, "pool 4"): (70, 614),
    (3072, "pool 5"): (820, 353),
    (3072, "pool 6"): (1174, 205),
    (3072, "pool 7"): (461, 405),
    (4096, "pool 0"): (2389, 857),
    (4096, "pool 1"): (1599, 688),
    (4096, "pool 2"): (679, 42),
    (4096, "pool 3"): (682, 38),
    (4096, "pool 4"): (520, 387),
    (4096, "pool 5"): (1345, 1033),
    (4096, "pool 6"): (24, 143),
    (4096, "pool 7"): (747, 1227),
}


def prime_positions(bits: int, label: str) -> tuple[int, ...]:
    """Where the search finds each prime of ``rsa_key(bits, label)``, in order."""
    return _derive(bits, label, ())[1]


@functools.cache
def rsa_key(bits: int, label: str) -> rsa.RSAPrivateKey:
    """The RSA private key (public exponent 65537) of ``bits`` bits for ``label``."""
    known = _POSITIONS.get((bits, label), ())
    try:  # OpenSSL's check of the key (its primes included) vouches for the recorded positions
        return _derive(bits, label, known)[0]
    except ValueError:  # pragma: no cover - a wrong record: search after all
        return _derive(bits, label, ())[0]


def _derive(bits: int, label: str, known: tuple[int, ...]
            ) -> tuple[rsa.RSAPrivateKey, tuple[int, ...]]:
    stream = _Stream(f"pytest-cloudhsm-kms RSA {bits} {label}".encode())
    positions: list[int] = []

    def prime(size: int) -> int:
        found, position = _prime(size, stream, known[len(positions)]
                                 if len(positions) < len(known) else 0)
        positions.append(position)
        return found

    while True:
        p = prime(bits - bits // 2)
        q = prime(bits // 2)
        if p != q and (p * q).bit_length() == bits:
            break
    p, q = max(p, q), min(p, q)
    d = pow(PUBLIC_EXPONENT, -1, math.lcm(p - 1, q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
        rsa.RSAPublicNumbers(PUBLIC_EXPONENT, p * q),
    )
    return numbers.private_key(), tuple(positions)
