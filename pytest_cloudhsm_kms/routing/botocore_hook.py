"""botocore's ``before-send`` event: answer kms, cloudhsmv2 and a profile's STS calls in-process.

The handlers join ``botocore.handlers.BUILTIN_HANDLERS``, which every botocore
session copies when it is made, so every client made after this module is
imported sees them (boto3's default session and aiobotocore's sessions
included). They run after serialization and signing; the response returned
goes through the client's parser and retry handler like one from the network.

aiobotocore emits the same events, awaits the response's content and sleeps
with ``asyncio``/``anyio``: an aiobotocore client (known by its request
signer, seen in ``before-sign``) gets an ``AioAWSResponse``, and its waits are
made virtual (:mod:`.backoff`) the first time one is answered. ``before-sign``
also notes the Region the request is signed for, so the answer comes from that
Region without parsing the ``Authorization`` header again.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Iterator
from typing import Any

import botocore.handlers
from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
from botocore.credentials import Credentials
from botocore.signers import RequestSigner

from .. import isolation
from ..protocol.cbor import PROTOCOL as CBOR_PROTOCOL
from ..protocol.cbor import request_target
from ..protocol.json11 import WireResponse
from ..protocol.raw import body_bytes, header_text
from ..sts import OPERATIONS as STS_OPERATIONS
from . import backoff
from .registry import current, is_endpoint, region_of

__all__ = ["SERVICE_IDS", "install"]

# botocore's event service id -> the fake's service name.
SERVICE_IDS = {"kms": "kms", "cloudhsm-v2": "cloudhsmv2"}
_FAKE_CREDENTIALS = Credentials(isolation.FAKE_ACCESS_KEY_ID, isolation.FAKE_SECRET_ACCESS_KEY)
# What ``before-sign`` saw of the request signed last in this thread or task: its body
# (botocore hands before-send that very object), whether an aiobotocore client sends it,
# and the Region it is signed for (its SigV4 scope's).
_signed: contextvars.ContextVar[tuple[object, bool, str] | None] = contextvars.ContextVar(
    "cloudhsm_kms_signed", default=None
)


class _Body:
    """The ``raw`` of a response: botocore reads ``stream()``, aiobotocore awaits ``read()``."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data

    async def read(self, *_: Any) -> bytes:
        return self._data

    async def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        yield self._data, True


def before_send(request: AWSPreparedRequest, event_name: str, **_: Any) -> AWSResponse | None:
    """Answer the request when an environment is active; else let botocore send it."""
    environment = current()
    if environment is None or is_endpoint(request.url):  # a local endpoint answers it
        return None
    _event, service_id, operation = event_name.split(".", 2)  # before-send.<service>.<Op>
    headers: Any = request.headers
    signed = _signed.get()
    aio = signed is not None and signed[1]
    if service_id == "sts":  # STS reads the caller's access key from the signature
        authorization = header_text(headers.get("Authorization"))
        answer = environment.handle_sts(operation, region_of(request.url, authorization),
                                        body_bytes(request.body), authorization)
        return _response(request, answer, aio)
    target = headers.get("X-Amz-Target")  # AWS JSON 1.1; asked first, it is the common case
    cbor = None
    if target is None:
        smithy_protocol = headers.get("smithy-protocol")
        if smithy_protocol is not None:
            cbor = request_target(request.url, header_text(smithy_protocol))
    # The Region signed for, as before-sign saw it: the Authorization header's scope,
    # without reading the header again. Another request may have been signed since
    # (an STS call assuming a role while this one was signed): then read the header.
    region: str | None
    if signed is not None and signed[0] is request.body:
        region = signed[2]
    else:
        region = region_of(request.url, header_text(headers.get("Authorization")))
    if cbor is not None:  # a botocore that prefers the model's RPC v2 CBOR (cloudhsmv2)
        answer = environment.handle(SERVICE_IDS[service_id], region, cbor[1], request.body,
                                    protocol=CBOR_PROTOCOL)
    else:
        answer = environment.handle(SERVICE_IDS[service_id], region, target, request.body)
    return _response(request, answer, aio)


def _response(request: AWSPreparedRequest, answer: WireResponse, aio: bool) -> AWSResponse:
    """The answer as the client's HTTP layer would give it (aiobotocore's or botocore's)."""
    if aio:
        from aiobotocore.awsrequest import AioAWSResponse

        backoff.install_aio()
        return AioAWSResponse(request.url, answer.status, answer.headers, _Body(answer.body))
    return AWSResponse(request.url, answer.status, answer.headers, _Body(answer.body))


def before_sign(
    request: AWSRequest, request_signer: RequestSigner, region_name: str, **_: Any
) -> None:
    """Note which kind of client sends the request and the Region it signs for; lend
    fake credentials to a client made before any were set.

    The Region is botocore's own choice for the SigV4 scope: the endpoint rules'
    signing Region if they give one, else the client's. Signing still runs; only a
    client with no credentials at all borrows them, and only while an environment
    is active.
    """
    signing = request.context.get("signing")
    _signed.set((request.data, type(request_signer).__module__.startswith("aiobotocore"),
                 (signing and signing.get("region")) or region_name))
    if current() is not None and request_signer._credentials is None:
        request.context.setdefault("signing", {})["request_credentials"] = _FAKE_CREDENTIALS


def install() -> None:
    """Add the handlers to every botocore session made from now on (idempotent)."""
    handlers = botocore.handlers.BUILTIN_HANDLERS
    entries = [
        (f"{event}.{service_id}", handler)
        for service_id in SERVICE_IDS
        for event, handler in (("before-sign", before_sign), ("before-send", before_send))
    ]
    for operation in STS_OPERATIONS:
        entries.append((f"before-sign.sts.{operation}", before_sign))
        entries.append((f"before-send.sts.{operation}", before_send))
    for entry in entries:
        if entry not in handlers:
            handlers.append(entry)
