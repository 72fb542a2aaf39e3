"""Commands for reported events: `export geojson`, `export events-csv`, `eval events`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsprism.commands.common import emit_json, err_console, input_option, load_jsonl


@click.command("geojson")
@input_option
@click.option("-o", "--output", default="-", show_default=True, help="GeoJSON file (- = stdout).")
def export_geojson(input_path: str, output: str) -> None:
    """One GeoJSON Feature per located event, with its properties (GeoNames CC-BY)."""
    import json

    from newsprism.exports.geojson import event_features, to_geojson

    docs = load_jsonl(input_path)
    collection = to_geojson(docs)
    _, unlocated = event_features(docs)
    text = json.dumps(collection, ensure_ascii=False, indent=2)
    if output == "-":
        click.echo(text)
    else:
        Path(output).write_text(text + "\n", encoding="utf-8")
    err_console.print(
        f"{len(collection['features'])} located events ({unlocated} without coordinates left out)",
        markup=False,
    )


@click.command("events-csv")
@input_option
@click.option("-o", "--output", default="-", show_default=True, help="CSV file (- = stdout).")
def export_events_csv(input_path: str, output: str) -> None:
    """ACLED-like CSV: event_date, event_type, actor1, actor2, location, latitude, ..."""
    from newsprism.exports.events_csv import write_events_csv

    docs = load_jsonl(input_path)
    if output == "-":
        count = write_events_csv(docs, sys.stdout)
    else:
        with open(output, "w", encoding="utf-8", newline="") as stream:
            count = write_events_csv(docs, stream)
    err_console.print(f"wrote {count} events", markup=False)


@click.command("events")
@click.option(
    "--gold",
    "gold_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Gold events JSON (format: see newsprism.evaluate.events).",
)
@input_option
@click.option("--json", "as_json", is_flag=True)
def eval_events(gold_path: str, input_path: str, as_json: bool) -> None:
    """Event recall/precision, place, date and counts accuracy against gold events."""
    from newsprism.evaluate.events import load_gold, score_events

    scores = score_events(load_gold(gold_path), load_jsonl(input_path))
    if as_json:
        emit_json(scores)
        return

    def fmt(key: str) -> str:
        value = scores.get(key)
        return "n/a" if value is None else f"{value:.3f}"

    click.echo(
        f"events: recall {fmt('recall')} precision {fmt('precision')} f1 {fmt('f1')}\n"
        f"place accuracy {fmt('place_accuracy')}  date accuracy {fmt('date_accuracy')}  "
        f"counts exact {fmt('counts_exact')}"
    )
