"""The `newsprism` command line: thin commands that parse, call library functions, print, exit.

Every command that reports results takes `--json`. Errors the user can act on are printed as
their coded message (never a traceback) and set a non-zero exit code. Heavy modules are imported
inside the commands so that `newsprism --help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from newsprism import __version__
from newsprism.commands import corpus as corpus_commands
from newsprism.commands import events as events_commands
from newsprism.commands import propaganda as propaganda_commands
from newsprism.commands import train as train_commands
from newsprism.commands import trust as trust_commands
from newsprism.commands import web as web_commands
from newsprism.commands.common import emit_json as _emit_json
from newsprism.commands.common import err_console, input_option, load_jsonl, out_console
from newsprism.commands.common import fail as _fail
from newsprism.commands.common import get_config as _config
from newsprism.config import Config, load_config
from newsprism.errors import Code, NewsprismError

F = TypeVar("F", bound=Callable[..., Any])


def reader_options(func: F) -> F:
    """The input options shared by `analyze` and `batch` (field mapping, presets, format)."""
    options = [
        click.option(
            "--format",
            "fmt",
            default=None,
            type=click.Choice(["txt", "html", "jsonl", "csv", "warc"]),
            help="Read every input as this format (default: by extension).",
        ),
        click.option(
            "--preset",
            default=None,
            type=click.Choice(["fakenewscorpus", "fakes"]),
            help="Field mapping of a known corpus.",
        ),
        click.option("--text-field", default=None, help="Corpus field holding the text."),
        click.option("--title-field", default=None, help="Corpus field holding the title."),
        click.option("--id-field", default=None, help="Corpus field holding the id."),
        click.option("--date-field", default=None, help="Corpus field holding the date."),
        click.option("--outlet-field", default=None, help="Corpus field holding the outlet."),
        click.option("--url-field", default=None, help="Corpus field holding the URL."),
        click.option("--authors-field", default=None, help="Corpus field holding authors."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _reader_options(kwargs: dict[str, Any]) -> Any:
    """Build `ReaderOptions` from the shared CLI options (and remove them from kwargs)."""
    from newsprism.readers import ReaderOptions

    return ReaderOptions(
        format=kwargs.pop("fmt"),
        preset=kwargs.pop("preset"),
        id_field=kwargs.pop("id_field"),
        title_field=kwargs.pop("title_field"),
        text_field=kwargs.pop("text_field"),
        date_field=kwargs.pop("date_field"),
        outlet_field=kwargs.pop("outlet_field"),
        url_field=kwargs.pop("url_field"),
        authors_field=kwargs.pop("authors_field"),
    )


class CodedErrors(click.Group):
    """A click group that turns `NewsprismError` into its coded message and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsprismError as error:
            _fail(error)
        except KeyboardInterrupt:
            err_console.print("interrupted")
            sys.exit(130)


