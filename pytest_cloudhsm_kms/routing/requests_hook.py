"""``requests``-based calls to KMS and CloudHSM v2 endpoints, served through ``responses``.

Every host form of both services is caught (see :mod:`.hosts`), whatever the
HTTP method, so no such request leaves the process. ``responses`` keeps a
record of every call it sees; the router drops those records, or they would
grow by the whole request and response of each call for as long as the
process lives.
"""

from __future__ import annotations

import re
from typing import Any

from ..protocol.raw import body_bytes, header_text
from .hosts import service_url
from .registry import current, region_of

__all__ = ["RequestsRouter"]

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class RequestsRouter:
    """A ``responses`` mock that answers KMS/CloudHSM URLs and lets every other URL through."""

    def __init__(self) -> None:
        import responses

        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        for method in _METHODS:
            self._mock.add_callback(method, service_url(), callback=self._answer)
        self._mock.add_passthru(re.compile(r".*"))

    def start(self) -> None:
        self._mock.start()

    def stop(self) -> None:
        self._mock.stop(allow_assert=False)
        self.forget_calls()

    def forget_calls(self) -> None:
        """Drop ``responses``' records of the calls made so far (the router reads none)."""
        self._mock.calls.reset()
        for registered in self._mock.registered():
            calls = getattr(registered, "calls", None)
            if calls is not None:
                calls.reset()

    def _answer(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        self.forget_calls()  # a long test keeps no more than the call in flight
        environment = current()
        match = service_url().match(request.url)
        if environment is None or match is None:  # pragma: no cover - mock is live only when active
            raise ConnectionError(f"no pytest-cloudhsm-kms environment for {request.url}")
        answer = environment.handle(
            match.group("service").lower(),
            region_of(request.url, header_text(request.headers.get("Authorization"))),
            header_text(request.headers.get("X-Amz-Target")),
            body_bytes(request.body),
        )
        if request.method == "HEAD":  # the headers GET would have, and no body
            return answer.status, {**answer.headers, "Content-Length": "0"}, b""
        return answer.status, answer.headers, answer.body
