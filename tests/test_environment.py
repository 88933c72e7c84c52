"""CloudHsmKms without pytest: activation, nesting, Regions, credentials, the call log."""

from __future__ import annotations

import json
import os

import boto3
import botocore.session
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from helpers import enter_production_shell, in_production_shell

from pytest_cloudhsm_kms import CloudHsmKms

OFFLINE = Config(retries={"total_max_attempts": 1}, connect_timeout=1)


def _offline_kms() -> object:
    """A client whose real endpoint is a closed loopback port: only the fake can answer it."""
    return boto3.client("kms", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                        aws_access_key_id="a", aws_secret_access_key="b", config=OFFLINE)


def test_a_client_made_before_start_is_answered_only_while_active() -> None:
    kms = _offline_kms()
    with CloudHsmKms():
        assert kms.list_keys()["Keys"] == []  # a custom endpoint_url is served too
    with pytest.raises(EndpointConnectionError):
        kms.list_keys()


def test_bare_botocore_clients_are_routed() -> None:
    with CloudHsmKms() as aws:
        client = botocore.session.get_session().create_client("kms", region_name="us-east-1")
        client.create_key()
        assert len(aws.kms().keys) == 1


def test_each_region_has_its_own_kms() -> None:
    with CloudHsmKms() as aws:
        east = boto3.client("kms", region_name="us-east-1")
        west = boto3.client("kms", region_name="eu-west-1")
        arn = west.create_key()["KeyMetadata"]["Arn"]
        assert arn.startswith("arn:aws:kms:eu-west-1:111122223333:key/")
        assert east.list_keys()["Keys"] == []
        assert list(aws.kms("eu-west-1").keys) == [arn.rsplit("/", 1)[1]]


def test_the_innermost_environment_answers_and_the_outer_one_resumes() -> None:
    kms = _offline_kms()
    with CloudHsmKms() as outer:
        kms.create_key()
        with CloudHsmKms() as inner:
            assert kms.list_keys()["Keys"] == []
            assert inner.active and not outer.active
        assert len(kms.list_keys()["Keys"]) == 1
        assert outer.active


def test_fake_credentials_and_region_are_set_then_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    enter_production_shell(monkeypatch)
    with CloudHsmKms(region="eu-central-1"):
        assert os.environ["AWS_DEFAULT_REGION"] == "eu-central-1"
        assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAIOSFODNN7EXAMPLE"
        assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
        assert "AWS_PROFILE" not in os.environ
        assert boto3.client("kms").meta.region_name == "eu-central-1"
    assert in_production_shell()


def test_requests_calls_to_kms_endpoints_are_served_by_the_same_handler() -> None:
    with CloudHsmKms() as aws:
        aws.client("kms").create_key()
        response = requests.post(
            "https://kms.us-east-1.amazonaws.com/",
            data=b"{}",
            headers={"X-Amz-Target": "TrentService.ListKeys",
                     "Content-Type": "application/x-amz-json-1.1"},
            timeout=5,
        )
        assert response.status_code == 200
        assert len(response.json()["Keys"]) == 1
        assert response.headers["x-amzn-RequestId"]
        error = requests.post("https://cloudhsmv2.us-east-1.amazonaws.com/", data=b"{",
                              headers={"X-Amz-Target": "BaldrApiService.DescribeClusters"},
                              timeout=5)
        assert error.status_code == 400
        assert json.loads(error.content)["__type"] == "SerializationException"


def test_requests_to_other_hosts_pass_through() -> None:
    with CloudHsmKms(), pytest.raises(requests.ConnectionError):
        requests.get("http://127.0.0.1:9/", timeout=1)


def test_the_call_log_records_operation_params_and_outcome() -> None:
    with CloudHsmKms() as aws:
        kms = aws.client("kms")
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        with pytest.raises(kms.exceptions.NotFoundException):
            kms.describe_key(KeyId="alias/missing")
        create, describe = aws.calls
        assert (create.service, create.region, create.operation, create.ok) == (
            "kms", "us-east-1", "CreateKey", True)
        assert describe.params == {"KeyId": "alias/missing"}
        assert (describe.status, describe.error_code) == (400, "NotFoundException")
        assert list(aws.operations("kms")) == ["CreateKey", "DescribeKey"]
        assert key_id in aws.kms().keys


def test_stop_is_idempotent_and_a_stopped_environment_can_restart() -> None:
    aws = CloudHsmKms()
    aws.start()
    with pytest.raises(RuntimeError):
        aws.start()
    aws.stop()
    aws.stop()
    with aws:
        assert aws.active
    assert not aws.active


def test_back_off_sleeps_advance_the_virtual_clock_not_the_wall() -> None:
    import botocore.endpoint

    with CloudHsmKms() as aws:
        before = aws.clock.now()
        botocore.endpoint.time.sleep(3600)
        assert aws.clock.now() - before >= 3600


def test_a_frozen_clock_moves_only_when_advanced() -> None:
    with CloudHsmKms() as aws:
        aws.clock.ticking = False
        frozen = aws.clock.now()
        aws.client("kms").list_keys()
        assert aws.clock.now() == frozen
        assert aws.clock.advance(2.5) == frozen + 2.5
        aws.clock.ticking = True
        assert aws.clock.now() >= frozen + 2.5


# -- the Region and account of an environment (docs/aws-behaviour.md §1.1) -----------------


@pytest.mark.parametrize("region", ["us-gov-west-1", "cn-north-1", "us-isob-east-1",
                                    "eusc-de-east-1", "ap-southeast-5"])
def test_every_partition_s_region_names_are_taken(region: str) -> None:
    with CloudHsmKms(region=region) as aws:
        assert aws.client("kms").create_key()["KeyMetadata"]["Arn"].split(":")[3] == region


@pytest.mark.parametrize("region", ["EU-WEST-1", "", "eu-west", "eu_west_1", " us-east-1"])
def test_a_region_that_is_no_aws_region_name_is_refused(region: str) -> None:
    # Upper case would be served under a second, lower-case Region by the clients.
    with pytest.raises(ValueError, match="is not an AWS Region name"):
        CloudHsmKms(region=region)


@pytest.mark.parametrize("account_id", ["abc", "12345", "1111222233334", ""])
def test_an_account_id_that_is_not_12_digits_is_refused(account_id: str) -> None:
    with pytest.raises(ValueError, match=r"is not an AWS account ID \(12 digits"):
        CloudHsmKms(account_id=account_id)


@pytest.mark.parametrize(("line", "message"), [
    ("cloudhsm_kms_region = EU-WEST-1",
     "*cloudhsm_kms_region 'EU-WEST-1' is not an AWS Region name*"),
    ("cloudhsm_kms_region =", "*cloudhsm_kms_region '' is not an AWS Region name*"),
    ("cloudhsm_kms_account_id = abc", "*cloudhsm_kms_account_id 'abc' is not an AWS account ID*"),
])
def test_a_bad_region_or_account_in_the_ini_is_a_usage_error(
    pytester: pytest.Pytester, line: str, message: str
) -> None:
    pytester.makeini(f"[pytest]\n{line}\n")
    pytester.makepyfile("def test_x(kms_client): pass")
    result = pytester.runpytest("-p", "no:randomly")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
