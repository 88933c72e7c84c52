"""Routing at the edges: every endpoint host form is served in-process, whatever the
client, odd wire input gets AWS errors, and the ``requests`` route keeps nothing."""

from __future__ import annotations

import gc
import json
import re
import socket
import threading
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_cloudhsm_kms import CloudHsmKms

LIST_KEYS = {"X-Amz-Target": "TrentService.ListKeys",
             "Content-Type": "application/x-amz-json-1.1"}
DESCRIBE_CLUSTERS = {"X-Amz-Target": "BaldrApiService.DescribeClusters",
                     "Content-Type": "application/x-amz-json-1.1"}


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Name resolution of any host but the loopback fails, and is recorded: a request
    that would leave the process shows up here instead of reaching the network."""
    attempts: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("127.0.0.1", "localhost", "::1"):
            attempts.append(name)
            raise socket.gaierror(socket.EAI_NONAME, f"offline test: {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


# -- every host form of both services (docs/aws-behaviour.md §7) ------------------------------


def post_in_process(url: str, headers: dict[str, str]) -> tuple[Any, list[tuple[str, str, str]]]:
    """POST an empty request under an environment: the answer (which must be 200) and
    the (service, Region, operation) of each call the environment served."""
    with CloudHsmKms() as aws:
        response = requests.post(url, data=b"{}", headers=headers, timeout=5)
    assert response.status_code == 200, response.text
    return response, [(c.service, c.region, c.operation) for c in aws.calls]


KMS_URLS = {
    "standard": ("https://kms.us-east-1.amazonaws.com/", "us-east-1"),
    "China partition": ("https://kms.cn-north-1.amazonaws.com.cn/", "cn-north-1"),
    "China dual-stack": ("https://kms.cn-northwest-1.api.amazonwebservices.com.cn/",
                         "cn-northwest-1"),
    "dual-stack": ("https://kms.eu-west-1.api.aws/", "eu-west-1"),
    "FIPS": ("https://kms-fips.us-west-2.amazonaws.com/", "us-west-2"),
    "FIPS dual-stack": ("https://kms-fips.us-east-2.api.aws/", "us-east-2"),
    "GovCloud": ("https://kms.us-gov-west-1.amazonaws.com/", "us-gov-west-1"),
    "ISO": ("https://kms.us-iso-east-1.c2s.ic.gov/", "us-iso-east-1"),
    "ISOB": ("https://kms.us-isob-east-1.sc2s.sgov.gov/", "us-isob-east-1"),
    "European Sovereign Cloud": ("https://kms.eusc-de-east-1.amazonaws.eu/", "eusc-de-east-1"),
    "VPC endpoint": ("https://vpce-0123456789abcdef0-abcdefgh.kms.ap-south-1.vpce.amazonaws.com/",
                     "ap-south-1"),
    "zonal VPC endpoint": (
        "https://vpce-0123456789abcdef0-abcdefgh-ap-south-1a.kms.ap-south-1.vpce.amazonaws.com/",
        "ap-south-1"),
    "trailing dot": ("https://kms.sa-east-1.amazonaws.com./", "sa-east-1"),
    "upper case, port, no path": ("HTTPS://KMS.CA-CENTRAL-1.AMAZONAWS.COM:443", "ca-central-1"),
    "plain HTTP with a query": ("http://kms.me-south-1.amazonaws.com/?x=1", "me-south-1"),
}


@pytest.mark.parametrize("url, region", KMS_URLS.values(), ids=KMS_URLS.keys())
def test_requests_to_every_kms_host_form_are_served_in_process(
    offline: list[str], url: str, region: str,
) -> None:
    response, calls = post_in_process(url, LIST_KEYS)

    assert response.json() == {"Keys": [], "Truncated": False}
    assert calls == [("kms", region, "ListKeys")]
    assert offline == []


@pytest.mark.parametrize("url, region", [
    ("https://cloudhsmv2.cn-north-1.amazonaws.com.cn/", "cn-north-1"),
    ("https://cloudhsmv2.eu-central-1.api.aws/", "eu-central-1"),
    ("https://cloudhsmv2-fips.us-gov-east-1.amazonaws.com/", "us-gov-east-1"),
    ("https://vpce-0a1b2c3d4e5f60718-12345678.cloudhsmv2.us-east-1.vpce.amazonaws.com/",
     "us-east-1"),
    ("https://cloudhsmv2.us-east-1.amazonaws.com./", "us-east-1"),
])
def test_requests_to_every_cloudhsmv2_host_form_are_served_in_process(
    offline: list[str], url: str, region: str,
) -> None:
    response, calls = post_in_process(url, DESCRIBE_CLUSTERS)

    assert response.json()["Clusters"] == []
    assert calls == [("cloudhsmv2", region, "DescribeClusters")]
    assert offline == []


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
def test_a_request_with_any_method_never_leaves_the_process(
    offline: list[str], method: str,
) -> None:
    """AWS JSON 1.1 is POST only; any other method still gets an answer from the fake."""
    with CloudHsmKms() as aws:
        response = requests.request(method, "https://kms.us-east-1.amazonaws.com/", timeout=5)
        assert 400 <= response.status_code < 500
        assert aws.calls[0].error_code == "UnknownOperationException"
    assert offline == []


def test_requests_to_look_alike_hosts_are_left_alone(offline: list[str]) -> None:
    with CloudHsmKms() as aws:
        for url in ("https://kms.us-east-1.example.com/", "https://notkms.us-east-1.amazonaws.com/",
                    "https://s3.us-east-1.amazonaws.com/"):
            with pytest.raises(requests.ConnectionError):
                requests.post(url, data=b"{}", headers=LIST_KEYS, timeout=5)
        assert aws.calls == []
    assert offline == ["kms.us-east-1.example.com", "notkms.us-east-1.amazonaws.com",
                       "s3.us-east-1.amazonaws.com"]


BOTOCORE_CLIENTS = {
    "FIPS": ("us-east-1", {"config": Config(use_fips_endpoint=True)}, "kms-fips.us-east-1"),
    "dual-stack": ("eu-west-1", {"config": Config(use_dualstack_endpoint=True)},
                   "kms.eu-west-1.api.aws"),
    "China": ("cn-north-1", {}, "kms.cn-north-1.amazonaws.com.cn"),
    "China FIPS dual-stack": (
        "cn-northwest-1",
        {"config": Config(use_fips_endpoint=True, use_dualstack_endpoint=True)},
        "kms-fips.cn-northwest-1.api.amazonwebservices.com.cn"),
    "VPC endpoint": (
        "ap-southeast-2",
        {"endpoint_url": "https://vpce-0123456789abcdef0-abcdefgh.kms.ap-southeast-2"
                         ".vpce.amazonaws.com"},
        "vpce-0123456789abcdef0-abcdefgh.kms.ap-southeast-2.vpce.amazonaws.com"),
}


@pytest.mark.parametrize("region, options, host", BOTOCORE_CLIENTS.values(),
                         ids=BOTOCORE_CLIENTS.keys())
def test_botocore_clients_for_every_endpoint_variant_are_served_in_process(
    offline: list[str], region: str, options: dict[str, Any], host: str,
) -> None:
    with CloudHsmKms() as aws:
        kms = boto3.client("kms", region_name=region, **options)
        assert host in kms.meta.endpoint_url or host in _resolved_host(kms)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"] == key_id
        assert {c.region for c in aws.calls} == {region}
        hsm = boto3.client("cloudhsmv2", region_name=region,
                           **{k: v for k, v in options.items() if k != "endpoint_url"})
        assert hsm.describe_clusters()["Clusters"] == []
    assert offline == []


def test_each_request_is_answered_in_the_region_it_is_signed_for_across_threads() -> None:
    """Clients of two Regions calling at once from threads: every call is served by the
    KMS of its own client's Region (the Region before-sign noted for that request)."""
    barrier = threading.Barrier(2)

    def use(region: str) -> list[str]:
        kms = boto3.client("kms", region_name=region)
        barrier.wait()
        keys = [kms.create_key()["KeyMetadata"]["Arn"] for _ in range(20)]
        return [arn.split(":")[3] for arn in keys]

    with CloudHsmKms() as aws, ThreadPoolExecutor(2) as pool:
        east, west = pool.map(use, ["us-east-1", "eu-west-1"])
        assert set(east) == {"us-east-1"} and set(west) == {"eu-west-1"}
        assert len(aws.kms("us-east-1").keys) == len(aws.kms("eu-west-1").keys) == 20


