"""``docs/architecture.md`` stays true where a machine can check it.

* Every module of the package has its row in the module table, and every row names one.
* Every file path the page names exists (from the repository root, or from the package).
* Every dotted name in ``code`` exists: ``module.name`` relative to the package
  (``kms.service.KmsService.call``), ``Class.member`` of a class the package defines
  (``KeyCheck.usable``), or a name of an installed library (``botocore.handlers``).
* Every code excerpt that starts with ``# <path>`` quotes that file: each of its lines
  (``...`` marks what was left out) is a line of the file.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import pytest_cloudhsm_kms

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pytest_cloudhsm_kms"
PAGE = ROOT / "docs" / "architecture.md"

_FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
_CODE = re.compile(r"`([^`\n]+)`")
_PATH = re.compile(r"[\w./-]+\.(?:py|md|toml)\b")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_TABLE_ROW = re.compile(r"^\| `([\w/]+\.py)` \|", re.MULTILINE)


def prose() -> str:
    """The page without its fenced code blocks."""
    return _FENCE.sub("", PAGE.read_text())


def inline_code() -> list[str]:
    return _CODE.findall(prose())


def package_modules() -> list[ModuleType]:
    names = [info.name for info in pkgutil.walk_packages(
        pytest_cloudhsm_kms.__path__, "pytest_cloudhsm_kms.")]
    return [pytest_cloudhsm_kms, *(importlib.import_module(name) for name in names)]


def test_every_module_of_the_package_has_a_row_in_the_table() -> None:
    on_disk = {str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")}
    in_table = set(_TABLE_ROW.findall(PAGE.read_text()))

    assert sorted(on_disk - in_table) == [], "modules missing from the table"
    assert sorted(in_table - on_disk) == [], "rows for modules that do not exist"


@pytest.mark.parametrize("path", sorted({p for code in inline_code() for p in _PATH.findall(code)}))
def test_every_path_the_page_names_exists(path: str) -> None:
    assert (ROOT / path).exists() or (PACKAGE / path).exists()


def _member(owner: Any, name: str) -> bool:
    """Whether ``owner`` has ``name``: an attribute, a dataclass field, or an attribute
    its methods assign (``self.name = ...``)."""
    if hasattr(owner, name) or name in getattr(owner, "__dataclass_fields__", {}):
        return True
    if inspect.isclass(owner):
        assigned = re.compile(rf"self\.{name}\b\s*(?::[^=\n]*)?=[^=]")
        return any(assigned.search(inspect.getsource(cls)) for cls in owner.__mro__
                   if cls.__module__.startswith("pytest_cloudhsm_kms"))
    return False


def _resolves(owner: Any, parts: list[str]) -> bool:
    for index, part in enumerate(parts):
        if not _member(owner, part):
            return False
        if index < len(parts) - 1:
            owner = getattr(owner, part)
    return True


def _roots(first: str) -> list[Any]:
    """What the first part of a dotted name may be: a module of the package, a class or
    function the package defines, or an installed module."""
    roots: list[Any] = []
    with contextlib.suppress(ModuleNotFoundError):
        roots.append(importlib.import_module(f"pytest_cloudhsm_kms.{first}"))
    for module in package_modules():
        value = vars(module).get(first)
        if value is not None and getattr(value, "__module__", None) == module.__name__:
            roots.append(value)
    if not roots:
        with contextlib.suppress(ModuleNotFoundError):
            roots.append(importlib.import_module(first))
    return roots


def _exists(dotted: str) -> bool:
    first, *rest = dotted.split(".")
    for root in _roots(first):
        owner, parts = root, list(rest)
        # a submodule: kms.service.KmsService -> import pytest_cloudhsm_kms.kms.service
        while parts and isinstance(owner, ModuleType) and not hasattr(owner, parts[0]):
            try:
                owner = importlib.import_module(f"{owner.__name__}.{parts[0]}")
            except ModuleNotFoundError:
                break
            parts.pop(0)
        if _resolves(owner, parts):
            return True
    return False


@pytest.mark.parametrize("name", sorted({
    code for code in inline_code() if _DOTTED.fullmatch(code) and not _PATH.search(code)}))
def test_every_dotted_name_the_page_names_exists(name: str) -> None:
    assert _exists(name), f"{name} names nothing in the package"


def excerpts() -> list[tuple[str, list[str]]]:
    """(path, lines) of every fenced block that starts with ``# <path>``."""
    found = []
    for block in _FENCE.findall(PAGE.read_text()):
        lines = block.splitlines()[1:-1]
        if lines and lines[0].startswith("# ") and _PATH.fullmatch(lines[0][2:].strip()):
            found.append((lines[0][2:].strip(), lines[1:]))
    return found


@pytest.mark.parametrize(("path", "lines"), excerpts(), ids=[path for path, _ in excerpts()])
def test_every_excerpt_quotes_the_file_it_names(path: str, lines: list[str]) -> None:
    source = {line.strip() for line in (ROOT / path).read_text().splitlines()}
    quoted = [line.strip() for line in lines if line.strip() not in ("", "...")]

    assert [line for line in quoted if line not in source] == []
