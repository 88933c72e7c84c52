"""Benchmarks of pytest-cloudhsm-kms, printed as ratios taken in one run.

    python bench/bench.py [--quick] [--only per-test] ...

* per call: Encrypt, Decrypt and GenerateDataKey through a boto3 client, the
  fake against the floor (the same client answered by a ``before-send``
  handler that returns the fake's own response bytes, canned) and moto's
  ``mock_aws`` against the same floor (budget: fake <= 1.15 x floor); "bare"
  is a handler doing only what real encryption needs (JSON, base64, a random IV,
  AES-256-GCM), the floor of any fake that encrypts; "plain" is the fake against a
  floor without the plugin's own botocore handlers (which every client of a process
  that imported the plugin runs, the floor's too);
* scale: the same calls in a store of 100,000 keys against one of 10 keys
  (budget: within 10%);
* per test: the setup+teardown cost of each fixture over an empty test,
  measured by running generated test files in a pytest subprocess
  (budget: ``cloudhsm_key`` <= 3 ms, ``cloudhsm_key`` + ``kms_client`` <= 3 ms);
* memory: growth per 1,000 tests that use ``cloudhsm_kms`` (with and without
  one ``requests`` call each), which should be flat;
* retries: the wall time of a call that exhausts botocore's retries under
  throttling, per retry mode, against the back-off botocore waited (virtual);
* endpoint: the same calls through a boto3 client pointed at the local
  endpoint (``endpoint_url``, over HTTP on 127.0.0.1) against the in-process
  client; the ``cloudhsm_kms_endpoint`` fixture's per-test cost is in the
  per-test table (budget: 20 ms).

Not a test: it asserts nothing, it prints numbers.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pytest_cloudhsm_kms import CloudHsmKms
from pytest_cloudhsm_kms.routing import botocore_hook

OPERATIONS = ("Encrypt", "Decrypt", "GenerateDataKey")
SECTIONS = ("per-call", "scale", "per-test", "retries", "memory", "endpoint")  # in running order


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def _per_call(call: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls


def _abba(round_: int, first: Any, second: Any) -> tuple[Any, Any]:
    """The order of two sides in a round: AB, BA, AB, ..., so that drift in the
    machine's speed falls on both sides."""
    return (first, second) if round_ % 2 == 0 else (second, first)


def _compare(base: list[float], other: list[float]) -> tuple[float, float, float]:
    """The median µs per call of each side and the median of the per-round ratios
    ``other / base`` (rounds run interleaved)."""
    ratio = statistics.median(b / a for a, b in zip(base, other, strict=True))
    return statistics.median(base) * 1e6, statistics.median(other) * 1e6, ratio


def _calls(client: Any, key_id: str) -> dict[str, Callable[[], object]]:
    blob = client.encrypt(KeyId=key_id, Plaintext=b"x" * 64)["CiphertextBlob"]
    return {
        "Encrypt": lambda: client.encrypt(KeyId=key_id, Plaintext=b"x" * 64),
        "Decrypt": lambda: client.decrypt(CiphertextBlob=blob),
        "GenerateDataKey": lambda: client.generate_data_key(KeyId=key_id, KeySpec="AES_256"),
    }


def _floor_client(canned: dict[str, tuple[int, dict[str, str], bytes]], *,
                  plain: bool = False) -> Any:
    """The floor: a client whose ``before-send`` answers the canned response. Like every
    client of a process that imported the plugin, it runs the plugin's two handlers
    too (they return at once with no environment active); ``plain`` leaves them out."""
    client = boto3.client("kms", region_name="us-east-1", aws_access_key_id="a",
                          aws_secret_access_key="b")
    if plain:
        client.meta.events.unregister("before-sign.kms", botocore_hook.before_sign)
        client.meta.events.unregister("before-send.kms", botocore_hook.before_send)

    def answer(request: Any, event_name: str, **_: Any) -> AWSResponse:
        status, headers, body = canned[event_name.rsplit(".", 1)[1]]
        return AWSResponse(request.url, status, headers, _Body(body))

    client.meta.events.register("before-send.kms", answer)
    return client