@click.group(cls=CodedErrors)
@click.version_option(__version__, prog_name="newsprism")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML file overriding defaults.toml.",
)
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """newsprism: read news the way a careful analyst does, offline."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = load_config(config_path)


# -- analyze ----------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write one Document JSON per line here ('-' for stdout).",
)
@click.option(
    "--only", default=None, help="Comma-separated layers to produce (with what they require)."
)
@click.option("--json", "as_json", is_flag=True, help="Print Document JSON lines to stdout.")
@reader_options
@click.pass_context
def analyze(
    ctx: click.Context,
    /,
    paths: tuple[str, ...],
    output: str | None,
    only: str | None,
    as_json: bool,
    **kwargs: Any,
) -> None:
    """Analyse articles: a terminal report, or Document JSON lines with -o."""
    from newsprism.document import write_jsonl
    from newsprism.errors import ReadFailure
    from newsprism.pipeline import build_pipeline
    from newsprism.readers import read_inputs
    from newsprism.report import render_document

    config = _config(ctx)
    options = _reader_options(kwargs)
    layers = [x.strip() for x in only.split(",") if x.strip()] if only else None
    pipeline = build_pipeline(config, only=layers)
    failures = 0
    read = 0

    def documents() -> Iterator[Any]:
        nonlocal failures, read
        for item in read_inputs(list(paths), options, config):
            if isinstance(item, ReadFailure):
                failures += 1
                err_console.print(item.message, markup=False, highlight=False)
                continue
            read += 1
            yield item

    analysed = pipeline.run(documents(), batch_size=config.batch.chunk_size)
    if output == "-" or as_json:
        write_jsonl(analysed, sys.stdout)
    elif output:
        with open(output, "w", encoding="utf-8", newline="\n") as stream:
            count = write_jsonl(analysed, stream)
        err_console.print(f"wrote {count} documents to {output}", markup=False)
    else:
        for doc in analysed:
            out_console.print(render_document(doc))
    if failures:
        err_console.print(f"{failures} input(s) could not be read (see above)", markup=False)
    if read == 0:
        sys.exit(1)


# -- batch, show, search ------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="SQLite database to create or extend.",
)
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes."
)
@click.option(
    "--engine",
    default="local",
    show_default=True,
    type=click.Choice(["local", "dask"]),
    help="local: processes on this machine; dask: a Dask distributed cluster (the dask extra).",
)
@click.option(
    "--scheduler",
    default=None,
    help="Dask scheduler address, e.g. tcp://HOST:8786 (default: a local cluster of --workers).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@reader_options
@click.pass_context
def batch(
    ctx: click.Context,
    /,
    paths: tuple[str, ...],
    db_path: str,
    workers: int,
    engine: str,
    scheduler: str | None,
    as_json: bool,
    **kwargs: Any,
) -> None:
    """Analyse many articles into a database; resumable, errors recorded and skipped."""
    summary = _run_batch(
        _config(ctx),
        list(paths),
        db_path,
        workers,
        _reader_options(kwargs),
        quiet=as_json,
        engine=engine,
        scheduler=scheduler,
    )
    if as_json:
        _emit_json(summary.to_dict())
    else:
        _print_batch_summary(summary, db_path)
    if summary.read == 0 and summary.skipped == 0:
        _fail(NewsprismError(Code.NOTHING_READABLE, ", ".join(paths)), exit_code=1)


def _run_batch(
    config: Config,
    paths: list[str],
    db_path: str,
    workers: int,
    options: Any,
    quiet: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
) -> Any:
    """`run_batch` with a rich progress bar on stderr."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from newsprism.corpus.batch import run_batch

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("analysing", total=None)

        def advance(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        return run_batch(
            paths,
            db_path,
            config,
            workers=workers,
            reader_options=options,
            progress=advance,
            engine=engine,
            scheduler=scheduler,
        )


def _print_batch_summary(summary: Any, db_path: str) -> None:
    """Counts and the first errors of a batch run."""
    data = summary.to_dict()
    out_console.print(
        f"run {data['run_id']}: read {data['read']}, analysed {data['analyzed']}, "
        f"skipped {data['skipped']} (already stored), failed {data['failed']} "
        f"in {data['elapsed']:.1f}s -> {db_path}",
        markup=False,
    )
    for record in data["errors"][:20]:
        out_console.print(f"  {record.get('message')}", markup=False, style="yellow")
    if len(data["errors"]) > 20:
        out_console.print(f"  ... {len(data['errors']) - 20} more errors stored", markup=False)


@main.command()
@click.argument("doc_id")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the Document JSON.")
def show(doc_id: str, db_path: str, as_json: bool) -> None:
    """Show one stored document."""
    from newsprism.report import render_document

    with _open_store(db_path) as store:
        try:
            doc = store.get(doc_id)
        except NewsprismError as error:
            _fail(error, exit_code=1 if error.code is Code.DOC_NOT_FOUND else 2)
    if as_json:
        _emit_json(doc.to_dict())
    else:
        out_console.print(render_document(doc))


def _open_store(db_path: str) -> Any:
    """The store at `db_path`, read-only; E402 when it does not exist."""
    from newsprism.corpus.store import Store

    if not Path(db_path).exists():
        raise NewsprismError(Code.STORE_NOT_FOUND, db_path)
    return Store(db_path, readonly=True)


@main.command()
@click.argument("query")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False))
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print hits as JSON.")
def search(query: str, db_path: str, limit: int, as_json: bool) -> None:
    """Full-text search over stored titles and texts (SQLite FTS5)."""
    from rich.table import Table

    from newsprism.report import safe_text

    with _open_store(db_path) as store:
        hits = store.search(query, limit=limit)
    if as_json:
        _emit_json([_hit_dict(hit) for hit in hits])
        return
    table = Table(title=f"{len(hits)} hits for {query!r}", expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("outlet")
    table.add_column("title")
    table.add_column("snippet")
    for hit in hits:
        data = _hit_dict(hit)
        table.add_row(
            safe_text(str(data.get("id"))),
            safe_text(str(data.get("outlet") or "")),
            safe_text(str(data.get("title") or ""), 60),
            safe_text(str(data.get("snippet") or ""), 160),
        )
    out_console.print(table)


def _hit_dict(hit: Any) -> dict[str, Any]:
    """A search hit as a plain dict (dataclass or mapping)."""
    if hasattr(hit, "to_dict"):
        return dict(hit.to_dict())
    from dataclasses import asdict, is_dataclass

    if is_dataclass(hit) and not isinstance(hit, type):
        return asdict(hit)
    return dict(hit)


# -- demo and bench -------------------------------------------------------------------------------


@main.command()
@click.option(
    "--db",
    "db_path",
    default="demo.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Database the demo writes.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def demo(ctx: click.Context, db_path: str, as_json: bool) -> None:
    """Analyse the embedded sample (plus the seeds when present) into a database."""
    from newsprism.demo import run_demo

    summary = run_demo(_config(ctx), Path(db_path), log=None if as_json else err_console.print)
    if as_json:
        _emit_json(summary.to_dict())
    else:
        out_console.print(summary.render())


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--articles",
    default=300,
    show_default=True,
    type=click.IntRange(1, 1_000_000),
    help="Articles to time (inputs repeated with distinct ids).",
)
@click.option(
    "--scale",
    default=None,
    help="Scale bench instead: batch and cluster synthetic corpora of these sizes (1000,10000).",
)
@click.option(
    "--pipeline",
    "scale_pipeline",
    default="sections.v1,sentences.v1",
    show_default=True,
    help="Analyzers the --scale batch runs (comma-separated; the encoder makes 100k take hours).",
)
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="--scale workers."
)
@click.option(
    "--encode-leads",
    is_flag=True,
    help="--scale: encode every lead for clustering (default: synthetic lead vectors).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def bench(
    ctx: click.Context,
    paths: tuple[str, ...],
    articles: int,
    scale: str | None,
    scale_pipeline: str,
    workers: int,
    encode_leads: bool,
    as_json: bool,
) -> None:
    """Articles/s and peak memory per pipeline step, with the encoder pass as the floor."""
    from newsprism.bench import run_bench

    if scale is not None:
        from newsprism.bench_scale import parse_scales, run_scale_bench

        names = [n.strip() for n in scale_pipeline.split(",") if n.strip()]
        log = None if as_json else err_console.print
        scaled = run_scale_bench(
            parse_scales(scale),
            _config(ctx),
            names,
            workers=workers,
            encode_leads=encode_leads,
            log=log,
        )
        if as_json:
            _emit_json(scaled.to_dict())
        else:
            out_console.print(scaled.to_table())
        return
    result = run_bench(list(paths) or None, _config(ctx), articles=articles)
    if as_json:
        _emit_json(result.to_dict())
    else:
        out_console.print(result.to_table())


