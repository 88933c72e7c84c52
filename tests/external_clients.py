"""Real AWS clients outside this process, installed once into a cache directory.

* The AWS CLI (v1, from PyPI) in a virtualenv of its own: it pins an exact
  botocore, which must not replace the project's. Releases since 1.29 honour
  ``AWS_ENDPOINT_URL_<SERVICE>``.
* The AWS SDK for JavaScript v3 (``@aws-sdk/client-kms`` and
  ``@aws-sdk/client-cloudhsm-v2``) from npm, run by ``tests/js/client.js``.

The cache is ``$PYTEST_CLOUDHSM_KMS_CACHE``, else ``~/.cache/pytest-cloudhsm-kms``;
a file lock lets xdist workers share one install. A missing Node.js or npm
skips the JavaScript tests with the reason, except under CI (``CI`` set),
where the tests must run: there it fails them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

AWSCLI = "awscli==1.46.3"
NODE_PACKAGES = ("@aws-sdk/client-kms@3.1164.0", "@aws-sdk/client-cloudhsm-v2@3.332.0")
JS_CLIENT = Path(__file__).parent / "js" / "client.js"
_INSTALL_TIMEOUT = 900


def cache_dir() -> Path:
    root = os.environ.get("PYTEST_CLOUDHSM_KMS_CACHE")
    if root:
        return Path(root)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pytest-cloudhsm-kms"


@contextlib.contextmanager
def _locked(name: str) -> Iterator[Path]:
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield root / name
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(command: list[str], **kwargs: object) -> None:
    result = subprocess.run(command, capture_output=True, text=True,
                            timeout=_INSTALL_TIMEOUT, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                           f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}")


def aws_cli() -> Path:
    """The ``aws`` executable of the pinned AWS CLI, installed on first use."""
    name = "awscli-" + AWSCLI.split("==")[1]
    with _locked(name) as home:
        aws = home / "bin" / "aws"
        if not (home / ".ready").exists():
            shutil.rmtree(home, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(home)])
            _run([str(home / "bin" / "python"), "-m", "pip", "install", "--quiet",
                  "--disable-pip-version-check", AWSCLI])
            (home / ".ready").write_text(AWSCLI)
    return aws


def node_modules() -> Path:
    """``node_modules`` holding the pinned AWS SDK for JavaScript v3 clients; skips
    (fails under CI) where Node.js or npm is absent."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        reason = f"{' and '.join(missing)} not found: the AWS SDK for JavaScript cannot run"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must run these tests)", pytrace=False)
        pytest.skip(reason)
    name = "node-sdk-" + "-".join(p.rsplit("@", 1)[1] for p in NODE_PACKAGES)
    with _locked(name) as home:
        if not (home / ".ready").exists():
            shutil.rmtree(home, ignore_errors=True)
            home.mkdir(parents=True)
            (home / "package.json").write_text('{"private": true}\n')
            _run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                  "--no-save", *NODE_PACKAGES], cwd=home)
            (home / ".ready").write_text("\n".join(NODE_PACKAGES))
    return home / "node_modules"


def node_environ(modules: Path) -> dict[str, str]:
    """What ``node tests/js/client.js`` needs besides the endpoint's variables."""
    return {"NODE_PATH": str(modules), "NODE_NO_WARNINGS": "1"}
