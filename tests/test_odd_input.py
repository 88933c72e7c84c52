"""Odd input at every layer gets an AWS-shaped 4xx (or succeeds), never a 500, and the
environment keeps working: odd header and body types, nesting past Python's recursion
limit, Regions of every partition (docs/aws-behaviour.md §7.1, §6.1)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import for_shape, json_values

from pytest_cloudhsm_kms import CloudHsmKms
from pytest_cloudhsm_kms.protocol.models import service_model
from pytest_cloudhsm_kms.routing.botocore_hook import before_send

DEEP = 50_000  # nesting far past Python's recursion limit
PREFIX = {"kms": "TrentService.", "cloudhsmv2": "BaldrApiService."}


def test_a_deeply_nested_cloudhsm_resource_policy_is_an_invalid_request(
    cloudhsm_kms: CloudHsmKms, cloudhsmv2_client: Any, cloudhsm_cluster: dict[str, Any],
) -> None:
    backup = next(b for b in cloudhsm_kms.cloudhsm().backups.values()
                  if b.cluster_id == cloudhsm_cluster["ClusterId"])
    policy = '{"Statement": ' + "[" * 9_000 + "]" * 9_000 + "}"  # within the 20,000 limit
    with pytest.raises(ClientError) as raised:
        cloudhsmv2_client.put_resource_policy(ResourceArn=backup.backup_arn, Policy=policy)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert raised.value.response["Error"]["Code"] == "CloudHsmInvalidRequestException"


def test_a_deeply_nested_key_policy_is_a_malformed_policy_document(kms_client: Any) -> None:
    policy = '{"Statement": ' + "[" * 10_000 + "]" * 10_000 + "}"
    with pytest.raises(kms_client.exceptions.MalformedPolicyDocumentException):
        kms_client.create_key(Policy=policy)


@pytest.mark.parametrize("region", [
    "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1",
    "cn-north-1", "us-gov-west-1", "ap-southeast-5",
])
def test_create_cluster_works_in_every_partition_with_zones_of_its_region(region: str) -> None:
    with CloudHsmKms() as aws:
        client = boto3.client("cloudhsmv2", region_name=region)
        cluster = client.create_cluster(
            HsmType="hsm2m.medium",
            SubnetIds=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        )["Cluster"]
        assert sorted(cluster["SubnetMapping"]) == [f"{region}a", f"{region}b"]
        ready = aws.ready_cluster(region=region)
        assert {h["AvailabilityZone"] for h in ready["Hsms"]} == {f"{region}a", f"{region}b"}
        assert aws.internal_errors == []


def test_the_botocore_route_reads_odd_header_and_body_types() -> None:
    with CloudHsmKms() as aws:
        aws.kms().CreateKey({})
        for target, body in (
            (b"TrentService.ListKeys", io.BytesIO(b"{}")),
            (b"TrentService.\xffListKeys", b"{}"),
            ("TrentService.ListKeys", bytearray(b"{}")),
        ):
            request = AWSPreparedRequest(
                "POST", "https://kms.us-east-1.amazonaws.com/",
                {"X-Amz-Target": target}, body, stream_output=False,
            )
            response = before_send(request, "before-send.kms.ListKeys")
            assert response is not None
            assert response.status_code in (200, 400)
        assert [c.error_code for c in aws.calls] == [None, "UnknownOperationException", None]
        assert aws.internal_errors == []


# -- any odd wire input, both services ------------------------------------------------------

def _deep(depth: int, opener: str) -> bytes:
    closer = {"[": "]", "{": "}"}[opener]
    inner = '{"a":' * depth + "1" + "}" * depth if opener == "{" else (
        "[" * depth + "]" * depth)
    return ('{"Policy":' + json.dumps(inner) + "," + '"x":' + opener * depth
            + ("1" if opener == "[" else "") + closer * depth + "}").encode()


def _chunks(data: bytes, size: int) -> Iterator[bytes | str]:
    for start in range(0, len(data), max(size, 1)):
        chunk = data[start:start + max(size, 1)]
        yield chunk.decode("latin-1") if size % 2 else chunk


def _wire_bodies(document: st.SearchStrategy[Any]) -> st.SearchStrategy[object]:
    """A JSON document as any body type an HTTP library may hand over, or no JSON at all."""
    encoded = document.map(lambda d: json.dumps(d).encode())
    return st.one_of(
        encoded,
        encoded.map(lambda b: b.decode()),
        encoded.map(bytearray),
        encoded.map(io.BytesIO),
        st.tuples(encoded, st.integers(1, 7)).map(lambda t: _chunks(*t)),
        st.binary(max_size=64),
        st.tuples(st.integers(1, DEEP), st.sampled_from("[{")).map(lambda t: _deep(*t)),
        st.none(),
    )


def _wire_targets(service: str) -> st.SearchStrategy[object]:
    names = st.sampled_from(sorted(service_model(service).operation_names))
    prefixed = names.map(lambda n: PREFIX[service] + n)
    return st.one_of(prefixed, prefixed.map(str.encode), st.text(max_size=30),
                     st.binary(max_size=30), st.none())


def _requests(service: str, refs: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    model = service_model(service)

    def for_operation(name: str) -> st.SearchStrategy[tuple[object, object]]:
        shape = model.operation_model(name).input_shape
        document = for_shape(shape, refs) if shape is not None else json_values
        target = PREFIX[service] + name
        return st.tuples(st.sampled_from([target, target.encode()]), _wire_bodies(document))

    shaped = st.sampled_from(sorted(model.operation_names)).flatmap(for_operation)
    odd = st.tuples(_wire_targets(service), _wire_bodies(json_values))
    return st.tuples(st.just(service), shaped | odd)


def test_odd_wire_input_to_either_service_never_gets_a_5xx_and_the_fake_keeps_working() -> None:
    env = CloudHsmKms(seed="odd input")
    key = env.ready_key()
    cluster_id = key["CloudHsmClusterId"]
    refs = st.sampled_from([key["KeyId"], key["Arn"], key["CustomKeyStoreId"], cluster_id,
                            "alias/none", "subnet-0123456789abcdef0"])

    @settings(max_examples=200, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(request=_requests("kms", refs) | _requests("cloudhsmv2", refs))
    def one_request(request: tuple[str, tuple[object, object]]) -> None:
        service, (target, body) = request
        answer = env.handle(service, None, target, body)  # type: ignore[arg-type]
        assert answer.status < 500, (answer.status, answer.body[:300])
        assert json.loads(answer.body) is not None
        assert env.internal_errors == [], env.internal_errors[0]

    one_request()

    # Still working: the fuzzed requests may have disabled or deleted the first key,
    # so a new key answers, and the first one is still known.
    fresh = env.ready_key()
    with env:
        kms = boto3.client("kms", region_name="us-east-1")
        blob = kms.encrypt(KeyId=fresh["KeyId"], Plaintext=b"after")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"after"
        assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Arn"] == key["Arn"]
        clusters = boto3.client("cloudhsmv2", region_name="us-east-1").describe_clusters(
            Filters={"clusterIds": [cluster_id]})["Clusters"]
        assert clusters[0]["ClusterId"] == cluster_id