# -- models -------------------------------------------------------------------------------------


@main.group()
def models() -> None:
    """The shared encoder and the trained heads."""


@models.command("prepare")
@click.option("--force", is_flag=True, help="Export again even when the cache is current.")
def models_prepare(force: bool) -> None:
    """Verify the MiniLM files by sha256 and export the ONNX encoder into the user cache."""
    from newsprism.models.minilm import prepare

    path = prepare(force=force, log=lambda line: err_console.print(line, markup=False))
    out_console.print(f"encoder ready: {path}", markup=False)


@main.command("analyzers")
@click.option("--json", "as_json", is_flag=True)
def list_analyzers(as_json: bool) -> None:
    """List registered analyzers with what they require and produce."""
    from newsprism.registry import registered

    rows = [
        {
            "name": name,
            "requires": list(cls.requires),
            "produces": list(cls.produces),
            "model_version": cls.model_version,
        }
        for name, cls in registered().items()
    ]
    if as_json:
        _emit_json(rows)
        return
    for row in rows:
        out_console.print(
            f"{row['name']:<18} requires {', '.join(row['requires']) or '-':<32} "
            f"produces {', '.join(row['produces'])}",
            markup=False,
        )


# -- eval ---------------------------------------------------------------------------------------


@main.group("eval")
def evaluate() -> None:
    """Score newsprism against labelled public data."""


