"""botocore's ``before-send`` event: answer kms and cloudhsmv2 requests in-process.

The handler joins ``botocore.handlers.BUILTIN_HANDLERS``, which every botocore
session copies when it is made, so every client made after this module is
imported sees it (boto3's default session included). It runs after
serialization and signing; the response it returns goes through botocore's
parser and retry handler like one from the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import botocore.handlers
from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
from botocore.credentials import Credentials
from botocore.signers import RequestSigner

from ..protocol.cbor import PROTOCOL as CBOR_PROTOCOL
from ..protocol.cbor import request_target
from ..protocol.raw import body_bytes, header_text
from .registry import current, is_endpoint, region_of

__all__ = ["SERVICE_IDS", "install"]

# botocore's event service id -> the fake's service name.
SERVICE_IDS = {"kms": "kms", "cloudhsm-v2": "cloudhsmv2"}
_FAKE_CREDENTIALS = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


class _Body:
    """The ``raw`` of an AWSResponse: botocore reads it through ``stream()``."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def before_send(request: AWSPreparedRequest, event_name: str, **_: Any) -> AWSResponse | None:
    """Answer the request when an environment is active; else let botocore send it."""
    environment = current()
    if environment is None or is_endpoint(request.url):  # a local endpoint answers it
        return None
    service = SERVICE_IDS[event_name.split(".", 2)[1]]
    headers = request.headers
    region = region_of(request.url, header_text(headers.get("Authorization")))
    body = body_bytes(request.body)
    cbor = request_target(request.url, header_text(headers.get("smithy-protocol")))
    if cbor is not None:  # a botocore that prefers the model's RPC v2 CBOR (cloudhsmv2)
        answer = environment.handle(service, region, cbor[1], body, protocol=CBOR_PROTOCOL)
    else:
        answer = environment.handle(service, region, header_text(headers.get("X-Amz-Target")),
                                    body)
    return AWSResponse(request.url, answer.status, answer.headers, _Body(answer.body))


def before_sign(request: AWSRequest, request_signer: RequestSigner, **_: Any) -> None:
    """Lend fake credentials to a client made before any were set (say, at import time).

    Signing still runs; only a client with no credentials at all borrows them,
    and only while an environment is active.
    """
    if current() is not None and request_signer._credentials is None:
        request.context.setdefault("signing", {})["request_credentials"] = _FAKE_CREDENTIALS


def install() -> None:
    """Add the handlers to every botocore session made from now on (idempotent)."""
    handlers = botocore.handlers.BUILTIN_HANDLERS
    for service_id in SERVICE_IDS:
        for event, handler in (("before-sign", before_sign), ("before-send", before_send)):
            entry = (f"{event}.{service_id}", handler)
            if entry not in handlers:
                handlers.append(entry)
