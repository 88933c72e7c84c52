"""Clients across environments: nesting in any order, long-lived clients, STS for profiles."""

from __future__ import annotations

import os
import time
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import enter_production_shell, in_production_shell

from pytest_cloudhsm_kms import CloudHsmKms, VirtualClock
from pytest_cloudhsm_kms.clients import ClientPool

T0 = 1_700_000_000.0
FAKE_KEY = "AKIAIOSFODNN7EXAMPLE"


@pytest.fixture
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "sleep", lambda seconds: pytest.fail(f"slept {seconds} s"))


def _frozen() -> CloudHsmKms:
    return CloudHsmKms(clock=VirtualClock(T0, ticking=False))


# -- nested environments stopped out of order (issue 11 item 10) ------------------------------


def test_an_outer_environment_stopped_first_leaves_the_inner_one_its_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    enter_production_shell(monkeypatch)
    outer, inner = CloudHsmKms(region="eu-west-1"), CloudHsmKms(region="eu-central-1")
    outer.start()
    inner.start()
    outer.stop()
    try:
        assert inner.active
        assert os.environ["AWS_ACCESS_KEY_ID"] == FAKE_KEY
        assert os.environ["AWS_DEFAULT_REGION"] == "eu-central-1"
        assert "AWS_PROFILE" not in os.environ
        response = requests.post(
            "https://kms.eu-central-1.amazonaws.com/",
            headers={"X-Amz-Target": "TrentService.ListKeys",
                     "Content-Type": "application/x-amz-json-1.1"},
            data=b"{}", timeout=5,
        )
        assert response.status_code == 200 and response.json()["Keys"] == []
    finally:
        inner.stop()
    assert in_production_shell()


def test_the_innermost_active_environment_sets_the_region_whatever_stops_first() -> None:
    first, second, third = (CloudHsmKms(region=r) for r in ("us-west-1", "us-west-2", "eu-north-1"))
    before = os.environ.get("AWS_DEFAULT_REGION")
    first.start()
    second.start()
    third.start()
    second.stop()
    assert os.environ["AWS_DEFAULT_REGION"] == "eu-north-1"
    third.stop()
    assert os.environ["AWS_DEFAULT_REGION"] == "us-west-1" and first.active
    first.stop()
    assert os.environ.get("AWS_DEFAULT_REGION") == before


# -- long-lived clients start fresh in each environment (issue 11 item 7) ---------------------

_ADAPTIVE = Config(retries={"mode": "adaptive"})
_STANDARD = Config(retries={"mode": "standard"})


def test_a_long_lived_adaptive_client_throttled_in_one_environment_does_not_wait_in_the_next(
    no_real_sleep,
) -> None:
    """botocore's rate limiter belongs to the client; a module-level client must not carry
    one test's throttling into the next test's (virtual) time."""
    kms = boto3.client("kms", config=_ADAPTIVE)
    with _frozen() as first:
        key_id = first.ready_key()["KeyId"]
        with first.fault("throttled"):
            for _ in range(5):
                with pytest.raises(ClientError):
                    kms.encrypt(KeyId=key_id, Plaintext=b"x")
    with _frozen() as second:
        key_id = second.kms().CreateKey({})["KeyMetadata"]["KeyId"]
        for _ in range(10):
            kms.encrypt(KeyId=key_id, Plaintext=b"x")
        assert second.clock.now() == T0  # no wait at all: the limiter is off again


def test_a_long_lived_client_whose_retry_quota_ran_out_retries_again_in_the_next_environment(
    no_real_sleep,
) -> None:
    """Standard mode's retry quota (500; 5 per throttled retry) belongs to the client."""
    kms = boto3.client("kms", config=_STANDARD)
    with _frozen() as first:
        key_id = first.ready_key()["KeyId"]
        with first.fault("throttled"):
            for _ in range(60):  # 2 retries each: 120 retries, 600 > 500 tokens
                with pytest.raises(ClientError):
                    kms.encrypt(KeyId=key_id, Plaintext=b"x")
            with pytest.raises(ClientError) as error:
                kms.encrypt(KeyId=key_id, Plaintext=b"x")
            assert error.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    with _frozen() as second:
        key_id = second.ready_key()["KeyId"]
        with second.fault("throttled", times=1):
            response = kms.encrypt(KeyId=key_id, Plaintext=b"x")
        assert response["ResponseMetadata"]["RetryAttempts"] == 1


# -- clients of the environment -----------------------------------------------------------------


