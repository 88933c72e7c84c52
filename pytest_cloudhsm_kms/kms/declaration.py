"""How a KMS operation is declared: its handler and its facts, in one place.

Each handler is a method named after its AWS operation on the one family class
of its module (:mod:`.keys`, :mod:`.crypto`, :mod:`.grants`, ...), decorated
with :func:`operation`, which records an :class:`Operation`. Everything else
that lists operations is derived from these records (see :mod:`.catalog`):
dispatch, the custom key store quota, GetKeyLastUsage tracking, grant tokens,
grant operations, the answer for keys in a CloudHSM key store, and
``docs/coverage.md``.

An operation's own AWS error texts are declared with it (``messages=``), and its
handler raises them by name: ``raise declared_error(ctx, "limit", arn=key.arn)``.
Where a recording of real AWS answers exists (``tests/aws_recorded/``), the text is
AWS's; otherwise it follows the shape of AWS's messages (docs/aws-behaviour.md §0.3).

Add an operation: write its handler in its family module, put ``@operation(...)``
with its facts above it, and test it; nothing else in the package lists it.
``docs/architecture.md`` (section 5) walks through it, the tests to extend included.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from ..context import Params, Result
from ..errors import ServiceError
from .model import KeyState

if TYPE_CHECKING:
    from ..context import RequestContext

__all__ = [
    "ALL_KINDS",
    "ANY_STATE",
    "ASYMMETRIC_KINDS",
    "CRYPTO_STATES",
    "DECLARED",
    "InCloudHsm",
    "Message",
    "Operation",
    "Params",
    "Result",
    "TokenCheck",
    "crypto_operation",
    "declared_error",
    "grant_operations",
    "messages_from",
    "operation",
    "states_except",
]


ANY_STATE: frozenset[str] = frozenset(
    value for name, value in vars(KeyState).items() if name.isupper()
)
"""Every key state: the operation refuses none (it takes a key, or none at all)."""

CRYPTO_STATES = frozenset({KeyState.ENABLED, KeyState.UPDATING})
"""The states in which a key runs cryptography (docs/aws-behaviour.md §3)."""


def states_except(*refused: str) -> frozenset[str]:
    """Every key state but ``refused``."""
    return ANY_STATE - set(refused)


# The kinds of key a grant can be for: "symmetric", or the KeyUsage of any other key.
ASYMMETRIC_KINDS = frozenset({
    "ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT", "ENCAPSULATE_DECAPSULATE",
})
ALL_KINDS = frozenset({"symmetric", "GENERATE_VERIFY_MAC", *ASYMMETRIC_KINDS})


Message = tuple[str, "str | None"]
"""An operation's AWS error: (error code, text with ``{field}`` placeholders, or ``None``)."""


def messages_from(table: Mapping[str, Message], *names: str) -> dict[str, Message]:
    """The errors ``names`` of ``table``, for ``messages=`` of an operation that answers
    some of the texts its family's operations share."""
    return {name: table[name] for name in names}


def declared_error(ctx: RequestContext, name: str, /, **fields: object) -> ServiceError:
    """The error ``name`` that the operation of ``ctx`` declares (``messages=``)."""
    return DECLARED[ctx.operation].error(name, **fields)


class InCloudHsm:
    """What an operation answers for a key in a CloudHSM key store (docs/aws-behaviour.md §2.4)."""

    ALLOWED = "allowed"
    UNSUPPORTED = "UnsupportedOperationException"
    """The operation models UnsupportedOperationException and answers it."""
    WRONG_KEY_USAGE = "InvalidKeyUsageException"
    """The key's usage (ENCRYPT_DECRYPT) is not valid for the operation."""


class TokenCheck:
    """What the operation does with ``GrantTokens``."""

    NONE = ""
    """The operation takes no grant tokens."""
    CHECKED = "checked"
    """A token this fake did not issue is InvalidGrantTokenException."""
    ACCEPTED = "accepted"
    """Taken but not checked: the model lists no InvalidGrantTokenException (DescribeKey)."""


