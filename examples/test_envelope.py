"""An example suite: how an application's tests use pytest-cloudhsm-kms."""

from __future__ import annotations

import envelope
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def key_id(kms_client):
    key_id = kms_client.create_key(Description="app data key")["KeyMetadata"]["KeyId"]
    kms_client.create_alias(AliasName="alias/app", TargetKeyId=key_id)
    return key_id


def test_data_sealed_by_the_app_unseals_with_the_same_context(key_id):
    sealed = envelope.seal("alias/app", b"card 4111", {"tenant": "t1"})
    assert envelope.unseal(sealed, {"tenant": "t1"}) == b"card 4111"


def test_kms_refuses_another_tenants_context(key_id):
    sealed = envelope.seal("alias/app", b"card 4111", {"tenant": "t1"})
    with pytest.raises(ClientError) as error:
        envelope.unseal(sealed, {"tenant": "t2"})
    assert error.value.response["Error"]["Code"] == "InvalidCiphertextException"


def test_a_disabled_key_stops_the_app(key_id, kms_client):
    kms_client.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as error:
        envelope.seal("alias/app", b"x", {})
    assert error.value.response["Error"]["Code"] == "DisabledException"
