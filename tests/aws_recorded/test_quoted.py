"""Real AWS error texts quoted in public (``quoted.py``), as checks: each quote's answer
provoked through a boto3 client, in a scenario of our own, and its exact text checked.
"""

from __future__ import annotations

import pytest

from .quoted import QUOTED
from .recording import Case, World, case_ids, check

UNKNOWN_KEY_ID = "e11f1804-f93a-4c67-be21-dd963d667090"
"""A key ID no key of the fake has (the one boto/botocore#2107 quotes)."""


def no_such_key(world: World) -> None:
    world.names["<key-id:1>"] = UNKNOWN_KEY_ID


def encrypted(world: World) -> None:
    world.key()
    world.key("<key-id:2>")
    world.blobs["ciphertext"] = world.kms.encrypt(
        KeyId=world.names["<key-id:1>"], Plaintext=b"hashi4lyf")["CiphertextBlob"]


def encrypted_then_disabled(world: World) -> None:
    encrypted(world)
    world.kms.disable_key(KeyId=world.names["<key-id:1>"])


def encrypted_then_scheduled_for_deletion(world: World) -> None:
    encrypted(world)
    world.kms.schedule_key_deletion(KeyId=world.names["<key-id:1>"], PendingWindowInDays=7)


def aliased(world: World) -> None:
    world.key()
    world.kms.create_alias(AliasName="alias/eks/cbci-bp01-ci-v2-eks",
                           TargetKeyId=world.names["<key-id:1>"])


def a_key(world: World) -> None:
    world.key()


def disabled(world: World) -> None:
    world.key()
    world.kms.disable_key(KeyId=world.names["<key-id:1>"])


def signing_key(world: World) -> None:
    world.key(KeySpec="RSA_4096", KeyUsage="SIGN_VERIFY")


def rsa_encryption_key(world: World) -> None:
    world.key(KeySpec="RSA_3072", KeyUsage="ENCRYPT_DECRYPT")


def key_quota_reached(world: World) -> None:
    world.environment.settings = world.environment.settings.replace(max_keys=2)
    world.key()
    world.key("<key-id:2>")
    world.names["<quota>"] = world.names["<usage>"] = "2"


def scheduled_for_deletion(world: World) -> None:
    world.key()
    world.kms.schedule_key_deletion(KeyId=world.names["<key-id:1>"], PendingWindowInDays=7)


def key_in_cloudhsm_store(world: World) -> None:
    metadata = world.environment.ready_key()
    world.name("<key-id:1>", metadata["KeyId"], metadata["Arn"])


def quoted(name: str) -> tuple[str, str | None]:
    """The code and text the quote ``name`` shows."""
    quote = QUOTED[name]
    return quote.code, quote.text


REENCRYPT = {"CiphertextBlob": "<blob:ciphertext>", "DestinationKeyId": "<key-id:2>"}
ALIAS_ARN = "arn:<partition>:kms:<region>:111111111111:alias/"

