"""The AWS JSON 1.1 wire protocol of the fake KMS (docs/aws-behaviour.md §7.1, §7.4).

Requests go straight to ``CloudHsmKms.handle`` (what the botocore hook calls), so
bodies botocore would never send can be tried. The fuzz test sends random bytes and
random JSON and checks that every answer is a well-formed AWS answer.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import create_parser
from fidelity import UNMODELED, allowed_errors, assert_valid_output
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import for_shape, json_values

from pytest_cloudhsm_kms.environment import CloudHsmKms
from pytest_cloudhsm_kms.errors import ServiceError
from pytest_cloudhsm_kms.protocol.json11 import WireResponse
from pytest_cloudhsm_kms.protocol.models import fault_codes, service_model

KMS = service_model("kms")
CONTENT_TYPE = "application/x-amz-json-1.1"


def send(env: CloudHsmKms, operation: str | None, body: Any) -> WireResponse:
    """POST ``body`` (bytes, or a value sent as JSON) with ``X-Amz-Target: TrentService.<op>``."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    target = None if operation is None else f"TrentService.{operation}"
    return env.handle("kms", None, target, raw)


def wire_error(answer: WireResponse) -> tuple[int, dict[str, Any]]:
    document: dict[str, Any] = json.loads(answer.body)
    return answer.status, document


@pytest.fixture
def key_id(cloudhsm_kms: CloudHsmKms) -> str:
    created = json.loads(send(cloudhsm_kms, "CreateKey", {}).body)
    key: str = created["KeyMetadata"]["KeyId"]
    return key


# -- malformed requests --------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [b"{", b"{'KeyId': 'x'}", b"\xff\xfe\x00", b"[1,]", b'{"KeyId": NaN}', b"\x00"]
)
def test_a_body_that_is_not_json_is_a_serialization_exception(
    cloudhsm_kms: CloudHsmKms, body: bytes
) -> None:
    status, document = wire_error(send(cloudhsm_kms, "Encrypt", body))

    assert status == 400
    assert document["__type"] == "SerializationException"


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("Encrypt", [1, 2]),
        ("Encrypt", "text"),
        ("Encrypt", None),
        ("Encrypt", {"KeyId": 5, "Plaintext": "eA=="}),
        ("Encrypt", {"KeyId": "k", "Plaintext": 5}),
        ("Encrypt", {"KeyId": "k", "Plaintext": "not base64!"}),
        ("Encrypt", {"KeyId": "k", "Plaintext": "eA==", "EncryptionContext": ["a"]}),
        ("Encrypt", {"KeyId": "k", "Plaintext": "eA==", "EncryptionContext": {"a": 1}}),
        ("Encrypt", {"KeyId": "k", "Plaintext": "eA==", "DryRun": "true"}),
        ("GenerateRandom", {"NumberOfBytes": "5"}),
        ("GenerateRandom", {"NumberOfBytes": 1.5}),
        ("GenerateRandom", {"NumberOfBytes": True}),
        ("GenerateRandom", {"NumberOfBytes": 2**31}),
        ("GenerateRandom", {"NumberOfBytes": 1e400}),
        ("GenerateRandom", b'{"NumberOfBytes": NaN}'),
        ("GenerateRandom", b'{"NumberOfBytes": -Infinity}'),
        ("CreateKey", {"Tags": {"TagKey": "a"}}),
        ("CreateKey", {"Tags": ["a"]}),
    ],
)
def test_a_member_of_the_wrong_json_type_is_a_serialization_exception(
    cloudhsm_kms: CloudHsmKms, operation: str, body: Any
) -> None:
    status, document = wire_error(send(cloudhsm_kms, operation, body))

    assert status == 400
    assert document["__type"] == "SerializationException"


def test_a_whole_number_written_as_a_float_is_an_integer(cloudhsm_kms: CloudHsmKms) -> None:
    answer = send(cloudhsm_kms, "GenerateRandom", {"NumberOfBytes": 8.0})

    assert answer.status == 200
    assert len(base64.b64decode(json.loads(answer.body)["Plaintext"])) == 8


