"""aiobotocore clients, as an async application's suite uses them: under pytest-asyncio
and under anyio, with every marker, ``--cloudhsm-fault``, retries on the virtual clock
and the call log, exactly as with boto3 (docs/aws-behaviour.md §5.2 for retries).

Runs where aiobotocore, pytest-asyncio and anyio are installed (``tox -e aiobotocore``).
"""

from __future__ import annotations

import pytest

pytest.importorskip("aiobotocore", reason="needs aiobotocore (tox -e aiobotocore)")

SUITE = '''
import asyncio

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

pytestmark = MARK


@pytest.fixture
def real_sleeps(monkeypatch):
    """The positive sleeps anything asked asyncio for: back-off must not be one of them."""
    slept, sleep = [], asyncio.sleep

    async def recording_sleep(delay, *args, **kwargs):
        if delay > 0:
            slept.append(delay)
        return await sleep(delay, *args, **kwargs)

    monkeypatch.setattr(asyncio, "sleep", recording_sleep)
    return slept


def _encrypt(kms, key):
    return kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")


async def test_round_trip_and_the_call_log(cloudhsm_kms, cloudhsm_key):
    async with cloudhsm_kms.aio_client("kms") as kms:
        blob = (await _encrypt(kms, cloudhsm_key))["CiphertextBlob"]
        assert (await kms.decrypt(CiphertextBlob=blob))["Plaintext"] == b"secret"
    assert list(cloudhsm_kms.operations("kms"))[-2:] == ["Encrypt", "Decrypt"]


async def test_a_modeled_error_is_its_exception_class(cloudhsm_kms):
    async with cloudhsm_kms.aio_client("kms") as kms:
        with pytest.raises(kms.exceptions.NotFoundException):
            await kms.describe_key(KeyId="alias/missing")


async def test_cloudhsm_v2(cloudhsm_kms, cloudhsm_cluster):
    async with cloudhsm_kms.aio_client("cloudhsmv2") as hsm:
        clusters = (await hsm.describe_clusters())["Clusters"]
    assert [c["ClusterId"] for c in clusters] == [cloudhsm_cluster["ClusterId"]]


async def test_tasks_of_two_regions_are_each_answered_in_their_own(cloudhsm_kms):
    async def create_keys(region):
        async with cloudhsm_kms.aio_client("kms", region) as kms:
            return [(await kms.create_key())["KeyMetadata"]["Arn"] for _ in range(10)]

    east, west = await asyncio.gather(create_keys("us-east-1"), create_keys("eu-west-1"))
    assert {arn.split(":")[3] for arn in east} == {"us-east-1"}
    assert {arn.split(":")[3] for arn in west} == {"eu-west-1"}


@pytest.mark.cloudhsm_disconnected
async def test_disconnected(cloudhsm_kms, cloudhsm_key):
    async with cloudhsm_kms.aio_client("kms") as kms:
        with pytest.raises(kms.exceptions.KMSInvalidStateException):
            await _encrypt(kms, cloudhsm_key)
        metadata = (await kms.describe_key(KeyId=cloudhsm_key["KeyId"]))["KeyMetadata"]
    assert metadata["KeyState"] == "Unavailable"


@pytest.mark.cloudhsm_empty_cluster
async def test_empty_cluster(cloudhsm_kms, cloudhsm_key):
    async with cloudhsm_kms.aio_client("kms") as kms:
        with pytest.raises(kms.exceptions.KMSInvalidStateException):
            await _encrypt(kms, cloudhsm_key)


@pytest.mark.cloudhsm_missing_key_material
async def test_missing_key_material(cloudhsm_kms, cloudhsm_key):
    async with cloudhsm_kms.aio_client("kms") as kms:
        with pytest.raises(kms.exceptions.KMSInvalidStateException):
            await _encrypt(kms, cloudhsm_key)


@pytest.mark.cloudhsm_throttled(times=2)
async def test_throttled_twice_succeeds_on_the_third_attempt(
    cloudhsm_kms, cloudhsm_key, real_sleeps
):
    start = cloudhsm_kms.clock.now()
    async with cloudhsm_kms.aio_client("kms") as kms:
        response = await _encrypt(kms, cloudhsm_key)
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert cloudhsm_kms.clock.now() > start and real_sleeps == []


@pytest.mark.cloudhsm_faults("none", "disconnected")
async def test_each_fault_of_the_matrix(cloudhsm_kms, cloudhsm_key, cloudhsm_fault):
    async with cloudhsm_kms.aio_client("kms") as kms:
        if cloudhsm_fault == "none":
            await _encrypt(kms, cloudhsm_key)
        else:
            with pytest.raises(kms.exceptions.KMSInvalidStateException):
                await _encrypt(kms, cloudhsm_key)


@pytest.mark.parametrize("mode, attempts", [("legacy", 5), ("standard", 3), ("adaptive", 3)])
@pytest.mark.cloudhsm_throttled
async def test_exhausted_retries_back_off_on_the_virtual_clock(
    cloudhsm_kms, cloudhsm_key, real_sleeps, mode, attempts
):
    start = cloudhsm_kms.clock.now()
    async with cloudhsm_kms.aio_client("kms", config=Config(retries={"mode": mode})) as kms:
        with pytest.raises(ClientError) as error:
            await _encrypt(kms, cloudhsm_key)
    assert error.value.response["Error"]["Code"] == "ThrottlingException"
    assert error.value.response["ResponseMetadata"]["RetryAttempts"] == attempts - 1
    assert cloudhsm_kms.clock.now() > start and real_sleeps == []


@pytest.mark.cloudhsm_throttled
async def test_the_adaptive_rate_limiter_waits_on_the_virtual_clock(
    cloudhsm_kms, cloudhsm_key, real_sleeps
):
    """Once throttled, an adaptive client waits for its token bucket before each send:
    seconds each, all virtual."""
    cloudhsm_kms.clock.ticking = False
    start = cloudhsm_kms.clock.now()
    config = Config(retries={"mode": "adaptive"})
    async with cloudhsm_kms.aio_client("kms", config=config) as kms:
        for _ in range(10):
            with pytest.raises(ClientError):
                await _encrypt(kms, cloudhsm_key)
    assert len(list(cloudhsm_kms.operations("kms"))) >= 30
    # Back-off alone adds at most 3 s per call; the limiter made the client wait longer.
    assert cloudhsm_kms.clock.now() - start > 30 and real_sleeps == []
'''

