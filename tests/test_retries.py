"""Throttling through botocore's real retry handler, in its three retry modes.

docs/aws-behaviour.md §5.2.

Back-off advances the virtual clock instead of sleeping: these tests assert on
the virtual clock and forbid real sleeps, and never time the wall clock.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import CapacityNotAvailableError, ClientError
from botocore.retries import bucket
from helpers import FROZEN_START

from pytest_cloudhsm_kms import CloudHsmKms, VirtualClock

# Total attempts when every attempt is throttled (docs/aws-behaviour.md §5.2, measured).
MODES = [("legacy", 5), ("standard", 3), ("adaptive", 3)]
# The most back-off can add up to over those attempts: legacy rand * 2**(n-1) with no cap,
# standard rand * min(1 s * 2**(n-1), 20 s) for throttling errors.
MAX_BACK_OFF = {"legacy": 1 + 2 + 4 + 8, "standard": 1 + 2}


def client(aws: CloudHsmKms, mode: str) -> Any:
    return aws.client("kms", config=Config(retries={"mode": mode}))


def attempts(aws: CloudHsmKms, operation: str = "Encrypt") -> list[tuple[int, str | None]]:
    """(HTTP status, error code) of each attempt the fake answered, from its call log."""
    return [(call.status, call.error_code) for call in aws.calls if call.operation == operation]


@pytest.mark.parametrize(("mode", "total"), MODES)
def test_throttling_exhausts_each_modes_attempts_on_the_virtual_clock(
    frozen, mode, total,
) -> None:
    key_id = frozen.ready_key()["KeyId"]
    kms = client(frozen, mode)
    with frozen.fault("throttled"), pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    response = caught.value.response
    assert response["Error"]["Code"] == "ThrottlingException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["RetryAttempts"] == total - 1
    assert response["ResponseMetadata"]["MaxAttemptsReached"] is True
    assert attempts(frozen) == [(400, "ThrottlingException")] * total
    elapsed = frozen.clock.now() - FROZEN_START
    assert elapsed > 0  # the back-off went to the virtual clock (the clock is frozen otherwise)
    if mode in MAX_BACK_OFF:
        assert elapsed <= MAX_BACK_OFF[mode]


@pytest.mark.parametrize(("mode", "times"), [("legacy", 4), ("standard", 2), ("adaptive", 2)])
def test_a_call_throttled_fewer_times_than_the_attempts_succeeds_on_the_next_one(
    frozen, mode, times,
) -> None:
    key_id = frozen.ready_key()["KeyId"]
    kms = client(frozen, mode)
    with frozen.fault("throttled", times=times):
        response = kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert response["ResponseMetadata"]["RetryAttempts"] == times
    assert attempts(frozen) == [(400, "ThrottlingException")] * times + [(200, None)]
    assert frozen.clock.now() > FROZEN_START


def test_standard_mode_gives_up_after_three_attempts_even_if_the_fourth_would_succeed(
    frozen,
) -> None:
    key_id = frozen.ready_key()["KeyId"]
    kms = client(frozen, "standard")
    with frozen.fault("throttled", times=3), pytest.raises(ClientError):
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert kms.encrypt(KeyId=key_id, Plaintext=b"x")["ResponseMetadata"]["RetryAttempts"] == 0
    assert attempts(frozen) == [(400, "ThrottlingException")] * 3 + [(200, None)]


def test_adaptive_mode_keeps_throttled_clients_waiting_on_the_virtual_clock(frozen) -> None:
    """Once throttled, an adaptive client waits for its token bucket before every send:
    seconds each, all of them virtual (botocore would block in Condition.wait)."""
    key_id = frozen.ready_key()["KeyId"]
    kms = client(frozen, "adaptive")
    with frozen.fault("throttled"):
        for _ in range(10):
            with pytest.raises(ClientError):
                kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert len(attempts(frozen)) == 30
    # Back-off alone adds at most 3 s per call (30 s); the limiter (its bucket refills at
    # 0.5 to a few tokens per second) made the client wait longer, on the virtual clock.
    assert frozen.clock.now() - FROZEN_START > 30
    for _ in range(5):
        kms.encrypt(KeyId=key_id, Plaintext=b"x")


def test_the_adaptive_token_bucket_waits_by_advancing_the_virtual_clock(frozen) -> None:
    token_bucket = bucket.TokenBucket(max_rate=0.5, clock=bucket.Clock())  # empty at first
    for _ in range(3):
        token_bucket.acquire()
    assert frozen.clock.now() - FROZEN_START == pytest.approx(6.0)  # 3 tokens at 0.5 per second
    with pytest.raises(CapacityNotAvailableError):
        token_bucket.acquire(block=False)
    frozen.clock.advance(2.0)
    assert token_bucket.acquire(block=False) is True


def test_an_adaptive_client_reused_in_a_later_environment_keeps_that_clock_still(
    monkeypatch,
) -> None:
    """A client made in one test and used in the next must not drag the next test's
    clock to the first one's virtual time."""
    monkeypatch.setattr(time, "sleep", lambda seconds: pytest.fail(f"slept {seconds} s"))
    with CloudHsmKms(clock=VirtualClock(FROZEN_START, ticking=False)) as first:
        key_id = first.ready_key()["KeyId"]
        kms = client(first, "adaptive")
        with first.fault("throttled"), pytest.raises(ClientError):
            kms.encrypt(KeyId=key_id, Plaintext=b"x")
        first.clock.advance(30 * 86_400.0)
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    with CloudHsmKms(clock=VirtualClock(FROZEN_START, ticking=False)) as second:
        key_id = second.ready_key()["KeyId"]
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
        assert second.clock.now() - FROZEN_START < 60


@pytest.mark.cloudhsm_throttled(times=2)
def test_the_marker_through_the_default_client(cloudhsm_kms, cloudhsm_key, kms_client) -> None:
    """botocore's default mode is standard: two throttles, success on the third attempt."""
    start = cloudhsm_kms.clock.now()
    response = kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert [c.error_code for c in cloudhsm_kms.calls if c.operation == "Encrypt"] == [
        "ThrottlingException", "ThrottlingException", None]
    assert cloudhsm_kms.clock.now() > start
