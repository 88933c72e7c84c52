# ruff: noqa: E501  (the addresses and the quoted texts, one per line, are long)
"""Real AWS answers quoted in public: the exact error texts people who hit real AWS pasted
into GitHub issues, walkthroughs and code comments.

A quote is taken only when it clearly comes from real AWS: the traceback, CLI output or
tool log of a real account (real account numbers, request IDs, Regions), an AWS SDK
exception raised against AWS, or an AWS engineer quoting the service. Quotes from
LocalStack, moto or other fakes (an ``--endpoint-url``, account ``000000000000``, the
fake's own repository), paraphrases and generated pages are not taken (``REJECTED``).
Where two real quotes of one text disagree, the newest is taken and the entry says so.
Each text is written as posted, with the account's own values replaced by the
placeholders ``recording.py`` fills in (``arn:<partition>:kms:<region>:111111111111:key/<key-id:1>``);
``test_quoted.py`` (KMS) and ``test_quoted_cloudhsm.py`` (CloudHSM v2, ``<cluster-id>``)
provoke each through a boto3 client and check the exact text.

The table has one section per area, each sorted by key (ignoring case), so that the engineers who add
quotes for KMS keys and cryptography and for custom key stores and CloudHSM v2 do not
edit the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["QUOTED", "REJECTED", "Quote"]

KEY_ARN = "arn:<partition>:kms:<region>:111111111111:key/<key-id:1>"
ALIAS_ARN = "arn:<partition>:kms:<region>:111111111111:alias/"


@dataclass(frozen=True)
class Quote:
    """One error text of real AWS, as someone who received it posted it."""

    url: str
    date: str
    """The date of the post or of the run it shows, where shown (``""`` if not)."""
    operation: str
    code: str
    text: str | None
    """The exact message, the account's values replaced by placeholders (``None``: AWS
    sent none)."""
    why: str
    """What shows it came from real AWS."""


QUOTED: dict[str, Quote] = {
    # -- KMS keys, aliases, grants and cryptography ------------------------------------------
    "ansible/ansible#31960": Quote(
        "https://github.com/ansible/ansible/pull/31960",
        "2019-02-13", "CreateGrant", "ValidationException",
        "Grants must not contain only the CreateGrant operation.",
        "botocore's ClientError (boto3 1.9.78) to Ansible's CreateGrant against AWS (no "
        "endpoint of a fake), one grant per operation for the grantee "
        "rds.us-east-1.amazonaws.com; the item that failed was CreateGrant alone"),
    "aws-controllers-k8s/community#1878": Quote(
        "https://github.com/aws-controllers-k8s/community/issues/1878",
        "2023-08-22", "CreateAlias", "ValidationException",
        'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
        "the AWS Controllers for Kubernetes' status of an alias named without the prefix, "
        "with AWS's request ID (account 966321756598, eu-west-2)"),
    "aws/aws-cryptographic-material-providers-library#disabled": Quote(
        "https://github.com/aws/aws-cryptographic-material-providers-library/blob/4f6887fd5224baea24cb6b7fcee6637157d25bd6/AwsCryptographicMaterialProviders/dafny/AwsCryptographyKeyStoreAdmin/src/MutationErrorRefinement.dfy",
        "2025-02-11", "ReEncrypt", "DisabledException", f"{KEY_ARN} is disabled.",
        "AWS's own Cryptographic Material Providers Library quotes the answer of a key in "
        "AWS's us-west-2 test account (827585335069) in its error mapping (pull request #1235)"),
    "aws/aws-cryptographic-material-providers-library#pending-deletion": Quote(
        "https://github.com/aws/aws-cryptographic-material-providers-library/blob/4f6887fd5224baea24cb6b7fcee6637157d25bd6/AwsCryptographicMaterialProviders/dafny/AwsCryptographyKeyStoreAdmin/src/MutationErrorRefinement.dfy",
        "2025-02-11", "ReEncrypt", "KMSInvalidStateException", f"{KEY_ARN} is pending deletion.",
        "as above, the same key scheduled for deletion"),
    "aws/aws-sdk-ruby#1784": Quote(
        "https://github.com/aws/aws-sdk-ruby/issues/1784",
        "2018-05-16", "CreateKey", "MalformedPolicyDocumentException", None,
        "the AWS SDK for Ruby v3's error for a CreateKey whose policy was the text 'not a "
        "real policy statement': an empty message, which an AWS SDK maintainer confirms "
        "is what the service sent"),
    "boto/botocore#2107": Quote(
        "https://github.com/boto/botocore/issues/2107",
        "2020-07-21", "Encrypt", "NotFoundException", f"Key '{KEY_ARN}' does not exist",
        "a botocore traceback against us-east-1 (account number partly masked)"),
    "cloudbees-oss/terraform-aws-cloudbees-ci-eks-addon#66": Quote(
        "https://github.com/cloudbees-oss/terraform-aws-cloudbees-ci-eks-addon/issues/66",
        "2024-02-29", "CreateAlias", "AlreadyExistsException",
        f"An alias with the name {ALIAS_ARN}eks/cbci-bp01-ci-v2-eks already exists",
        "Terraform's AWS provider against us-east-1 (account 324005994172); "
        "crossplane-contrib/provider-aws#1741 (2023-04-25) quotes the same text"),
    "cloudposse/docs#152": Quote(
        "https://github.com/cloudposse/docs/issues/152",
        "2018-06-25", "Encrypt", "NotFoundException",
        f"Alias {ALIAS_ARN}parameter_store_key is not found.",
        "KMS's answer to Parameter Store's encryption of a SecureString (Service: AWSKMS, "
        "with its request ID; account 271462348125, us-west-2), relayed by SSM PutParameter"),
    "convox/rack#347": Quote(
        "https://github.com/convox/rack/pull/347",
        "2016-02-13", "CreateKey", "LimitExceededException",
        "Key quota for this account in this region is <quota> but the current usage is <usage>.",
        "a CloudFormation custom resource's CreateKey in a real CI account, with AWS's request "
        "ID (quota and usage were both 101); the only real quote of this text found"),
    "crossplane-contrib/provider-aws#2310": Quote(
        "https://github.com/crossplane-contrib/provider-aws/issues/2310",
        "2026-05-20", "GetKeyRotationStatus", "UnsupportedOperationException",
        f"{KEY_ARN} origin is AWS_CLOUDHSM which is not valid for this operation.",
        "Crossplane's AWS provider reconciling a real KMS key in a CloudHSM key store (the "
        "poster wrote <key-arn> for its ARN); the post's line ends where the sentence does, "
        "and LocalStack's exact recordings of this text (origin AWS_KMS) end with the period"),
    "hashicorp/terraform#14029": Quote(
        "https://github.com/hashicorp/terraform/pull/14029",
        "2017-04-27", "EnableKeyRotation", "DisabledException", f"{KEY_ARN} is disabled.",
        "the AWS SDK for Go's error in Terraform's acceptance test against us-west-2, with "
        "AWS's request ID; hashicorp/terraform#5688 (2016-03-17, account 187416307283) "
        "quotes the same text"),
    "hashicorp/terraform-provider-aws#17889": Quote(
        "https://github.com/hashicorp/terraform-provider-aws/issues/17889",
        "2021-03-02", "ScheduleKeyDeletion", "KMSInvalidStateException",
        f"{KEY_ARN} is pending deletion.",
        "a Terraform AWS provider maintainer quoting the error of its acceptance tests, "
        "which run against AWS (the poster replaced Region, account and key ID)"),
    "jamiewri/snapshot-vault-kms": Quote(
        "https://github.com/jamiewri/snapshot-vault-kms/blob/706566e6679261ed01644cd5a42041c7614d4179/AWS-KMS-Vault-Workflow.md",
        "2021-10-03", "Decrypt", "KMSInvalidStateException", f"{KEY_ARN} is pending deletion.",
        "an AWS CLI walkthrough against ap-southeast-2 (account 711129375688): Decrypt after "
        "Vault scheduled the key's deletion (the date is the walkthrough's key creation)"),
    "jkroepke/helm-secrets#395": Quote(
        "https://github.com/jkroepke/helm-secrets/issues/395",
        "2023-08-16", "Encrypt", "InvalidKeyUsageException",
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_3072.",
        "SOPS's Encrypt of a data key with a real RSA_3072 key in ap-south-1 (the poster "
        "masked the account); getsops/sops#684 (2020, RSA_4096) and "
        "zalando/spring-cloud-config-aws-kms#82 (2019, the AWS SDK for Java) quote the same text"),
    "ministryofjustice/modernisation-platform#8298": Quote(
        "https://github.com/ministryofjustice/modernisation-platform/pull/8298",
        "2024-10-21", "CreateGrant", "InvalidArnException",
        "Key Aliases are not supported for this operation.",
        "KMS's answer to the CreateGrant Lambda makes for a function's key, relayed by "
        "Lambda (`KMS Exception: InvalidArnException KMS Message: ...`) when the key was "
        "named by an alias ARN; hashicorp/terraform#20813 (2019-03-25) quotes the same text"),
    "Skyscanner/kms-issuer#8": Quote(
        "https://github.com/Skyscanner/kms-issuer/issues/8",
        "2020-08-07", "ScheduleKeyDeletion", "ValidationException",
        "PendingWindowInDays must be between 7 and 30",
        "the AWS SDK for Go's error, with AWS's request ID, for a PendingWindowInDays of 1 "
        "(inside the model's 1-365)"),
    "stelligent/mu#382": Quote(
        "https://github.com/stelligent/mu/issues/382",
        "2018-10-29", "GenerateDataKey", "ValidationException",
        "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1",
        "KMS's answer relayed by S3 (KMS.ValidationException, with AWS's request ID; account "
        "925741509387, us-west-2) to a PutObject with SSE-KMS, for which S3 calls "
        "GenerateDataKey; the key ID S3 passed on was empty"),
    "terraform-aws-modules/terraform-aws-kms#20": Quote(
        "https://github.com/terraform-aws-modules/terraform-aws-kms/issues/20",
        "2023-08-03", "EnableKeyRotation", "UnsupportedOperationException", None,
        "Terraform's AWS provider 4.67 enabling rotation of a real RSA_4096 SIGN_VERIFY key: "
        "the error shows the code and no message"),
    # -- custom key stores and CloudHSM v2 -----------------------------------------------------
    "hashicorp/terraform-provider-aws#7437": Quote(
        "https://github.com/hashicorp/terraform-provider-aws/issues/7437",
        "2019-02-04", "CreateHsm", "CloudHsmInvalidRequestException",
        "Cluster '<cluster-id>' already contains an HSM but has not yet been fully activated",
        "the AWS CLI's answer to a second CreateHsm in a real account's new, uninitialized "
        "cluster (the poster masked the ID as cluster-xxxxxxxxxxx), reproducing what "
        "Terraform ran into; the poster relays AWS Support's explanation"),
}
"""Each accepted quote, by a short name of our own (the repository and issue, mostly)."""

REJECTED: dict[str, str] = {
    # -- KMS keys, aliases, grants and cryptography ------------------------------------------
    "https://errorcanon.top/errors/aws/kms-key-deletion-pending/index.json, .../kms-key-deleted-or-disabled/":
        "a generated page (it says 'ai_generated'): 'request was rejected because the key "
        "state is PendingDeletion' is no real answer",
    "https://stackengine.dev/aws-kms-key-pending-deletion-update":
        "the key ARN is a made-up example (123456789012, key/abcd-1234), not a real run",
    "https://github.com/boto/boto3/issues/3428":
        "a real GenerateDataKey answer (2022-09-22) listing the wrong enum for KeySpec, "
        "reported as a service bug and taken up as one (labels bug, service-api): not carried over",
    "https://github.com/floci-io/floci/issues/586 (and #290)":
        "the GetKeyRotationStatus text 'You cannot perform this operation on a non-symmetric "
        "key ...' is Floci's answer, a fake's",
    "https://github.com/floci-io/floci/issues/1844":
        "an IncorrectKeyException text in an expected-behaviour paragraph of a fake's issue, "
        "with no output of a real call",
    "https://github.com/getmoto/moto/pull/10202":
        "moto's own text for a digest of the wrong length",
    "https://github.com/nsmithuk/local-kms/issues/6":
        "GenerateRandom's 'Please specify either number of bytes or key spec.' (2019), seen "
        "by a fake's author; LocalStack's recording of 2024-04-11 is newer and says "
        "'NumberOfBytes is required.', which the fake answers",
    "Lab write-ups whose CLI output shows account 000000000000 or --endpoint-url":
        "LocalStack's answers, not AWS's",
    "'<alias> contains invalid characters for an alias' and 'Aliases must refer to keys. Not aliases' (CreateAlias)":
        "found only in moto's source and tests and in fakes that copied them, with no "
        "output of a real call",
    "A lab write-up's 'Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096' (Encrypt)":
        "CLI output that names no account, Region or request ID, in notes whose repository "
        "the search index does not name; LocalStack's recording of the same answer is used",
    "'EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.' (Encrypt, Decrypt)":
        "found only in fakes' sources (Floci and others), with no output of a real call",
    "'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.' (CreateKey)":
        "found only in fakes' sources and tests (local-kms and others), with no output of a "
        "real call",
    "A test fixture's 'Policy contains a syntax error' (PutKeyPolicy, code MalformedPolicyDocument)":
        "a string a project's own test feeds its error classifier, not output of a real call "
        "(and not the modeled error code)",
    "Notes' 'Common errors' table: '<key-arn> is not scheduled for deletion.' (CancelKeyDeletion), 'The request is not valid for key spec ENCRYPT_SIGN.' (EnableKeyRotation)":
        "written, not output: the example account 123456789012, and codes KMS does not have "
        "(InvalidStateException, InvalidKeyId.Malformed) and a key spec that does not exist",
    "A Go fake's comment 'Invalid encrypted key size.' (ImportKeyMaterial)":
        "found only as a comment in a fake's source, with no real output to check",
    # -- custom key stores and CloudHSM v2 -----------------------------------------------------
    "https://github.com/aws-samples/aws-cloudhsm-cloudformation-template/issues/12":
        "'KMS cannot connect the custom key store to its CloudHSM cluster. Error code: "
        "USER_NOT_FOUND' is no error of an operation: a failed connection is the "
        "ConnectionErrorCode DescribeCustomKeyStores answers (which the fake does), worded "
        "by the tool that reported it",
    "awsdocs/aws-kms-developer-guide, 'Deleting an external key store' (DescribeCustomKeyStores of a deleted ID)":
        "documentation, not a quote, of external key stores: the message is cut off after "
        "the colon and the operation misnamed (DescribeCustomKeyStore)",
    "CreateCluster of hsm1.medium: 'Provided HsmType is not supported.' (2026-09-20)":
        "a summary in the prose of a project's notes, whose repository the search index "
        "does not name, so no address can be given; not the output itself",
}
"""Quotes looked at and not taken, and why."""