def test_an_unsigned_client_is_answered_in_its_region() -> None:
    """``signature_version=UNSIGNED`` sends no Authorization header: the Region is still
    the client's."""
    with CloudHsmKms() as aws:
        kms = boto3.client("kms", region_name="ap-northeast-1",
                           config=Config(signature_version=UNSIGNED))
        arn = kms.create_key()["KeyMetadata"]["Arn"]
    assert arn.split(":")[3] == "ap-northeast-1"
    assert [c.region for c in aws.calls] == ["ap-northeast-1"]


def _resolved_host(client: Any) -> str:
    """The host botocore's endpoint rules give a client's requests."""
    operation = client.meta.service_model.operation_model("ListKeys")
    endpoint = client._ruleset_resolver.construct_endpoint(
        operation_model=operation, call_args={}, request_context={})
    return str(endpoint.url)


# -- odd wire input (docs/aws-behaviour.md §7.1) ----------------------------------------------


def test_an_x_amz_target_given_as_bytes_is_read_as_the_header_text() -> None:
    with CloudHsmKms():
        response = requests.post("https://kms.us-east-1.amazonaws.com/", data=b"{}", timeout=5,
                                 headers={"X-Amz-Target": b"TrentService.ListKeys"})
        assert response.status_code == 200
        odd = requests.post("https://kms.us-east-1.amazonaws.com/", data=b"{}", timeout=5,
                            headers={"X-Amz-Target": b"TrentService.\xffListKeys"})
        assert odd.status_code == 400
        assert json.loads(odd.content)["__type"] == "UnknownOperationException"


