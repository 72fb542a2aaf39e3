"""Fingerprints that decide whether a stored analysis is current: content hash and config hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from newsprism import __version__
from newsprism.config import Config
from newsprism.document import Document, JSONValue
from newsprism.registry import Analyzer


def _plain(value: Any) -> Any:
    """Read-only mappings and tuples turned into plain JSON containers."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _canonical(value: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, non-ASCII kept (stable across runs).

    `surrogatepass` because a JSONL input may carry lone surrogates: it must still hash (the
    store then refuses it with E406, which is recorded like any per-document failure).
    """
    return json.dumps(
        _plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8", "surrogatepass")


def content_hash(doc: Document) -> str:
    """sha256 over the document's text and meta: what the reader produced, before analysis."""
    payload = {"text": doc.text, "meta": doc.meta}
    return hashlib.sha256(_canonical(payload)).hexdigest()


def pipeline_versions(config: Config, analyzers: Sequence[type[Analyzer]]) -> dict[str, Any]:
    """The `versions` object a pipeline of these analyzer classes records (see Pipeline.versions).

    Computed from the classes, so the batch's main process never instantiates an analyzer (the
    encoder would load its model there for nothing when workers do the analysis).
    """
    return {
        "newsprism": __version__,
        "config": config.hash,
        "analyzers": {cls.name: cls.model_version for cls in analyzers},
    }


def config_hash(versions: Mapping[str, JSONValue]) -> str:
    """sha256 (first 16 hex digits) of a `versions` object, analyzer order included.

    It covers the package version, `config.hash` and every analyzer's name and model version, so
    a changed option, a new model or a new release re-analyses documents in a resumed batch.
    """
    analyzers = versions.get("analyzers")
    order = list(analyzers) if isinstance(analyzers, Mapping) else []
    payload = {"versions": versions, "order": order}
    return hashlib.sha256(_canonical(payload)).hexdigest()[:16]