def test_every_client_of_the_environment_comes_from_one_session_with_fake_keys() -> None:
    with CloudHsmKms() as aws:
        kms, hsm = aws.client("kms"), aws.client("cloudhsmv2")
        assert kms._request_signer._credentials.access_key == FAKE_KEY
        assert kms.meta.events is not hsm.meta.events  # each client its own handlers
    with CloudHsmKms(region="eu-west-1") as aws:
        assert aws.client("kms").meta.region_name == "eu-west-1"


# -- the fixtures' clients, reused between tests (issue 12) -------------------------------------
# Each pytester run below is one process: its tests run in file order and share the pool.


def test_the_fixture_clients_are_reused_by_the_next_test_and_environment_clients_are_new(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        seen = {}

        def test_first(kms_client, cloudhsmv2_client, cloudhsm_kms):
            seen.update(kms=kms_client, hsm=cloudhsmv2_client)
            made = cloudhsm_kms.client("kms")
            assert made is not kms_client and made is not cloudhsm_kms.client("kms")

        def test_second(kms_client, cloudhsmv2_client):
            assert kms_client is seen["kms"] and cloudhsmv2_client is seen["hsm"]
            assert kms_client.list_keys()["Keys"] == []  # this test's environment answers
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_a_reused_client_has_its_full_retry_quota_in_the_next_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Standard mode keeps a retry quota of 500 tokens per client, 5 per throttling
    retry (docs/aws-behaviour.md §5.2): one test that spends it all leaves the next
    test's client (the same object) its full quota. (The mode is set: botocore 1.41
    defaults to legacy, 1.44 to standard.)"""
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    pytester.makepyfile(
        """
        import pytest
        from botocore.exceptions import ClientError

        seen = []

        @pytest.mark.cloudhsm_throttled
        def test_first(kms_client, cloudhsm_key):
            seen.append(kms_client)
            assert kms_client.meta.config.retries["mode"] == "standard"
            for _ in range(60):  # 2 retries each: 120 retries cost 600 > 500 tokens
                with pytest.raises(ClientError):
                    kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
            with pytest.raises(ClientError) as error:
                kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
            assert error.value.response["ResponseMetadata"]["RetryAttempts"] == 0  # spent

        @pytest.mark.cloudhsm_throttled(times=2)
        def test_second(kms_client, cloudhsm_key):
            assert kms_client is seen[0]
            response = kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
            assert response["ResponseMetadata"]["RetryAttempts"] == 2
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_a_reused_adaptive_client_does_not_wait_in_the_next_test(
    pytester: pytest.Pytester,
) -> None:
    """Adaptive mode's client-side rate limiter switches on at the first throttle and
    then paces every request (docs/aws-behaviour.md §5.2): after a test that drove it
    down, the next test's client (the same object) sends at once, as a new one does."""
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(autouse=True)
        def adaptive(monkeypatch):  # set up before kms_client: the client is made under it
            monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
        """
    )
    pytester.makepyfile(
        """
        import pytest
        from botocore.exceptions import ClientError

        seen = []

        @pytest.mark.cloudhsm_throttled
        def test_first(kms_client, cloudhsm_key, cloudhsm_kms):
            seen.append(kms_client)
            assert kms_client.meta.config.retries["mode"] == "adaptive"
            start = cloudhsm_kms.clock.now()
            for _ in range(5):
                with pytest.raises(ClientError):
                    kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
            assert cloudhsm_kms.clock.now() - start > 1  # paced and backed off (virtually)

        def test_second(kms_client, cloudhsm_key, cloudhsm_kms):
            assert kms_client is seen[0]
            cloudhsm_kms.clock.ticking = False
            start = cloudhsm_kms.clock.now()
            for _ in range(10):
                kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
            assert cloudhsm_kms.clock.now() == start  # no wait at all: the limiter is off
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_a_stubber_or_handler_left_on_a_client_is_not_seen_by_the_next_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        from botocore.stub import Stubber

        seen, heard = [], []

        def test_stubbed(kms_client):
            seen.append(kms_client)
            stubber = Stubber(kms_client)
            stubber.add_response("list_keys", {"Keys": [{"KeyId": "stubbed"}]})
            stubber.activate()  # and never deactivated
            assert kms_client.list_keys()["Keys"] == [{"KeyId": "stubbed"}]

        def test_after_the_stubber(kms_client, cloudhsm_kms):
            assert kms_client is not seen[0]
            assert kms_client.list_keys()["Keys"] == []
            assert list(cloudhsm_kms.operations()) == ["ListKeys"]
            seen.append(kms_client)

        def test_with_a_handler(kms_client):
            assert kms_client is seen[1]  # unchanged by the test before: reused
            kms_client.meta.events.register("before-call.kms.ListKeys",
                                            lambda **kwargs: heard.append(kwargs))
            kms_client.list_keys()
            assert len(heard) == 1

        def test_after_the_handler(kms_client):
            assert kms_client is not seen[1]
            kms_client.list_keys()
            assert len(heard) == 1

        def test_stubber_deactivated(kms_client):
            seen.append(kms_client)
            with Stubber(kms_client):  # activated and deactivated: still a change
                pass

        def test_after_the_deactivated_stubber(kms_client):
            assert kms_client is not seen[2]
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=6)


