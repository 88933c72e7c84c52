"""``requests``-based calls to KMS and CloudHSM v2 endpoints, served through ``responses``."""

from __future__ import annotations

import re
from typing import Any

from .registry import current, region_of

__all__ = ["RequestsRouter"]

_URL = re.compile(r"^https?://(kms|cloudhsmv2)(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?::\d+)?/")


class RequestsRouter:
    """A ``responses`` mock that answers KMS/CloudHSM URLs and lets every other URL through."""

    def __init__(self) -> None:
        import responses

        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        self._mock.add_callback(responses.POST, _URL, callback=self._answer)
        self._mock.add_passthru(re.compile(r".*"))

    def start(self) -> None:
        self._mock.start()

    def stop(self) -> None:
        self._mock.stop(allow_assert=False)

    @staticmethod
    def _answer(request: Any) -> tuple[int, dict[str, str], bytes]:
        environment = current()
        match = _URL.match(request.url)
        if environment is None or match is None:  # pragma: no cover - mock is live only when active
            raise ConnectionError(f"no pytest-cloudhsm-kms environment for {request.url}")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        answer = environment.handle(
            match.group(1),
            region_of(request.url, request.headers.get("Authorization")),
            request.headers.get("X-Amz-Target"),
            body,
        )
        return answer.status, answer.headers, answer.body
