"""The Document contract: immutable text, metadata, layers of stand-off spans, JSON in and out.

This module imports nothing of the package (DESIGN.md: `document.py` sits at the bottom of the
import graph). A `Document` is never changed in place: analyzers call `with_layer` / `with_score`
/ `with_version` and get a new one. Offsets are Python `str` indices over `text`, end exclusive.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import IO, Any, TypeAlias

JSONValue: TypeAlias = Any
"""A value that `json.dumps` accepts: None, bool, int, float, str, lists and str-keyed dicts."""

META_KEYS = ("title", "url", "outlet", "published", "authors", "language")
"""The metadata keys every reader fills when it can (others, such as `encoding`, may follow)."""

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class SpanError(ValueError):
    """A span whose offsets, label or score break the contract."""


def _freeze_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only shallow copy, so that a caller's later edits cannot reach a frozen object."""
    if not value:
        return _EMPTY
    return MappingProxyType(dict(value))


def _thaw(value: Any) -> Any:
    """Turn read-only mappings (and tuples) back into plain JSON containers for serialisation."""
    if isinstance(value, Mapping):
        return {str(k): _thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_thaw(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Span:
    """One labelled stretch `[start, end)` of a document's text.

    `id` is unique within its document once the span is in a layer (the layer assigns
    `"<layer>.<n>"` when the analyzer left it empty); other spans link to it through `attrs`.
    """

    start: int
    end: int
    label: str
    score: float | None = None
    attrs: Mapping[str, JSONValue] = field(default_factory=lambda: _EMPTY)
    id: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.start, bool) or isinstance(self.end, bool):
            raise SpanError(f"span offsets must be integers, got {self.start!r}, {self.end!r}")
        if not isinstance(self.start, int) or not isinstance(self.end, int):
            raise SpanError(f"span offsets must be integers, got {self.start!r}, {self.end!r}")
        if self.start < 0 or self.end < self.start:
            raise SpanError(f"span [{self.start}, {self.end}) is not a valid range")
        if not isinstance(self.label, str) or not self.label:
            raise SpanError(f"span [{self.start}, {self.end}) needs a non-empty string label")
        if self.score is not None:
            score = float(self.score)
            if math.isnan(score) or not 0.0 <= score <= 1.0:
                raise SpanError(f"span score must lie in [0, 1], got {self.score!r}")
            object.__setattr__(self, "score", score)
        object.__setattr__(self, "attrs", _freeze_mapping(self.attrs))

    @property
    def length(self) -> int:
        """Number of characters covered."""
        return self.end - self.start

    def text_in(self, text: str) -> str:
        """The characters this span covers in `text` (derived, never stored)."""
        return text[self.start : self.end]

    def with_id(self, span_id: str) -> Span:
        """A copy carrying `span_id`."""
        return Span(self.start, self.end, self.label, self.score, self.attrs, span_id)

    def to_dict(self) -> dict[str, JSONValue]:
        """The contract's JSON object for one span."""
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "score": self.score,
            "attrs": _thaw(self.attrs),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, JSONValue]) -> Span:
        """Inverse of `to_dict`; raises `SpanError` on a malformed object."""
        try:
            return cls(
                start=data["start"],
                end=data["end"],
                label=data["label"],
                score=data.get("score"),
                attrs=data.get("attrs") or {},
                id=data.get("id") or "",
            )
        except KeyError as missing:
            raise SpanError(f"span object lacks {missing}") from None


