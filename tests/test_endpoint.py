"""The local endpoint: one environment over HTTP on 127.0.0.1 (``cloudhsm_kms_endpoint``).

Wire facts from docs/aws-behaviour.md §7: KMS speaks AWS JSON 1.1
(``X-Amz-Target: TrentService.<Op>``); CloudHSM v2 speaks AWS JSON 1.1
(``BaldrApiService.<Op>``) and Smithy RPC v2 CBOR (``POST
/service/BaldrApiService/operation/<Op>``, ``smithy-protocol: rpc-v2-cbor``,
blobs as byte strings, timestamps as tag 1, errors as a CBOR map with
``__type``). The Region and the signing name come from the SigV4 scope.
"""

from __future__ import annotations

import concurrent.futures
import copy
import datetime
import http.client
import json
import socket
import sys
import threading
from pathlib import Path
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import cbor2
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_cloudhsm_kms import CloudHsmKms, Endpoint, ServiceError

NOW = "20260101T000000Z"


def auth(service: str, region: str = "us-east-1") -> str:
    """A SigV4 Authorization header; the endpoint checks the scope, not the signature."""
    return (f"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/{NOW[:8]}/{region}/{service}/"
            "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0" * 64)


def send(endpoint: Endpoint, method: str = "POST", path: str = "/", body: bytes = b"",
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def json_call(endpoint: Endpoint, target: str, document: dict[str, Any],
              service: str = "cloudhsm") -> tuple[int, dict[str, str], Any]:
    status, headers, body = send(endpoint, body=json.dumps(document).encode(), headers={
        "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1",
        "Authorization": auth(service), "X-Amz-Date": NOW,
    })
    return status, headers, json.loads(body)


def cbor_call(endpoint: Endpoint, operation: str, body: bytes) -> tuple[int, dict[str, str], Any]:
    status, headers, payload = send(
        endpoint, path=f"/service/BaldrApiService/operation/{operation}", body=body, headers={
            "smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor",
            "Accept": "application/cbor", "Authorization": auth("cloudhsm"), "X-Amz-Date": NOW,
        })
    return status, headers, cbor2.loads(payload)


@pytest.fixture
def endpoint(cloudhsm_kms_endpoint: Endpoint) -> Endpoint:
    return cloudhsm_kms_endpoint


@pytest.fixture
def kms_over_http(endpoint: Endpoint) -> Any:
    """A boto3 KMS client that reaches the fake only over HTTP, through the endpoint."""
    return boto3.client("kms", endpoint_url=endpoint.url, region_name="us-east-1")


@pytest.fixture(scope="module")
def cbor_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """botocore's CloudHSM v2 model, offering only RPC v2 CBOR."""
    model = copy.deepcopy(botocore.loaders.Loader().load_service_model("cloudhsmv2", "service-2"))
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    root = tmp_path_factory.mktemp("models")
    folder = root / "cloudhsmv2" / model["metadata"]["apiVersion"]
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    return root


def cbor_client(models: Path, **kwargs: Any) -> Any:
    """botocore's own RPC v2 CBOR client of CloudHSM v2."""
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(models))
    return session.create_client("cloudhsmv2", region_name="us-east-1", **kwargs)


@pytest.fixture
def cbor_hsm(endpoint: Endpoint, cbor_models: Path) -> Any:
    """botocore's own RPC v2 CBOR client of CloudHSM v2, pointed at the endpoint."""
    return cbor_client(cbor_models, endpoint_url=endpoint.url)


# -- the fixture --------------------------------------------------------------------------


def test_endpoint_listens_on_loopback_and_names_what_a_subprocess_needs(endpoint, cloudhsm_kms):
    assert endpoint.url == f"http://127.0.0.1:{endpoint.port}" and endpoint.listening
    assert endpoint.environ == {
        "AWS_ENDPOINT_URL_KMS": endpoint.url,
        "AWS_ENDPOINT_URL_CLOUDHSM_V2": endpoint.url,
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false",
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_REGION": cloudhsm_kms.region,
        "AWS_DEFAULT_REGION": cloudhsm_kms.region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }


def test_a_client_pointed_at_the_endpoint_reaches_the_same_environment(
        kms_over_http, cloudhsm_key, cloudhsm_kms, endpoint, monkeypatch):
    answered = []
    answer = endpoint.answer
    monkeypatch.setattr(endpoint, "answer", lambda *a: answered.append(a[:2]) or answer(*a))
    blob = kms_over_http.encrypt(KeyId=cloudhsm_key["KeyId"],
                                 Plaintext=b"over http")["CiphertextBlob"]
    # the in-process client decrypts what went over HTTP: one state, one key
    direct = cloudhsm_kms.client("kms")
    assert direct.decrypt(CiphertextBlob=blob)["Plaintext"] == b"over http"
    assert answered == [("POST", "/")]  # Encrypt went over HTTP, Decrypt did not
    assert list(cloudhsm_kms.operations("kms"))[-2:] == ["Encrypt", "Decrypt"]


