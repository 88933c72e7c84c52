"""AWS STS, only as far as a profile needs: AssumeRole, AssumeRoleWithWebIdentity
and GetCallerIdentity, answered with fake credentials.

botocore calls STS on its own when a profile has ``role_arn`` (with
``source_profile``, ``credential_source`` or ``web_identity_token_file``).
These three operations are answered while an environment is active; every
other STS operation is left to botocore (moto, or the network). STS speaks the
AWS query protocol (form-encoded request, XML response), so the wire format
lives here too: it is a few lines and serves nothing else.
"""

from __future__ import annotations

import re
import secrets
import threading
from datetime import datetime, timezone
from typing import NamedTuple
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from .partitions import partition_of

__all__ = ["OPERATIONS", "Identity", "SecurityTokenService"]

OPERATIONS = ("AssumeRole", "AssumeRoleWithWebIdentity", "GetCallerIdentity")
_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
_ROLE_ARN = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):role/(?:.*/)?([\w+=,.@-]{1,64})$")
_SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
_ACCESS_KEY = re.compile(r"Credential=([A-Z0-9]+)/")
_MIN_DURATION, _MAX_DURATION, _DEFAULT_DURATION = 900, 43200, 3600


class Identity(NamedTuple):
    """Who a set of credentials belongs to (GetCallerIdentity's answer)."""

    user_id: str
    account: str
    arn: str


class StsError(Exception):
    """An STS error: code, message, HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class SecurityTokenService:
    """The STS of one environment: the credentials it issued and whose they are."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id
        self._issued: dict[str, Identity] = {}
        self._lock = threading.Lock()

    def handle(
        self, operation: str, region: str, body: bytes, authorization: str | None, now: float,
        request_id: str,
    ) -> tuple[int, bytes, str | None]:
        """Answer one query-protocol request to ``region``'s STS: (status, XML body, error
        code or None)."""
        params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        try:
            if operation == "GetCallerIdentity":
                result = self._caller_identity(region, authorization)
            else:
                result = self._assume(operation, params, now)
        except StsError as error:
            return error.status, _error_xml(error, request_id), error.code
        return 200, _result_xml(operation, result, request_id), None

    def _caller_identity(self, region: str, authorization: str | None) -> str:
        match = _ACCESS_KEY.search(authorization or "")
        identity = self._issued.get(match.group(1)) if match else None
        if identity is None:  # keys the fake did not issue: the account's root user, in the
            # partition of the Region asked (docs/aws-behaviour.md §1.1)
            identity = Identity(self.account_id, self.account_id,
                                f"arn:{partition_of(region)}:iam::{self.account_id}:root")
        return (f"<UserId>{escape(identity.user_id)}</UserId>"
                f"<Account>{identity.account}</Account><Arn>{escape(identity.arn)}</Arn>")

    def _assume(self, operation: str, params: dict[str, str], now: float) -> str:
        role_arn = params.get("RoleArn", "")
        session_name = params.get("RoleSessionName", "")
        match = _ROLE_ARN.match(role_arn)
        if match is None:
            raise StsError("ValidationError", f"{role_arn} is invalid")
        if not _SESSION_NAME.match(session_name):
            raise StsError(
                "ValidationError",
                f"1 validation error detected: Value '{session_name}' at 'roleSessionName' "
                "failed to satisfy constraint: Member must satisfy regular expression pattern: "
                r"[\w+=,.@-]*",
            )
        duration = _duration(params.get("DurationSeconds"))
        if operation == "AssumeRoleWithWebIdentity" and not params.get("WebIdentityToken"):
            raise StsError("ValidationError", "WebIdentityToken is required")
        partition, account, role_name = match.groups()
        role_id = "AROA" + secrets.token_hex(9).upper()[:17]
        identity = Identity(
            f"{role_id}:{session_name}", account,
            f"arn:{partition}:sts::{account}:assumed-role/{role_name}/{session_name}",
        )
        access_key_id = "ASIA" + secrets.token_hex(8).upper()
        with self._lock:
            self._issued[access_key_id] = identity
        expiration = datetime.fromtimestamp(now + duration, timezone.utc)
        xml = (
            "<Credentials>"
            f"<AccessKeyId>{access_key_id}</AccessKeyId>"
            f"<SecretAccessKey>{secrets.token_urlsafe(30)}</SecretAccessKey>"
            f"<SessionToken>{secrets.token_urlsafe(96)}</SessionToken>"
            f"<Expiration>{expiration.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration>"
            "</Credentials>"
            f"<AssumedRoleUser><AssumedRoleId>{escape(identity.user_id)}</AssumedRoleId>"
            f"<Arn>{escape(identity.arn)}</Arn></AssumedRoleUser>"
        )
        if operation == "AssumeRoleWithWebIdentity":
            xml += (f"<SubjectFromWebIdentityToken>{escape(session_name)}"
                    "</SubjectFromWebIdentityToken>")
            if params.get("ProviderId"):
                xml += f"<Provider>{escape(params['ProviderId'])}</Provider>"
        return xml


def _duration(text: str | None) -> int:
    if text is None:
        return _DEFAULT_DURATION
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < _MIN_DURATION or value > _MAX_DURATION:
        bound = ("less than or equal to 43200" if value > _MAX_DURATION
                 else "greater than or equal to 900")
        raise StsError(
            "ValidationError",
            f"1 validation error detected: Value '{text}' at 'durationSeconds' failed to "
            f"satisfy constraint: Member must have value {bound}",
        )
    return value


def _result_xml(operation: str, result: str, request_id: str) -> bytes:
    return (
        f'<{operation}Response xmlns="{_NS}"><{operation}Result>{result}</{operation}Result>'
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        f"</{operation}Response>"
    ).encode()


def _error_xml(error: StsError, request_id: str) -> bytes:
    return (
        f'<ErrorResponse xmlns="{_NS}"><Error><Type>Sender</Type><Code>{error.code}</Code>'
        f"<Message>{escape(error.message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
