"""``KmsService``: the KMS of one account and Region, composed of its operation families.

It builds the shared collaborators (the key registry, the key check, the
CloudHSM clusters of its Region), hands them to one object per operation family
(:mod:`.keys`, :mod:`.crypto`, :mod:`.asymmetric`, :mod:`.macs`, :mod:`.grants`,
:mod:`.aliases`, :mod:`.policies`, :mod:`.rotation`, :mod:`.imports`,
:mod:`.multiregion`, :mod:`.keystores`, :mod:`.usage`), and dispatches each
request to the handler its declaration names (:mod:`.catalog`).

Every request is judged by its own operation: :meth:`KmsService.call` gives the
handler a :class:`~pytest_cloudhsm_kms.context.RequestContext`, and the service
keeps nothing of one request for the next.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..context import RequestContext
from ..errors import ServiceError
from ..scope import RegionalService
from .aliases import Aliases
from .asymmetric import AsymmetricKeys
from .catalog import OPERATIONS
from .checks import KeyCheck
from .clusters import ClusterAccess
from .crypto import Cryptography, recipient_unsupported
from .declaration import DECLARED, Params, Result, TokenCheck
from .grants import Grant, Grants
from .imports import ImportParameters, Imports
from .keys import Keys
from .keystores import CustomKeyStore, CustomKeyStores
from .macs import Macs
from .model import Alias, Key
from .multiregion import MultiRegion
from .policies import Policies
from .registry import KeyRegistry, Scope
from .rotation import Rotations
from .usage import Usage

if TYPE_CHECKING:
    from ..cloudhsm.service import CloudHsmService

__all__ = ["Families", "Handler", "KmsService"]

Handler = Callable[[RequestContext, Params], Result]


@dataclass(frozen=True)
class Families:
    """One object per operation family, each named after its module."""

    keys: Keys
    crypto: Cryptography
    asymmetric: AsymmetricKeys
    macs: Macs
    grants: Grants
    aliases: Aliases
    policies: Policies
    rotation: Rotations
    imports: Imports
    multiregion: MultiRegion
    keystores: CustomKeyStores
    usage: Usage


class KmsService(RegionalService):
    """The KMS API of one account and Region.

    ``call(operation, params)`` (or ``call(context, params)``) runs one operation
    as a request from a client would: the same input checks, grant tokens, key
    states, custom key store quota and last-usage record. ``service.Encrypt(params)``
    and the like are the same as ``service.call("Encrypt", params)``.

    ``scope`` says which account and Region it serves, with which clock, entropy and
    settings; ``peer(region)`` (see :class:`~pytest_cloudhsm_kms.scope.RegionalService`)
    is the service of another Region of the same account, for multi-Region keys.
    """

    def __init__(self, scope: Scope, *, cloudhsm: CloudHsmService | None = None,
                 peer: Callable[[str], KmsService] | None = None) -> None:
        super().__init__(scope, peer=peer)
        self.cloudhsm = cloudhsm
        self.registry = registry = KeyRegistry(scope)
        check = KeyCheck()
        clusters = ClusterAccess(cloudhsm)
        stores = CustomKeyStores(scope, clusters)
        self.families = families = Families(
            keys=Keys(scope, registry, check, stores, clusters,
                      lambda other: self.peer(other).families.keys),
            crypto=Cryptography(scope, registry, check, stores),
            asymmetric=AsymmetricKeys(scope, registry, check),
            macs=Macs(scope, registry, check),
            grants=Grants(scope, registry, check),
            aliases=Aliases(scope, registry, check),
            policies=Policies(scope, registry, check),
            rotation=Rotations(scope, registry, check),
            imports=Imports(scope, registry, check),
            multiregion=MultiRegion(scope, registry, check, self.peer),
            keystores=stores,
            usage=Usage(registry),
        )
        self.handlers: dict[str, Handler] = {
            name: getattr(getattr(families, op.family), name) for name, op in OPERATIONS.items()
        }
        """The handler of each operation (a test may replace one to inject a fault)."""
        self._check_tokens = families.grants.check_tokens
        self._record_usage = families.usage.record
        # A client's request without grant tokens has the same context every time
        # (it reads the clock when asked): made on first use, not per call.
        self._contexts: dict[str, RequestContext] = {}

    # -- dispatch -----------------------------------------------------------

    def context(self, operation: str, params: Params | None = None, *,
                source: str = "wire") -> RequestContext:
        """A request context for ``operation`` in this account and Region."""
        tokens = params.get("GrantTokens") if params else None
        return RequestContext(
            operation, self.region, self.account_id, self.clock,
            grant_tokens=tuple(tokens) if tokens else (), source=source,
        )

    def call(self, request: RequestContext | str, params: Params) -> Result:
        """Run one operation, named by its context or by its name (a client's request)."""
        if isinstance(request, str):
            ctx = self._contexts.get(request)
            if ctx is None or "GrantTokens" in params:
                ctx = self.context(request, params)
                if not ctx.grant_tokens:
                    self._contexts[request] = ctx
        else:
            ctx = request
        operation = ctx.operation
        declared = DECLARED.get(operation)
        handler = self.handlers.get(operation)
        if declared is None or handler is None:
            raise ServiceError(
                "UnsupportedOperationException",
                f"{operation} is not supported by pytest-cloudhsm-kms yet.",
            )
        if declared.recipient and "Recipient" in params:
            raise recipient_unsupported()
        tokens = ctx.grant_tokens or params.get("GrantTokens")
        if tokens and declared.grant_tokens == TokenCheck.CHECKED:
            self._check_tokens(tokens)
        result = handler(ctx, params)
        if declared.tracked:
            self._record_usage(ctx, result)
        return result

    if not TYPE_CHECKING:
        def __getattr__(self, name: str) -> Callable[[Params], Result]:
            """``service.Encrypt(params)``: ``service.call("Encrypt", params)``."""
            if name in OPERATIONS:
                return functools.partial(self.call, name)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # -- the state of this KMS, for faults, fixtures and tests ----------------------

    @property
    def keys(self) -> dict[str, Key]:
        """Every key, by key ID."""
        return self.registry.keys

    @property
    def aliases(self) -> dict[str, Alias]:
        """Every alias, by alias name."""
        return self.registry.aliases

    @property
    def custom_key_stores(self) -> dict[str, CustomKeyStore]:
        """Every custom key store, by ID."""
        return self.families.keystores.custom_key_stores

    @property
    def grants(self) -> dict[str, Grant]:
        """Every grant, by grant ID."""
        return self.families.grants.grants

    @property
    def import_tokens(self) -> dict[bytes, ImportParameters]:
        """Every import token issued, with what it binds together."""
        return self.families.imports.import_tokens

    def key(self, key_id: str) -> Key:
        """A key by key ID, key ARN, alias name or alias ARN (``NotFoundException``)."""
        return self.registry.key(key_id)

    def custom_key_store(self, custom_key_store_id: str) -> CustomKeyStore:
        """A custom key store by ID (``CustomKeyStoreNotFoundException``)."""
        return self.families.keystores.custom_key_store(custom_key_store_id)

    def finish_connecting(self, store: CustomKeyStore) -> None:
        """End the store's connection attempt now: CONNECTED, or FAILED with its cause."""
        self.families.keystores.finish_connecting(store)
