"""What every command shares: the consoles, coded-error exit, JSON output, config, JSONL input."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click
from rich.console import Console

from newsprism.config import Config
from newsprism.errors import Code, NewsprismError

err_console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)


def fail(error: NewsprismError, exit_code: int = 2) -> NoReturn:
    """Print a coded error to stderr and exit."""
    err_console.print(error.message, markup=False, highlight=False)
    sys.exit(exit_code)


def emit_json(value: Any) -> None:
    """Print JSON to stdout (UTF-8, indented)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def get_config(ctx: click.Context) -> Config:
    """The config chosen by the top-level `--config` option (defaults when run standalone)."""
    root = ctx.find_root()
    if isinstance(root.obj, dict) and "config" in root.obj:
        config: Config = root.obj["config"]
        return config
    from newsprism.config import load_config

    return load_config()


def load_jsonl(path: str) -> list[Any]:
    """Documents from an analysed JSONL file (`-` for stdin); E111 on a malformed line."""
    from newsprism.document import SpanError, iter_jsonl_documents

    try:
        if path == "-":
            return list(iter_jsonl_documents(sys.stdin))
        with open(path, encoding="utf-8", newline="") as stream:
            return list(iter_jsonl_documents(stream))
    except FileNotFoundError:
        raise NewsprismError(Code.NOT_FOUND, path) from None
    except (SpanError, ValueError) as bad:
        raise NewsprismError(Code.MALFORMED_DOCUMENT, path, str(bad)[:200]) from None


input_option = click.option(
    "--input",
    "input_path",
    required=True,
    help="Analysed documents (JSONL from `newsprism analyze -o`; - = stdin).",
)
