"""Versioned analyzers: registration by name (`sections.v1`), entry points for third parties.

An analyzer declares the layers (and features) it `requires` and `produces`; `pipeline.py`
checks an order against those declarations when the pipeline is built. Built-in analyzers are
registered through the same path as third-party ones: the `newsprism.analyzers` entry point group
and the `register` decorator both fill `_REGISTRY`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar, TypeVar

from newsprism.config import Config
from newsprism.document import Document
from newsprism.errors import Code, NewsprismError

FEATURE_PREFIX = "feature:"
"""Requirements that are per-batch arrays (e.g. `feature:encoder`), not JSON layers."""

BUILTIN_MODULES = (
    "newsprism.analyzers.sections",
    "newsprism.analyzers.sentences",
    "newsprism.analyzers.encoder",
    "newsprism.analyzers.entities",
    "newsprism.analyzers.attributions",
    "newsprism.analyzers.propaganda",
    "newsprism.analyzers.events",
    "newsprism.analyzers.checkworthy",
    "newsprism.analyzers.comments",
    "newsprism.analyzers.trust",
)
"""Modules whose import registers the built-in analyzers (imported lazily, on first lookup)."""


@dataclass(slots=True)
class Item:
    """A document travelling through a pipeline, with the unserialised features it gathered.

    `features` holds what analyzers share but the JSON does not carry, such as the encoder's
    token and sentence vectors; it lives only for one pipeline run.
    """

    doc: Document
    features: dict[str, Any] = field(default_factory=dict)


class Analyzer:
    """Base class: subclasses set the class attributes and override `analyze` or `process`."""

    name: ClassVar[str] = ""
    """Versioned name, e.g. `sections.v1`."""
    requires: ClassVar[tuple[str, ...]] = ()
    produces: ClassVar[tuple[str, ...]] = ()
    model_version: ClassVar[str] = "rules"
    """Version of any trained artefact (or `rules`); recorded in `Document.versions`."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        """Return `doc` with this analyzer's layers added (one document at a time)."""
        raise NotImplementedError(f"{type(self).__name__} implements neither analyze nor process")

    def process(self, items: list[Item]) -> list[Item]:
        """Analyse a batch; the default calls `analyze` per item. Batched analyzers override it."""
        for item in items:
            item.doc = self.analyze(item.doc, item.features)
        return items


A = TypeVar("A", bound=type[Analyzer])

_REGISTRY: dict[str, type[Analyzer]] = {}
_loaded = False


def register(cls: A) -> A:
    """Class decorator: register an analyzer under its `name`."""
    if not cls.name or "." not in cls.name:
        raise ValueError(f"{cls.__name__}.name must be versioned, like 'sections.v1'")
    _REGISTRY[cls.name] = cls
    return cls


def _load_all() -> None:
    """Import built-ins and entry points once, so that their `register` calls run."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    for ep in entry_points(group="newsprism.analyzers"):
        loaded: Callable[..., Any] | type[Analyzer] = ep.load()
        if isinstance(loaded, type) and issubclass(loaded, Analyzer):
            _REGISTRY.setdefault(loaded.name, loaded)


def get_analyzer(name: str) -> type[Analyzer]:
    """The analyzer class registered as `name` (E202 when unknown)."""
    _load_all()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise NewsprismError(Code.UNKNOWN_ANALYZER, name, f"known: {known}") from None


def registered() -> dict[str, type[Analyzer]]:
    """Every registered analyzer by name."""
    _load_all()
    return dict(sorted(_REGISTRY.items()))
