"""A local HTTP endpoint: one environment's KMS and CloudHSM v2 on 127.0.0.1.

For what cannot be patched in-process: the AWS CLI, services in other
languages, shell scripts. Requests go to :meth:`CloudHsmKms.handle` like
in-process ones, so the state, the virtual clock, the faults, the injected
errors and the call log are the environment's.

Which service a request is for comes from its ``X-Amz-Target``
(``TrentService.*``, ``BaldrApiService.*``) or its RPC v2 CBOR path
(``/service/BaldrApiService/operation/<Op>`` with ``smithy-protocol:
rpc-v2-cbor``); the Region and the signing name from its SigV4 credential
scope. The signature itself is not checked: any key is accepted. A request for
anything else gets an AWS-shaped JSON error.

The server is made to start and stop once per test: one accept thread that
waits on the listening socket and a wake-up socket (stopping does not wait
for a poll interval), a thread per connection, and on stop every open
connection is shut down, so nothing listens or lingers afterwards.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import selectors
import socket
import threading
import uuid
from typing import TYPE_CHECKING, Any

from ..errors import ServiceError
from ..protocol.cbor import PROTOCOL as CBOR_PROTOCOL
from ..protocol.cbor import request_target
from ..protocol.codecs import codec
from . import registry

if TYPE_CHECKING:
    from ..environment import CloudHsmKms

__all__ = ["Endpoint"]

HOST = "127.0.0.1"
# X-Amz-Target prefix / RPC v2 service name -> (the fake's service, SigV4 signing name)
_TARGETS = {"TrentService": ("kms", "kms"), "BaldrApiService": ("cloudhsmv2", "cloudhsm")}
_CBOR_SERVICES = frozenset({"BaldrApiService"})  # the services whose model offers RPC v2 CBOR
_SIGNING_NAMES = {signing: service for service, signing in _TARGETS.values()}
_SCOPE = re.compile(r"Credential=[^/,\s]*/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
_MAX_BODY = 16 * 1024 * 1024  # larger than any KMS or CloudHSM request


class Endpoint:
    """KMS and CloudHSM v2 of one environment over HTTP on ``127.0.0.1``.

    ``url`` is the base URL; ``environ`` holds the variables that point an AWS
    SDK or the AWS CLI at it, for ``subprocess.run(..., env={**os.environ,
    **endpoint.environ})``. Use it as a context manager, or :meth:`start` and
    :meth:`stop`.
    """

    def __init__(self, environment: CloudHsmKms) -> None:
        self.environment = environment
        self.host = HOST
        self.port = 0
        self._listener: socket.socket | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None
        self._thread: threading.Thread | None = None
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"

    @property
    def environ(self) -> dict[str, str]:
        """What a subprocess needs to reach this endpoint and nothing real: the
        service endpoints, fake credentials, the Region, no instance metadata,
        and no config or credentials file (a profile cannot be read).

        ``CloudHsmKms`` clears ``AWS_PROFILE`` and ``AWS_SESSION_TOKEN`` from
        ``os.environ`` while it is started, so ``{**os.environ, **environ}``
        carries neither.
        """
        region = self.environment.region
        return {
            "AWS_ENDPOINT_URL_KMS": self.url,
            "AWS_ENDPOINT_URL_CLOUDHSM_V2": self.url,
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false",
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }

    @property
    def listening(self) -> bool:
        """Whether the endpoint accepts connections now."""
        return self._listener is not None

    # -- start and stop ------------------------------------------------------------------

    def start(self) -> Endpoint:
        """Listen on a free port of 127.0.0.1 and serve until :meth:`stop`."""
        if self._listener is not None:
            raise RuntimeError("this endpoint is already started")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind((HOST, 0))
            listener.listen(64)
            listener.setblocking(False)
        except OSError:
            listener.close()
            raise
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._wake = socket.socketpair()
        self._thread = threading.Thread(
            target=self._accept, args=(listener, self._wake[0]),
            name=f"cloudhsm-kms-endpoint:{self.port}", daemon=True,
        )
        registry.add_endpoint(self.url)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, end open connections, and wait for their threads."""
        listener, wake, thread = self._listener, self._wake, self._thread
        if listener is None or wake is None or thread is None:
            return
        registry.remove_endpoint(self.url)
        self._listener = self._wake = self._thread = None
        wake[1].send(b"x")
        thread.join()
        listener.close()
        for end in wake:
            end.close()
        with self._lock:
            connections = dict(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for worker in connections.values():
            worker.join(timeout=5)

    def __enter__(self) -> Endpoint:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<Endpoint {self.url}{'' if self.listening else ' (stopped)'}>"

    # -- serving -----------------------------------------------------------------------

    def _accept(self, listener: socket.socket, wake: socket.socket) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fileobj is wake:
                        return
                    try:
                        conn, address = listener.accept()
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError:  # pragma: no cover - the listener failed under us
                        return
                    conn.setblocking(True)
                    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    worker = threading.Thread(target=self._serve, args=(conn, address),
                                              daemon=True)
                    with self._lock:
                        self._connections[conn] = worker
                    worker.start()

    def _serve(self, conn: socket.socket, address: Any) -> None:
        try:
            _Handler(conn, address, self)
        except OSError:  # the client went away, or stop() shut the connection
            pass
        finally:
            with self._lock:
                self._connections.pop(conn, None)
            conn.close()

    def answer(
        self, method: str, path: str, headers: Any, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one HTTP request: (status, headers, body)."""
        protocol = "json"
        target = _header(headers, "X-Amz-Target")
        cbor = request_target(path, _header(headers, "smithy-protocol")) if (
            path.startswith("/service/")) else None
        if cbor is not None and cbor[0] in _CBOR_SERVICES:
            protocol = CBOR_PROTOCOL
            prefix, target = cbor
        elif cbor is not None:  # KMS speaks AWS JSON 1.1 only (docs/aws-behaviour.md §7.1)
            return _not_ours(method, path)
        elif target is not None:
            prefix = target.split(".", 1)[0]
        else:
            prefix = ""
        scope = _SCOPE.search(_header(headers, "Authorization") or "")
        region, signing = (scope.group(1), scope.group(2)) if scope else (None, None)
        if prefix not in _TARGETS and method == "POST" and signing in _SIGNING_NAMES:
            service = _SIGNING_NAMES[signing]  # signed for us, but with no operation named
            expected = signing
        elif prefix in _TARGETS and method == "POST":
            service, expected = _TARGETS[prefix]
        else:
            return _not_ours(method, path)
        if scope is None:
            return _reject(service, protocol, ServiceError(
                "MissingAuthenticationTokenException", "Request is missing Authentication Token"))
        if signing != expected:
            return _reject(service, protocol, ServiceError(
                "InvalidSignatureException",
                f"Credential should be scoped to correct service: '{expected}'. "))
        answer = self.environment.handle(service, region, target, body, protocol=protocol)
        return answer.status, answer.headers, answer.body


def _header(headers: Any, name: str) -> str | None:
    value = headers.get(name)
    return value if value is None else str(value)


def _reject(service: str, protocol: str, error: ServiceError) -> tuple[int, dict[str, str], bytes]:
    """An error of the service before any operation runs (not in the call log)."""
    answer = codec(service, protocol).error(error, str(uuid.uuid4()))
    return answer.status, answer.headers, answer.body


def _not_ours(method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """Neither KMS nor CloudHSM v2: an AWS JSON error, never a hang or a traceback."""
    document = {
        "__type": "UnknownOperationException",
        "message": f"{method} {path[:200]} is not a request to AWS KMS (X-Amz-Target "
        "TrentService.<Operation>) or AWS CloudHSM v2 (BaldrApiService.<Operation>, or RPC v2 "
        "CBOR at /service/BaldrApiService/operation/<Operation>); this endpoint serves only "
        "those two",
    }
    payload = json.dumps(document).encode()
    return 400, {"Content-Type": "application/x-amz-json-1.1",
                 "Content-Length": str(len(payload))}, payload


class _Handler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; every request, whatever its method, gets an answer."""

    protocol_version = "HTTP/1.1"
    server_version = "pytest-cloudhsm-kms"
    sys_version = ""
    endpoint: Endpoint

    def __init__(self, conn: socket.socket, address: Any, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        super().__init__(conn, address, None)  # type: ignore[arg-type]

    def _respond(self) -> None:
        body = self._body()
        if body is None:
            return
        method = self.command or ""
        status, headers, payload = self.endpoint.answer(method, self.path, self.headers, body)
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload) if method != "HEAD" else 0))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(payload)

    do_POST = do_GET = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _respond

    def _body(self) -> bytes | None:
        """The request body (Content-Length or chunked), or ``None`` after an error answer."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._chunked()
        raw = self.headers.get("Content-Length") or "0"
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if not 0 <= length <= _MAX_BODY:
            self.send_error(400 if length < 0 else 413, f"Content-Length {raw[:20]!r}")
            return None
        return self.rfile.read(length) if length else b""

    def _chunked(self) -> bytes | None:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self.send_error(400, "Malformed chunked body")
                return None
            total += size
            if size < 0 or total > _MAX_BODY:
                self.send_error(413, "Request body too large")
                return None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline(8)  # the CRLF after the chunk

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A malformed HTTP request: an AWS-shaped JSON error, then close the connection."""
        payload = json.dumps({"__type": "SerializationException",
                              "message": message or "Malformed HTTP request"}).encode()
        self.close_connection = True
        self.request_version = self.protocol_version  # a status line even for no version
        with contextlib.suppress(OSError):
            self.send_response(code)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the environment's call log records what was asked."""