def test_faults_and_the_virtual_clock_are_the_environments(
    kms_over_http, cloudhsm_key, cloudhsm_kms,
):
    with cloudhsm_kms.fault("disconnected"), pytest.raises(
            kms_over_http.exceptions.KMSInvalidStateException, match="is unavailable"):
        kms_over_http.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
    cloudhsm_kms.clock.ticking = False  # exact virtual time
    cloudhsm_kms.clock.advance(10 * 86400)
    created = kms_over_http.create_key()["KeyMetadata"]["CreationDate"]
    assert created.timestamp() == pytest.approx(cloudhsm_kms.clock.now(), abs=0.001)


@pytest.mark.cloudhsm_throttled(times=1)
def test_a_fault_marker_holds_over_the_endpoint(kms_over_http, cloudhsm_key, cloudhsm_kms):
    response = kms_over_http.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
    assert response["ResponseMetadata"]["RetryAttempts"] == 1  # botocore retried the throttle
    assert [c.error_code for c in cloudhsm_kms.calls][-2:] == ["ThrottlingException", None]


def test_an_interceptor_answers_requests_over_the_endpoint(endpoint, cloudhsm_kms):
    cloudhsm_kms.add_interceptor(
        lambda service, operation, params: ServiceError("KMSInternalException", "injected")
        if operation == "ListKeys" else None)
    kms = boto3.client("kms", endpoint_url=endpoint.url, region_name="us-east-1",
                       config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as raised:  # injected, not provoked: no coverage claim
        kms.list_keys()
    assert raised.value.response["Error"] == {"Code": "KMSInternalException",
                                              "Message": "injected"}
    assert cloudhsm_kms.calls[-1][2:] == ("ListKeys", {}, 500, "KMSInternalException")


def test_the_region_is_the_credential_scopes(endpoint, cloudhsm_kms):
    client = boto3.client("kms", endpoint_url=endpoint.url, region_name="eu-west-1")
    arn = client.create_key()["KeyMetadata"]["Arn"]
    assert arn.startswith("arn:aws:kms:eu-west-1:")
    assert cloudhsm_kms.calls[-1].region == "eu-west-1"


def test_concurrent_requests_are_all_answered(kms_over_http, cloudhsm_key):
    def work(i: int) -> bytes:
        client = kms_over_http  # botocore clients are thread-safe
        blob = client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"%d" % i)["CiphertextBlob"]
        return bytes(client.decrypt(CiphertextBlob=blob)["Plaintext"])

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert sorted(pool.map(work, range(16))) == sorted(b"%d" % i for i in range(16))


# -- RPC v2 CBOR ----------------------------------------------------------------------------