def test_a_client_attribute_set_by_a_test_is_not_seen_by_the_next_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        seen = []

        def test_replaces_a_method(kms_client):
            seen.append(kms_client)
            kms_client.list_keys = lambda **_: {"Keys": "replaced"}
            kms_client.meta.note = "added"

        def test_after_it(kms_client):
            assert kms_client is not seen[0]
            assert kms_client.list_keys()["Keys"] == []
            assert not hasattr(kms_client.meta, "note")
            seen.append(kms_client)

        def test_replaces_a_method_of_its_class(kms_client):
            type(kms_client).list_keys = lambda self, **_: {"Keys": "replaced"}

        def test_after_that(kms_client):
            assert kms_client is not seen[1]
            assert kms_client.list_keys()["Keys"] == []
            seen[1] = kms_client

        def test_monkeypatch_undone_first(kms_client, monkeypatch):
            # monkeypatch, set up after kms_client, is torn down (undone) before it
            monkeypatch.setattr(kms_client, "list_keys", lambda **_: {"Keys": "patched"})

        def test_after_the_undone_patch(kms_client):
            assert kms_client is seen[1]
            assert kms_client.list_keys()["Keys"] == []
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=6)


def test_aws_variables_set_before_the_fixture_get_a_client_made_under_them(
    pytester: pytest.Pytester,
) -> None:
    """botocore reads AWS_RETRY_MODE and AWS_MAX_ATTEMPTS (attempts in total) when it
    makes a client (docs/aws-behaviour.md §5.2)."""
    pytester.makepyfile(
        """
        import pytest

        seen = []

        @pytest.fixture
        def two_attempts(monkeypatch):
            monkeypatch.setenv("AWS_RETRY_MODE", "legacy")
            monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")

        def test_default(kms_client):
            seen.append(kms_client)
            seen.append(dict(kms_client.meta.config.retries))  # the release's default

        @pytest.mark.cloudhsm_throttled(times=5)
        def test_two_attempts(two_attempts, kms_client, cloudhsm_key):
            assert kms_client is not seen[0]
            assert kms_client.meta.config.retries == {"mode": "legacy", "total_max_attempts": 2}
            with pytest.raises(kms_client.exceptions.ClientError) as error:
                kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
            assert error.value.response["ResponseMetadata"]["RetryAttempts"] == 1

        @pytest.mark.cloudhsm_throttled(times=2)
        def test_default_again(kms_client, cloudhsm_key):
            assert kms_client is seen[0]
            assert kms_client.meta.config.retries == seen[1]
            response = kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
            assert response["ResponseMetadata"]["RetryAttempts"] == 2
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


def test_a_reused_client_reaches_only_its_own_tests_environment(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        seen = []

        @pytest.mark.cloudhsm_disconnected
        def test_first(kms_client, cloudhsm_key, cloudhsm_kms):
            seen.append((kms_client, cloudhsm_key["KeyId"]))
            with pytest.raises(kms_client.exceptions.KMSInvalidStateException):
                kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")

        def test_second(kms_client, cloudhsm_key, cloudhsm_kms):
            client, first_key = seen[0]
            assert kms_client is client
            with pytest.raises(kms_client.exceptions.NotFoundException):
                kms_client.describe_key(KeyId=first_key)
            kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
            assert [(c.operation, c.error_code) for c in cloudhsm_kms.calls] == [
                ("DescribeKey", "NotFoundException"), ("Encrypt", None)]
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_a_leased_client_is_out_of_the_pool_until_given_back() -> None:
    pool = ClientPool()
    with pool.lease("kms", "us-east-1") as first, pool.lease("kms", "us-east-1") as second:
        assert first is not second  # two tests at once (threads) never share one
    with pool.lease("kms", "us-east-1") as again:
        assert again in (first, second)


def test_the_pool_keeps_a_bounded_number_of_idle_clients(monkeypatch) -> None:
    pool = ClientPool(size=3)
    for port in range(10):  # say, a local endpoint on a new port in each test
        monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", f"http://127.0.0.1:{8000 + port}")
        with pool.lease("kms", "us-east-1") as client:
            assert client.meta.endpoint_url == f"http://127.0.0.1:{8000 + port}"
    assert sum(len(idle) for idle in pool._idle.values()) == 3


# -- STS for profiles -----------------------------------------------------------------------------


def _profiles(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.write_text(
        "[profile base]\n"
        "aws_access_key_id = AKIDBASEEXAMPLE\n"
        "aws_secret_access_key = base-secret\n"
        "[profile admin]\n"
        "role_arn = arn:aws:iam::444455556666:role/Admin\n"
        "source_profile = base\n"
        "role_session_name = ci\n"
        "region = eu-west-1\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))


def test_a_role_arn_profile_assumes_the_role_through_the_fake_sts(tmp_path, monkeypatch) -> None:
    _profiles(tmp_path, monkeypatch)
    with CloudHsmKms() as aws:
        session = boto3.session.Session(profile_name="admin")
        kms = session.client("kms")
        assert kms.list_keys()["Keys"] == []
        credentials = session.get_credentials().get_frozen_credentials()
        assert credentials.access_key.startswith("ASIA") and credentials.token
        identity = session.client("sts").get_caller_identity()
        assert identity["Account"] == "444455556666"
        assert identity["Arn"] == "arn:aws:sts::444455556666:assumed-role/Admin/ci"
        assert [c.operation for c in aws.calls if c.service == "sts"] == [
            "AssumeRole", "GetCallerIdentity"]


def test_the_environments_region_overrides_a_profiles_region(tmp_path, monkeypatch) -> None:
    """AWS_DEFAULT_REGION ranks above a profile's ``region`` in botocore; the environment
    sets it, so a profile's clients talk to the environment's Region."""
    _profiles(tmp_path, monkeypatch)
    with CloudHsmKms(region="ap-southeast-2"):
        session = boto3.session.Session(profile_name="admin")
        assert session.client("kms").meta.region_name == "ap-southeast-2"
        assert session.client("kms", region_name="eu-west-1").meta.region_name == "eu-west-1"


def test_get_caller_identity_of_the_fake_keys_is_the_accounts_root() -> None:
    with CloudHsmKms(account_id="123456789012") as aws:
        identity = aws.client("sts").get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:iam::123456789012:root"


def test_assume_role_with_web_identity_returns_temporary_credentials() -> None:
    with CloudHsmKms() as aws:
        sts = aws.client("sts")
        response = sts.assume_role_with_web_identity(
            RoleArn="arn:aws:iam::111122223333:role/Web", RoleSessionName="pod",
            WebIdentityToken="token", DurationSeconds=900,
        )
        assert response["Credentials"]["AccessKeyId"].startswith("ASIA")
        expires = response["Credentials"]["Expiration"].timestamp()
        assert expires == pytest.approx(aws.clock.now() + 900, abs=5)
        assert response["AssumedRoleUser"]["Arn"] == (
            "arn:aws:sts::111122223333:assumed-role/Web/pod")


def test_assume_role_checks_its_duration_as_sts_does() -> None:
    with CloudHsmKms() as aws, pytest.raises(ClientError) as error:
        aws.client("sts").assume_role(RoleArn="arn:aws:iam::111122223333:role/R",
                                      RoleSessionName="session", DurationSeconds=43201)
    assert error.value.response["Error"]["Code"] == "ValidationError"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "durationSeconds" in error.value.response["Error"]["Message"]


def test_a_call_whose_signing_assumes_a_role_is_answered_in_its_own_region(
    tmp_path, monkeypatch
) -> None:
    """The first call of a role profile's client assumes the role while botocore signs
    it, an STS call of its own in another Region: the call itself is still answered in
    the Region it is signed for."""
    _profiles(tmp_path, monkeypatch)
    with CloudHsmKms() as aws:
        session = boto3.session.Session(profile_name="admin")
        session.client("sts", region_name="eu-west-1")  # resolves the role's credentials
        kms = session.client("kms", region_name="ap-southeast-2")
        arn = kms.create_key()["KeyMetadata"]["Arn"]
        assert [(c.service, c.region, c.operation) for c in aws.calls] == [
            ("sts", "eu-west-1", "AssumeRole"), ("kms", "ap-southeast-2", "CreateKey")]
        assert arn.split(":")[3] == "ap-southeast-2"
