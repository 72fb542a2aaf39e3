"""Test analyzers for the corpus tests, and a batch entry point the kill test runs as a process.

Run as `python batch_child.py DB INPUT_DIR [WORKERS]`: it registers the test analyzers and runs
a batch over INPUT_DIR with them (slowed by NEWSPRISM_TEST_SLEEP seconds per document, so the
test can kill it part-way).
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsprism import registry
from newsprism.config import BatchOptions, Config, PipelineOptions
from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError, ReadFailure
from newsprism.registry import Analyzer, register

WORD = re.compile(r"\S+")


@register
class WordsAnalyzer(Analyzer):
    """Marks every word; long words get a score, capitalised ones an attr (overlapping pairs)."""

    name = "corpustest.words.v1"
    produces = ("words",)
    model_version = "test-1"

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        delay = float(os.environ.get("NEWSPRISM_TEST_SLEEP", "0"))
        if delay:
            time.sleep(delay)
        spans: list[Span] = []
        matches = list(WORD.finditer(doc.text))
        for match in matches:
            spans.append(
                Span(
                    match.start(),
                    match.end(),
                    "W",
                    min(1.0, len(match.group()) / 10),
                    {"upper": match.group()[:1].isupper()},
                )
            )
        # Overlapping bigram spans, linked to their words through attrs.
        for index in range(len(matches) - 1):
            spans.append(
                Span(
                    matches[index].start(),
                    matches[index + 1].end(),
                    "BI",
                    attrs={"parts": [f"words.{index}", f"words.{index + 1}"]},
                )
            )
        return doc.with_layer("words", spans).with_score(
            "word_count", {"value": len(matches), "evidence": []}
        )


@register
class FailAnalyzer(Analyzer):
    """Raises on documents containing EXPLODE (an analyzer bug the batch must survive)."""

    name = "corpustest.fail.v1"
    requires = ("words",)
    produces = ("checked",)

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        if "EXPLODE" in doc.text:
            raise ValueError("boom in the test analyzer")
        return doc.with_layer("checked", [])


def ensure_registry() -> None:
    """Let the registry work before the built-in analyzers exist (they are written in parallel)."""
    try:
        registry.registered()
    except ImportError:
        registry._loaded = True


def test_config(chunk_size: int = 4, extra: tuple[str, ...] = ()) -> Config:
    """A config whose default pipeline is the test analyzers."""
    ensure_registry()
    names = ("corpustest.words.v1", "corpustest.fail.v1", *extra)
    return Config(
        pipeline=PipelineOptions(default=names), batch=BatchOptions(chunk_size=chunk_size)
    )


test_config.__test__ = False  # type: ignore[attr-defined]


def read_txt_dir(folder: Path) -> Iterator[Document | ReadFailure]:
    """A tiny stand-in for `newsprism.readers.read_inputs` over a folder of .txt files."""
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if not data:
            yield ReadFailure(str(path), NewsprismError(Code.EMPTY, str(path)))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            yield ReadFailure(str(path), NewsprismError(Code.UNDECODABLE, str(path)))
            continue
        yield Document(path.stem, text, {"source": str(path)})


def main(argv: list[str]) -> int:
    from newsprism.corpus.batch import run_documents

    db, folder = argv[0], Path(argv[1])
    workers = int(argv[2]) if len(argv) > 2 else 1
    summary = run_documents(read_txt_dir(folder), db, test_config(), workers, inputs=[str(folder)])
    print(summary.to_dict())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
