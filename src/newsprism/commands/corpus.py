"""Commands across outlets: `stories`, `conflicts` and `eval stories` over a batch database."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from newsprism.commands.common import emit_json, err_console, fail, get_config, out_console
from newsprism.report import safe_text

db_option = click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Database written by `newsprism batch` (or `newsprism demo`).",
)
force_option = click.option(
    "--force", is_flag=True, help="Recompute the corpus analysis even when it is current."
)


def _analysed(ctx: click.Context, db_path: str, force: bool, quiet: bool) -> Any:
    """Run the corpus analysis when stale; returns the open read-only store's rows getter."""
    from newsprism.corpus.analysis import analyze_corpus

    log = None if quiet else (lambda line: err_console.print(line, markup=False))
    summary = analyze_corpus(db_path, get_config(ctx), progress=log, force=force)
    if not quiet:
        state = "computed" if summary.recomputed else "current"
        err_console.print(f"corpus analysis {state}: {summary.line()}", markup=False)
    return summary


@click.command("stories")
@db_option
@force_option
@click.option("--json", "as_json", is_flag=True, help="Print the stories as JSON.")
@click.pass_context
def stories(ctx: click.Context, db_path: str, force: bool, as_json: bool) -> None:
    """Stories: articles of several outlets reporting the same events."""
    from newsprism.corpus.analysis import read_stories
    from newsprism.corpus.store import Store

    _analysed(ctx, db_path, force, as_json)
    with Store(db_path, readonly=True) as store:
        rows = read_stories(store)
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"{len(rows)} stories", expand=True)
    table.add_column("story", no_wrap=True)
    table.add_column("dates", no_wrap=True)
    table.add_column("n", justify="right")
    table.add_column("title")
    table.add_column("articles")
    for row in rows:
        dates = row["first"] or "undated"
        if row["last"] and row["last"] != row["first"]:
            dates += f" .. {row['last']}"
        table.add_row(
            row["id"],
            dates,
            str(len(row["articles"])),
            safe_text(row["title"] or "", 70),
            safe_text(", ".join(row["articles"]), 90),
        )
    out_console.print(table)


@click.command("conflicts")
@db_option
@force_option
@click.option("--story", default=None, help="Only the conflicts of this story id.")
@click.option("--json", "as_json", is_flag=True, help="Print the conflicts as JSON.")
@click.pass_context
def conflicts(
    ctx: click.Context, db_path: str, force: bool, story: str | None, as_json: bool
) -> None:
    """Where outlets contradict each other: polarity, number, actor, date, place."""
    from newsprism.corpus.analysis import read_conflicts
    from newsprism.corpus.store import Store

    _analysed(ctx, db_path, force, as_json)
    with Store(db_path, readonly=True) as store:
        rows = read_conflicts(store)
    if story is not None:
        rows = [r for r in rows if r["story"] == story]
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"{len(rows)} conflicts", expand=True, show_lines=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("story", no_wrap=True)
    table.add_column("a")
    table.add_column("b")
    table.add_column("note")
    for row in rows:
        table.add_row(
            row["kind"],
            row["story"],
            safe_text(f"{row['a']['doc']}: {row['a']['text']}", 120),
            safe_text(f"{row['b']['doc']}: {row['b']['text']}", 120),
            safe_text(row["note"], 80),
        )
    out_console.print(table)


@click.command("stories")
@click.option(
    "--gold",
    "gold_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Gold stories/conflicts JSON (format: see newsprism.evaluate.stories).",
)
@click.option(
    "--db",
    "db_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Database written by `newsprism batch` (with --gold; with --fakes: reused if given).",
)
@click.option(
    "--fakes",
    is_flag=True,
    help="Score on FA-KES against its proxy gold (hand-read incidents, tolls and labels).",
)
@click.option(
    "--cache",
    "cache_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="With --fakes: JSONL of analysed documents, written once and reused.",
)
@force_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_stories(
    ctx: click.Context,
    gold_path: str | None,
    db_path: str | None,
    fakes: bool,
    cache_path: str | None,
    force: bool,
    as_json: bool,
) -> None:
    """Story clustering ARI and conflict recall against gold (a file, or FA-KES with --fakes)."""
    from pathlib import Path

    from newsprism.corpus.analysis import read_conflicts, read_stories
    from newsprism.corpus.store import Store
    from newsprism.errors import Code, NewsprismError
    from newsprism.evaluate.stories import load_gold, score_stories

    if fakes:
        from newsprism.evaluate.fakes_stories import evaluate_fakes_stories

        try:
            result = evaluate_fakes_stories(
                get_config(ctx),
                cache=Path(cache_path) if cache_path else None,
                db_path=Path(db_path) if db_path else None,
            )
        except NewsprismError as error:
            fail(error)
        if as_json:
            emit_json(result)
            return
        for part in ("all", "tune", "held_out"):
            click.echo(f"[{part}]")
            _print_scores(result[part])
        return
    if gold_path is None or db_path is None:
        fail(NewsprismError(Code.BAD_GOLD, "eval stories", "give --gold and --db, or --fakes"))
    gold = load_gold(gold_path)
    _analysed(ctx, db_path, force, as_json)
    with Store(db_path, readonly=True) as store:
        scores = score_stories(gold, read_stories(store), read_conflicts(store))
    if as_json:
        emit_json(scores)
        return
    _print_scores(scores)


def _print_scores(scores: dict[str, Any]) -> None:
    """The plain-text report of one `score_stories` result."""
    found = scores["conflicts"]
    recall = "n/a" if found["recall"] is None else f"{found['recall']:.3f}"
    click.echo(
        f"stories: ARI {scores['ari']:.3f} over {scores['documents']} documents "
        f"({scores['gold_stories']} gold, {scores['predicted_stories']} predicted stories)\n"
        f"conflicts: recall {recall} ({found['found']}/{found['gold']}); "
        f"{found['predicted']} predicted, {found['predicted_matching_gold']} match gold"
    )
    for kind, entry in sorted(found["by_kind"].items()):
        click.echo(f"  {kind:9} {entry['found']}/{entry['gold']}  recall {entry['recall']:.3f}")
