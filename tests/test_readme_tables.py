"""The README's fixture, marker and option tables name exactly what the plugin offers,
and ``pytest --fixtures`` documents every public fixture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_cloudhsm_kms import plugin

README = (Path(__file__).parent.parent / "README.md").read_text()
FIXTURES = sorted(name for name in plugin.__all__ if name.islower())


def _section(title: str) -> str:
    """The README text from the ``## title`` heading to the next ``## `` heading."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


def _first_column(section: str) -> set[str]:
    return set(re.findall(r"^\| `([^`(]+)", section, re.MULTILINE))


def test_the_fixture_table_lists_every_public_fixture() -> None:
    assert _first_column(_section("Fixtures")) == set(FIXTURES)


def test_pytest_fixtures_shows_a_docstring_for_every_public_fixture(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest("--fixtures", "-p", "no:randomly")
    output = result.stdout.str()
    for name in FIXTURES:
        match = re.search(rf"^{name} -- .*\n(.*)$", output, re.MULTILINE)
        assert match, name
        doc = match.group(1)
        assert doc.startswith("    ") and "no docstring" not in doc, (name, doc)


def test_the_fault_table_lists_every_marker_with_its_options() -> None:
    faults = _section("Faults")
    for help_text in plugin.MARKER_HELP.values():
        signature = help_text.split(":", 1)[0]  # "cloudhsm_throttled(rate=None, ...)"
        assert f"`@pytest.mark.{signature}`" in faults, signature


def test_the_option_tables_list_every_option_and_ini_setting(pytester: pytest.Pytester) -> None:
    help_text = pytester.runpytest("--help", "-p", "no:randomly").stdout.str()
    ini = set(re.findall(r"^  (cloudhsm_kms_\w+)", help_text, re.MULTILINE))
    options = set(re.findall(r"^  (--cloudhsm-[\w-]+)", help_text, re.MULTILINE))
    assert ini and options
    documented = {name.split()[0] for name in _first_column(_section("Options"))}
    assert documented == ini | options
