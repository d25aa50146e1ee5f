"""`xerobot mappings …`: list, set, remove, import from a CSV file, and suggest (then apply) the mappings pending
documents need.

An import reads Xero's chart once whatever its length and stores every row or none. A row is named by its line in
the file, counting the header: with a header, the first mapping is row 2. A file that cannot be read and rows that
are not `kind,source,xero` with a known kind are reported before Xero is asked anything; a code Xero does not have
after. Each problem is one line naming the row; the exit status is 2.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from bot.cli_support import CLI_ACTOR, console, errors, reports_errors, settings
from integration.app import startup
from integration.domain import MappingKind, MappingRole, MappingRow, RowProblem, Suggestion

mappings_app = typer.Typer(
    help="List, set, import and suggest account mappings (Actionstep -> Xero).", no_args_is_help=True
)
KINDS = ", ".join(k.value for k in MappingKind)
ROLES = ", ".join(r.value for r in MappingRole)


@mappings_app.command("list")
@reports_errors
def mappings_list() -> None:
    """Show every stored mapping."""
    service = startup.start(settings())
    try:
        mappings = service.mappings()
    finally:
        service.close()
    for mapping in mappings:
        name = f" ({mapping.source_name})" if mapping.source_name else ""
        console.print(
            f"{mapping.kind.value:<10} {mapping.source_id}{name} -> {mapping.xero_account}", markup=False
        )


@mappings_app.command("set")
@reports_errors
def mappings_set(
    kind: Annotated[MappingKind, typer.Argument(help="account, timekeeper, role or tax_code")],
    source_id: Annotated[
        str, typer.Argument(help="Actionstep account id, timekeeper id, role, or TAXCODE:sales")
    ],
    xero: Annotated[str, typer.Argument(help="the Xero account code (or tax type for tax_code)")],
) -> None:
    """Map an Actionstep account, timekeeper, role or tax code to Xero."""
    service = startup.start(settings())
    try:
        mapping = service.set_mapping(kind, source_id, xero, actor=CLI_ACTOR)
    finally:
        service.close()
    console.print(f"Mapped {mapping.kind.value} {mapping.source_id} -> {mapping.xero_account}.", markup=False)


@mappings_app.command("import")
@reports_errors
def mappings_import(
    file: Annotated[
        Path, typer.Argument(help="CSV with columns kind,source,xero (a header row is optional)")
    ],
) -> None:
    """Set many mappings at once from a CSV file: every row is checked (Xero's chart read once) and all are stored,
    or none."""
    rows, problems = read_rows(file)
    if problems:
        for problem in problems:
            errors.print(problem.message, markup=False, soft_wrap=True)
        errors.print(f"Nothing was stored: correct {file} and run it again.", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    service = startup.start(settings())
    try:
        count = service.import_mappings(rows, actor=CLI_ACTOR)
    finally:
        service.close()
    console.print(f"Set {count} mapping{'s' if count != 1 else ''} from {file}.", markup=False)


def read_rows(file: Path) -> tuple[list[MappingRow], list[RowProblem]]:
    """The mappings in a CSV file, each numbered by its line in the file, or one problem per bad row (row 0: the
    file itself). Blank lines and lines starting with # are skipped; a first row whose kind is "kind" is a header."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [RowProblem(0, f"{file}: no such file.")]
    except IsADirectoryError:
        return [], [RowProblem(0, f"{file} is a directory, not a CSV file.")]
    except PermissionError:
        return [], [RowProblem(0, f"{file} cannot be read: permission denied.")]
    except UnicodeDecodeError:
        return [], [RowProblem(0, f"{file} is not a UTF-8 text file; save it as CSV (UTF-8) and try again.")]
    except OSError as error:
        return [], [RowProblem(0, f"{file} cannot be read: {error.strerror or error}.")]
    rows: list[MappingRow] = []
    problems: list[RowProblem] = []
    reader = csv.reader(text.splitlines())
    seen_data = False
    try:
        for cells in reader:
            number = reader.line_num
            if not cells or not "".join(cells).strip() or cells[0].lstrip().startswith("#"):
                continue
            if not seen_data and cells[0].strip().lower() == "kind":
                seen_data = True
                continue
            seen_data = True
            found = _row(number, [c.strip() for c in cells])
            if isinstance(found, RowProblem):
                problems.append(found)
            else:
                rows.append(found)
    except csv.Error as error:
        problems.append(RowProblem(reader.line_num, f"Row {reader.line_num}: not valid CSV ({error})."))
    if not rows and not problems:
        problems.append(RowProblem(0, f"{file} has no mappings: one row a mapping, kind,source,xero."))
    return rows, problems


def _row(number: int, cells: Sequence[str]) -> MappingRow | RowProblem:
    if len(cells) != 3:
        return RowProblem(
            number,
            f"Row {number}: {len(cells)} column{'s' if len(cells) != 1 else ''}; "
            "expected 3: kind,source,xero.",
        )
    kind, source, xero = cells
    if kind not in MappingKind._value2member_map_:
        return RowProblem(number, f"Row {number}: unknown kind {kind!r}; use one of {KINDS}.")
    if not source or not xero:
        side = "source" if not source else "xero"
        return RowProblem(number, f"Row {number}: the {side} column is empty.")
    if kind == MappingKind.ROLE and source not in MappingRole._value2member_map_:
        return RowProblem(number, f"Row {number}: unknown role {source!r}; use one of {ROLES}.")
    return MappingRow(number, MappingKind(kind), source, xero)


@mappings_app.command("suggest")
@reports_errors
def mappings_suggest(
    as_json: Annotated[bool, typer.Option("--json", help="Print the suggestions as JSON.")] = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="Store every suggestion that names a Xero account.")
    ] = False,
) -> None:
    """Suggest a Xero account for each unmapped Actionstep account, timekeeper and role that pending documents
    need: the same code first, then the name, within compatible account types; Xero's chart is read once."""
    service = startup.start(settings())
    try:
        if apply:
            found, applied = service.apply_suggested_mappings(actor=CLI_ACTOR)
        else:
            found, applied = service.suggest_mappings(), []
        suggestions = found.suggestions
    finally:
        service.close()
    if as_json:
        console.print_json(data=[suggestion_to_dict(s) for s in suggestions])
    else:
        print_suggestions(suggestions)
    if apply:
        out = errors if as_json else console
        left = len(suggestions) - len(applied)
        out.print(
            f"Stored {len(applied)} mapping{'s' if len(applied) != 1 else ''}"
            + (f"; {left} still need a Xero account (`xerobot mappings set`)." if left else "."),
            markup=False,
        )


