"""`newsprism demo`: analyse the embedded sample (and the seeds when present) into a database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from newsprism.analyzers.comments import reader_comments
from newsprism.config import Config
from newsprism.report import safe_text
from newsprism.wording import counted


@dataclass(slots=True)
class DemoSummary:
    """What the demo stored, per document, and what to try next."""

    db_path: str
    run: dict[str, Any]
    documents: list[dict[str, Any]] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    corpus: dict[str, Any] = field(default_factory=dict)
    """The cross-source analysis summary (stories, duplicates, conflicts by kind)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "db": self.db_path,
            "run": self.run,
            "documents": self.documents,
            "next": self.next_steps,
            "corpus": self.corpus,
        }

    def render(self) -> RenderableType:
        """A table of stored documents and the suggested next commands."""
        table = Table(title=f"newsprism demo -> {self.db_path}", expand=True)
        # The counts keep their width and one text column takes the rest, the id and outlet
        # above the title: in an 80-column terminal a title column had a few letters a line
        # and an outlet column four ("Mer…").
        table.add_column("document (id · outlet, title)")
        for column in ("claims", "techniques", "events", "comments", "trust"):
            table.add_column(column, justify="right", no_wrap=True, min_width=len(column))
        for doc in self.documents:
            layers = doc["layers"]
            trust = doc.get("trust")
            document = safe_text(doc["id"], 60)
            document.stylize("bold")
            outlet = doc.get("outlet")
            if outlet:
                document.append(" · ", style="dim")
                document.append_text(safe_text(str(outlet), 40))
            title = doc.get("title")
            if title:
                document.append("\n")
                document.append_text(safe_text(str(title), 60))
            table.add_row(
                document,
                str(layers.get("attributions", 0)),
                str(doc["techniques"]),
                str(layers.get("events", 0)),
                str(doc.get("comments", 0)),
                f"{trust:.2f}" if isinstance(trust, int | float) else "",
            )
        run = self.run
        head = Text(
            f"read {run['read']}, analysed {run['analyzed']}, skipped {run['skipped']} "
            f"(already stored), failed {run['failed']}"
        )
        if self.corpus:
            kinds = self.corpus.get("conflicts") or {}
            head.append(
                f"\nacross outlets: {counted(self.corpus.get('stories'), 'story', 'stories')} "
                f"({self.corpus.get('multi_article_stories')} with several articles), "
                f"{counted(self.corpus.get('duplicates'), 'republication')}; conflicts: "
                + (", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "none")
            )
        steps = Text("Try next:\n" + "\n".join(f"  {s}" for s in self.next_steps), style="cyan")
        return Group(head, table, steps)


def run_demo(config: Config, db_path: Path, log: Callable[[str], Any] | None = None) -> DemoSummary:
    """Batch-analyse the sample into `db_path` and summarise what was stored."""
    from newsprism.corpus.batch import run_batch
    from newsprism.corpus.store import Store
    from newsprism.samples import sample_inputs

    inputs = sample_inputs(include_seeds=True)
    if log:
        log(f"newsprism demo: analysing {len(inputs)} sample files into {db_path}")
    summary = run_batch(inputs, db_path, config, workers=1)
    from newsprism.corpus.analysis import analyze_corpus

    corpus = analyze_corpus(db_path, config, progress=log)
    documents: list[dict[str, Any]] = []
    with Store(db_path, readonly=True) as store:
        for doc in store.iter_documents():
            layers = Counter({name: len(spans) for name, spans in doc.layers.items()})
            documents.append(
                {
                    "id": doc.id,
                    "title": doc.title,
                    "outlet": doc.meta.get("outlet"),
                    "published": doc.meta.get("published"),
                    "layers": dict(layers),
                    "comments": len(reader_comments(doc)),
                    # The story's own spans: those in reader comments are no article's.
                    "techniques": doc.scores.get("propaganda_density", {}).get(
                        "spans", layers.get("propaganda", 0)
                    ),
                    "trust": doc.scores.get("trust", {}).get("value"),
                }
            )
    first = documents[0]["id"] if documents else "ID"
    db = str(db_path)
    next_steps = [
        f"newsprism show {first} --db {db}",
        f'newsprism search "hospital" --db {db}',
        f"newsprism stories --db {db}",
        f"newsprism conflicts --db {db}",
        f"newsprism trust --db {db}",
        f"newsprism serve {db}    (then open http://127.0.0.1:8000)",
        f"newsprism analyze {inputs[0]}",
        f"newsprism analyze {inputs[0]} -o out.jsonl",
        "newsprism bench",
    ]
    return DemoSummary(db, summary.to_dict(), documents, next_steps, corpus.to_dict())
