"""Which errors the tests provoke, read from ``tests/test_*.py`` for ``docs/coverage.md``.

A test provokes an (operation, error code) pair where it states both, in one of these forms:

* ``fails(client, OPERATION, CODE, ...)`` or ``rejects(client, OPERATION, CODE, ...)``;
* ``with pytest.raises(client.exceptions.CODE):`` around the call of an operation:
  ``client.operation(...)``, or a method taken with ``getattr(client, snake(OPERATION))``.

OPERATION and CODE are string literals, or names the test binds to literals: the
argnames of its ``pytest.mark.parametrize`` decorators (each argname, in rows that are
values, tuples or ``pytest.param(...)`` entries, written in place or as a module-level
list, tuple or dict, its ``.keys()``, ``.values()`` or ``.items()``), the targets of a
``for`` loop over such a list, and names assigned a literal.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

from helpers import snake

__all__ = ["errors_seen"]

Names = dict[str, set[str]]
"""The strings each name of a test function may hold."""
Table = tuple[list[str], list[list["str | None"]]]
"""Names bound together (parametrize argnames, a ``for`` target tuple) and their rows."""


def errors_seen(tests: Path, operations: Iterable[str]) -> set[tuple[str, str]]:
    """The (operation, error code) pairs the test files in ``tests`` provoke."""
    by_method = {snake(op): op for op in operations}
    seen: set[tuple[str, str]] = set()
    for path in sorted(tests.glob("test_*.py")):
        tree = ast.parse(path.read_text())
        constants = _module_constants(tree)
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names, tables, methods = _bindings(function, constants)
                seen.update(_pairs(function, names, tables, methods, by_method))
    return seen


# -- what a name holds ------------------------------------------------------------------------


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """The value of each module-level name assigned once at the top level."""
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value
    return found


def _is_param(node: ast.expr) -> bool:
    """Whether ``node`` is a ``pytest.param(...)`` entry."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "param")


def _rows(node: ast.expr, constants: dict[str, ast.expr]) -> list[ast.expr]:
    """The entries of a parametrize value list, or of what a ``for`` loop iterates."""
    if isinstance(node, ast.Name) and node.id in constants:
        return _rows(constants[node.id], constants)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("list", "sorted", "tuple") and node.args:
            return _rows(node.args[0], constants)
        if isinstance(func, ast.Attribute) and func.attr in ("keys", "values", "items"):
            mapping = func.value
            if isinstance(mapping, ast.Name):
                mapping = constants.get(mapping.id, mapping)
            if isinstance(mapping, ast.Dict):
                keys = [key for key in mapping.keys if key is not None]
                if func.attr == "keys":
                    return list(keys)
                if func.attr == "values":
                    return list(mapping.values)
                return [ast.Tuple(elts=[key, value]) for key, value in
                        zip(mapping.keys, mapping.values, strict=True) if key is not None]
        return []
    if isinstance(node, ast.Dict):
        return [key for key in node.keys if key is not None]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return list(node.elts)
    return []


def _bind(names: Names, tables: list[Table], targets: list[str], rows: list[ast.expr]) -> None:
    """Bind each of ``targets`` to its column of ``rows`` (the whole entry for one target);
    several targets are also kept together, row by row, in ``tables``."""
    table: list[list[str | None]] = []
    for row in rows:
        values = list(row.args) if _is_param(row) and isinstance(row, ast.Call) else (
            [row] if len(targets) == 1 else
            list(row.elts) if isinstance(row, (ast.Tuple, ast.List)) else [])
        strings = [value.value if isinstance(value, ast.Constant)
                   and isinstance(value.value, str) else None for value in values]
        table.append(strings)
        for target, string in zip(targets, strings, strict=False):
            if string is not None:
                names.setdefault(target, set()).add(string)
    if len(targets) > 1:
        tables.append((targets, table))