def _bare_client(arn: str) -> Any:
    """A client answered by the work any fake with real encryption does per call, and
    nothing else: JSON and base64 in and out, a random IV, AES-256-GCM (a reference
    point between the floor and the fake: no validation, key model, checks or log)."""
    client = boto3.client("kms", region_name="us-east-1", aws_access_key_id="a",
                          aws_secret_access_key="b")
    aead, header = AESGCM(os.urandom(32)), bytes(49)

    def answer(request: Any, event_name: str, **_: Any) -> AWSResponse:
        operation, params = event_name.rsplit(".", 1)[1], json.loads(request.body)
        result: dict[str, Any] = {"KeyId": arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
        if operation == "Decrypt":
            blob = base64.b64decode(params["CiphertextBlob"])
            result["Plaintext"] = aead.decrypt(blob[49:61], blob[61:], blob[:49])
        else:
            plaintext = (base64.b64decode(params["Plaintext"]) if operation == "Encrypt"
                         else os.urandom(32))
            iv = os.urandom(12)
            result["CiphertextBlob"] = header + iv + aead.encrypt(iv, plaintext, header)
            if operation == "GenerateDataKey":
                del result["EncryptionAlgorithm"]
                result["Plaintext"] = plaintext
        body = json.dumps({name: base64.b64encode(value).decode() if type(value) is bytes
                           else value for name, value in result.items()}).encode()
        headers = {"x-amzn-RequestId": str(uuid.uuid4()), "Content-Length": str(len(body)),
                   "Content-Type": "application/x-amz-json-1.1"}
        return AWSResponse(request.url, 200, headers, _Body(body))

    client.meta.events.register("before-send.kms", answer)
    return client


def bench_per_call(calls: int, rounds: int) -> None:
    """Fake and moto against the canned floor, interleaved round by round."""
    from moto import mock_aws

    canned: dict[str, tuple[int, dict[str, str], bytes]] = {}
    samples: dict[tuple[str, str], list[float]] = {}
    with CloudHsmKms() as env:
        fake = env.client("kms")
        key = fake.create_key()["KeyMetadata"]
        key_id = key["KeyId"]
        fake_calls = _calls(fake, key_id)
        for op, call in fake_calls.items():  # record one real answer per operation
            call()
            last = env.calls[-1]
            assert last.operation == op and last.ok
        for op in OPERATIONS:
            canned[op] = _replay(env, fake_calls[op])
    # The floor makes the very calls the fake gets (same key ID, the fake's own blob).
    floor_calls = _calls(_floor_client(canned), key_id)
    plain_calls = _calls(_floor_client(canned, plain=True), key_id)
    bare_calls = _calls(_bare_client(key["Arn"]), key_id)
    with mock_aws():
        moto_client = boto3.client("kms", region_name="us-east-1")
        moto_key = moto_client.create_key()["KeyMetadata"]["KeyId"]
        moto_calls = _calls(moto_client, moto_key)
        for _ in range(rounds):
            for op in OPERATIONS:
                samples.setdefault(("moto", op), []).append(_per_call(moto_calls[op], calls // 4))
    env = CloudHsmKms()
    with env:
        fake = env.client("kms")
        fake_calls = _calls(fake, fake.create_key()["KeyMetadata"]["KeyId"])
    handlers = {"floor": floor_calls, "plain": plain_calls, "bare": bare_calls}

    def sample(side: str, op: str) -> None:
        """One sample of ``side``: the fake's run in the environment, the others outside it."""
        if side in handlers:
            samples.setdefault((side, op), []).append(_per_call(handlers[side][op], calls))
            return
        with env:
            env.calls.clear()  # the log of an ordinary test, not of the benchmark
            samples.setdefault((side, op), []).append(_per_call(fake_calls[op], calls))

    for round_ in range(rounds):
        for op in OPERATIONS:
            sample("bare", op)
            for side in _abba(round_, "floor", "fake"):
                sample(side, op)
    for round_ in range(rounds):  # apart, so that it leaves the rounds above as they were
        for op in OPERATIONS:
            for side in _abba(round_, "plain", "fake again"):
                sample(side, op)
    print("per call: median of the per-round ratios to the canned before-send floor "
          "(rounds interleaved ABBA); bare: JSON, base64 and AES-GCM only (no fake around them); "
          "plain: the fake against a floor without the plugin's handlers (rounds of their own)")
    print(f"  {'operation':<16} {'floor µs':>9} {'fake µs':>9} "
          f"{'fake/floor':>10} {'bare/floor':>10} {'moto/floor':>10} {'fake/plain':>10}")
    for op in OPERATIONS:
        floor_us, fake_us, ratio = _compare(samples[("floor", op)], samples[("fake", op)])
        _, _, bare = _compare(samples[("floor", op)], samples[("bare", op)])
        _, _, plain = _compare(samples[("plain", op)], samples[("fake again", op)])
        moto_us = statistics.median(samples[("moto", op)]) * 1e6
        print(f"  {op:<16} {floor_us:9.1f} {fake_us:9.1f} {ratio:10.3f} {bare:10.3f} "
              f"{moto_us / floor_us:10.2f} {plain:10.3f}")


def _replay(env: CloudHsmKms, call: Callable[[], object]) -> tuple[int, dict[str, str], bytes]:
    captured: list[tuple[int, dict[str, str], bytes]] = []
    original = env.handle

    def spy(*args: Any, **kwargs: Any) -> Any:
        answer = original(*args, **kwargs)
        captured.append((answer.status, answer.headers, answer.body))
        return answer

    env.handle = spy  # type: ignore[method-assign]
    try:
        call()
    finally:
        del env.handle
    return captured[-1]


def bench_scale(calls: int, rounds: int, many: int) -> None:
    """Per-call cost with ``many`` keys in the account against 10 keys, rounds interleaved."""
    environments = {}
    key_calls = {}
    for count in (10, many):
        env = environments[count] = CloudHsmKms()
        with env:
            kms = env.kms()
            for _ in range(count - 1):
                kms.CreateKey({})
            client = env.client("kms")
            key_calls[count] = _calls(client, client.create_key()["KeyMetadata"]["KeyId"])
    timings: dict[tuple[int, str], list[float]] = {}
    for round_ in range(rounds):
        for op in OPERATIONS:
            for count in _abba(round_, 10, many):
                with environments[count] as env:
                    env.calls.clear()
                    timings.setdefault((count, op), []).append(
                        _per_call(key_calls[count][op], calls))
    print(f"scale: per call with {many:,} keys against 10 keys (median of per-round ratios)")
    for op in OPERATIONS:
        small_us, large_us, ratio = _compare(timings[(10, op)], timings[(many, op)])
        print(f"  {op:<16} {small_us:9.1f} µs {large_us:9.1f} µs  ratio {ratio:.3f}")


FIXTURE_TESTS = {
    "empty": "def test_{i}():\n    pass\n",
    "cloudhsm_kms": "def test_{i}(cloudhsm_kms):\n    pass\n",
    "cloudhsm_cluster": "def test_{i}(cloudhsm_cluster):\n    pass\n",
    "cloudhsm_key": "def test_{i}(cloudhsm_key):\n    pass\n",
    "kms_client": "def test_{i}(kms_client):\n    pass\n",
    "cloudhsm_key+kms_client": "def test_{i}(cloudhsm_key, kms_client):\n    pass\n",
    "cloudhsm_kms_endpoint": "def test_{i}(cloudhsm_kms_endpoint):\n    pass\n",
}


def bench_retries() -> None:
    """A call whose retries are all throttled, per retry mode: wall time against the
    back-off botocore waited (virtual seconds) and its nominal maximum."""
    from botocore.config import Config
    from botocore.exceptions import ClientError

    # Nominal maximum back-off for an exhausted call (docs/aws-behaviour.md §5.2).
    nominal = {"legacy": 1 + 2 + 4 + 8, "standard": 1 + 2, "adaptive": 1 + 2}
    print("exhausted retries under throttling (every attempt throttled)")
    print(f"  {'mode':<9} {'attempts':>8} {'virtual back-off s':>19} {'nominal max s':>14} "
          f"{'wall ms':>8}")
    for mode in ("legacy", "standard", "adaptive"):
        with CloudHsmKms() as env:
            key_id = env.ready_key()["KeyId"]
            client = env.client("kms", config=Config(retries={"mode": mode}))
            with env.fault("throttled"):
                with contextlib.suppress(ClientError):  # warm: botocore loads its retry config
                    env.client("kms", config=Config(retries={"mode": mode})).encrypt(
                        KeyId=key_id, Plaintext=b"x")
                before_virtual, start = env.clock.now(), time.perf_counter()
                try:
                    client.encrypt(KeyId=key_id, Plaintext=b"x")
                except ClientError as error:
                    attempts = error.response["ResponseMetadata"]["RetryAttempts"] + 1
                wall = time.perf_counter() - start
                virtual = env.clock.now() - before_virtual - wall
        print(f"  {mode:<9} {attempts:>8} {virtual:>19.2f} {nominal[mode]:>14} "
              f"{wall * 1e3:>8.1f}")


def bench_fixtures(tests: int, repeats: int = 5) -> None:
    """Setup+teardown per test of each fixture, over an empty test.

    One pytest process runs every file ``repeats`` times, interleaved, in
    process (after a warm-up run of each), and takes the best time of each;
    one-time costs (imports, the first RSA keys) stay out of the numbers.
    """
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, template in FIXTURE_TESTS.items():
            path = paths[name] = Path(tmp) / f"test_{name.replace('+', '_and_')}.py"
            path.write_text("".join(template.format(i=i) for i in range(tests)))
        script = textwrap.dedent(
            f"""
            import contextlib, io, json, time, pytest
            import boto3  # imported before timing, as in any suite that uses it
            paths = json.loads({json.dumps(json.dumps({n: str(p) for n, p in paths.items()}))})
            def run(path):
                with contextlib.redirect_stdout(io.StringIO()):
                    start = time.perf_counter()
                    code = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:randomly", path])
                    assert code == 0, code
                    return time.perf_counter() - start
            for path in paths.values():
                run(path)
            best = {{name: min(run(path) for _ in range({repeats}))
                    for name, path in paths.items()}}
            print("RESULT", json.dumps(best))
            """
        )
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             cwd=tmp, check=True).stdout
    best = json.loads(out.rsplit("RESULT", 1)[1])
    print(f"per test: fixture cost over an empty test ({tests} tests, best of {repeats})")
    for name, seconds in best.items():
        if name != "empty":
            print(f"  {name:<22} {(seconds - best['empty']) / tests * 1e3:7.3f} ms")
    extra = (best["cloudhsm_kms_endpoint"] - best["cloudhsm_kms"]) / tests * 1e3
    print(f"  (cloudhsm_kms_endpoint over cloudhsm_kms: {extra:.3f} ms: the endpoint's start "
          "and stop)")


def bench_endpoint(calls: int, rounds: int) -> None:
    """Per call over the local endpoint (HTTP on 127.0.0.1) against in-process, ABBA rounds."""
    samples: dict[tuple[str, str], list[float]] = {}
    with CloudHsmKms() as env, env.endpoint() as endpoint:
        key_id = env.ready_key()["KeyId"]
        sides = {
            "in-process": _calls(env.client("kms"), key_id),
            "endpoint": _calls(boto3.client("kms", region_name=env.region,
                                            endpoint_url=endpoint.url), key_id),
        }
        for round_ in range(rounds):
            for op in OPERATIONS:
                for side in _abba(round_, "in-process", "endpoint"):
                    env.calls.clear()
                    samples.setdefault((side, op), []).append(_per_call(sides[side][op], calls))
    print("endpoint: per call through a boto3 client with endpoint_url against in-process")
    print(f"  {'operation':<16} {'in-process µs':>13} {'endpoint µs':>11} {'ratio':>6}")
    for op in OPERATIONS:
        near_us, far_us, ratio = _compare(samples[("in-process", op)], samples[("endpoint", op)])
        print(f"  {op:<16} {near_us:13.1f} {far_us:11.1f} {ratio:6.2f}")


MEMORY_TESTS = {
    "empty test": "def test_{i}():\n    pass\n",
    "cloudhsm_kms": "def test_{i}(cloudhsm_kms):\n    pass\n",
    "requests call": (
        "def test_{i}(cloudhsm_kms):\n"
        "    requests.post('https://kms.us-east-1.amazonaws.com/', data=b'{{}}', timeout=5,\n"
        "                  headers={{'X-Amz-Target': 'TrentService.ListKeys'}})\n"
    ),
}
MEMORY_CONFTEST = """
import gc, json, os, tracemalloc
import pytest
samples = []
@pytest.hookimpl(trylast=True)
def pytest_runtest_logfinish(nodeid, location):
    count = int(nodeid.rsplit("_", 1)[1]) + 1
    if count in (int(os.environ["WARM"]), int(os.environ["TESTS"])):
        gc.collect()
        samples.append(tracemalloc.get_traced_memory()[0])
def pytest_sessionfinish(session):
    print("RESULT", json.dumps(samples))
"""


def bench_memory(tests: int) -> None:
    """Memory per 1,000 tests, flat or not: Python's allocations (tracemalloc) still held
    after a test, sampled once the first fifth of the tests have run and at the end."""
    warm = tests // 5
    print(f"memory: growth per 1,000 tests (traced allocations, tests {warm} to {tests})")
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "conftest.py").write_text(MEMORY_CONFTEST)
        for name, template in MEMORY_TESTS.items():
            path = Path(tmp, "test_memory.py")
            path.write_text("import requests\n" + "".join(template.format(i=i)
                                                            for i in range(tests)))
            out = subprocess.run(
                [sys.executable, "-X", "tracemalloc", "-m", "pytest", "-q", "-s",
                 "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:xdist", str(path)],
                capture_output=True, text=True, cwd=tmp, check=True,
                env={**os.environ, "WARM": str(warm), "TESTS": str(tests)},
            ).stdout
            first, last = json.loads(out.rsplit("RESULT", 1)[1].splitlines()[0])
            per_thousand = (last - first) / (tests - warm) * 1000
            print(f"  {name:<16} {per_thousand / 1024:+9.1f} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls, for a smoke run")
    parser.add_argument("--only", choices=SECTIONS, action="append",
                        help="run only this part (repeatable; default: every part)")
    args = parser.parse_args()
    calls, rounds, many, tests = (50, 4, 2_000, 50) if args.quick else (50, 40, 100_000, 300)
    runs: dict[str, Callable[[], None]] = {
        "per-call": lambda: bench_per_call(calls, rounds),
        "scale": lambda: bench_scale(calls, rounds, many),
        "per-test": lambda: bench_fixtures(tests),
        "retries": bench_retries,
        "memory": lambda: bench_memory(tests * 5),
        "endpoint": lambda: bench_endpoint(calls, rounds),
    }
    for section in SECTIONS:
        if not args.only or section in args.only:
            runs[section]()


if __name__ == "__main__":
    main()
