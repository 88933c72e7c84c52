"""The AWS CLI's KMS examples, run as printed through the AWS CLI against ``cloudhsm_kms_endpoint``.

``tests/aws_recorded/test_documented_cli.py`` checks each example's answer through
boto3. Here the commands themselves run, with the CLI's own parameter forms (shorthand
``--tags TagKey=Purpose,TagValue=Test``, ``--constraints EncryptionContextSubset={...}``,
``fileb://`` files, ``--query``), in the AWS CLI v1 the suite pins
(``external_clients.py``), and what the CLI prints is checked against what the example
prints: the members and fixed values, and no output where the example says the command
produces none.
"""

from __future__ import annotations

import pytest

_CONFTEST = """
import json, os, subprocess
import pytest

AWS = {aws!r}


@pytest.fixture
def aws(cloudhsm_kms_endpoint, tmp_path):
    '''Run ``aws kms <args>`` in ``tmp_path``; answer its JSON output, or None if it printed
    nothing, or its text output with ``--output text``.'''
    def run(*args):
        result = subprocess.run(
            [AWS, "kms", *args], capture_output=True, text=True, timeout=120, cwd=tmp_path,
            env={{**os.environ, **cloudhsm_kms_endpoint.environ}},
        )
        assert result.returncode == 0, result.stderr
        if "text" in args:
            return result.stdout.strip()
        return json.loads(result.stdout) if result.stdout.strip() else None
    return run
"""

_TESTS = """
import base64


def test_create_key_tag_alias_and_list(aws):
    # create-key example 1: the metadata, not the tags; a symmetric encryption key.
    created = aws("create-key", "--tags", "TagKey=Purpose,TagValue=Test",
                  "--description", "Test key")["KeyMetadata"]
    assert set(created) == {"AWSAccountId", "KeyId", "Arn", "CreationDate", "Enabled",
                            "Description", "KeyUsage", "KeyState", "Origin", "KeyManager",
                            "CustomerMasterKeySpec", "KeySpec", "EncryptionAlgorithms",
                            "MultiRegion", "CurrentKeyMaterialId"}
    assert (created["Description"], created["KeySpec"], created["KeyState"]) == (
        "Test key", "SYMMETRIC_DEFAULT", "Enabled")
    key_id = created["KeyId"]
    # tag-resource, create-alias: no output.
    assert aws("tag-resource", "--key-id", key_id, "--tags",
               "TagKey='Dept',TagValue='IT'") is None
    assert aws("create-alias", "--alias-name", "alias/example-alias",
               "--target-key-id", key_id) is None
    # list-resource-tags and list-aliases --key-id. This CLI pages through the lists
    # itself and prints no Truncated (the example's CLI printed "Truncated": false).
    assert aws("list-resource-tags", "--key-id", key_id) == {
        "Tags": [{"TagKey": "Purpose", "TagValue": "Test"}, {"TagKey": "Dept", "TagValue": "IT"}]}
    [alias] = aws("list-aliases", "--key-id", key_id)["Aliases"]
    assert (alias["AliasName"], alias["TargetKeyId"]) == ("alias/example-alias", key_id)
    assert alias["AliasArn"] == created["Arn"].replace("key/" + key_id, "alias/example-alias")
    # generate-data-key example 1, by the alias.
    data_key = aws("generate-data-key", "--key-id", "alias/example-alias", "--key-spec", "AES_256")
    assert set(data_key) == {"Plaintext", "KeyId", "KeyMaterialId", "CiphertextBlob"}
    assert data_key["KeyId"] == created["Arn"]
    assert len(base64.b64decode(data_key["Plaintext"])) == 32
    # schedule-key-deletion, then cancel-key-deletion.
    scheduled = aws("schedule-key-deletion", "--key-id", created["Arn"],
                    "--pending-window-in-days", "15")
    assert set(scheduled) == {"KeyId", "DeletionDate", "KeyState", "PendingWindowInDays"}
    assert (scheduled["KeyState"], scheduled["PendingWindowInDays"]) == ("PendingDeletion", 15)
    assert aws("cancel-key-deletion", "--key-id", key_id) == {"KeyId": created["Arn"]}


def test_encrypt_and_decrypt_files(aws, tmp_path):
    key_id = aws("create-key")["KeyMetadata"]["KeyId"]
    (tmp_path / "ExamplePlaintextFile").write_bytes(b"1!2@3#4$5%6^7&8*9(0)-_=+")
    ciphertext = aws("encrypt", "--key-id", key_id, "--plaintext", "fileb://ExamplePlaintextFile",
                     "--output", "text", "--query", "CiphertextBlob")
    (tmp_path / "ExampleEncryptedFile").write_bytes(base64.b64decode(ciphertext))
    plaintext = aws("decrypt", "--ciphertext-blob", "fileb://ExampleEncryptedFile",
                    "--key-id", key_id, "--output", "text", "--query", "Plaintext")
    assert base64.b64decode(plaintext) == b"1!2@3#4$5%6^7&8*9(0)-_=+"


def test_grant_then_sign_and_verify(aws, tmp_path):
    symmetric = aws("create-key")["KeyMetadata"]
    account = symmetric["AWSAccountId"]
    grant = aws("create-grant", "--key-id", symmetric["KeyId"],
                "--grantee-principal", f"arn:aws:iam::{account}:user/exampleUser",
                "--operations", "Decrypt",
                "--constraints", "EncryptionContextSubset={Department=IT}",
                "--retiring-principal", f"arn:aws:iam::{account}:role/adminRole")
    assert set(grant) == {"GrantId", "GrantToken"} and len(grant["GrantId"]) == 64
    assert aws("revoke-grant", "--grant-id", grant["GrantId"],
               "--key-id", symmetric["KeyId"]) is None
    key = aws("create-key", "--key-spec", "RSA_2048", "--key-usage", "SIGN_VERIFY")["KeyMetadata"]
    (tmp_path / "originalString").write_bytes(b"hello world")
    signed = aws("sign", "--key-id", key["KeyId"], "--message", "fileb://originalString",
                 "--message-type", "RAW", "--signing-algorithm", "RSASSA_PKCS1_V1_5_SHA_256")
    assert set(signed) == {"KeyId", "Signature", "SigningAlgorithm"}
    (tmp_path / "ExampleSignature").write_bytes(base64.b64decode(signed["Signature"]))
    assert aws("verify", "--key-id", key["KeyId"], "--message", "fileb://originalString",
               "--message-type", "RAW", "--signing-algorithm", "RSASSA_PKCS1_V1_5_SHA_256",
               "--signature", "fileb://ExampleSignature") == {
        "KeyId": key["Arn"], "SignatureValid": True,
        "SigningAlgorithm": "RSASSA_PKCS1_V1_5_SHA_256"}
"""


def test_the_cli_examples_run_as_printed(pytester: pytest.Pytester, aws_cli: str) -> None:
    pytester.makeconftest(_CONFTEST.format(aws=aws_cli))
    pytester.makepyfile(test_examples=_TESTS)
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
