"""An example of testing another program under a fault: ``seal_tool.py`` runs as a
subprocess against ``cloudhsm_kms_endpoint``, so the test's key, faults and call
log are the ones the program sees. Runs as is and under each fault of the CI
matrix (``--cloudhsm-fault``, see tox.ini).
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).with_name("seal_tool.py")


def run_tool(endpoint, key_id: str, data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, str(TOOL), key_id], input=data, capture_output=True, timeout=120,
        # the endpoint's variables, and botocore's standard retries with one retry
        env={**os.environ, **endpoint.environ, "AWS_RETRY_MODE": "standard",
             "AWS_MAX_ATTEMPTS": "2"},
    )


def expected_exit(*faults: str) -> int:
    """Throttling shows first (the quota counts a request before anything else);
    every other fault makes the key unusable."""
    faults_in_effect = set(faults) - {"none"}
    if "throttled" in faults_in_effect:
        return 4
    return 3 if faults_in_effect else 0


@pytest.fixture
def cli_faults(request) -> list[str]:
    """The faults the CI matrix runs this suite under (``--cloudhsm-fault``)."""
    return request.config.getoption("cloudhsm_fault")


def test_the_tool_seals_with_the_tests_key(cloudhsm_key, cloudhsm_kms_endpoint, kms_client,
                                           cli_faults):
    result = run_tool(cloudhsm_kms_endpoint, cloudhsm_key["Arn"], b"card 4111")
    assert result.returncode == expected_exit(*cli_faults), result.stderr
    if result.returncode == 0:
        blob = base64.b64decode(result.stdout)
        assert kms_client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"card 4111"


@pytest.mark.cloudhsm_disconnected
def test_the_tool_reports_a_disconnected_key_store(cloudhsm_key, cloudhsm_kms_endpoint,
                                                   cloudhsm_kms, cli_faults):
    result = run_tool(cloudhsm_kms_endpoint, cloudhsm_key["Arn"], b"x")
    assert result.returncode == expected_exit("disconnected", *cli_faults)
    assert cloudhsm_kms.calls[-1].operation == "Encrypt"
