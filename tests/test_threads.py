"""Every state change runs under the environment's lock: requests, timers that fall due on
whichever thread advances the clock, ready-made resources and the first use of a Region.
Threads switch as often as the interpreter allows, so a race shows as a 500, an exception
or a lost key."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pytest_cloudhsm_kms import CloudHsmKms

DAY = 86_400
ROUNDS = 40
REGIONS = ("eu-west-3", "ap-northeast-3", "sa-east-1", "af-south-1")


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Threads switch every microsecond instead of every 5 ms."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def _run(*workers: Callable[[], None]) -> None:
    """Run the workers in threads at once; re-raise the first exception any of them hit."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(workers))

    def wrapped(worker: Callable[[], None]) -> None:
        try:
            start.wait()
            worker()
        except BaseException as error:  # reported to the main thread below
            errors.append(error)

    threads = [threading.Thread(target=wrapped, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _call(env: CloudHsmKms, service: str, operation: str, params: dict[str, Any],
          region: str | None = None) -> dict[str, Any]:
    prefix = "TrentService." if service == "kms" else "BaldrApiService."
    answer = env.handle(service, region, prefix + operation, json.dumps(params).encode())
    assert answer.status < 500, (operation, answer.body)
    document: dict[str, Any] = json.loads(answer.body)
    return document


def test_timers_requests_and_ready_made_resources_race_without_a_500(
    fast_switching: None,
) -> None:
    env = CloudHsmKms(seed="threads")
    key = env.ready_key()
    cluster_id = key["CloudHsmClusterId"]
    doomed = [_call(env, "kms", "CreateKey", {})["KeyMetadata"]["KeyId"] for _ in range(ROUNDS)]
    made: list[str] = []

    def requests() -> None:
        for _ in range(ROUNDS):
            blob = _call(env, "kms", "Encrypt", {"KeyId": key["KeyId"], "Plaintext": "eA=="})
            assert "CiphertextBlob" in blob, blob
            _call(env, "kms", "ListKeys", {})
            _call(env, "kms", "DescribeCustomKeyStores", {})
            _call(env, "cloudhsmv2", "DescribeClusters", {})
            _call(env, "cloudhsmv2", "DescribeBackups", {})

    def deletions() -> None:
        for key_id in doomed:
            answer = _call(env, "kms", "ScheduleKeyDeletion",
                           {"KeyId": key_id, "PendingWindowInDays": 7})
            assert answer.get("KeyState") == "PendingDeletion", answer

    def time_passes() -> None:  # key deletions and daily backups fall due on this thread
        for _ in range(ROUNDS):
            env.clock.advance(DAY / 2)

    def ready_made() -> None:
        for _ in range(ROUNDS // 8):
            made.append(env.ready_key(
                custom_key_store_id=key["CustomKeyStoreId"])["KeyId"])
            env.ready_cluster()

    _run(requests, deletions, time_passes, ready_made)
    env.clock.advance(8 * DAY)

    assert env.internal_errors == []
    keys = {k["KeyId"] for k in _call(env, "kms", "ListKeys", {"Limit": 1000})["Keys"]}
    assert keys == {key["KeyId"], *made}  # the doomed keys deleted, none of the others lost
    clusters = _call(env, "cloudhsmv2", "DescribeClusters", {})["Clusters"]
    assert len(clusters) == 1 + ROUNDS // 8
    backups = _call(env, "cloudhsmv2", "DescribeBackups",
                    {"Filters": {"clusterIds": [cluster_id]}})["Backups"]
    assert len(backups) >= 20  # a daily backup for each of the 28 days
    blob = _call(env, "kms", "Encrypt", {"KeyId": key["KeyId"], "Plaintext": "eA=="})
    assert _call(env, "kms", "Decrypt", blob)["Plaintext"] == "eA=="


def test_a_timer_waits_for_the_request_in_flight(cloudhsm_kms: CloudHsmKms) -> None:
    """A key deletion falling due on another thread's clock advance never lands in the
    middle of a request: the advance waits for the environment's lock."""
    env = cloudhsm_kms
    key_id = _call(env, "kms", "CreateKey", {})["KeyMetadata"]["KeyId"]
    _call(env, "kms", "ScheduleKeyDeletion", {"KeyId": key_id, "PendingWindowInDays": 7})
    inside, advanced = threading.Event(), threading.Event()
    seen: list[bool] = []

    def hold(service: str, operation: str, params: dict[str, Any]) -> None:
        if operation == "ListAliases":
            inside.set()
            advanced.wait(timeout=0.5)  # long enough for an unguarded advance to finish
            seen.append(key_id in env.kms().registry.keys)

    def advance() -> None:
        inside.wait(timeout=10)
        env.clock.advance(8 * DAY)
        advanced.set()

    env.add_interceptor(hold)
    thread = threading.Thread(target=advance)
    thread.start()
    _call(env, "kms", "ListAliases", {})
    thread.join(timeout=10)
    assert seen == [True]  # the key was still there all through the request
    assert advanced.is_set()
    assert key_id not in env.kms().registry.keys  # and deleted once the request was done


def test_threads_that_first_touch_a_region_together_share_its_services(
    fast_switching: None,
) -> None:
    for trial in range(20):
        env = CloudHsmKms()
        seen: list[tuple[Any, Any]] = []

        _run(*(_first_touch(env, region, seen) for region in REGIONS for _ in range(4)))

        for region in REGIONS:
            kms, cloudhsm = env.kms(region), env.cloudhsm(region)
            assert kms.cloudhsm is cloudhsm
            assert {id(k) for k, _ in seen if k.region == region} == {id(kms)}, trial
            assert {id(c) for _, c in seen if c.region == region} == {id(cloudhsm)}, trial
        assert len(env.services("kms")) == len(env.services("cloudhsmv2")) == len(REGIONS)


def _first_touch(env: CloudHsmKms, region: str, seen: list[tuple[Any, Any]]) -> Callable[[], None]:
    def worker() -> None:
        seen.append((env.kms(region), env.cloudhsm(region)))
    return worker