CLI_SUITE = '''
import pytest

pytestmark = MARK


async def test_every_test_runs_under_the_command_line_fault(cloudhsm_kms, cloudhsm_key):
    assert cloudhsm_kms.active_faults == ["disconnected"]
    async with cloudhsm_kms.aio_client("kms") as kms:
        with pytest.raises(kms.exceptions.KMSInvalidStateException):
            await kms.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
'''

# runner -> (its module, the mark of an async test, its ini lines)
RUNNERS = {
    "pytest-asyncio": ("pytest_asyncio", "pytest.mark.asyncio",
                       "asyncio_default_fixture_loop_scope = function\n"),
    "anyio": ("anyio", "pytest.mark.anyio", ""),
}


@pytest.fixture(params=sorted(RUNNERS))
def runner(request: pytest.FixtureRequest, pytester: pytest.Pytester) -> str:
    """A project whose async tests run under one runner; gives the tests' mark."""
    module, mark, ini = RUNNERS[request.param]
    pytest.importorskip(module, reason=f"needs {request.param} (tox -e aiobotocore)")
    pytester.makeini("[pytest]\n" + ini)
    return mark


def test_a_user_style_async_suite_passes(pytester: pytest.Pytester, runner: str) -> None:
    pytester.makepyfile(test_app=SUITE.replace("MARK", runner, 1))
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=14)


def test_the_command_line_fault_holds_for_async_tests(
    pytester: pytest.Pytester, runner: str
) -> None:
    pytester.makepyfile(test_app=CLI_SUITE.replace("MARK", runner, 1))
    result = pytester.runpytest("-p", "no:randomly", "--cloudhsm-fault", "disconnected")
    result.assert_outcomes(passed=1)
