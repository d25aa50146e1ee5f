"""Every code the bot can put in front of a person is in the catalogue, and errors say their policy by their class.

The codes are found by reading the source (`ast`), not by listing them here, so a code added anywhere in
`integration/` or `bot/` without its catalogue entry fails this test. A code is `family.name` in lower case: that shape
tells a code from the other strings that sit where codes do (a field called "code" in a wire mapping, a style name).
"""

from __future__ import annotations

import ast
import inspect
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

import integration.errors as errors
from integration.errors import CATALOGUE, UnknownCode, describe
from integration.xero.messages import PATTERNS, UNKNOWN

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("integration", "bot")
DEFINED_IN = ROOT / "integration" / "errors" / "catalogue"
CODE = re.compile(r"[a-z][a-z_]*\.[a-z_]+")
CODE_NAMES = {"code", "error_code", "default_code"}
POLICIES = (errors.Fatal, errors.Retriable, errors.Skippable, errors.Refused)


def _trees() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(), str(path)))
        for package in SCANNED
        for path in sorted((ROOT / package).rglob("*.py"))
        if DEFINED_IN not in path.parents
    ]


def _parameters(trees: list[tuple[Path, ast.Module]]) -> dict[str, list[list[str]]]:
    """Every function's and class's parameter names by name, so a code passed by position is found too."""
    found: dict[str, list[list[str]]] = defaultdict(list)
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
                found[node.name].append(names[1:] if names[:1] in (["self"], ["cls"]) else names)
            elif isinstance(node, ast.ClassDef):
                init = next(
                    (n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None
                )
                if init is not None:
                    found[node.name].append([a.arg for a in init.args.args][1:])
                else:  # a dataclass: its fields, in order
                    fields = [
                        n.target.id
                        for n in node.body
                        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
                    ]
                    found[node.name].append(fields)
    return found


def _strings(node: ast.expr) -> Iterator[str]:
    """The code-shaped literals an expression can evaluate to (`"a" if x else "b"` gives both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _strings(value)
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        for element in node.elts:
            yield from _strings(element)


def _named(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_code(node: ast.expr) -> bool:
    return _named(node) in CODE_NAMES


def used_codes() -> dict[str, set[str]]:
    """Each code string in the source, with where it is used: passed as `code=`/`error_code=` (or in that
    parameter's position, e.g. `describe("…")`, `Problem("…", …)`), assigned to a `code`, given as a `code`
    parameter's default, put under a "code" key, or compared with a `.code`."""
    trees = _trees()
    parameters = _parameters(trees)
    used: dict[str, set[str]] = defaultdict(set)
    for path, tree in trees:
        for node in ast.walk(tree):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call):
                values += [k.value for k in node.keywords if k.arg in CODE_NAMES]
                for names in parameters.get(_named(node.func) or "", []):
                    values += [a for a, n in zip(node.args, names, strict=False) if n in CODE_NAMES]
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                values += [node.value] if any(_is_code(t) for t in targets) else []
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                positional = node.args.args[len(node.args.args) - len(node.args.defaults) :]
                pairs = [*zip(positional, node.args.defaults, strict=True)]
                pairs += [
                    (a, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True) if d
                ]
                values += [default for arg, default in pairs if arg.arg in CODE_NAMES]
            elif isinstance(node, ast.Dict):
                values += [
                    v for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant) and k.value in CODE_NAMES
                ]  # fmt: skip
            elif isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(_is_code(side) for side in sides):
                    values += [side for side in sides if not _is_code(side)]
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            for value in values:
                for code in _strings(value):
                    used[code].add(where)
    return used


def test_every_code_used_in_the_source_is_in_the_catalogue() -> None:
    used = used_codes()
    # The scanner must see codes by each route, or an empty scan would pass.
    assert {"contact.refused", "unlink.void_refused", "auth.expired", "org.cash_basis"} <= used.keys()
    assert {"mapping.unmapped_account", "doc.duplicate_copy", "unlink.two_person"} <= used.keys()
    missing = {code: sorted(where) for code, where in used.items() if code not in CATALOGUE}
    assert not missing, f"codes used but not in the catalogue: {missing}"


def test_every_catalogue_code_has_the_shape_the_scanner_looks_for() -> None:
    assert all(CODE.fullmatch(code) for code in CATALOGUE)


def test_every_code_xero_messages_are_matched_to_is_in_the_catalogue() -> None:
    assert {code for _, code in PATTERNS} | {UNKNOWN} <= CATALOGUE.keys()


def test_describe_refuses_a_code_that_is_not_in_the_catalogue() -> None:
    with pytest.raises(UnknownCode, match=re.escape("'remote.rejectd' is not a catalogue code")):
        describe("remote.rejectd")
    with pytest.raises(KeyError):
        describe("")


def test_describe_gives_the_entry_for_a_catalogued_code() -> None:
    entry = describe("org.cash_basis")
    assert entry.code == "org.cash_basis" and "Accrual" in entry.fix


def _error_classes() -> list[type[errors.XerobotError]]:
    return [
        value
        for _, value in inspect.getmembers(errors, inspect.isclass)
        if issubclass(value, errors.XerobotError)
    ]


def test_every_error_class_has_a_default_code_in_the_catalogue() -> None:
    for error in _error_classes():
        assert error.default_code in CATALOGUE, error.__name__


def test_no_two_error_classes_share_a_default_code_except_the_malformed_document_pair() -> None:
    by_code: dict[str, list[str]] = defaultdict(list)
    for error in _error_classes():
        by_code[error.default_code].append(error.__name__)
    shared = {code: sorted(names) for code, names in by_code.items() if len(names) > 1}
    assert shared == {"doc.malformed": ["Malformed", "PostingError"]}


def test_every_concrete_error_sits_under_exactly_one_policy() -> None:
    abstract = {errors.XerobotError, errors.RemoteError, errors.StoreError, *POLICIES}
    for error in _error_classes():
        if error not in abstract:
            policies = [p.__name__ for p in POLICIES if issubclass(error, p)]
            assert len(policies) == 1, (error.__name__, policies)


def test_the_engine_retries_only_unavailable_and_rate_limited() -> None:
    retriable = {e for e in _error_classes() if issubclass(e, errors.Retriable)} - {errors.Retriable}
    assert retriable == {errors.Unavailable, errors.RateLimited}


def test_the_errors_that_were_value_errors_still_are() -> None:
    assert issubclass(errors.Malformed, ValueError) and issubclass(errors.PostingError, ValueError)
    assert isinstance(errors.PostingError("no contact"), errors.Skippable)
    assert errors.StepFailed("refused").code == "unlink.step_failed"
