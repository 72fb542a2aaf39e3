"""Build a checked sequence of analyzers and run documents through it in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from newsprism import __version__
from newsprism.config import Config
from newsprism.document import Document
from newsprism.errors import Code, NewsprismError
from newsprism.registry import Analyzer, Item, get_analyzer, registered

T = TypeVar("T")

BASE_PROVIDED = frozenset({"text", "meta"})


@dataclass(frozen=True, slots=True)
class Pipeline:
    """An ordered, checked list of analyzer instances sharing one config."""

    analyzers: tuple[Analyzer, ...]
    config: Config

    @property
    def names(self) -> tuple[str, ...]:
        """The versioned analyzer names in order."""
        return tuple(a.name for a in self.analyzers)

    def versions(self) -> dict[str, object]:
        """The `versions` object recorded in each output document."""
        return {
            "newsprism": __version__,
            "config": self.config.hash,
            "analyzers": {a.name: a.model_version for a in self.analyzers},
        }

    def run_items(self, items: list[Item]) -> list[Item]:
        """Run every analyzer over a batch of items; analyzers may batch internally."""
        for analyzer in self.analyzers:
            items = analyzer.process(items)
        versions = self.versions()
        for item in items:
            item.doc = item.doc.with_versions(versions)
        return items

    def run(self, docs: Iterable[Document], batch_size: int = 16) -> Iterator[Document]:
        """Analyse documents, `batch_size` at a time (so the encoder sees full batches) and at
        most `batch.chunk_chars` characters at a time (memory follows the characters)."""
        for chunk in chunks_within(docs, batch_size, self.config.batch.chunk_chars, text_length):
            yield from (item.doc for item in self.run_items([Item(doc) for doc in chunk]))

    def analyze(self, doc: Document) -> Document:
        """Analyse one document."""
        return self.run_items([Item(doc)])[0].doc


def chunks_within(
    items: Iterable[T], size: int, max_chars: int, chars: Callable[[T], int]
) -> Iterator[list[T]]:
    """Consecutive lists of `items`, each of at most `size` items and, unless one item is longer
    alone, `max_chars` characters (`chars(item)` each). Memory follows the characters a chunk
    holds: every token's encoder vectors are held until the chunk is analysed. A list goes as
    soon as it is full, so a stream is analysed as it comes."""
    size, max_chars = max(1, size), max(1, max_chars)
    chunk: list[T] = []
    total = 0
    for item in items:
        length = chars(item)
        if chunk and total + length > max_chars:
            yield chunk
            chunk, total = [], 0
        chunk.append(item)
        total += length
        if len(chunk) >= size or total >= max_chars:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


def text_length(doc: Document) -> int:
    """Characters of a document's text (what `chunks_within` counts)."""
    return len(doc.text)


def check_order(names: Sequence[str]) -> None:
    """Raise E201 naming what is missing when an analyzer's requirements come too late."""
    provided = set(BASE_PROVIDED)
    for name in names:
        cls = get_analyzer(name)
        missing = [r for r in cls.requires if r not in provided]
        if missing:
            producers = {
                r: [n for n, c in registered().items() if r in c.produces] for r in missing
            }
            hint = "; ".join(
                f"{r} (produced by {', '.join(p) or 'nothing registered'})"
                for r, p in producers.items()
            )
            raise NewsprismError(Code.PIPELINE_ORDER, name, f"it requires {hint} first")
        provided.update(cls.produces)


def resolve(targets: Sequence[str], default: Sequence[str]) -> list[str]:
    """Analyzer names needed to produce layers `targets`, in the default order.

    `--only entities` keeps the analyzers producing `entities` plus everything they require.
    """
    catalogue = registered()
    wanted: set[str] = set()

    def need(layer: str) -> None:
        producers = [n for n in default if layer in catalogue[n].produces] or [
            n for n, c in catalogue.items() if layer in c.produces
        ]
        if not producers:
            raise NewsprismError(Code.BAD_USAGE, layer, "no analyzer produces this layer")
        name = producers[0]
        if name in wanted:
            return
        wanted.add(name)
        for req in catalogue[name].requires:
            if req not in BASE_PROVIDED:
                need(req)

    for target in targets:
        need(target)
    order = [n for n in default if n in wanted] + sorted(wanted - set(default))
    return order


def build_pipeline(
    config: Config, names: Sequence[str] | None = None, only: Sequence[str] | None = None
) -> Pipeline:
    """A checked pipeline: `names` as given, or the default restricted to layers `only`."""
    if names is None:
        default = list(config.pipeline.default)
        names = resolve(only, default) if only else default
    check_order(names)
    return Pipeline(tuple(get_analyzer(n)(config) for n in names), config)