Layer: TypeAlias = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """An article: the text exactly as decoded, its metadata, layers, scores and versions."""

    id: str
    text: str
    meta: Mapping[str, JSONValue] = field(default_factory=lambda: _EMPTY)
    layers: Mapping[str, Layer] = field(default_factory=lambda: _EMPTY)
    scores: Mapping[str, Mapping[str, JSONValue]] = field(default_factory=lambda: _EMPTY)
    versions: Mapping[str, JSONValue] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise SpanError("a document needs a non-empty string id")
        if not isinstance(self.text, str):
            raise SpanError(f"document {self.id!r}: text must be a str")
        object.__setattr__(self, "meta", _freeze_mapping(self.meta))
        checked: dict[str, Layer] = {}
        for name, spans in (self.layers or {}).items():
            checked[name] = self._checked_layer(name, spans)
        object.__setattr__(self, "layers", MappingProxyType(checked) if checked else _EMPTY)
        scores = {name: _freeze_mapping(value) for name, value in (self.scores or {}).items()}
        for name, value in scores.items():
            if "value" not in value:
                raise SpanError(f"document {self.id!r}: score {name!r} needs a 'value'")
        object.__setattr__(self, "scores", MappingProxyType(scores) if scores else _EMPTY)
        object.__setattr__(self, "versions", _freeze_mapping(self.versions))

    def _checked_layer(self, name: str, spans: Iterable[Span]) -> Layer:
        """Bounds-check spans against the text and give every span a document-unique id."""
        if not name or not isinstance(name, str):
            raise SpanError(f"document {self.id!r}: layer names must be non-empty strings")
        out: list[Span] = []
        seen: set[str] = set()
        size = len(self.text)
        for index, span in enumerate(spans):
            if not isinstance(span, Span):
                raise SpanError(f"layer {name!r} holds a {type(span).__name__}, not a Span")
            if span.end > size:
                raise SpanError(
                    f"document {self.id!r}: {name} span [{span.start}, {span.end}) "
                    f"runs past the text ({size} characters)"
                )
            if not span.id:
                span = span.with_id(f"{name}.{index}")
            if span.id in seen:
                raise SpanError(f"document {self.id!r}: duplicate span id {span.id!r} in {name}")
            seen.add(span.id)
            out.append(span)
        return tuple(out)

    # -- reading -------------------------------------------------------------------------------

    def layer(self, name: str) -> Layer:
        """The spans of layer `name` (empty when the layer is absent)."""
        return self.layers.get(name, ())

    def span_text(self, span: Span) -> str:
        """The characters a span covers."""
        return self.text[span.start : span.end]

    def find_span(self, span_id: str) -> Span | None:
        """The span with id `span_id` in any layer, or None."""
        layer_name = span_id.rsplit(".", 1)[0]
        for span in self.layers.get(layer_name, ()):
            if span.id == span_id:
                return span
        for spans in self.layers.values():
            for span in spans:
                if span.id == span_id:
                    return span
        return None

    @property
    def title(self) -> str | None:
        """`meta.title` when it is a string."""
        value = self.meta.get("title")
        return value if isinstance(value, str) else None

    # -- deriving (the only way to "change" a document) -------------------------------------------

    def with_layer(self, name: str, spans: Iterable[Span]) -> Document:
        """A new document with layer `name` set to `spans` (replacing any layer of that name)."""
        layers = dict(self.layers)
        layers[name] = tuple(spans)
        return Document(self.id, self.text, self.meta, layers, self.scores, self.versions)

    def with_score(self, name: str, value: Mapping[str, JSONValue]) -> Document:
        """A new document with document-level score `name` (an object holding at least `value`)."""
        scores = dict(self.scores)
        scores[name] = value
        return Document(self.id, self.text, self.meta, self.layers, scores, self.versions)

    def with_meta(self, **updates: JSONValue) -> Document:
        """A new document with metadata keys updated."""
        meta = dict(self.meta)
        meta.update(updates)
        return Document(self.id, self.text, meta, self.layers, self.scores, self.versions)

    def with_versions(self, versions: Mapping[str, JSONValue]) -> Document:
        """A new document whose `versions` object is `versions`."""
        return Document(self.id, self.text, self.meta, self.layers, self.scores, versions)

    # -- JSON -----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, JSONValue]:
        """The contract's JSON object: id, text, meta, layers, scores, versions."""
        return {
            "id": self.id,
            "text": self.text,
            "meta": _thaw(self.meta),
            "layers": {name: [s.to_dict() for s in spans] for name, spans in self.layers.items()},
            "scores": _thaw(self.scores),
            "versions": _thaw(self.versions),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, JSONValue]) -> Document:
        """Inverse of `to_dict`; raises `SpanError` on a malformed object."""
        if not isinstance(data, Mapping):
            raise SpanError("a document must be a JSON object")
        try:
            layers_in = data.get("layers")
            layers_in = {} if layers_in is None else layers_in
            if not isinstance(layers_in, Mapping):
                raise SpanError("'layers' must be an object of span lists")
            layers = {
                name: tuple(Span.from_dict(s) for s in spans) for name, spans in layers_in.items()
            }
            return cls(
                id=data["id"],
                text=data["text"],
                meta=data.get("meta") or {},
                layers=layers,
                scores=data.get("scores") or {},
                versions=data.get("versions") or {},
            )
        except KeyError as missing:
            raise SpanError(f"document object lacks {missing}") from None
        except (TypeError, AttributeError) as bad:
            raise SpanError(f"malformed document object: {bad}") from None

    def to_json(self) -> str:
        """One line of JSON (no raw newlines: safe as a JSONL record)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_json(cls, line: str) -> Document:
        """Parse one JSON object into a Document."""
        return cls.from_dict(json.loads(line))


def write_jsonl(documents: Iterable[Document], stream: IO[str]) -> int:
    """Write one JSON object per line; returns how many documents were written."""
    count = 0
    for doc in documents:
        stream.write(doc.to_json())
        stream.write("\n")
        count += 1
    return count


def iter_jsonl_documents(stream: IO[str]) -> Iterator[Document]:
    """Read Documents written by `write_jsonl`, skipping blank lines."""
    for _, line in iter_jsonl_records(stream):
        yield Document.from_json(line)


def iter_jsonl_records(stream: IO[str]) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) of every non-blank line of a JSONL stream.

    Only '\\n' ends a record: `json.dumps` escapes CR and LF inside strings, and splitting on
    other Unicode line breaks (as `str.splitlines` does) would cut records containing U+2028.
    """
    buffer = ""
    number = 0
    while chunk := stream.read(1 << 16):
        buffer += chunk
        *lines, buffer = buffer.split("\n")
        for line in lines:
            number += 1
            if line.strip():
                yield number, line
    if buffer.strip():
        yield number + 1, buffer


def spans_cover(spans: Sequence[Span], size: int) -> bool:
    """True when `spans` tile `[0, size)` exactly: sorted, no gaps, no overlaps."""
    position = 0
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.start != position:
            return False
        position = span.end
    return position == size
