"""The AWS settings botocore reads from ``os.environ``: kept away from the real account.

Two layers, each undone exactly:

* :class:`Isolation`, for a whole test session (the plugin starts it in
  ``pytest_configure``): no credentials file, config file, profile, container
  or instance metadata credentials are read; fake credentials and a Region
  are set when none are. A client made at import time then works on a machine
  with no AWS settings, and never signs with a real key.
* :func:`apply` / :func:`restore`, while environments are active: the
  innermost one's fake credentials and Region, whatever order environments
  start and stop in. The values in force before the first one started come
  back when the last one stops.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

__all__ = ["FAKE_ACCESS_KEY_ID", "FAKE_SECRET_ACCESS_KEY", "Isolation", "apply", "restore"]

FAKE_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
FAKE_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY_ID,
    "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_ACCESS_KEY,
}
_SESSION_TOKENS = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
_PROFILES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
# botocore's credential providers that read a file or the network.
_REAL_SOURCES = (
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
)
_NOWHERE = os.devnull  # not a regular file: botocore reads it as no file at all


def _save(names: Iterable[str]) -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in names}


def _put_back(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


class Isolation:
    """The process's AWS settings for a test session, away from the real account.

    Keys already set in the environment are kept (a machine's real keys only
    ever sign requests the fake answers, or ones a test sends elsewhere on
    purpose); everything botocore would read from files, profiles or
    metadata endpoints is switched off.
    """

    def __init__(self, region: str) -> None:
        self.region = region
        self._saved: dict[str, str | None] | None = None

    def start(self) -> None:
        """Switch the real account's settings off (idempotent)."""
        if self._saved is not None:
            return
        self._saved = _save((
            *_FAKE_CREDENTIALS, *_SESSION_TOKENS, *_PROFILES, *_REAL_SOURCES,
            "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED",
            "AWS_DEFAULT_REGION",
        ))
        environ = os.environ
        if not (environ.get("AWS_ACCESS_KEY_ID") and environ.get("AWS_SECRET_ACCESS_KEY")):
            environ.update(_FAKE_CREDENTIALS)
            for name in _SESSION_TOKENS:
                environ.pop(name, None)
        for name in (*_PROFILES, *_REAL_SOURCES):
            environ.pop(name, None)
        environ["AWS_CONFIG_FILE"] = _NOWHERE
        environ["AWS_SHARED_CREDENTIALS_FILE"] = _NOWHERE
        environ["AWS_EC2_METADATA_DISABLED"] = "true"
        if not environ.get("AWS_DEFAULT_REGION"):
            environ["AWS_DEFAULT_REGION"] = self.region

    def stop(self) -> None:
        """Put every setting back as it was before :meth:`start`."""
        if self._saved is not None:
            _put_back(self._saved)
            self._saved = None


# -- while environments are active ------------------------------------------------------------

_ENVIRONMENT_NAMES = (
    *_FAKE_CREDENTIALS, *_SESSION_TOKENS, "AWS_PROFILE", "AWS_EC2_METADATA_DISABLED",
    "AWS_DEFAULT_REGION",
)
_before: list[dict[str, str | None]] = []  # the values before the outermost environment


def apply(region: str) -> None:
    """Set fake credentials and ``region`` for the environment that answers now.

    The first call after :func:`restore` (or ever) remembers the values it replaces.
    """
    if not _before:
        _before.append(_save(_ENVIRONMENT_NAMES))
    environ = os.environ
    environ.update(_FAKE_CREDENTIALS)
    environ["AWS_EC2_METADATA_DISABLED"] = "true"
    environ["AWS_DEFAULT_REGION"] = region
    for name in (*_SESSION_TOKENS, "AWS_PROFILE"):
        environ.pop(name, None)


def restore() -> None:
    """No environment is active any more: put back what :func:`apply` replaced."""
    if _before:
        _put_back(_before.pop())
