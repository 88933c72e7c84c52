"""How a recorded AWS answer becomes a check of the fake.

A :class:`Case` holds one answer real AWS KMS gave, as LocalStack's AWS-validated
parity tests recorded it (``sources.py`` lists them with their validation dates), or
as an example of AWS's own documentation shows it (``documented.py``, for custom key
stores, which LocalStack cannot record): the operation, our own request, what has to
exist first (``given``), and the recorded facts: the error code and exact message, or
the response members and their values. Texts are written as recorded, placeholders included
(``arn:<partition>:kms:<region>:111111111111:key/<key-id:1>``, ``<key-arn>``);
:class:`World` substitutes this run's IDs and ARNs for them.

A recorded value that was masked (a signature, a ciphertext, a date) is checked
by its shape: :data:`DATETIME`, :data:`BLOB`, :data:`MATERIAL_ID`, or
:class:`KeyRef` where the recording masked a key ID or key ARN alike.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import snake

from pytest_cloudhsm_kms import CloudHsmKms
from pytest_cloudhsm_kms.protocol.models import service_model

from .documented import DOCUMENTED
from .quoted import QUOTED
from .sources import SOURCES

SECONDARY_REGION = "ap-southeast-1"
"""The Region the recordings replicate keys into and ask from (``<secondary-region>``)."""
ARN = "arn:<partition>:kms:<region>:111111111111:key/<key-id:1>"
"""The recordings' first key's ARN, as they write it (:class:`World` fills it in)."""


@dataclass(frozen=True)
class Shape:
    """A masked recorded value: any value that satisfies ``test``."""

    name: str
    test: Callable[[Any], bool] = field(compare=False)

    def __repr__(self) -> str:
        return f"<{self.name}>"


DATETIME = Shape("datetime", lambda v: isinstance(v, datetime.datetime))
BLOB = Shape("non-empty bytes", lambda v: isinstance(v, bytes) and len(v) > 0)
MATERIAL_ID = Shape("key material ID (64 hex digits)",
                    lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) is not None)


TEXT = Shape("non-empty string", lambda v: isinstance(v, str) and len(v) > 0)

SYMMETRIC_KEY: dict[str, Any] = {
    "AWSAccountId": "111111111111",
    "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
    "Enabled": True,
    "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
    "KeyManager": "CUSTOMER",
    "KeySpec": "SYMMETRIC_DEFAULT",
    "KeyState": "Enabled",
    "KeyUsage": "ENCRYPT_DECRYPT",
    "MultiRegion": False,
}
"""The ``KeyMetadata`` members every recording and documented example shows alike for a
new symmetric encryption key; each case adds its ARN, ID, dates, description and origin."""


@dataclass(frozen=True)
class JsonDocument:
    """A JSON text (a key policy) equal, as a document, to ``document`` (placeholders
    substituted)."""

    document: dict[str, Any]

    def equals(self, world: World, text: Any) -> bool:
        try:
            return bool(json.loads(text) == world.sub(self.document))
        except (TypeError, ValueError):
            return False


def length(n: int) -> Shape:
    """A value (bytes, list) of length ``n``."""
    return Shape(f"length {n}", lambda v: hasattr(v, "__len__") and len(v) == n)


@dataclass(frozen=True)
class EnumMessage:
    """A recorded ``Member must satisfy enum value set: [...]`` message.

    AWS lists the values in its own order. Where the botocore model has the same
    values, the fake must answer the recorded text exactly; where AWS has added
    values since the recording (the model lists more), the text before the list
    must match and the list must hold the model's values (docs/aws-behaviour.md §7.4).
    """

    text: str
    shape: str

    def test(self, message: str | None) -> bool:
        head, _, tail = self.text.partition("[")
        recorded = tail.rstrip("]").split(", ")
        model = service_model("kms").shape_for(self.shape).enum
        if set(model) == set(recorded):
            return message == self.text
        if message is None or not message.startswith(head + "[") or not message.endswith("]"):
            return False
        answered = message[len(head) + 1:-1].split(", ")
        return sorted(answered) == sorted(model)


UNRECORDED = "(message not recorded)"
"""The test checked the error code and status only."""

ABSENT = Shape("absent member", lambda v: False)
"""In a partial answer: AWS did not answer this member."""

UNSHOWN = Shape("a member the example leaves out", lambda v: True)
"""A member a documentation example leaves out of an answer it otherwise shows whole
(``Truncated``): the fake may answer it or not."""


@dataclass(frozen=True)
class Other:
    """A value of the same kind as what ``name`` stands for, but a different one."""

    name: str
    kind: Shape = MATERIAL_ID


@dataclass(frozen=True)
class KeyRef:
    """A key the recording masked as ``<key-id:N>`` in a member that AWS fills with
    the key ID or the key ARN; either of that key's is accepted."""

    name: str = "<key-id:1>"


