"""Build a checked sequence of analyzers and run documents through it in batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from newsprism import __version__
from newsprism.config import Config
from newsprism.document import Document
from newsprism.errors import Code, NewsprismError
from newsprism.registry import Analyzer, Item, get_analyzer, registered

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
        """Analyse documents, `batch_size` at a time (so the encoder sees full batches)."""
        batch: list[Item] = []
        for doc in docs:
            batch.append(Item(doc))
            if len(batch) >= batch_size:
                yield from (item.doc for item in self.run_items(batch))
                batch = []
        if batch:
            yield from (item.doc for item in self.run_items(batch))

    def analyze(self, doc: Document) -> Document:
        """Analyse one document."""
        return self.run_items([Item(doc)])[0].doc


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
