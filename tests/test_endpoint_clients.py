"""Real clients in other processes against ``cloudhsm_kms_endpoint``, as a user runs them.

Each suite runs with pytester: a test file that starts the AWS CLI or a Node.js
program with ``env={**os.environ, **cloudhsm_kms_endpoint.environ}``, once with
no fault and once under each fault marker. The faults are those of
docs/aws-behaviour.md §2.6 (a disconnected store's keys are Unavailable,
cryptography fails with KMSInvalidStateException) and §5 (ThrottlingException,
which the client's own retry handler retries).
"""

from __future__ import annotations

import external_clients
import pytest


@pytest.fixture(scope="session")
def node_modules() -> str:
    return str(external_clients.node_modules())


_CLI_CONFTEST = """
import base64, json, os, subprocess
import pytest

AWS = {aws!r}


@pytest.fixture
def aws(cloudhsm_kms_endpoint, tmp_path):
    def run(*args):
        result = subprocess.run(
            [AWS, *args, "--output", "json"], capture_output=True, text=True, timeout=120,
            env={{**os.environ, **cloudhsm_kms_endpoint.environ, "AWS_RETRY_MODE": "standard"}},
        )
        return result.returncode, json.loads(result.stdout) if result.returncode == 0 else None, \\
            result.stderr
    return run


@pytest.fixture
def encrypt(aws, cloudhsm_key, tmp_path):
    def run(text):
        (tmp_path / "plain").write_bytes(text.encode())
        return aws("kms", "encrypt", "--key-id", cloudhsm_key["KeyId"],
                   "--plaintext", f"fileb://{{tmp_path / 'plain'}}")
    return run
"""

_CLI_TESTS = """
# The AWS CLI v1 exits with 255 when the service answers an error.
import base64
import pytest


def decrypt(aws, tmp_path, blob):
    (tmp_path / "blob").write_bytes(base64.b64decode(blob))
    return aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'blob'}")


def test_encrypt_decrypt_and_describe_clusters(aws, encrypt, cloudhsm_key, cloudhsm_cluster,
                                               cloudhsm_kms, tmp_path):
    code, encrypted, _ = encrypt("hello from the CLI")
    assert code == 0 and encrypted["KeyId"] == cloudhsm_key["Arn"]
    code, decrypted, _ = decrypt(aws, tmp_path, encrypted["CiphertextBlob"])
    assert code == 0 and base64.b64decode(decrypted["Plaintext"]) == b"hello from the CLI"
    code, described, _ = aws("cloudhsmv2", "describe-clusters")
    assert code == 0
    [cluster] = described["Clusters"]
    assert cluster["ClusterId"] == cloudhsm_cluster["ClusterId"]
    assert cluster["State"] == "ACTIVE" and len(cluster["Hsms"]) == 2
    assert list(cloudhsm_kms.operations()) [-3:] == ["Encrypt", "Decrypt", "DescribeClusters"]


@pytest.mark.cloudhsm_disconnected
def test_disconnected_store(aws, encrypt, cloudhsm_key):
    code, _, stderr = encrypt("x")
    assert code == 255
    assert "KMSInvalidStateException" in stderr
    assert f"{cloudhsm_key['Arn']} is unavailable." in stderr
    code, described, _ = aws("kms", "describe-key", "--key-id", cloudhsm_key["KeyId"])
    assert code == 0 and described["KeyMetadata"]["KeyState"] == "Unavailable"


@pytest.mark.cloudhsm_empty_cluster
def test_empty_cluster(aws, encrypt, cloudhsm_cluster):
    code, described, _ = aws("cloudhsmv2", "describe-clusters")
    assert code == 0 and described["Clusters"][0]["Hsms"] == []
    code, _, stderr = encrypt("x")
    assert code == 255 and "KMSInvalidStateException" in stderr


@pytest.mark.cloudhsm_throttled(times=2)
def test_throttled_then_retried_by_the_cli(encrypt, cloudhsm_kms):
    code, encrypted, _ = encrypt("x")
    assert code == 0 and encrypted["CiphertextBlob"]
    assert [c.error_code for c in cloudhsm_kms.calls if c.operation == "Encrypt"] == [
        "ThrottlingException", "ThrottlingException", None]


@pytest.mark.cloudhsm_throttled
def test_throttled_until_the_cli_gives_up(encrypt, cloudhsm_kms):
    code, _, stderr = encrypt("x")
    assert code == 255
    assert "ThrottlingException" in stderr and "reached max retries: 2" in stderr
    assert [c.error_code for c in cloudhsm_kms.calls if c.operation == "Encrypt"] == [
        "ThrottlingException"] * 3
"""


def test_aws_cli_against_the_endpoint_with_and_without_faults(pytester, aws_cli):
    pytester.makeconftest(_CLI_CONFTEST.format(aws=aws_cli))
    pytester.makepyfile(test_cli=_CLI_TESTS)
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines([
        "*pytest-cloudhsm-kms*",
        "faults injected: disconnected x1, empty_cluster x1, throttled x2",
        "kms operations served: Encrypt x*",
        "cloudhsmv2 operations served: DescribeClusters x2",
    ])


