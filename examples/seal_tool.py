"""A command-line tool, as a user would have one, run by other programs: it seals what
it reads on stdin under a KMS key and prints the ciphertext in base64.

It knows nothing of pytest: ``boto3`` finds KMS through the usual variables
(``AWS_ENDPOINT_URL_KMS``, credentials, Region). Exit status: 0 sealed, 3 the
key is unusable now (``KMSInvalidStateException``), 4 KMS kept throttling.
"""

from __future__ import annotations

import base64
import sys

import boto3
from botocore.exceptions import ClientError

EXIT_CODES = {"KMSInvalidStateException": 3, "ThrottlingException": 4}


def main(argv: list[str]) -> int:
    key_id = argv[1]
    try:
        blob = boto3.client("kms").encrypt(
            KeyId=key_id, Plaintext=sys.stdin.buffer.read())["CiphertextBlob"]
    except ClientError as error:
        code = error.response["Error"]["Code"]
        print(f"cannot seal: {code}", file=sys.stderr)
        return EXIT_CODES.get(code, 1)
    print(base64.b64encode(blob).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