class World:
    """What one case's calls have made: clients, and the placeholder -> value table."""

    def __init__(self, environment: CloudHsmKms, kms: Any) -> None:
        self.environment = environment
        self.kms = kms
        self.names: dict[str, str] = {
            "<partition>": "aws",
            "<region>": environment.region,
            "<secondary-region>": SECONDARY_REGION,
            "111111111111": environment.account_id,
        }
        self.arns: dict[str, str] = {}
        self.blobs: dict[str, bytes] = {}
        """Bytes a case's calls answered: ``<blob:name>`` in a request or answer, also
        ``<blob:name>[64:]`` (all but the first 64 bytes) and ``<blob:name>+text``."""
        self._clients: dict[tuple[str | None, bool], Any] = {(None, True): kms}

    def client(self, region: str | None = None, *, validate: bool = True) -> Any:
        """A KMS client of ``region`` (default: the environment's)."""
        region = self.sub(region) if region else None
        made = self._clients.get((region, validate))
        if made is None:
            config = Config(parameter_validation=validate, retries={"total_max_attempts": 1})
            made = self.environment.client("kms", region=region, config=config)
            self._clients[(region, validate)] = made
        return made

    def key(self, name: str = "<key-id:1>", region: str | None = None,
            **create: Any) -> dict[str, Any]:
        """CreateKey; ``name`` then stands for its ID and ``<key-arn>`` (of the first
        key named) for its ARN."""
        metadata: dict[str, Any] = self.client(region).create_key(**create)["KeyMetadata"]
        self.name(name, metadata["KeyId"], metadata["Arn"])
        return metadata

    def keys_as_listed(self, count: int) -> None:
        """``count`` keys, named ``<key-id:1>`` on in the order ListKeys lists them: the
        order is no fact of the examples (docs/aws-behaviour.md §13)."""
        made = {self.kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(count)}
        listed = [k["KeyId"] for k in self.kms.list_keys()["Keys"]]
        assert set(listed) == made, f"ListKeys listed {listed}, the keys made are {sorted(made)}"
        for n, key_id in enumerate(listed, start=1):
            self.name(f"<key-id:{n}>", key_id)

    def name(self, placeholder: str, value: str, arn: str | None = None) -> None:
        """Let ``placeholder`` stand for ``value`` (and ``<key-arn>`` for ``arn``)."""
        self.names[placeholder] = value
        if arn is not None:
            self.arns[placeholder] = arn
            self.names.setdefault("<key-arn>", arn)

    def later(self, seconds: float = 3600.0) -> None:
        """Let virtual time pass, as the recording's test polled until AWS was done."""
        self.environment.clock.advance(seconds)

    def sub(self, value: Any) -> Any:
        """``value`` with this run's IDs and ARNs for the recording's placeholders."""
        if isinstance(value, str) and value.startswith("<blob:"):
            name, _, rest = value[len("<blob:"):].partition(">")
            blob = self.blobs[name]
            if rest == "[64:]":
                return blob[64:]
            if rest.startswith("+"):
                return blob + rest[1:].encode()
            return blob
        if isinstance(value, str):
            for placeholder in sorted(self.names, key=len, reverse=True):
                value = value.replace(placeholder, self.names[placeholder])
            return value
        if isinstance(value, dict):
            return {k: self.sub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.sub(v) for v in value]
        return value


Given = Callable[[World], None]


def nothing(world: World) -> None:
    """The case needs nothing made first."""


@dataclass(frozen=True)
class Case:
    """One answer of real AWS KMS, and the request that reproduces it here."""

    source: str
    """The LocalStack test that recorded it: ``TestKMS::test_name[param]``; the AWS
    documentation example that shows it (a key of ``documented.DOCUMENTED``); or the
    public post that quotes it (a key of ``quoted.QUOTED``)."""
    recorded: str
    """The recorded entry's name in the snapshot, or ``asserted: ...`` for a fact the
    test asserted (and that held against AWS on its validation date)."""
    operation: str
    request: dict[str, Any]
    given: Given = nothing
    error: tuple[str, str | EnumMessage | None] | None = None
    """(code, message) AWS answered; message ``None``: AWS sent none; :data:`UNRECORDED`:
    the test checked the code only. ``<key-material-id>`` in a message stands for
    any key material ID."""
    answer: dict[str, Any] | None = None
    """The members AWS answered, with values or shapes: exactly these members, or with
    ``partial``, at least these (a fact the test asserted about some members)."""
    partial: bool = False
    region: str | None = None
    """The Region of the client that calls (``<secondary-region>``), default the key's."""
    validate: bool = True
    """False: botocore's own parameter checks are off, as in the recording."""
    creates: str = "<key-id:1>"
    """For CreateKey: what the new key's ID stands for in the answer."""

    @property
    def validated(self) -> str:
        """The date the recording last ran against AWS, or the documented example's version."""
        if self.source in SOURCES:
            return SOURCES[self.source]
        if self.source in QUOTED:
            return QUOTED[self.source].date
        return DOCUMENTED[self.source].version

    @property
    def provenance(self) -> str:
        if self.source in SOURCES:
            return f"validated against AWS {self.validated}"
        if self.source in QUOTED:
            return f"quoted from real AWS, {QUOTED[self.source].url}"
        return f"AWS documentation, {DOCUMENTED[self.source].where}"

    @property
    def id(self) -> str:
        return f"{self.operation}:{self.source.split('::')[-1]}:{self.recorded}"


