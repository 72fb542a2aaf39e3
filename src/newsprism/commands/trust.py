"""Commands for trust evidence: `sources import`, `trust`, `eval fakes`, `eval checkworthy`."""

from __future__ import annotations

from pathlib import Path

import click

from newsprism.commands.common import (
    emit_json,
    emit_json_rows,
    err_console,
    fail,
    get_config,
    out_console,
)
from newsprism.errors import NewsprismError


@click.group("sources")
def sources() -> None:
    """Source lists (OpenSources, MBFC, FakeNewsCorpus websites) for the source prior."""


@sources.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["opensources", "mbfc", "websites-csv"]),
    help="opensources: sources.csv|json; mbfc: corpus.tsv; websites-csv: FakeNewsCorpus.",
)
@click.option("--db", "db_path", required=True, help="newsprism database (created when missing).")
@click.option("--json", "as_json", is_flag=True)
def sources_import(path: str, fmt: str, db_path: str, as_json: bool) -> None:
    """Load one list into the database (replacing that list's earlier import)."""
    from newsprism.corpus.store import Store
    from newsprism.trust.sources import import_list

    try:
        with Store(db_path) as store:
            report = import_list(store.connection, Path(path), fmt)
    except NewsprismError as error:
        fail(error)
    if as_json:
        emit_json(report)
        return
    out_console.print(
        f"imported {report['labels']} labels for {report['domains']} domains from "
        f"{report['file']} ({report['format']})",
        markup=False,
    )


@click.command("trust")
@click.option("--db", "db_path", required=True, help="newsprism database written by `batch`.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def trust(ctx: click.Context, db_path: str, as_json: bool) -> None:
    """Trust score and evidence of every stored document (the corpus is the context)."""
    from newsprism.corpus.store import Store
    from newsprism.report import safe_text
    from newsprism.trust.corpus_trust import corpus_trust

    try:
        with Store(db_path, readonly=True) as store:
            # Rows are written as they are scored: a large corpus is never held in memory.
            rows = corpus_trust(store, get_config(ctx))
            if as_json:
                emit_json_rows(rows)
                return
            for row in rows:
                parts = ", ".join(
                    f"{c['name']} {c['contribution']:+.2f}"
                    for c in row["components"]
                    if c["contribution"]
                )
                out_console.print(
                    f"{safe_text(row['id'])}  {row['trust']:.2f}  {parts}", markup=False
                )
    except NewsprismError as error:
        fail(error)


@click.command("fakes")
@click.option("--data", "data_path", default=None, help="FA-KES CSV (default: the public data).")
@click.option(
    "--cache",
    "cache_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="JSONL of analysed documents (claim grades beside it): reused while the analyzers, ids, "
    "analysis code and settings match.",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_fakes(
    ctx: click.Context, data_path: str | None, cache_path: str | None, as_json: bool
) -> None:
    """FA-KES with leave-outlets-out CV: balanced accuracy and macro-F1 per held-out outlet."""
    from newsprism.evaluate.fakes import evaluate_fakes

    try:
        result = evaluate_fakes(
            get_config(ctx),
            Path(data_path) if data_path else None,
            cache=Path(cache_path) if cache_path else None,
        )
    except NewsprismError as error:
        fail(error)
    if as_json:
        emit_json(result)
        return
    for fold in result["folds"]:
        out_console.print(
            f"{fold['outlet']:<15} n={fold['n']:<4} balanced acc {fold['balanced_accuracy']:.3f}"
            f"  macro-F1 {fold['macro_f1']:.3f}",
            markup=False,
        )
    out_console.print(
        f"all held-out: balanced accuracy {result['balanced_accuracy']:.3f}  "
        f"macro-F1 {result['macro_f1']:.3f}  AUC {result['auc']}  Brier {result['brier']:.3f}  "
        f"calibration error {result['calibration_error']:.3f}  ({result['documents']} documents, "
        f"{len(result['left_out_conflicting_ids'])} conflicting ids left out)",
        markup=False,
    )


@click.command("checkworthy")
@click.option("--json", "as_json", is_flag=True)
def eval_checkworthy(as_json: bool) -> None:
    """F1 of the check-worthiness head on the test file (as measured when it was trained)."""
    from newsprism.analyzers.checkworthy import load_head

    try:
        _, report = load_head()
    except NewsprismError as error:
        fail(error)
    if as_json:
        emit_json(report)
        return
    err_console.print("stored training report (rerun: python -m newsprism.train.checkworthy)")
    for key, value in report.items():
        out_console.print(f"{key}: {value}", markup=False)
