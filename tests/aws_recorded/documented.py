"""The answers of real AWS KMS that AWS's own documentation shows: for CloudHSM key
stores, for grants, and the API Reference's examples of the other operations.

LocalStack cannot record custom key stores of type ``AWS_CLOUDHSM`` (they need a
real cluster), so ``sources.py`` has none; nor does any of its recordings show a
grant entry (``test_documented_grants.py``). AWS's documentation does show what KMS
answers for them: the examples of the API Reference (the same examples botocore
ships as ``examples-1.json`` and the AWS SDK for JavaScript v3 prints in its
command docs), the AWS CLI's examples, and the KMS Developer Guide's walkthroughs,
whose outputs were taken from real accounts. Each entry below is one such page or
example; ``test_documented_key_stores.py``, ``test_documented_grants.py`` and
``test_documented_api.py`` carry its facts over into cases of our own (requests and
scenarios ours, identifying values checked by their form).

The examples are edited for print (placeholders such as
``<certificate appears here>``, commas missing between members), so a case checks
what an example shows consistently: which members an answer has in which
connection state, the fixed values, the empty answers, the error codes and the
texts the documentation quotes. Members an example leaves out of a top-level
answer (``Truncated``) are not taken as absent.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DOCUMENTED", "Document"]

_KDG = "awsdocs/aws-kms-developer-guide"
_KDG_VERSION = "archived repository, final version (2023)"
_BOTOCORE = "boto/botocore"
_EXAMPLES = "botocore/data/kms/2014-11-01/examples-1.json"
_BOTOCORE_VERSION = "botocore 1.44.8"
_CLI = "aws/aws-cli"


@dataclass(frozen=True)
class Document:
    """One documented example or page of AWS KMS answers."""

    repository: str
    path: str
    version: str
    """The version read: a release, a commit, or the archived repository's last state."""
    url: str
    """The published page the text belongs to."""
    example: str = ""
    """The example's ID or heading within the file, when the file holds several."""

    @property
    def where(self) -> str:
        within = f" ({self.example})" if self.example else ""
        return f"{self.repository} {self.path}{within}, {self.version}"


def _api(op: str) -> str:
    return f"https://docs.aws.amazon.com/kms/latest/APIReference/API_{op}.html"


def _api_example(op: str, example: str) -> Document:
    """An example of ``op``'s API Reference page, as botocore ships it (``examples-1.json``)."""
    return Document(_BOTOCORE, _EXAMPLES, _BOTOCORE_VERSION, _api(op), example)


def _kdg(page: str, example: str = "") -> Document:
    """A page of the Developer Guide: its archived source, and where it is published."""
    return Document(_KDG, f"doc_source/{page}.md", _KDG_VERSION,
                    f"https://docs.aws.amazon.com/kms/latest/developerguide/{page}.html", example)


def _cli(command: str, commit: str, example: str = "") -> Document:
    """An example of the AWS CLI's ``aws kms <command>`` page, at the commit read."""
    return Document(_CLI, f"awscli/examples/kms/{command}.rst", f"commit {commit}",
                    f"https://docs.aws.amazon.com/cli/latest/reference/kms/{command}.html",
                    example)


_NEWEST = ("the newest version, read as the AWS Code Library publishes the AWS CLI's KMS "
           "examples (2025: KeyMaterialId in the outputs, an ML-DSA key)")


def _cli_newest(command: str, example: str = "") -> Document:
    """An example of ``aws kms <command>`` in its newest version, which the store holds only
    as AWS publishes it: the Code Library's page of the AWS CLI's KMS examples."""
    return Document(_CLI, f"awscli/examples/kms/{command}.rst", _NEWEST,
                    "https://docs.aws.amazon.com/code-library/latest/ug/cli_2_kms_code_examples.html",
                    example)