def case_ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


def check(case: Case, world: World) -> None:
    """Make the case's world, call, and compare with what AWS answered."""
    __tracebackhide__ = True
    assert case.source in SOURCES or case.source in DOCUMENTED or case.source in QUOTED, (
        f"{case.source} is neither a validated recording, a documented example nor a quote")
    assert (case.error is None) != (case.answer is None)
    case.given(world)
    client = world.client(case.region, validate=case.validate)
    where = f"{case.source} ({case.recorded}; {case.provenance})"
    failed: dict[str, Any] | None = None
    try:
        response = getattr(client, snake(case.operation))(**world.sub(case.request))
    except ClientError as raised:
        failed = raised.response
    if failed is not None:
        if case.error is None:
            pytest.fail(f"{where}: AWS answered {case.operation}, the fake {failed['Error']}")
        _check_error(case, world, failed, where)
        return
    if case.answer is None:
        pytest.fail(f"{where}: AWS answered {case.error}, the fake succeeded: {response}")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200, where
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    if case.operation == "CreateKey" and case.creates not in world.names:
        world.name(case.creates, body["KeyMetadata"]["KeyId"], body["KeyMetadata"]["Arn"])
    problems: list[str] = []
    _compare(world, world.sub(case.answer), body, case.operation, problems, case.partial)
    assert not problems, f"{where}:\n" + "\n".join(problems)


def _check_error(case: Case, world: World, response: dict[str, Any], where: str) -> None:
    __tracebackhide__ = True
    assert case.error is not None
    code, message = case.error
    error = response["Error"]
    answered = error.get("Message") or None
    got = (error["Code"], response["ResponseMetadata"]["HTTPStatusCode"])
    assert got == (code, 400), f"{where}: AWS {code!r} 400 {message!r}, fake {got} {answered!r}"
    if message == UNRECORDED:
        return
    if isinstance(message, EnumMessage):
        assert message.test(answered), f"{where}: AWS {message.text!r}, fake {answered!r}"
        return
    expected = world.sub(message) if message is not None else None
    if expected is not None and "<key-material-id>" in expected:
        pattern = re.escape(expected).replace(re.escape("<key-material-id>"), "[0-9a-f]{64}")
        assert answered is not None and re.fullmatch(pattern, answered), (
            f"{where}: AWS {expected!r}, fake {answered!r}")
    else:
        assert answered == expected, f"{where}: AWS {expected!r}, fake {answered!r}"
    # botocore copies a modeled error's members into the response: AWS sent a
    # ``message`` member exactly when the recording has one.
    if code in world.kms.meta.service_model.shape_names:
        assert ("message" in response) == (message is not None), (
            f"{where}: AWS sent {'a' if message is not None else 'no'} message member")


def _compare(world: World, expected: Any, actual: Any, path: str, problems: list[str],
             partial: bool = False) -> None:
    if isinstance(expected, JsonDocument):
        if not expected.equals(world, actual):
            problems.append(f"{path}: AWS answered {world.sub(expected.document)}, "
                            f"the fake {actual!r}")
    elif isinstance(expected, Other):
        if not expected.kind.test(actual) or actual == world.names.get(expected.name):
            problems.append(f"{path}: AWS answered a {expected.kind.name} other than "
                            f"{expected.name}, the fake {actual!r}")
    elif isinstance(expected, Shape):
        if not expected.test(actual):
            problems.append(f"{path}: AWS answered a {expected.name}, the fake {actual!r}")
    elif isinstance(expected, KeyRef):
        allowed = {world.names.get(expected.name), world.arns.get(expected.name)}
        if actual not in allowed:
            problems.append(f"{path}: AWS answered the key {sorted(map(str, allowed))}, "
                            f"the fake {actual!r}")
    elif isinstance(expected, dict):
        if not isinstance(actual, dict):
            problems.append(f"{path}: AWS answered a structure, the fake {actual!r}")
            return
        absent = {n for n, v in expected.items() if v is ABSENT}
        unshown = {n for n, v in expected.items() if v is UNSHOWN}
        for name in sorted(expected.keys() - actual.keys() - absent - unshown):
            problems.append(f"{path}.{name}: AWS answered it, the fake did not")
        extra = actual.keys() & absent
        if not partial:
            extra |= actual.keys() - expected.keys()
        for name in sorted(extra):
            problems.append(f"{path}.{name}: the fake answered {actual[name]!r}, AWS nothing")
        for name in sorted(expected.keys() & actual.keys() - absent - unshown):
            _compare(world, expected[name], actual[name], f"{path}.{name}", problems, partial)
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            problems.append(f"{path}: AWS answered {expected!r}, the fake {actual!r}")
            return
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _compare(world, e, a, f"{path}[{i}]", problems, partial)
    elif expected != actual:
        problems.append(f"{path}: AWS answered {expected!r}, the fake {actual!r}")
