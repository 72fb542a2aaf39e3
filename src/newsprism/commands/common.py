"""What every command shares: the consoles, coded-error exit, JSON output, config, JSONL input."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterable
from typing import Any, NoReturn

import click
from rich.console import Console

from newsprism.config import Config
from newsprism.errors import Code, NewsprismError
from newsprism.wording import counted

err_console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)


def fail(error: NewsprismError, exit_code: int = 2) -> NoReturn:
    """Print a coded error to stderr and exit."""
    err_console.print(error.message, markup=False, highlight=False)
    sys.exit(exit_code)


def emit_json(value: Any) -> None:
    """Print JSON to stdout (UTF-8, indented)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def emit_json_rows(rows: Iterable[Any]) -> None:
    """Print a JSON array to stdout row by row, as `emit_json` prints the whole list (the same
    bytes), without holding the rows: JSON escapes line breaks inside strings, so each row's
    lines indent as the list's items."""
    first = True
    for row in rows:
        item = textwrap.indent(json.dumps(row, ensure_ascii=False, indent=2), "  ")
        click.echo(("[\n" if first else ",\n") + item, nl=False)
        first = False
    click.echo("[]" if first else "\n]")


def get_config(ctx: click.Context) -> Config:
    """The config chosen by the top-level `--config` option (defaults when run standalone)."""
    root = ctx.find_root()
    if isinstance(root.obj, dict) and "config" in root.obj:
        config: Config = root.obj["config"]
        return config
    from newsprism.config import load_config

    return load_config()


def load_jsonl(path: str) -> list[Any]:
    """Documents from an analysed JSONL file (`-` for stdin).

    A malformed line is reported (E111 naming `path:line`) and skipped, the other documents
    kept; when no line is a Document, the last line's E111 is raised.
    """
    from newsprism.document import Document, SpanError, iter_jsonl_records

    docs: list[Document] = []
    failures: list[NewsprismError] = []
    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8", newline="")  # noqa: SIM115
    except FileNotFoundError:
        raise NewsprismError(Code.NOT_FOUND, path) from None
    try:
        for number, line in iter_jsonl_records(stream):
            try:
                docs.append(Document.from_json(line))
            except (SpanError, ValueError) as bad:
                failure = NewsprismError(
                    Code.MALFORMED_DOCUMENT, f"{path}:{number}", str(bad)[:200]
                )
                failures.append(failure)
    except UnicodeDecodeError as bad:
        raise NewsprismError(Code.UNDECODABLE, path, str(bad)) from None
    finally:
        if stream is not sys.stdin:
            stream.close()
    for failure in failures[:-1] if not docs else failures:
        err_console.print(failure.message, markup=False, highlight=False)
    if failures and not docs:
        raise failures[-1]
    if failures:
        err_console.print(
            f"{counted(len(failures), 'malformed line')} of {path} skipped (see above)",
            markup=False,
        )
    return docs


input_option = click.option(
    "--input",
    "input_path",
    required=True,
    help="Analysed documents (JSONL from `newsprism analyze -o`; - = stdin).",
)