CASES: list[Case] = [
    Case("Skyscanner/kms-issuer#8", "window-of-one-day", "ScheduleKeyDeletion",
         {"KeyId": "<key-id:1>", "PendingWindowInDays": 1}, a_key,
         error=quoted("Skyscanner/kms-issuer#8")),
    Case("terraform-aws-modules/terraform-aws-kms#20", "signing-key", "EnableKeyRotation",
         {"KeyId": "<key-id:1>"}, signing_key,
         error=quoted("terraform-aws-modules/terraform-aws-kms#20")),
    Case("aws/aws-cryptographic-material-providers-library#disabled", "source-disabled",
         "ReEncrypt", REENCRYPT, encrypted_then_disabled,
         error=quoted("aws/aws-cryptographic-material-providers-library#disabled")),
    Case("aws/aws-cryptographic-material-providers-library#pending-deletion",
         "source-pending-deletion", "ReEncrypt", REENCRYPT,
         encrypted_then_scheduled_for_deletion,
         error=quoted("aws/aws-cryptographic-material-providers-library#pending-deletion")),
    Case("ansible/ansible#31960", "only-create-grant", "CreateGrant",
         {"KeyId": "<key-id:1>", "GranteePrincipal": "rds.us-east-1.amazonaws.com",
          "Operations": ["CreateGrant"]}, a_key, error=quoted("ansible/ansible#31960")),
    Case("aws/aws-sdk-ruby#1784", "policy-not-json", "CreateKey",
         {"Policy": "not a real policy statement"}, error=quoted("aws/aws-sdk-ruby#1784")),
    Case("aws-controllers-k8s/community#1878", "no-prefix", "CreateAlias",
         {"AliasName": "alias-rds-dbserver-8", "TargetKeyId": "<key-id:1>"}, a_key,
         error=quoted("aws-controllers-k8s/community#1878")),
    Case("boto/botocore#2107", "unknown-key-arn", "Encrypt",
         {"KeyId": "arn:<partition>:kms:<region>:111111111111:key/<key-id:1>",
          "Plaintext": b"data"}, no_such_key, error=quoted("boto/botocore#2107")),
    Case("cloudbees-oss/terraform-aws-cloudbees-ci-eks-addon#66", "alias-exists",
         "CreateAlias", {"AliasName": "alias/eks/cbci-bp01-ci-v2-eks", "TargetKeyId": "<key-id:1>"},
         aliased, error=quoted("cloudbees-oss/terraform-aws-cloudbees-ci-eks-addon#66")),
    Case("cloudposse/docs#152", "unknown-alias", "Encrypt",
         {"KeyId": "alias/parameter_store_key", "Plaintext": b"value"}, a_key,
         error=quoted("cloudposse/docs#152")),
    Case("convox/rack#347", "key-quota", "CreateKey", {}, key_quota_reached,
         error=quoted("convox/rack#347")),
    Case("crossplane-contrib/provider-aws#2310", "cloudhsm-key", "GetKeyRotationStatus",
         {"KeyId": "<key-id:1>"}, key_in_cloudhsm_store,
         error=quoted("crossplane-contrib/provider-aws#2310")),
    Case("hashicorp/terraform-provider-aws#17889", "already-pending-deletion",
         "ScheduleKeyDeletion", {"KeyId": "<key-id:1>"}, scheduled_for_deletion,
         error=quoted("hashicorp/terraform-provider-aws#17889")),
    Case("hashicorp/terraform#14029", "disabled", "EnableKeyRotation",
         {"KeyId": "<key-id:1>"}, disabled, error=quoted("hashicorp/terraform#14029")),
    Case("jkroepke/helm-secrets#395", "symmetric-default-on-rsa", "Encrypt",
         {"KeyId": "<key-id:1>", "Plaintext": b"data key"}, rsa_encryption_key,
         error=quoted("jkroepke/helm-secrets#395")),
    Case("jamiewri/snapshot-vault-kms", "pending-deletion", "Decrypt",
         {"CiphertextBlob": "<blob:ciphertext>", "KeyId": "<key-id:1>"},
         encrypted_then_scheduled_for_deletion, error=quoted("jamiewri/snapshot-vault-kms")),
    Case("stelligent/mu#382", "empty-key-id", "GenerateDataKey",
         {"KeyId": "", "KeySpec": "AES_256"}, a_key, error=quoted("stelligent/mu#382"),
         validate=False),
    Case("ministryofjustice/modernisation-platform#8298", "alias-arn", "CreateGrant",
         {"KeyId": f"{ALIAS_ARN}lambda-key",
          "GranteePrincipal": "arn:<partition>:iam::111111111111:role/lambda",
          "Operations": ["Decrypt"]}, aliased,
         error=quoted("ministryofjustice/modernisation-platform#8298")),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_quoted(case: Case, world: World) -> None:
    check(case, world)