def _argnames(node: ast.expr) -> list[str]:
    """``"a, b"``, ``("a", "b")`` or a ``for`` target: the names, in order."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [name.strip() for name in node.value.split(",")]
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [name for elt in node.elts for name in (
            [elt.value] if isinstance(elt, ast.Constant) and isinstance(elt.value, str)
            else [elt.id] if isinstance(elt, ast.Name) else [""])]
    return []


def _method_operations(node: ast.expr, names: Names) -> set[str]:
    """The operations ``getattr(client, snake(OPERATION))`` may name."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "getattr" and len(node.args) == 2
            and isinstance(node.args[1], ast.Call) and isinstance(node.args[1].func, ast.Name)
            and node.args[1].func.id == "snake" and node.args[1].args):
        return set(_values(node.args[1].args[0], names))
    return set()


def _bindings(function: ast.FunctionDef | ast.AsyncFunctionDef,
              constants: dict[str, ast.expr]) -> tuple[Names, list[Table], Names]:
    """The strings each name of ``function`` may hold, the names bound together, and the
    operations each method variable (``method = getattr(client, snake(operation))``) may
    name."""
    names: Names = {}
    tables: list[Table] = []
    for decorator in function.decorator_list:
        if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr == "parametrize" and len(decorator.args) >= 2):
            _bind(names, tables, _argnames(decorator.args[0]),
                  _rows(decorator.args[1], constants))
    for node in ast.walk(function):
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            _bind(names, tables, _argnames(node.target), _rows(node.iter, constants))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            _bind(names, tables, [t.id for t in node.targets if isinstance(t, ast.Name)][:1],
                  [node.value])
    methods: Names = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and (
                isinstance(node.targets[0], ast.Name)):
            operations = _method_operations(node.value, names)
            if operations:
                methods.setdefault(node.targets[0].id, set()).update(operations)
    return names, tables, methods


def _values(node: ast.expr, names: Names) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name):
        return sorted(names.get(node.id, ()))
    return []


# -- where a test states an error -------------------------------------------------------------


def _stated(operation: ast.expr, code: ast.expr, names: Names, tables: list[Table]
            ) -> Iterator[tuple[str, str]]:
    """The (operation, code) pairs of two arguments: row by row where one parametrize
    decorator or ``for`` loop binds both, else every value of one with every value of
    the other."""
    if isinstance(operation, ast.Name) and isinstance(code, ast.Name):
        joint = [(targets.index(operation.id), targets.index(code.id), rows)
                 for targets, rows in tables
                 if operation.id in targets and code.id in targets]
        if joint:
            for i, j, rows in joint:
                for row in rows:
                    op, value = (row[i], row[j]) if max(i, j) < len(row) else (None, None)
                    if op is not None and value is not None:
                        yield op, value
            return
    for op in _values(operation, names):
        for value in _values(code, names):
            yield op, value


def _pairs(function: ast.FunctionDef | ast.AsyncFunctionDef, names: Names,
           tables: list[Table], methods: Names, by_method: dict[str, str]
           ) -> Iterator[tuple[str, str]]:
    for node in ast.walk(function):
        # fails(client, "Operation", "ErrorCode", ...), or rejects(...)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id in ("fails", "rejects")) and len(node.args) >= 3:
            yield from _stated(node.args[1], node.args[2], names, tables)
        # with pytest.raises(client.exceptions.ErrorCode): the first call of an operation
        if isinstance(node, ast.With):
            codes = [item.context_expr.args[0].attr for item in node.items
                     if isinstance(item.context_expr, ast.Call) and item.context_expr.args
                     and isinstance(item.context_expr.args[0], ast.Attribute)
                     and isinstance(item.context_expr.args[0].value, ast.Attribute)
                     and item.context_expr.args[0].value.attr == "exceptions"]
            called = (_called(call, names, methods, by_method)
                      for statement in node.body for call in ast.walk(statement)
                      if isinstance(call, ast.Call))
            operations = next((ops for ops in called if ops), set())
            for code in codes:
                for op in sorted(operations):
                    yield op, code


def _called(call: ast.Call, names: Names, methods: Names, by_method: dict[str, str]
            ) -> set[str]:
    """The operations a call may run: ``client.operation(...)``, ``method(...)`` for a
    method variable, or ``getattr(client, snake(OPERATION))(...)``."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in by_method:
        return {by_method[func.attr]}
    if isinstance(func, ast.Name):
        return methods.get(func.id, set())
    return _method_operations(func, names)