def suggestion_to_dict(suggestion: Suggestion) -> dict[str, str | None]:
    """A suggestion as `--json` prints it."""
    return {
        "kind": suggestion.kind.value,
        "source": suggestion.source_id,
        "source_name": suggestion.source_name,
        "xero": suggestion.xero_code,
        "xero_name": suggestion.xero_name,
        "confidence": suggestion.confidence.value if suggestion.confidence else None,
    }


def print_suggestions(suggestions: Sequence[Suggestion]) -> None:
    if not suggestions:
        console.print("Every account, timekeeper and role pending documents need is mapped.", markup=False)
        return
    table = Table(title="Suggested mappings", title_justify="left")
    for column in ("kind", "Actionstep", "Xero", "confidence", "why", "documents"):
        table.add_column(column, justify="right" if column == "documents" else "left")
    for s in suggestions:
        xero = f"{s.xero_code} {s.xero_name}" if s.xero_code else "(none)"
        cells = (
            s.kind.value, f"{s.source_name} ({s.source_id})", xero,
            s.confidence.value if s.confidence else "", s.why, f"{s.documents:,}",
        )  # fmt: skip
        table.add_row(*(Text(cell) for cell in cells))  # outside names: never read as markup
    console.print(table)
    console.print(
        "Store them with `xerobot mappings suggest --apply`, or one at a time with `xerobot mappings set`.",
        markup=False,
    )


@mappings_app.command("remove")
@reports_errors
def mappings_remove(kind: MappingKind, source_id: str) -> None:
    """Remove a mapping."""
    service = startup.start(settings())
    try:
        removed = service.remove_mapping(kind, source_id, actor=CLI_ACTOR)
    finally:
        service.close()
    console.print("Removed." if removed else "There was no such mapping.")