@dataclass(frozen=True)
class Operation:
    """The facts of one KMS operation that code outside its handler relies on."""

    name: str
    """The AWS operation name, also the handler's name."""
    family: str
    """The module of :mod:`pytest_cloudhsm_kms.kms` whose family class has the handler."""
    key_states: frozenset[str] = ANY_STATE
    """The key states the operation accepts; others get the error of :mod:`.checks`."""
    state_error: tuple[str, str] | None = None
    """(code, message with ``{arn}``) for every refused state, when not the usual one."""
    store_states: frozenset[str] = frozenset()
    """The connection states of its custom key store it accepts (empty: it needs no store)."""
    counted: bool = False
    """Whether the CloudHSM key store request quota counts it (docs/aws-behaviour.md §5.1)."""
    tracked: bool = False
    """Whether GetKeyLastUsage records it."""
    grant_tokens: str = TokenCheck.NONE
    in_cloudhsm: str = InCloudHsm.ALLOWED
    dry_run: bool = False
    """Whether it takes ``DryRun``. A fact for the tests and ``docs/coverage.md``: the
    handler itself calls :func:`.checks.dry_run` once AWS's checks before it have passed."""
    recipient: bool = False
    """Whether it takes ``Recipient`` (Nitro Enclaves), which this fake refuses."""
    grant_kinds: frozenset[str] = frozenset()
    """The kinds of key (see :data:`ALL_KINDS`) for which a grant may allow it."""
    grant_names: tuple[str, ...] = field(default=())
    """Its names in a grant's ``Operations`` (default: its own name)."""
    messages: Mapping[str, Message] = field(default_factory=dict)
    """The operation's own errors by name: (AWS error code, AWS's text with ``{field}``
    placeholders, or ``None`` where AWS sends no message). Errors many operations
    share (key states, key usage, unknown keys) are in :mod:`.checks`."""

    def error(self, name: str, /, **fields: object) -> ServiceError:
        """The declared error ``name``, its text filled in with ``fields``."""
        code, text = self.messages[name]
        return ServiceError(code, None if text is None else text.format(**fields))


DECLARED: dict[str, Operation] = {}
"""Every declared operation by name, filled as the family modules are imported."""

_Handler = TypeVar("_Handler", bound=Callable[..., object])


def operation(
    *,
    key_states: Iterable[str] = ANY_STATE,
    state_error: tuple[str, str] | None = None,
    store_states: Iterable[str] = (),
    counted: bool = False,
    tracked: bool = False,
    grant_tokens: str = TokenCheck.NONE,
    in_cloudhsm: str = InCloudHsm.ALLOWED,
    dry_run: bool = False,
    recipient: bool = False,
    grant_kinds: Iterable[str] = (),
    grant_names: tuple[str, ...] = (),
    messages: Mapping[str, Message] | None = None,
) -> Callable[[_Handler], _Handler]:
    """Declare the decorated method as the handler of the operation it is named after."""

    def declare(handler: _Handler) -> _Handler:
        name = handler.__name__
        if name in DECLARED:
            raise RuntimeError(f"KMS operation {name} is declared twice")
        kinds = frozenset(grant_kinds)
        DECLARED[name] = Operation(
            name=name,
            family=handler.__module__.rsplit(".", 1)[-1],
            key_states=frozenset(key_states),
            state_error=state_error,
            store_states=frozenset(store_states),
            counted=counted,
            tracked=tracked,
            grant_tokens=grant_tokens,
            in_cloudhsm=in_cloudhsm,
            dry_run=dry_run,
            recipient=recipient,
            grant_kinds=kinds,
            grant_names=grant_names or ((name,) if kinds else ()),
            messages=MappingProxyType(dict(messages or {})),
        )
        return handler

    return declare


crypto_operation = functools.partial(
    operation, key_states=CRYPTO_STATES, grant_tokens=TokenCheck.CHECKED)
""":func:`operation` for one that runs cryptography: it needs a key in
:data:`CRYPTO_STATES` and checks its grant tokens."""


_GRANT_OPERATIONS: dict[str, frozenset[str]] = {}


def grant_operations(kind: str) -> frozenset[str]:
    """The grant operations a key of ``kind`` supports (KMS Developer Guide, "Grant operations").

    Derived from the declarations on first use, once every family is imported.
    """
    if not _GRANT_OPERATIONS:
        for each in ALL_KINDS:
            _GRANT_OPERATIONS[each] = frozenset(
                name for op in DECLARED.values() if each in op.grant_kinds
                for name in op.grant_names
            )
    return _GRANT_OPERATIONS[kind]