@evaluate.command("sections")
@click.option(
    "--gold",
    "gold_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Gold sections JSON (default: the seeds' fixture shipped with the tests).",
)
@click.option(
    "--input",
    "input_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Analysed JSONL to score (default: analyse the gold files).",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_sections(
    ctx: click.Context, gold_path: str | None, input_path: str | None, as_json: bool
) -> None:
    """Body-character F1 and comment matching against gold sections."""
    from newsprism.evaluate.sections_run import evaluate_sections, sections_table

    scores = evaluate_sections(_config(ctx), gold_path, input_path)
    if as_json:
        _emit_json(scores.to_dict())
    else:
        out_console.print(sections_table(scores))


@evaluate.command("polnear")
@click.option("--split", default="dev", show_default=True, type=click.Choice(["train", "dev"]))
@click.option("--limit", default=None, type=click.IntRange(1), help="Score the first N articles.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_polnear_cmd(ctx: click.Context, split: str, limit: int | None, as_json: bool) -> None:
    """Attribution content (exact, overlap, IoU >= 0.5), cue and source P/R/F1 on PolNeAR."""
    from newsprism.evaluate.polnear import default_analyze, eval_polnear, format_scores

    scores = eval_polnear(split, limit=limit, analyze=default_analyze(_config(ctx)))
    if as_json:
        _emit_json(scores)
    else:
        click.echo(format_scores(scores))


@evaluate.command("conll")
@click.option(
    "--split", default="dev", show_default=True, type=click.Choice(["train", "dev", "test"])
)
@click.option(
    "--limit", default=None, type=click.IntRange(1), help="Score the first N sentences (documents)."
)
@click.option(
    "--documents",
    is_flag=True,
    help="Run entities.v1 over whole documents: the tagger and its document-level repairs.",
)
@click.option("--json", "as_json", is_flag=True)
def eval_conll_cmd(split: str, limit: int | None, documents: bool, as_json: bool) -> None:
    """Per-type P/R/F1 of the entity head on CoNLL-2003."""
    from newsprism.evaluate.conll import eval_conll, eval_conll_documents, format_scores

    scores = eval_conll_documents(split, limit) if documents else eval_conll(split, limit=limit)
    if as_json:
        _emit_json(scores)
    else:
        click.echo(format_scores(scores))


# -- export -------------------------------------------------------------------------------------


@main.group()
def export() -> None:
    """Write analysed documents in other tools' formats."""


@export.command("brat")
@click.argument("out_dir", type=click.Path(file_okay=False))
@input_option
@click.option("--no-entities", is_flag=True, help="Attributions only.")
def export_brat_cmd(out_dir: str, input_path: str, no_entities: bool) -> None:
    """brat stand-off: one .txt and .ann per document (Source/Cue/Content, Attribution events)."""
    from newsprism.exports.brat import export_brat

    count = export_brat(load_jsonl(input_path), Path(out_dir), entities=not no_entities)
    err_console.print(f"wrote {count} documents to {out_dir}", markup=False)


@export.command("labelstudio")
@click.argument("out_path", type=click.Path(dir_okay=False))
@input_option
def export_labelstudio_cmd(out_path: str, input_path: str) -> None:
    """Label Studio tasks JSON with pre-annotations (entities, attributions and relations)."""
    from newsprism.exports.labelstudio import export_labelstudio

    count = export_labelstudio(load_jsonl(input_path), Path(out_path))
    err_console.print(f"wrote {count} tasks to {out_path}", markup=False)


# -- commands defined in newsprism.commands.* (one module per area) ----------------------------

export.add_command(events_commands.export_geojson)
export.add_command(events_commands.export_events_csv)
evaluate.add_command(events_commands.eval_events)
main.add_command(web_commands.serve)
main.add_command(corpus_commands.stories)
main.add_command(corpus_commands.conflicts)
evaluate.add_command(corpus_commands.eval_stories)
main.add_command(trust_commands.sources)
main.add_command(trust_commands.trust)
evaluate.add_command(trust_commands.eval_fakes)
evaluate.add_command(trust_commands.eval_checkworthy)
main.add_command(train_commands.train)
main.add_command(propaganda_commands.propaganda)
evaluate.add_command(propaganda_commands.eval_ptc)
train_commands.train.add_command(propaganda_commands.train_propaganda)


def run(argv: Sequence[str] | None = None) -> int:
    """Entry point for tests: run the CLI and return its exit code instead of exiting."""
    try:
        main.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except SystemExit as stop:
        return int(stop.code or 0)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return 0
