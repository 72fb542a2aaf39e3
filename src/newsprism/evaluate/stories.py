"""Score stories and conflicts against a gold file: adjusted Rand index and conflict recall.

Gold file (JSON object):

    {
      "stories": {"DOC_ID": "STORY_LABEL", ...}          # or [{"id": ..., "articles": [...]}]
      "conflicts": [                                      # optional
        {"kind": "number", "a": {"doc": "DOC_ID", "start": 10, "end": 40},
                           "b": {"doc": "DOC_ID", "start": 5, "end": 30}},
        ...
      ]
    }

The ARI is computed over the documents the gold labels (a labelled document missing from the
predictions counts as a singleton). A gold conflict is found when a predicted conflict has the
same kind and the same pair of documents (either order) and, where the gold gives offsets, each
predicted span overlaps the gold span of its document. Spans are optional ("a": {"doc": ID}).
A gold conflict may list the predicted kinds it accepts ("accept": ["number", "actor"]): a
disagreement known to exist without knowing on what (FA-KES credible vs fake) is found by any.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from math import comb
from pathlib import Path
from typing import Any

from newsprism.errors import Code, NewsprismError


def adjusted_rand_index(gold: Mapping[str, str], predicted: Mapping[str, str]) -> float:
    """Hubert-Arabie ARI of two labellings over the keys of `gold`."""
    items = list(gold)
    n = len(items)
    if n < 2:
        return 1.0
    pred = {item: predicted.get(item, f"\x00single:{item}") for item in items}
    cells = Counter((gold[item], pred[item]) for item in items)
    rows = Counter(gold[item] for item in items)
    cols = Counter(pred[item] for item in items)
    index = sum(comb(c, 2) for c in cells.values())
    sum_rows = sum(comb(c, 2) for c in rows.values())
    sum_cols = sum(comb(c, 2) for c in cols.values())
    expected = sum_rows * sum_cols / comb(n, 2)
    maximum = (sum_rows + sum_cols) / 2
    if maximum == expected:
        # Both labellings are all singletons (or both one cluster): identical partitions.
        return 1.0 if index == maximum else 0.0
    return (index - expected) / (maximum - expected)


def _labels(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list):
        out: dict[str, str] = {}
        for number, story in enumerate(value):
            if not isinstance(story, Mapping) or not isinstance(story.get("articles"), list):
                raise NewsprismError(Code.BAD_GOLD, where, f"story {number} lacks 'articles'")
            for doc in story["articles"]:
                out[str(doc)] = str(story.get("id", number))
        return out
    raise NewsprismError(Code.BAD_GOLD, where, "'stories' must be an object or a list")


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and check a gold file (E100 missing, E504 malformed)."""
    where = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NewsprismError(Code.NOT_FOUND, where) from None
    except (ValueError, UnicodeDecodeError) as bad:
        raise NewsprismError(Code.BAD_GOLD, where, str(bad)[:200]) from None
    if not isinstance(data, Mapping) or "stories" not in data:
        raise NewsprismError(Code.BAD_GOLD, where, "expected an object with 'stories'")
    conflicts = data.get("conflicts") or []
    if not isinstance(conflicts, list):
        raise NewsprismError(Code.BAD_GOLD, where, "'conflicts' must be a list")
    for number, conflict in enumerate(conflicts):
        ok = isinstance(conflict, Mapping) and isinstance(conflict.get("kind"), str)
        ok = ok and all(
            isinstance(conflict.get(side), Mapping) and "doc" in conflict[side]
            for side in ("a", "b")
        )
        if not ok:
            raise NewsprismError(
                Code.BAD_GOLD, where, f"conflict {number} needs kind, a.doc, b.doc"
            )
    return {"stories": _labels(data["stories"], where), "conflicts": list(conflicts)}


def _overlaps(gold_side: Mapping[str, Any], start: int, end: int) -> bool:
    g0, g1 = gold_side.get("start"), gold_side.get("end")
    if not isinstance(g0, int) or not isinstance(g1, int):
        return True
    return start < g1 and g0 < end


def _matches(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    accept = gold.get("accept")
    kinds = accept if isinstance(accept, list) else [gold["kind"]]
    if pred["kind"] not in kinds:
        return False
    ga, gb, pa, pb = gold["a"], gold["b"], pred["a"], pred["b"]
    for x, y in ((pa, pb), (pb, pa)):
        if (
            str(ga["doc"]) == x["doc"]
            and str(gb["doc"]) == y["doc"]
            and _overlaps(ga, x["start"], x["end"])
            and _overlaps(gb, y["start"], y["end"])
        ):
            return True
    return False


def score_stories(
    gold: Mapping[str, Any],
    stories: Sequence[Mapping[str, Any]],
    conflicts: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """ARI of the predicted stories and recall of the gold conflicts (see the module doc)."""
    labels: dict[str, str] = gold["stories"]
    predicted = {doc: str(story["id"]) for story in stories for doc in story["articles"]}
    gold_conflicts: list[Mapping[str, Any]] = gold["conflicts"]
    labelled = set(labels)
    relevant = [c for c in conflicts if c["a"]["doc"] in labelled and c["b"]["doc"] in labelled]
    by_kind: dict[str, dict[str, Any]] = {}
    found = 0
    for conflict in gold_conflicts:
        hit = any(_matches(conflict, p) for p in relevant)
        found += hit
        entry = by_kind.setdefault(conflict["kind"], {"gold": 0, "found": 0})
        entry["gold"] += 1
        entry["found"] += int(hit)
    for entry in by_kind.values():
        entry["recall"] = entry["found"] / entry["gold"]
    matched = sum(1 for p in relevant if any(_matches(g, p) for g in gold_conflicts))
    return {
        "documents": len(labels),
        "missing_documents": sorted(labelled - set(predicted)),
        "gold_stories": len(set(labels.values())),
        "predicted_stories": len({predicted.get(d, d) for d in labels}),
        "ari": round(adjusted_rand_index(labels, predicted), 4),
        "conflicts": {
            "gold": len(gold_conflicts),
            "found": found,
            "recall": round(found / len(gold_conflicts), 4) if gold_conflicts else None,
            "predicted": len(relevant),
            "predicted_matching_gold": matched,
            "by_kind": by_kind,
        },
    }
