"""Export attributions and entities as Label Studio tasks with pre-annotations (JSON).

One task per document: `data.text` holds the text, `predictions[0].result` holds labelled spans
(Source, Cue, Content, entity labels) and `relation` items joining each cue to its content and
source, which Label Studio shows as arrows. Offsets are Python `str` indices, as Label Studio
counts JavaScript characters only for astral code points; ours stay the contract's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsprism.document import Document

LABEL_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="Source"/><Label value="Cue"/><Label value="Content"/>
    <Label value="PERSON"/><Label value="ORG"/><Label value="GPE"/><Label value="LOC"/>
    <Label value="NORP"/><Label value="DATE"/><Label value="QUANTITY"/>
  </Labels>
  <Relations><Relation value="content"/><Relation value="source"/></Relations>
  <Text name="text" value="$text"/>
</View>"""
"""The labelling interface these tasks fit (paste into the project's settings)."""


def _region(region_id: str, label: str, text: str, start: int, end: int) -> dict[str, Any]:
    return {
        "id": region_id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
    }


def _relation(source: str, target: str, label: str) -> dict[str, Any]:
    return {
        "from_id": source,
        "to_id": target,
        "type": "relation",
        "direction": "right",
        "labels": [label],
    }


def document_task(doc: Document) -> dict[str, Any]:
    """One Label Studio task for `doc`."""
    result: list[dict[str, Any]] = []
    text = doc.text
    for n, span in enumerate(doc.layer("attributions")):
        attrs = span.attrs
        cue = attrs.get("cue") or [span.start, span.start]
        content = attrs.get("content") or [span.start, span.end]
        cue_id, content_id = f"a{n}-cue", f"a{n}-content"
        result.append(_region(cue_id, "Cue", text, int(cue[0]), int(cue[1])))
        result.append(_region(content_id, "Content", text, int(content[0]), int(content[1])))
        result.append(_relation(cue_id, content_id, "content"))
        source = attrs.get("source")
        if source:
            source_id = f"a{n}-source"
            result.append(_region(source_id, "Source", text, int(source[0]), int(source[1])))
            result.append(_relation(cue_id, source_id, "source"))
    for n, span in enumerate(doc.layer("entities")):
        result.append(_region(f"e{n}", span.label, text, span.start, span.end))
    analyzers = doc.versions.get("analyzers")
    model = "newsprism"
    if isinstance(analyzers, dict) and analyzers:
        model = ",".join(f"{k}={v}" for k, v in sorted(analyzers.items()))
    return {
        "data": {"text": text, "id": doc.id, "title": doc.title or ""},
        "predictions": [{"model_version": model, "result": result}],
    }


def export_labelstudio(docs: Iterable[Document], out_path: Path) -> int:
    """Write a JSON list of tasks to `out_path`; returns the number of tasks."""
    tasks = [document_task(doc) for doc in docs]
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8") as handle:
        json.dump(tasks, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return len(tasks)
