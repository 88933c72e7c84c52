"""The whole test session stays away from the real AWS account (the plugin's isolation).

Each inner session runs in a subprocess on a machine made bare: a temporary
HOME that holds real-looking ``~/.aws`` files, and no AWS_* variables.
"""

from __future__ import annotations

import os

import pytest

GUARDS = """
import builtins, os, socket

OPENED, CONNECTED = [], []
_open = builtins.open

def _spy_open(file, *args, **kwargs):
    if isinstance(file, (str, os.PathLike)) and ".aws" in os.fspath(file):
        OPENED.append(os.fspath(file))
    return _open(file, *args, **kwargs)

def _no_connect(self, address):
    CONNECTED.append(address)
    raise OSError(f"test guard: connect to {address}")

builtins.open = _spy_open
socket.socket.connect = _no_connect
"""

APP = """
import boto3

kms = boto3.client("kms")  # at import time, before any test or fixture runs

def seal(key_id, data):
    return kms.encrypt(KeyId=key_id, Plaintext=data)["CiphertextBlob"]

def unseal(blob):
    return kms.decrypt(CiphertextBlob=blob)["Plaintext"]
"""

TESTS = """
import conftest
import app

def test_the_import_time_client_has_the_ini_region_and_fake_keys():
    assert app.kms.meta.region_name == "eu-west-3"
    assert app.kms._request_signer._credentials.access_key == "AKIAIOSFODNN7EXAMPLE"

def test_the_import_time_client_is_answered_by_the_fake(cloudhsm_key):
    assert app.unseal(app.seal(cloudhsm_key["KeyId"], b"secret")) == b"secret"

def test_no_real_aws_file_was_read_and_no_socket_opened():
    import boto3
    boto3.client("kms")  # the default session again, outside any environment
    boto3.session.Session().client("s3")
    assert conftest.OPENED == []
    assert conftest.CONNECTED == []
"""


@pytest.fixture
def bare_machine(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """No AWS_* variables; a HOME whose ~/.aws holds keys and a profile that must stay unread."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    home = pytester.path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAREALREALREALREAL\naws_secret_access_key = real\n"
    )
    (home / ".aws" / "config").write_text("[default]\nregion = sa-east-1\n")
    monkeypatch.setenv("HOME", str(home))
    pytester.makeconftest(GUARDS)
    pytester.makepyfile(app=APP, test_app=TESTS)
    return pytester


def test_an_import_time_client_works_with_no_aws_settings_and_reads_nothing_real(
    bare_machine: pytest.Pytester,
) -> None:
    bare_machine.makeini("[pytest]\ncloudhsm_kms_region = eu-west-3\n")
    result = bare_machine.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=3)


def test_isolation_is_undone_at_the_end_of_the_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os
        import pytest

        def test_during():
            assert os.environ["AWS_CONFIG_FILE"] == os.devnull
            assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
            assert "AWS_PROFILE" not in os.environ
        """
    )
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == before


def test_the_ini_switch_turns_isolation_off(bare_machine: pytest.Pytester) -> None:
    """``cloudhsm_kms_isolate = false``: outside an environment botocore reads the
    machine's own settings, as it would without the plugin."""
    bare_machine.makeini("[pytest]\ncloudhsm_kms_isolate = false\n")
    (bare_machine.path / "test_app.py").write_text(
        "import conftest\n"
        "import app\n\n"
        "def test_the_machines_files_are_read():\n"
        "    assert app.kms.meta.region_name == 'sa-east-1'\n"
        "    assert app.kms._request_signer._credentials.access_key == 'AKIAREALREALREALREAL'\n"
        "    assert conftest.OPENED\n"
    )
    bare_machine.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)