def test_null_and_unknown_members_are_ignored(cloudhsm_kms: CloudHsmKms, key_id: str) -> None:
    body = {"KeyId": key_id, "Plaintext": "eA==", "EncryptionContext": None, "Surprise": [1]}

    assert send(cloudhsm_kms, "Encrypt", body).status == 200


def test_an_empty_body_is_an_empty_request(cloudhsm_kms: CloudHsmKms) -> None:
    answer = send(cloudhsm_kms, "ListKeys", b"")

    assert answer.status == 200
    assert json.loads(answer.body) == {"Keys": [], "Truncated": False}


def test_every_failed_constraint_is_reported_in_one_validation_exception(
    cloudhsm_kms: CloudHsmKms,
) -> None:
    status, document = wire_error(send(cloudhsm_kms, "Encrypt", {}))

    assert status == 400
    assert document == {
        "__type": "ValidationException",
        "message": "2 validation errors detected: "
        "Value null at 'keyId' failed to satisfy constraint: Member must not be null; "
        "Value null at 'plaintext' failed to satisfy constraint: Member must not be null",
    }


def test_a_failed_constraint_deep_in_a_list_names_its_path(cloudhsm_kms: CloudHsmKms) -> None:
    body = {"Tags": [{"TagKey": "a", "TagValue": "b"}, {"TagKey": "c"}]}

    status, document = wire_error(send(cloudhsm_kms, "CreateKey", body))

    assert (status, document["__type"]) == (400, "ValidationException")
    assert "at 'tags.2.member.tagValue'" in document["message"]


# -- targets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [None, "", "TrentService.", "TrentService.NoSuchOperation", "Encrypt",
     "BaldrApiService.DescribeClusters", "trentservice.Encrypt"],
)
def test_an_unknown_or_missing_target_is_an_unknown_operation(
    cloudhsm_kms: CloudHsmKms, target: str | None
) -> None:
    answer = cloudhsm_kms.handle("kms", None, target, b"{}")

    assert answer.status == 400
    assert json.loads(answer.body)["__type"] == "UnknownOperationException"


# -- responses -----------------------------------------------------------------------------


def test_a_success_is_200_with_json_1_1_headers(cloudhsm_kms: CloudHsmKms) -> None:
    first = send(cloudhsm_kms, "ListKeys", {})
    second = send(cloudhsm_kms, "ListKeys", {})

    assert first.status == 200
    assert first.headers["Content-Type"] == CONTENT_TYPE
    assert first.headers["Content-Length"] == str(len(first.body))
    uuid.UUID(first.headers["x-amzn-RequestId"])
    assert first.headers["x-amzn-RequestId"] != second.headers["x-amzn-RequestId"]


def test_an_error_is_a_json_body_with_type_and_message(cloudhsm_kms: CloudHsmKms) -> None:
    answer = send(cloudhsm_kms, "DescribeKey", {"KeyId": "alias/missing"})

    assert answer.status == 400
    assert answer.headers["Content-Type"] == CONTENT_TYPE
    uuid.UUID(answer.headers["x-amzn-RequestId"])
    assert json.loads(answer.body) == {
        "__type": "NotFoundException",
        "message": "Alias arn:aws:kms:us-east-1:111122223333:alias/missing is not found.",
    }


def test_invalid_ciphertext_has_no_message_member(cloudhsm_kms: CloudHsmKms) -> None:
    answer = send(cloudhsm_kms, "Decrypt", {"CiphertextBlob": base64.b64encode(b"x" * 80).decode()})

    assert json.loads(answer.body) == {"__type": "InvalidCiphertextException"}