def test_a_generator_body_is_read_as_the_chunks_it_yields() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"Lim'
        yield b'it": 1}'

    with CloudHsmKms() as aws:
        aws.kms().CreateKey({})
        aws.kms().CreateKey({})
        response = requests.post("https://kms.us-east-1.amazonaws.com/", data=chunks(),
                                 headers=LIST_KEYS, timeout=5)
        assert response.status_code == 200
        assert len(response.json()["Keys"]) == 1
        assert response.json()["Truncated"] is True


@pytest.mark.parametrize("body", [
    iter([b"{", "}"]), iter([1, 2]), bytearray(b"{}"), memoryview(b"{}"), "{}", None,
], ids=["mixed chunks", "int chunks", "bytearray", "memoryview", "str", "none"])
def test_the_environment_answers_any_body_with_an_aws_answer(body: object) -> None:
    with CloudHsmKms() as aws:
        answer = aws.handle("kms", None, b"TrentService.ListKeys", body)
        assert answer.status in (200, 400)
        assert answer.error_code in (None, "SerializationException")
        assert aws.internal_errors == []


# -- the requests route keeps nothing (memory stays flat: bench/bench.py) -------------------------


def test_the_requests_route_keeps_no_record_of_a_call() -> None:
    with CloudHsmKms():
        response = requests.post("https://kms.us-east-1.amazonaws.com/", data=b"{}",
                                 headers=LIST_KEYS, timeout=5)
        assert response.status_code == 200
        kept = weakref.ref(response)
        del response
        requests.post("https://kms.us-east-1.amazonaws.com/", data=b"{}", headers=LIST_KEYS,
                      timeout=5)
        gc.collect()
        assert kept() is None  # not kept by the next call either, within one test
    with CloudHsmKms():
        response = requests.post("https://kms.us-east-1.amazonaws.com/", data=b"{}",
                                 headers=LIST_KEYS, timeout=5)
        kept = weakref.ref(response)
        del response
    gc.collect()
    assert kept() is None


@settings(max_examples=400, deadline=None, database=None)
@given(authorization=st.one_of(
    st.builds(lambda key, date, region, rest: f"Credential={key}/{date}/{region}/{rest}",
              st.text(alphabet="AKID,/ 7x", max_size=6),
              st.text(alphabet="0123456789/\u0661a", max_size=9),
              st.text(alphabet="eu-west1/A_", max_size=10), st.text(alphabet="kms/", max_size=5)),
    st.text(max_size=40)))
def test_the_region_of_a_signature_is_read_as_the_sigv4_scope_expression_reads_it(
    authorization: str,
) -> None:
    """The plain scope is read with string operations; the answer is the expression's."""
    from pytest_cloudhsm_kms.routing.registry import region_of

    match = re.search(r"Credential=[^/,]+/\d{8}/([a-z0-9-]+)/", authorization)
    url = "https://kms.ap-south-1.amazonaws.com/"
    assert region_of(url, authorization) == (match.group(1) if match else "ap-south-1")
