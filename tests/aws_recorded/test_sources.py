"""The recorded suite itself: every validated recording is used or left out with a reason,
and every documented example has its case, every quoted real answer its case, every
documented CloudHSM v2 answer its check."""

from __future__ import annotations

import fnmatch
from collections import Counter

from . import (
    test_documented_api,
    test_documented_cli,
    test_documented_cloudhsm,
    test_documented_grants,
    test_documented_key_stores,
    test_quoted,
    test_quoted_cloudhsm,
    test_recorded_crypto,
    test_recorded_keys,
    test_recorded_material,
)
from .cloudhsm_sources import SOURCES as CLOUDHSM_SOURCES
from .documented import DOCUMENTED
from .quoted import QUOTED
from .recording import Case
from .sources import LEFT_OUT, SOURCES

RECORDED: list[Case] = [*test_recorded_keys.CASES, *test_recorded_crypto.CASES,
                        *test_recorded_material.CASES]
DOCUMENTED_CASES: list[Case] = [*test_documented_key_stores.CASES,
                                 *test_documented_grants.CASES,
                                 *test_documented_api.CASES, *test_documented_cli.CASES]
QUOTED_CASES: list[Case] = test_quoted.CASES
ALL: list[Case] = [*RECORDED, *DOCUMENTED_CASES, *QUOTED_CASES]


def _left_out(source: str) -> bool:
    patterns = (p.strip() for key in LEFT_OUT for p in key.split(","))
    return any(fnmatch.fnmatchcase(source, p.replace("[*]", "[[]*")) for p in patterns)


def test_every_case_names_a_validated_source() -> None:
    unknown = sorted({c.source for c in RECORDED} - SOURCES.keys())
    assert not unknown, f"not in the validation file: {unknown}"


def test_every_documented_case_names_a_documented_example() -> None:
    unknown = sorted({c.source for c in DOCUMENTED_CASES} - DOCUMENTED.keys())
    assert not unknown, f"not in documented.py: {unknown}"


def test_every_documented_example_has_a_case() -> None:
    unused = sorted(DOCUMENTED.keys() - {c.source for c in DOCUMENTED_CASES})
    assert not unused, f"documented, but no case carries it over: {unused}"


def test_every_quoted_case_names_a_quote_and_checks_its_text() -> None:
    for case in QUOTED_CASES:
        assert case.source in QUOTED, f"not in quoted.py: {case.source}"
        quote = QUOTED[case.source]
        assert (case.operation, case.error) == (quote.operation, (quote.code, quote.text)), (
            f"{case.id} does not provoke what {case.source} quotes")


def test_every_quoted_cloudhsm_case_names_a_quote_of_its_operation() -> None:
    for case in test_quoted_cloudhsm.CASES:
        assert case.source in QUOTED, f"not in quoted.py: {case.source}"
        assert case.operation == QUOTED[case.source].operation, case.source


def test_every_quoted_source_has_a_case() -> None:
    checked = {c.source for c in [*QUOTED_CASES, *test_quoted_cloudhsm.CASES]}
    unused = sorted(QUOTED.keys() - checked)
    assert not unused, f"quoted, but no case checks it: {unused}"


def test_every_validated_recording_is_used_or_left_out_with_a_reason() -> None:
    used = {c.source for c in RECORDED}
    forgotten = sorted(s for s in SOURCES if s not in used and not _left_out(s))
    assert not forgotten, f"validated, neither used nor in LEFT_OUT: {forgotten}"
    both = sorted(s for s in used if _left_out(s))
    assert not both, f"used and left out: {both}"


def test_case_ids_are_unique() -> None:
    ids = Counter(c.id for c in ALL)
    assert [i for i, n in ids.items() if n > 1] == []


def test_the_suite_covers_150_answers_of_35_operations() -> None:
    per_operation = Counter(case.operation for case in ALL)
    assert sum(per_operation.values()) >= 150
    assert len(per_operation) >= 35


def test_every_documented_cloudhsm_answer_is_checked() -> None:
    used = Counter(case.source for case in test_documented_cloudhsm.CASES)
    assert sorted(set(used) - CLOUDHSM_SOURCES.keys()) == [], "cases name unknown pages"
    assert sorted(CLOUDHSM_SOURCES.keys() - set(used)) == [], "pages no case checks"