def test_the_request_id_reaches_boto3(kms_client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        kms_client.describe_key(KeyId="alias/missing")

    uuid.UUID(raised.value.response["ResponseMetadata"]["RequestId"])


@pytest.mark.parametrize("code", sorted(fault_codes("kms")))
def test_fault_errors_are_5xx_and_botocore_retries_them(
    cloudhsm_kms: CloudHsmKms, kms_client: Any, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    def fault(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        raise ServiceError(code, "try again")

    monkeypatch.setitem(cloudhsm_kms.kms().handlers, "Encrypt", fault)

    assert send(cloudhsm_kms, "Encrypt", {"KeyId": "k", "Plaintext": "eA=="}).status == 500
    with pytest.raises(ClientError) as raised:
        kms_client.encrypt(KeyId="k", Plaintext=b"x")
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert sum(1 for c in cloudhsm_kms.calls if c.operation == "Encrypt") > 2


def test_client_errors_are_4xx(cloudhsm_kms: CloudHsmKms, key_id: str) -> None:
    send(cloudhsm_kms, "DisableKey", {"KeyId": key_id})

    answer = send(cloudhsm_kms, "Encrypt", {"KeyId": key_id, "Plaintext": "eA=="})

    assert (answer.status, json.loads(answer.body)["__type"]) == (400, "DisabledException")


def test_a_bug_in_the_fake_is_an_internal_exception_and_is_recorded(
    cloudhsm_kms: CloudHsmKms, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setitem(cloudhsm_kms.kms().handlers, "ListKeys", broken)

    answer = send(cloudhsm_kms, "ListKeys", {})

    assert answer.status == 500
    assert json.loads(answer.body)["__type"] == "KMSInternalException"
    assert len(cloudhsm_kms.internal_errors) == 1
    cloudhsm_kms.internal_errors.clear()  # expected here: do not fail the fixture's teardown


# -- fuzzing -------------------------------------------------------------------------------

_PARSER = create_parser("json")

def _check_answer(operation: str | None, answer: WireResponse) -> None:
    """A well-formed AWS JSON 1.1 answer: headers, JSON body, modeled code, fault status."""
    assert answer.headers["Content-Type"] == CONTENT_TYPE
    assert answer.headers["Content-Length"] == str(len(answer.body))
    uuid.UUID(answer.headers["x-amzn-RequestId"])
    document = json.loads(answer.body)
    assert isinstance(document, dict)
    op_model = KMS.operation_model(operation) if operation in KMS.operation_names else None
    if answer.status == 200:
        assert op_model is not None and "__type" not in document
        parsed = _PARSER.parse(
            {"status_code": 200, "headers": answer.headers, "body": answer.body},
            op_model.output_shape,
        )
        assert_valid_output("kms", operation or "", parsed)
        return
    code = document["__type"]
    assert set(document) <= {"__type", "message"}
    assert code in (allowed_errors("kms", operation) if op_model else UNMODELED), code
    assert (answer.status >= 500) == (code in fault_codes("kms")), (answer.status, code)
    assert 400 <= answer.status < 600


def _round_trip(env: CloudHsmKms, key_id: str) -> None:
    plaintext = base64.b64encode(b"still working").decode()
    encrypted = send(env, "Encrypt", {"KeyId": key_id, "Plaintext": plaintext,
                                      "EncryptionContext": {"a": "b"}})
    assert encrypted.status == 200, encrypted.body
    blob = json.loads(encrypted.body)["CiphertextBlob"]
    decrypted = send(env, "Decrypt", {"CiphertextBlob": blob, "EncryptionContext": {"a": "b"}})
    assert decrypted.status == 200, decrypted.body
    assert json.loads(decrypted.body)["Plaintext"] == plaintext


def test_random_requests_get_well_formed_aws_answers_and_the_fake_keeps_working() -> None:
    env = CloudHsmKms(seed="fuzz")
    operations = sorted(op for op in env.kms().handlers if op in KMS.operation_names)
    canary = json.loads(send(env, "CreateKey", {}).body)["KeyMetadata"]["KeyId"]
    fuzz_key = json.loads(send(env, "CreateKey", {}).body)["KeyMetadata"]
    send(env, "CreateAlias", {"AliasName": "alias/fuzz", "TargetKeyId": fuzz_key["KeyId"]})
    sealed = json.loads(send(env, "Encrypt", {
        "KeyId": fuzz_key["KeyId"], "Plaintext": "eA==", "EncryptionContext": {"a": "b"},
    }).body)["CiphertextBlob"]
    refs = st.sampled_from([
        fuzz_key["KeyId"], fuzz_key["Arn"], "alias/fuzz", fuzz_key["Arn"].split(":key/")[0] +
        ":alias/fuzz", fuzz_key["Arn"].replace("us-east-1", "eu-west-1"), "alias/missing",
        str(uuid.UUID(int=1)), "alias/aws/x",
    ]) | st.text(max_size=30)
    blobs = st.just(sealed) | st.integers(0, 90).map(
        lambda i: base64.b64encode(_flip(base64.b64decode(sealed), i)).decode()
    )

    raw_bodies = st.binary(max_size=80) | json_values.map(lambda v: json.dumps(v).encode())

    def requests_for(operation: str) -> st.SearchStrategy[tuple[str, bytes]]:
        shape = KMS.operation_model(operation).input_shape
        shaped = for_shape(shape, refs, blobs).map(lambda v: json.dumps(v).encode())
        return st.tuples(st.just(operation), st.one_of(shaped, shaped, shaped, raw_bodies))

    requests = st.one_of(
        *[requests_for(operation) for operation in operations],
        st.tuples(st.text(max_size=12), raw_bodies),
    )

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(request=requests)
    def one_request(request: tuple[str, bytes]) -> None:
        operation, body = request

        answer = env.handle("kms", None, f"TrentService.{operation}", body)

        _check_answer(operation, answer)
        assert env.internal_errors == [], env.internal_errors[0]
        _round_trip(env, canary)

    one_request()

    assert env.internal_errors == []
    with env:
        client = env.client("kms")
        blob = client.encrypt(KeyId=canary, Plaintext=b"after fuzzing")["CiphertextBlob"]
        assert client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"after fuzzing"


def _flip(blob: bytes, index: int) -> bytes:
    index %= len(blob)
    return blob[:index] + bytes([blob[index] ^ 0x80]) + blob[index + 1:]


# -- the fast paths read and write what the standard library reads and writes ------------------

_flat_values = st.one_of(st.binary(max_size=40), st.text(max_size=20), st.integers(),
                         st.booleans(), st.none(), st.lists(st.text(max_size=3), max_size=2))


@settings(max_examples=300, deadline=None, database=None)
@given(document=st.dictionaries(st.sampled_from(["CiphertextBlob", "KeyId", "Plaintext",
                                                 "EncryptionAlgorithm", "Truncated"]),
                                _flat_values, max_size=5))
def test_an_answer_body_is_what_json_dumps_writes(document: dict[str, Any]) -> None:
    """Blobs and plain text are written directly; the result is byte for byte what the
    standard encoder writes (blobs in base64)."""
    from pytest_cloudhsm_kms.protocol.json11 import _encode

    def blob(value: object) -> str:
        assert isinstance(value, bytes)
        return base64.b64encode(value).decode()

    assert _encode(document) == json.dumps(document, separators=(",", ":"), default=blob)


@settings(max_examples=300, deadline=None, database=None)
@given(text=st.one_of(json_values.map(json.dumps), json_values.map(lambda v: f" {json.dumps(v)}\n"),
                      st.text(max_size=12)))
def test_a_request_body_is_read_as_json_loads_reads_it(text: str) -> None:
    from pytest_cloudhsm_kms.protocol.json11 import _decode

    try:
        expected: Any = json.loads(text, parse_constant=lambda name: 1 / 0)
    except (ValueError, ZeroDivisionError):
        with pytest.raises(ValueError):
            _decode(text)
        return
    assert _decode(text) == expected


@settings(max_examples=300, deadline=None, database=None)
@given(value=st.one_of(st.binary(max_size=30).map(lambda b: base64.b64encode(b).decode()),
                       st.text(alphabet="AQw+/=x \n-_", max_size=12)))
def test_a_blob_member_is_read_as_base64_with_validation_reads_it(value: str) -> None:
    """Canonical base64 is read in C; every other value gets ``b64decode(validate=True)``'s
    rule, so what is accepted, and as which bytes, does not change."""
    from pytest_cloudhsm_kms.protocol.codecs import codec

    try:
        expected: bytes | None = base64.b64decode(value, validate=True)
    except ValueError:  # binascii.Error is a ValueError
        expected = None
    try:
        params = codec("kms", "json").check_input("Encrypt", {"KeyId": "k", "Plaintext": value})
    except ServiceError as error:
        assert (error.code, expected) in (("SerializationException", None),
                                          ("ValidationException", b"")), error
    else:
        assert params["Plaintext"] == expected
