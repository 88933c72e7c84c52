"""An application module, as a user would have one: it seals records under a KMS key that
lives in a CloudHSM key store, and is built to survive what such keys go through.

* Throttling: the key store's request quota is small (1,800 requests per
  second, shared by every key in the store), so the client uses botocore's
  adaptive retry mode with five attempts. Past those, :class:`KmsBusy`.
* A key store that is disconnected, a cluster without HSMs, key material
  missing from the cluster: KMS answers ``KMSInvalidStateException`` for all of
  them. The app looks up the key and its key store and raises
  :class:`KeyStoreUnavailable` with what an operator needs to know.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ATTEMPTS = 5


class KmsBusy(Exception):
    """KMS kept throttling the key store past every retry: shed load, try again later."""


class KeyStoreUnavailable(Exception):
    """The key cannot be used now; the message says why, for the on-call operator."""

    def __init__(self, message: str, *, key_state: str, connection_state: str,
                 connection_error_code: str | None) -> None:
        super().__init__(message)
        self.key_state = key_state
        self.connection_state = connection_state
        self.connection_error_code = connection_error_code


@functools.cache
def kms() -> Any:
    """One KMS client for the process, so its adaptive rate limiter learns across calls."""
    return boto3.client("kms", config=Config(
        retries={"mode": "adaptive", "total_max_attempts": ATTEMPTS}))


def seal(key_id: str, record: bytes) -> bytes:
    """Encrypt one record under ``key_id``."""
    with _explained(key_id):
        blob: bytes = kms().encrypt(KeyId=key_id, Plaintext=record)["CiphertextBlob"]
    return blob


def unseal(key_id: str, blob: bytes) -> bytes:
    """Decrypt what :func:`seal` produced (and only under ``key_id``)."""
    with _explained(key_id):
        record: bytes = kms().decrypt(KeyId=key_id, CiphertextBlob=blob)["Plaintext"]
    return record


@contextlib.contextmanager
def _explained(key_id: str) -> Iterator[None]:
    """Raise a KMS error about ``key_id`` as :class:`KmsBusy` or :class:`KeyStoreUnavailable`
    where it is one of those (see :func:`_explain`)."""
    try:
        yield
    except ClientError as error:
        raise _explain(error, key_id) from error


def _explain(error: ClientError, key_id: str) -> Exception:
    code = error.response["Error"]["Code"]
    if code == "ThrottlingException":
        return KmsBusy(f"KMS throttled key {key_id} on all {ATTEMPTS} attempts")
    if code != "KMSInvalidStateException":
        return error
    meta = kms().describe_key(KeyId=key_id)["KeyMetadata"]
    store_id = meta.get("CustomKeyStoreId")
    state, failure = "none", None
    if store_id:
        store = kms().describe_custom_key_stores(CustomKeyStoreId=store_id)["CustomKeyStores"][0]
        state, failure = store["ConnectionState"], store.get("ConnectionErrorCode")
    if state not in ("CONNECTED", "none"):
        why = f"its custom key store {store_id} is {state}" + (f" ({failure})" if failure else "")
    else:
        why = f"its CloudHSM cluster {meta.get('CloudHsmClusterId')} cannot use it"
    return KeyStoreUnavailable(
        f"key {meta['Arn']} is {meta['KeyState']}: {why}. KMS said: "
        f"{error.response['Error'].get('Message', '')}",
        key_state=meta["KeyState"], connection_state=state, connection_error_code=failure,
    )