def test_aws_cli_under_cloudhsm_fault_option(pytester, aws_cli):
    """A CI matrix job: the same suite under ``--cloudhsm-fault disconnected``."""
    pytester.makeconftest(_CLI_CONFTEST.format(aws=aws_cli))
    pytester.makepyfile(test_cli="""
        def test_encrypt(encrypt, request):
            code, encrypted, stderr = encrypt("x")
            if "disconnected" in request.config.getoption("cloudhsm_fault"):
                assert code == 255 and "KMSInvalidStateException" in stderr
            else:
                assert code == 0 and encrypted["CiphertextBlob"]
    """)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    result = pytester.runpytest("-p", "no:cacheprovider", "--cloudhsm-fault", "disconnected")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["faults injected: disconnected x1"])


def test_aws_cli_sees_errors_a_conftest_hook_injects(pytester, aws_cli):
    pytester.makeconftest(_CLI_CONFTEST.format(aws=aws_cli) + """
from pytest_cloudhsm_kms import ServiceError


def pytest_cloudhsm_kms_error(service, operation, params):
    if operation == "DescribeClusters":
        return ServiceError("CloudHsmAccessDeniedException", "Injected by a hook")
    return None
""")
    pytester.makepyfile(test_cli="""
        def test_describe_clusters(aws):
            code, _, stderr = aws("cloudhsmv2", "describe-clusters")
            assert code == 255
            assert "CloudHsmAccessDeniedException" in stderr and "Injected by a hook" in stderr
    """)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


_JS_CONFTEST = """
import json, os, subprocess
import pytest

CLIENT = {client!r}
NODE_ENV = {node_env!r}


@pytest.fixture
def node(cloudhsm_kms_endpoint):
    def run(*args):
        result = subprocess.run(
            ["node", CLIENT, *args], capture_output=True, text=True, timeout=120,
            env={{**os.environ, **cloudhsm_kms_endpoint.environ, **NODE_ENV}},
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])
    return run
"""

_JS_TESTS = """
import pytest


def test_encrypt_decrypt_and_describe_clusters(node, cloudhsm_key, cloudhsm_cluster, cloudhsm_kms):
    answer = node("encrypt-decrypt", cloudhsm_key["KeyId"], "hello from node")
    assert answer == {"ok": True, "output": {
        "KeyId": cloudhsm_key["Arn"], "Plaintext": "hello from node", "attempts": [1, 1]}}
    answer = node("describe-clusters")
    [cluster] = answer["output"]["Clusters"]
    assert cluster["ClusterId"] == cloudhsm_cluster["ClusterId"]
    assert cluster["State"] == "ACTIVE" and cluster["Hsms"] == 2
    # the SDK parsed the timestamp into a Date (epoch seconds, millisecond precision)
    created = cloudhsm_cluster["CreateTimestamp"]
    created = created.timestamp() if hasattr(created, "timestamp") else created
    assert cluster["CreateTimestamp"] == pytest.approx(created, abs=0.001)


@pytest.mark.cloudhsm_disconnected
def test_disconnected_store(node, cloudhsm_key):
    answer = node("encrypt-decrypt", cloudhsm_key["KeyId"], "x")
    assert answer["error"] == {
        "name": "KMSInvalidStateException", "message": f"{cloudhsm_key['Arn']} is unavailable.",
        "status": 400, "attempts": 1}
    assert node("describe-key", cloudhsm_key["KeyId"])["output"]["KeyState"] == "Unavailable"


@pytest.mark.cloudhsm_empty_cluster
def test_empty_cluster(node, cloudhsm_key):
    assert node("describe-clusters")["output"]["Clusters"][0]["Hsms"] == 0
    assert node("encrypt-decrypt", cloudhsm_key["KeyId"], "x")["error"]["name"] == (
        "KMSInvalidStateException")


@pytest.mark.cloudhsm_throttled(times=2)
def test_throttled_then_retried_by_the_sdk(node, cloudhsm_key, cloudhsm_kms):
    answer = node("encrypt-decrypt", cloudhsm_key["KeyId"], "x")
    assert answer["output"]["attempts"] == [3, 1]  # the SDK's standard mode retried twice
    assert [c.error_code for c in cloudhsm_kms.calls if c.operation == "Encrypt"] == [
        "ThrottlingException", "ThrottlingException", None]


@pytest.mark.cloudhsm_throttled
def test_throttled_until_the_sdk_gives_up(node, cloudhsm_key):
    answer = node("encrypt-decrypt", cloudhsm_key["KeyId"], "x")
    assert answer["error"]["name"] == "ThrottlingException"
    assert answer["error"]["status"] == 400 and answer["error"]["attempts"] == 3
"""


def test_javascript_sdk_against_the_endpoint_with_and_without_faults(pytester, node_modules):
    pytester.makeconftest(_JS_CONFTEST.format(
        client=str(external_clients.JS_CLIENT),
        node_env=external_clients.node_environ(external_clients.Path(node_modules)),
    ))
    pytester.makepyfile(test_node=_JS_TESTS)
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines([
        "faults injected: disconnected x1, empty_cluster x1, throttled x2",
    ])