DOCUMENTED: dict[str, Document] = {
    # -- the API Reference's examples, as botocore ships them -----------------------------
    "api/CreateCustomKeyStore#example": _api_example("CreateCustomKeyStore",
        "to-create-an-aws-cloudhsm-custom-key-store-1628627769469"),
    "api/DescribeCustomKeyStores#all": _api_example("DescribeCustomKeyStores",
        "to-get-detailed-information-about-custom-key-stores-in-the-account-and-region-"
        "1628628556811"),
    "api/ConnectCustomKeyStore#example": _api_example("ConnectCustomKeyStore",
        "to-connect-a-custom-key-store-to-its-cloudhsm-cluster-1628626947750"),
    "api/DisconnectCustomKeyStore#example": _api_example("DisconnectCustomKeyStore",
        "to-disconnect-a-custom-key-store-from-its-cloudhsm-cluster-1628627955156"),
    "api/UpdateCustomKeyStore#password": _api_example("UpdateCustomKeyStore",
        "to-edit-the-properties-of-a-custom-key-store-1628629851834"),
    "api/UpdateCustomKeyStore#name": _api_example("UpdateCustomKeyStore",
        "to-edit-the-friendly-name-of-a-custom-key-store-1630451340904"),
    "api/UpdateCustomKeyStore#cluster": _api_example("UpdateCustomKeyStore",
        "to-associate-the-custom-key-store-with-a-different-but-related-aws-cloudhsm-"
        "cluster-1630451842438"),
    "api/DeleteCustomKeyStore#example": _api_example("DeleteCustomKeyStore",
        "to-delete-a-custom-key-store-from-aws-kms-1628630837145"),
    "api/CreateKey#custom-key-store": _api_example("CreateKey",
        "to-create-a-kms-key-in-a-custom-key-store-1630604382908"),
    # botocore 1.44.8's copy of this example predates CustomKeyStoreType (added with
    # external key stores); the SDK for JavaScript v3 prints the current one.
    "api/DescribeCustomKeyStores#by-name": Document(
        "aws/aws-sdk-js-v3", "clients/client-kms/src/commands/DescribeCustomKeyStoresCommand.ts",
        "commit 031b2fc28127eb4d969b4abe595a3deea42445ac", _api("DescribeCustomKeyStores"),
        "to-get-detailed-information-about-a-cloudhsm-custom-key-store-by-name-2"),
    # -- the API Reference's other examples (test_documented_api.py) --------------------------
    "api/CancelKeyDeletion#example": _api_example("CancelKeyDeletion",
        "to-cancel-deletion-of-a-cmk-"
        "1477428535102"),
    "api/CreateAlias#example": _api_example("CreateAlias", "to-create-an-alias-1477505685119"),
    "api/CreateGrant#example": _api_example("CreateGrant", "to-create-a-grant-1477972226782"),
    "api/CreateKey#symmetric": _api_example("CreateKey", "to-create-a-cmk-1478028992966"),
    "api/CreateKey#rsa": _api_example("CreateKey",
        "to-create-an-asymmetric-rsa-kms-key-for-encryption-and-decryption-"
        "1630533897833"),
    "api/CreateKey#ecc": _api_example("CreateKey",
        "to-create-an-asymmetric-elliptic-curve-kms-key-for-signing-and-verification-"
        "1630541089401"),
    "api/CreateKey#multi-region": _api_example("CreateKey",
        "to-create-a-multi-region-primary-kms-key-"
        "1630599158567"),
    "api/CreateKey#imported": _api_example("CreateKey",
        "to-create-a-kms-key-for-imported-key-material-"
        "1630603607560"),
    "api/CreateKey#hmac": _api_example("CreateKey", "to-create-an-hmac-kms-key-1630628752841"),
    "api/Decrypt#example": _api_example("Decrypt", "to-decrypt-data-1478281622886"),
    "api/DeleteAlias#example": _api_example("DeleteAlias", "to-delete-an-alias-1478285209338"),
    "api/DeleteImportedKeyMaterial#example": _api_example("DeleteImportedKeyMaterial",
        "to-delete-imported-key-material-"
        "1478561674507"),
    "api/DescribeKey#symmetric": _api_example("DescribeKey", "get-key-details-1478565820907"),
    "api/DescribeKey#rsa": _api_example("DescribeKey",
        "to-get-details-about-an-rsa-asymmetric-kms-key-"
        "1637971611761"),
    "api/DescribeKey#multi-region": _api_example("DescribeKey",
        "to-get-details-about-a-multi-region-key-"
        "1637969624239"),
    "api/DescribeKey#hmac": _api_example("DescribeKey",
        "to-get-details-about-an-hmac-kms-key-"
        "1637970472619"),
    "api/DisableKey#example": _api_example("DisableKey", "to-disable-a-cmk-1478566583659"),
    "api/DisableKeyRotation#example": _api_example("DisableKeyRotation",
        "to-disable-automatic-rotation-of-key-material-"
        "1478624396092"),
    "api/EnableKey#example": _api_example("EnableKey", "to-enable-a-cmk-1478627501129"),
    "api/EnableKeyRotation#example": _api_example("EnableKeyRotation",
        "to-enable-automatic-rotation-of-key-material-"
        "1478629109677"),
    "api/Encrypt#example": _api_example("Encrypt", "to-encrypt-data-1478906026012"),
    "api/GenerateDataKey#example": _api_example("GenerateDataKey",
        "to-generate-a-data-key-"
        "1478912956062"),
    "api/GenerateDataKeyPair#example": _api_example("GenerateDataKeyPair",
        "to-generate-an-rsa-key-pair-for-encryption-and-decryption-"
        "1628619376878"),
    "api/GenerateDataKeyPairWithoutPlaintext#example": _api_example(
        "GenerateDataKeyPairWithoutPlaintext",
        "to-generate-an-asymmetric-data-key-pair-without-a-plaintext-key-"
        "1628620971564"),
    "api/GenerateDataKeyWithoutPlaintext#example": _api_example("GenerateDataKeyWithoutPlaintext",
        "to-generate-an-encrypted-data-key-"
        "1478914121134"),
    "api/GenerateMac#example": _api_example("GenerateMac",
        "to-generate-an-hmac-for-a-message-"
        "1631570135665"),
    "api/GenerateRandom#example": _api_example("GenerateRandom",
        "to-generate-random-data-"
        "1479163645600"),
    "api/GetKeyPolicy#example": _api_example("GetKeyPolicy",
        "to-retrieve-a-key-policy-"
        "1479170128325"),
    "api/GetKeyRotationStatus#example": _api_example("GetKeyRotationStatus",
        "to-retrieve-the-rotation-status-for-a-cmk-"
        "1479172287408"),
    "api/GetParametersForImport#example": _api_example("GetParametersForImport",
        "to-retrieve-the-public-key-and-import-token-for-a-cmk-"
        "1480626483211"),
    "api/GetPublicKey#example": _api_example("GetPublicKey",
        "to-download-the-public-key-of-an-asymmetric-kms-key-"
        "1628621691873"),
    "api/ImportKeyMaterial#example": _api_example("ImportKeyMaterial",
        "to-import-key-material-into-a-cmk-"
        "1480630551969"),
    "api/ListAliases#example": _api_example("ListAliases", "to-list-aliases-1480729693349"),
    "api/ListGrants#example": _api_example("ListGrants", "to-list-grants-for-a-cmk-1481067365389"),
    "api/ListKeyPolicies#example": _api_example("ListKeyPolicies",
        "to-list-key-policies-for-a-cmk-"
        "1481069780998"),
    "api/ListKeys#example": _api_example("ListKeys", "to-list-cmks-1481071643069"),
    "api/ListResourceTags#example": _api_example("ListResourceTags",
        "to-list-tags-for-a-cmk-"
        "1483996855796"),
    "api/ListRetirableGrants#example": _api_example("ListRetirableGrants",
        "to-list-grants-that-the-specified-principal-can-retire-"
        "1481140499620"),
    "api/PutKeyPolicy#example": _api_example("PutKeyPolicy",
        "to-attach-a-key-policy-to-a-cmk-"
        "1481147345018"),
    "api/ReEncrypt#example": _api_example("ReEncrypt", "to-reencrypt-data-1481230358001"),
    "api/ReplicateKey#example": _api_example("ReplicateKey",
        "to-replicate-a-multi-region-key-in-a-different-aws-region-"
        "1628622402887"),
    "api/RetireGrant#example": _api_example("RetireGrant", "to-retire-a-grant-1481327028297"),
    "api/RevokeGrant#example": _api_example("RevokeGrant", "to-revoke-a-grant-1481329549302"),
    "api/ScheduleKeyDeletion#example": _api_example("ScheduleKeyDeletion",
        "to-schedule-a-cmk-for-deletion-"
        "1481331111094"),
    "api/Sign#example": _api_example("Sign",
        "to-digitally-sign-a-message-with-an-asymmetric-kms-key-"
        "1628631433832"),
    "api/TagResource#example": _api_example("TagResource", "to-tag-a-cmk-1483997246518"),
    "api/UntagResource#example": _api_example("UntagResource",
        "to-remove-tags-from-a-cmk-"
        "1483997590962"),
    "api/UpdateAlias#example": _api_example("UpdateAlias", "to-update-an-alias-1481572726920"),
    "api/UpdateKeyDescription#example": _api_example("UpdateKeyDescription",
        "to-update-the-description-of-a-cmk-"
        "1481574808619"),
    "api/Verify#example": _api_example("Verify",
        "to-use-an-asymmetric-kms-key-to-verify-a-digital-signature-"
        "1628633365663"),
    "api/VerifyMac#example": _api_example("VerifyMac", "to-verify-an-hmac-1631570863401"),
    # -- the API Reference's error descriptions (the model's documentation strings) ----
    "api/CreateCustomKeyStore#errors": Document(
        _BOTOCORE, "botocore/data/kms/2014-11-01/service-2.json", _BOTOCORE_VERSION,
        _api("CreateCustomKeyStore"), "Errors"),
    "api/DeleteCustomKeyStore#errors": Document(
        _BOTOCORE, "botocore/data/kms/2014-11-01/service-2.json", _BOTOCORE_VERSION,
        _api("DeleteCustomKeyStore"), "Errors"),
    "api/GenerateRandom#custom-key-store": Document(
        _BOTOCORE, "botocore/data/kms/2014-11-01/service-2.json", _BOTOCORE_VERSION,
        _api("GenerateRandom"), "CustomKeyStoreId, Errors"),
    # -- the AWS CLI's examples -------------------------------------------------------------
    "cli/create-key#cloudhsm": Document(
        _CLI, "awscli/examples/kms/create-key.rst", "the version with eight examples (2023 on)",
        "https://docs.aws.amazon.com/cli/latest/reference/kms/create-key.html",
        "Example 6: To create a KMS key in an AWS CloudHSM key store"),
    "cli/describe-custom-key-stores": Document(
        _CLI, "awscli/examples/kms/describe-custom-key-stores.rst",
        "commit 01e092bd14440bf96585c32c6e42be51c6a9b6de",
        "https://docs.aws.amazon.com/cli/latest/reference/kms/describe-custom-key-stores.html"),
    # -- the KMS Developer Guide ------------------------------------------------------------
    "kdg/disconnect-keystore": _kdg("disconnect-keystore"),
    "kdg/view-keystore": _kdg("view-keystore"),
    "kdg/fix-keystore": _kdg("fix-keystore"),
    "kdg/create-cmk-keystore": _kdg("create-cmk-keystore"),
    "kdg/delete-keystore": _kdg("delete-keystore"),
    "kdg/view-cmk-keystore": _kdg("view-cmk-keystore"),
    "kdg/delete-cmk-keystore": _kdg("delete-cmk-keystore"),
    "kdg/ct-createkey": _kdg(
        "ct-createkey",
        "CreateKey in an AWS CloudHSM custom key store (CloudTrail responseElements)"),
    "kdg/ct-create-keystore": _kdg("ct-create-keystore", "CloudTrail responseElements"),
    # -- grants -------------------------------------------------------------------------------
    "kdg/grant-view": Document(  # archived as a section of grant-manage, published apart
        _KDG, "doc_source/grant-manage.md", _KDG_VERSION,
        "https://docs.aws.amazon.com/kms/latest/developerguide/grant-view.html",
        "Viewing grants"),
    "cli/list-grants": Document(
        _CLI, "awscli/examples/kms/list-grants.rst",
        "commit 01e092bd14440bf96585c32c6e42be51c6a9b6de",
        "https://docs.aws.amazon.com/cli/latest/reference/kms/list-grants.html"),
    "cli/list-retirable-grants": Document(
        _CLI, "awscli/examples/kms/list-retirable-grants.rst",
        "commit 01e092bd14440bf96585c32c6e42be51c6a9b6de",
        "https://docs.aws.amazon.com/cli/latest/reference/kms/list-retirable-grants.html"),
    # -- the AWS CLI's other KMS examples (test_documented_cli.py) --------------------------
    "cli/create-key#symmetric": _cli_newest(
        "create-key", "Example 1: To create a customer managed KMS key in AWS KMS"),
    "cli/create-key#rsa": _cli(
        "create-key", "00cf053344b043240478b0cef66ebfc16ba52be1",
        "Example 2: To create an asymmetric RSA KMS key for encryption and decryption"),
    "cli/create-key#ecc": _cli(
        "create-key", "00cf053344b043240478b0cef66ebfc16ba52be1",
        "Example 3: To create an asymmetric elliptic curve KMS key for signing and verification"),
    "cli/create-key#hmac": _cli(
        "create-key", "00cf053344b043240478b0cef66ebfc16ba52be1",
        "Example 4: To create an HMAC KMS key"),
    "cli/create-key#multi-region": _cli_newest(
        "create-key", "Example 6: To create a multi-Region primary KMS key"),
    "cli/create-key#ml-dsa": _cli_newest(
        "create-key",
        "Example 4: To create an asymmetric ML-DSA KMS key for signing and verification"),
    "cli/create-key#external": _cli(
        "create-key", "00cf053344b043240478b0cef66ebfc16ba52be1",
        "Example 5: To create a KMS key for imported key material"),
    "cli/describe-key#rsa": _cli(
        "describe-key", "00cf053344b043240478b0cef66ebfc16ba52be1",
        "To get details about an RSA asymmetric KMS key"),
    "cli/describe-key#replica": _cli(
        "describe-key", "00cf053344b043240478b0cef66ebfc16ba52be1",
        "To get details about a multi-Region replica key"),
    "cli/describe-key#hmac": _cli(
        "describe-key", "00cf053344b043240478b0cef66ebfc16ba52be1",
        "To get details about an HMAC KMS key"),
    "cli/cancel-key-deletion": _cli(
        "cancel-key-deletion", "1baadf6b6f22d97a4b8898e6e4dee24668d9bd93"),
    "cli/schedule-key-deletion": _cli_newest("schedule-key-deletion"),
    "cli/enable-key": _cli(
        "enable-key", "01e092bd14440bf96585c32c6e42be51c6a9b6de"),
    "cli/disable-key": _cli(
        "disable-key", "2d1a6e1f7919992f620df7f90d3602dec4de0aca"),
    "cli/enable-key-rotation": _cli_newest("enable-key-rotation"),
    "cli/disable-key-rotation": _cli(
        "disable-key-rotation", "3096efebc92a9c67a6b44c05ac7438df1958c9b3"),
    "cli/get-key-rotation-status": _cli_newest("get-key-rotation-status"),
    "cli/list-key-rotations": _cli_newest("list-key-rotations"),
    "cli/rotate-key-on-demand": _cli_newest("rotate-key-on-demand"),
    "cli/update-key-description#delete": _cli(
        "update-key-description", "089513776ec02f9ca1401a31d70c71881a72e5db",
        "Example 1: To delete the description of a customer managed CMK"),
    "cli/update-key-description#add": _cli(
        "update-key-description", "089513776ec02f9ca1401a31d70c71881a72e5db",
        "Example 2: To add or change a description to a customer managed CMK"),
    "cli/list-keys": _cli(
        "list-keys", "01e092bd14440bf96585c32c6e42be51c6a9b6de"),
    "cli/create-alias": _cli(
        "create-alias", "3096efebc92a9c67a6b44c05ac7438df1958c9b3"),
    "cli/delete-alias": _cli(
        "delete-alias", "3332bf93950a86f56b79eb95eae1160da2939aa1"),
    "cli/update-alias": _cli(
        "update-alias", "01e092bd14440bf96585c32c6e42be51c6a9b6de"),
    "cli/list-aliases#key": _cli(
        "list-aliases", "f331dbbfeb9b34e8a43d509e04fa032fb45157f4",
        "Example 2: To list all aliases for a particular CMK"),
    "cli/list-key-policies": _cli(
        "list-key-policies", "d89b19ee0e163e0aea3fff92a5a4266081a2a08a"),
    "cli/get-key-policy": _cli(
        "get-key-policy", "01e092bd14440bf96585c32c6e42be51c6a9b6de"),
    "cli/put-key-policy": _cli(
        "put-key-policy", "01e092bd14440bf96585c32c6e42be51c6a9b6de"),
    "cli/tag-resource": _cli(
        "tag-resource", "d89b19ee0e163e0aea3fff92a5a4266081a2a08a"),
    "cli/untag-resource": _cli(
        "untag-resource", "01e092bd14440bf96585c32c6e42be51c6a9b6de"),
    "cli/list-resource-tags": _cli(
        "list-resource-tags", "01e092bd14440bf96585c32c6e42be51c6a9b6de"),
    "cli/create-grant": _cli(
        "create-grant", "01e092bd14440bf96585c32c6e42be51c6a9b6de"),
    "cli/retire-grant": _cli(
        "retire-grant", "9992623d7bcd577161f6d532354c7cf929befcff"),
    "cli/revoke-grant": _cli(
        "revoke-grant", "819034b867e30c30cefc6d7a25cea8a0298924e8"),
    "cli/get-parameters-for-import": _cli(
        "get-parameters-for-import", "01e092bd14440bf96585c32c6e42be51c6a9b6de"),
    "cli/import-key-material": _cli_newest("import-key-material"),
    "cli/delete-imported-key-material": _cli_newest("delete-imported-key-material"),
    "cli/encrypt": _cli(
        "encrypt", "70096714270594e67a6d6e46ec77a639b6e4804d",
        "Example 1: To encrypt the contents of a file on Linux or MacOS"),
    "cli/encrypt#asymmetric": _cli_newest(
        "encrypt", "Example 3: Encrypting with an asymmetric KMS key"),
    "cli/decrypt#symmetric": _cli(
        "decrypt", "1baadf6b6f22d97a4b8898e6e4dee24668d9bd93",
        "Example 1: To decrypt an encrypted message with a symmetric KMS key (Linux and macOS)"),
    "cli/decrypt#asymmetric": _cli(
        "decrypt", "1baadf6b6f22d97a4b8898e6e4dee24668d9bd93",
        "Example 3: To decrypt an encrypted message with an asymmetric KMS key (Linux and macOS)"),
    "cli/re-encrypt": _cli(
        "re-encrypt", "a65df085e89b2c3f7f4fc26fcb31ba69e831d62a",
        "Example 1: To re-encrypt encrypted data under a different CMK"),
    "cli/generate-data-key#aes-256": _cli_newest(
        "generate-data-key", "Example 1: To generate a 256-bit symmetric data key"),
    "cli/generate-data-key#512-bit": _cli_newest(
        "generate-data-key", "Example 2: To generate a 512-bit symmetric data key"),
    "cli/generate-data-key-without-plaintext": _cli_newest(
        "generate-data-key-without-plaintext"),
    "cli/generate-data-key-pair": _cli_newest("generate-data-key-pair"),
    "cli/generate-data-key-pair-without-plaintext": _cli_newest(
        "generate-data-key-pair-without-plaintext"),
    "cli/generate-random": _cli(
        "generate-random", "8fd9a4cf71284fa962498581aa8dfa209483b788",
        "Example 1: To generate a 256-bit random byte string (Linux or macOs)"),
    "cli/get-public-key": _cli(
        "get-public-key", "e560443c197262dcf584274af7957b4d27bb335d",
        "Example 1: To download the public key of an asymmetric CMK"),
    "cli/generate-mac": _cli_newest("generate-mac", "Example 1: To generate an HMAC for a message"),
    "cli/verify-mac": _cli_newest("verify-mac", "Example 1: To verify an HMAC"),
    "cli/derive-shared-secret": _cli_newest("derive-shared-secret"),
    "cli/sign": _cli(
        "sign", "01e092bd14440bf96585c32c6e42be51c6a9b6de",
        "Example 1: To generate a digital signature for a message"),
    "cli/verify": _cli(
        "verify", "9080e1202cc837cec991d0fe4f7626a0b5177663"),
}
"""Each documented example or page the suite carries over, by a short name of our own."""