def _plain_timestamps(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain_timestamps(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_timestamps(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    return value


def test_cbor_and_json_requests_get_equivalent_answers(endpoint, cloudhsm_cluster):
    cluster_id = cloudhsm_cluster["ClusterId"]
    query = {"Filters": {"clusterIds": [cluster_id]}}
    status, headers, from_json = json_call(endpoint, "BaldrApiService.DescribeClusters", query)
    assert status == 200 and headers["Content-Type"] == "application/x-amz-json-1.1"
    status, headers, from_cbor = cbor_call(endpoint, "DescribeClusters", cbor2.dumps(query))
    assert status == 200
    assert headers["Content-Type"] == "application/cbor"
    assert headers["smithy-protocol"] == "rpc-v2-cbor"
    # timestamps are tag 1 (cbor2 decodes them to datetimes), the rest is the same document
    assert isinstance(from_cbor["Clusters"][0]["CreateTimestamp"], datetime.datetime)
    plain = _plain_timestamps(from_cbor)
    created = plain["Clusters"][0].pop("CreateTimestamp")
    assert created == pytest.approx(from_json["Clusters"][0].pop("CreateTimestamp"), abs=1e-6)
    assert plain == from_json


def test_timestamps_are_tag_1_epoch_seconds(endpoint, cloudhsm_cluster):
    status, _, payload = send(
        endpoint, path="/service/BaldrApiService/operation/DescribeClusters", body=b"",
        headers={"smithy-protocol": "rpc-v2-cbor", "Authorization": auth("cloudhsm")})
    assert status == 200
    seen: list[Any] = []
    cbor2.loads(payload, tag_hook=lambda decoder, tag: seen.append(tag) or tag)
    _, _, from_json = json_call(endpoint, "BaldrApiService.DescribeClusters", {})
    created = from_json["Clusters"][0]["CreateTimestamp"]  # epoch seconds, a float
    # tag 1 is decoded natively; the raw bytes show it: 0xc1 then the epoch seconds
    assert b"\xc1" + cbor2.dumps(created) in payload
    assert seen == []  # no other tag


def test_botocores_cbor_client_and_its_json_client_parse_the_same(
        endpoint, cloudhsm_cluster, cbor_hsm):
    by_cbor = cbor_hsm
    assert by_cbor.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
    by_json = boto3.client("cloudhsmv2", endpoint_url=endpoint.url, region_name="us-east-1")
    clusters = by_cbor.describe_clusters()["Clusters"]
    assert clusters == by_json.describe_clusters()["Clusters"]
    assert clusters[0]["ClusterId"] == cloudhsm_cluster["ClusterId"]
    assert isinstance(clusters[0]["CreateTimestamp"], datetime.datetime)
    with pytest.raises(ClientError) as raised:
        by_cbor.delete_cluster(ClusterId="cluster-aaaaaaaaaaa")
    assert raised.value.response["Error"]["Code"] == "CloudHsmResourceNotFoundException"


def test_a_botocore_that_sends_cbor_is_answered_in_process_too(
        cloudhsm_cluster, cloudhsm_kms, cbor_models):
    client = cbor_client(cbor_models)  # no endpoint_url: the before-send hook answers
    clusters = client.describe_clusters()["Clusters"]
    assert [c["ClusterId"] for c in clusters] == [cloudhsm_cluster["ClusterId"]]
    assert isinstance(clusters[0]["CreateTimestamp"], datetime.datetime)
    assert cloudhsm_kms.calls[-1][2:] == ("DescribeClusters", {}, 200, None)


def test_cbor_errors_carry_the_shape_id_and_message(endpoint):
    status, headers, body = cbor_call(
        endpoint, "DeleteCluster", cbor2.dumps({"ClusterId": "cluster-aaaaaaaaaaa"}))
    assert status == 400 and headers["smithy-protocol"] == "rpc-v2-cbor"
    assert body["__type"] == "com.amazonaws.cloudhsmv2#CloudHsmResourceNotFoundException"
    assert set(body) == {"__type", "Message"}
    _, _, from_json = json_call(endpoint, "BaldrApiService.DeleteCluster",
                                {"ClusterId": "cluster-aaaaaaaaaaa"})
    assert from_json == {"__type": "CloudHsmResourceNotFoundException",
                         "Message": body["Message"]}


@pytest.mark.parametrize("body", [
    pytest.param(b"\xff\x00\x01", id="not CBOR"),
    pytest.param(cbor2.dumps({"ClusterId": b"cluster-aaaaaaaaaaa"}), id="bytes for a string"),
    pytest.param(cbor2.dumps(cbor2.CBORTag(99, {"ClusterId": "x"})), id="unknown tag"),
    pytest.param(cbor2.dumps(["ClusterId"]), id="not a map"),
])
def test_a_malformed_cbor_body_is_a_serialization_exception(endpoint, body):
    status, _, answer = cbor_call(endpoint, "DeleteCluster", body)
    assert status == 400 and answer["__type"] == "SerializationException"


def test_an_unknown_cbor_operation(endpoint):
    status, _, answer = cbor_call(endpoint, "LaunchRocket", b"")
    assert status == 400 and answer["__type"] == "UnknownOperationException"


# -- what is not a KMS or CloudHSM v2 request -------------------------------------------------


@pytest.mark.parametrize(("method", "path", "headers"), [
    ("GET", "/", {}),
    ("GET", "/favicon.ico", {"Authorization": auth("kms")}),
    ("PUT", "/bucket/key", {"Authorization": auth("s3")}),
    ("POST", "/", {"X-Amz-Target": "DynamoDB_20120810.ListTables",
                   "Authorization": auth("dynamodb")}),
    ("POST", "/service/GreetingService/operation/Hello", {"smithy-protocol": "rpc-v2-cbor"}),
])
def test_anything_else_gets_an_aws_error_not_a_hang(endpoint, method, path, headers):
    status, answer_headers, body = send(endpoint, method, path, b"{}", headers)
    assert status == 400 and answer_headers["Content-Type"] == "application/x-amz-json-1.1"
    assert json.loads(body)["__type"] == "UnknownOperationException"


def test_an_unsigned_request_is_missing_its_authentication_token(endpoint):
    status, _, body = send(endpoint, body=b"{}", headers={"X-Amz-Target": "TrentService.ListKeys"})
    assert status == 400
    assert json.loads(body) == {"__type": "MissingAuthenticationTokenException",
                                "message": "Request is missing Authentication Token"}


def test_a_request_signed_for_another_service_is_refused(endpoint):
    status, _, body = json_call(endpoint, "TrentService.ListKeys", {}, service="s3")
    assert status == 400
    assert body == {"__type": "InvalidSignatureException",
                    "message": "Credential should be scoped to correct service: 'kms'. "}


def test_a_signed_request_with_no_target_is_the_services_unknown_operation(endpoint):
    status, _, body = send(endpoint, body=b"{}", headers={"Authorization": auth("kms")})
    assert status == 400 and json.loads(body)["__type"] == "UnknownOperationException"


def test_malformed_http_gets_an_aws_shaped_error(endpoint):
    with socket.create_connection((endpoint.host, endpoint.port), timeout=10) as conn:
        conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert json.loads(body)["__type"] == "SerializationException"


def test_a_chunked_body_is_read(endpoint, cloudhsm_cluster):
    connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=10)
    body = json.dumps({"Filters": {"clusterIds": [cloudhsm_cluster["ClusterId"]]}}).encode()
    connection.request("POST", "/", body=iter([body[:10], body[10:]]), encode_chunked=True,
                       headers={"X-Amz-Target": "BaldrApiService.DescribeClusters",
                                "Authorization": auth("cloudhsm")})
    response = connection.getresponse()
    assert response.status == 200
    assert json.loads(response.read())["Clusters"][0]["ClusterId"] == cloudhsm_cluster["ClusterId"]
    connection.close()


# -- nothing else is reached, nothing listens afterwards -----------------------------------------

_connects: list[Any] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect" and _connects is not None:
        _connects.append(args[1])


def test_no_request_over_the_endpoint_reaches_anything_but_the_environment(
        kms_over_http, cloudhsm_key, cloudhsm_kms, cbor_hsm):
    global _connects
    if not getattr(sys, "_cloudhsm_kms_audit", False):
        sys.addaudithook(_audit)  # audit hooks cannot be removed: it records only when asked
        sys._cloudhsm_kms_audit = True  # type: ignore[attr-defined]
    _connects = []
    try:
        blob = kms_over_http.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        kms_over_http.decrypt(CiphertextBlob=blob)
        cbor_hsm.describe_clusters()
        hosts = {address[0] for address in _connects}
    finally:
        _connects = None
    assert hosts == {"127.0.0.1"}
    assert [c.operation for c in cloudhsm_kms.calls][-3:] == [
        "Encrypt", "Decrypt", "DescribeClusters"]


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def test_the_port_is_closed_when_the_block_ends():
    with CloudHsmKms() as environment:
        with environment.endpoint() as endpoint:
            port = endpoint.port
            assert not _refused(port)
        assert _refused(port) and not endpoint.listening


def test_open_connections_end_when_the_endpoint_stops():
    with CloudHsmKms() as environment, environment.endpoint() as endpoint:
        idle = socket.create_connection((endpoint.host, endpoint.port), timeout=10)
        status, _, _ = send(endpoint, body=b"{}", headers={"Authorization": auth("kms")})
        assert status == 400
        stopping = threading.Thread(target=endpoint.stop)
        stopping.start()
        stopping.join(timeout=10)
        assert not stopping.is_alive()
    assert idle.recv(1) == b""  # shut down by the endpoint, not left hanging
    idle.close()


def test_the_fixture_closes_the_port_after_the_test_also_when_it_fails(pytester):
    pytester.makepyfile("""
        import pathlib

        def test_passes(cloudhsm_kms_endpoint):
            pathlib.Path("passed.port").write_text(str(cloudhsm_kms_endpoint.port))

        def test_fails(cloudhsm_kms_endpoint):
            pathlib.Path("failed.port").write_text(str(cloudhsm_kms_endpoint.port))
            raise AssertionError("the test fails")
    """)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1, failed=1)
    for name in ("passed.port", "failed.port"):
        assert _refused(int((pytester.path / name).read_text()))


def test_the_fixture_is_documented(pytester):
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(["cloudhsm_kms_endpoint*", "*served over HTTP on 127.0.0.1*"])


def test_kms_has_no_rpc_v2_cbor(endpoint, cloudhsm_kms):
    """KMS speaks AWS JSON 1.1 only: a CBOR request to TrentService is not a KMS request."""
    status, _, body = send(
        endpoint, path="/service/TrentService/operation/ListKeys", body=cbor2.dumps({}),
        headers={"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor",
                 "Authorization": auth("kms"), "X-Amz-Date": NOW})
    assert status == 400 and json.loads(body)["__type"] == "UnknownOperationException"
    assert cloudhsm_kms.calls == []
