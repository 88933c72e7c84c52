"""Which declared errors a service package raises by name, read from its source.

Both services raise an operation's own errors by the name its declaration gives
them (``messages=``): ``declared_error(ctx, "name", ...)``, or ``.error("name", ...)``
on a declaration (``self`` in the declaration's own methods, or a module
constant such as ``DELETE_CLUSTER``). A name no operation declares would only
show as an internal error (HTTP 500) once a request reached it; this scan finds
it without running anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

__all__ = ["names_raised"]

PACKAGE = Path(__file__).resolve().parent.parent / "pytest_cloudhsm_kms"


def names_raised(service: str, package: Path = PACKAGE) -> set[str]:
    """Every error name raised in ``pytest_cloudhsm_kms/<service>/*.py`` (``kms``, ``cloudhsm``).

    A call that raises a declared error must name it with a string literal.
    """
    names: set[str] = set()
    for path in sorted((package / service).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            name = _raised_name(node)
            if name is None:
                continue
            where = f"{service}/{path.name}:{name.lineno}"
            assert isinstance(name, ast.Constant) and isinstance(name.value, str), (
                f"{where}: an error raised by name names it with a string literal")
            names.add(name.value)
    return names


def _raised_name(node: ast.AST) -> ast.expr | None:
    """The name argument of a call that raises a declared error, else ``None``."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name) and func.id == "declared_error" and len(node.args) >= 2:
        return node.args[1]
    if (isinstance(func, ast.Attribute) and func.attr == "error" and node.args
            and isinstance(func.value, ast.Name)
            and (func.value.id == "self" or func.value.id.isupper())):
        return node.args[0]
    return None
