"""FA-KES with leave-outlets-out cross-validation: the trust model scored on outlets it never saw.

FA-KES (`fa_kes/fa_kes_train.csv`, read with the `fakes` preset) labels articles on the Syrian
war credible (1) or fake (0) by checking their casualty details against a documentation centre;
labels are balanced within each outlet, so an outlet's style or prior predicts nothing. Each fold
holds out one outlet: the model never sees an outlet it is tested on. The corpus itself (every
article, labels unseen) is the context for corroboration and for the claim grades of the corpus
analysis, as a user's corpus is for `newsprism trust --db`.

Repeated `unit_id`s are one document; ids repeated with conflicting labels are left out.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.config import Config, PipelineOptions, require_data
from newsprism.document import Document
from newsprism.errors import Code, NewsprismError
from newsprism.trust.calibration import (
    balanced_accuracy,
    brier_score,
    calibration_error,
    fit_logistic,
    macro_f1,
    roc_auc,
)
from newsprism.trust.features import FEATURE_NAMES, corpus_features, feature_signs
from newsprism.trust.graded import GradeCounts, corpus_grades

FAKES_FILE = "fa_kes/fa_kes_train.csv"
_DEFAULT_PIPELINE = PipelineOptions().default
FAKES_ANALYZERS = _DEFAULT_PIPELINE[: _DEFAULT_PIPELINE.index("events.v1") + 1]
"""Analyzers run before features: the default pipeline up to the layers the trust evidence reads
(attributions for the claim profile, propaganda for persuasion, events for corroboration)."""


@dataclass(frozen=True, slots=True)
class LabelledSet:
    """FA-KES documents with their labels and outlets, conflicting ids left out."""

    docs: tuple[Document, ...]
    labels: np.ndarray[Any, np.dtype[np.int64]]
    outlets: tuple[str, ...]
    left_out: tuple[str, ...]


def load_fakes(path: Path | None = None, config: Config | None = None) -> LabelledSet:
    """Read FA-KES with the `fakes` preset; one document per id, conflicting ids left out."""
    from newsprism.readers.inputs import read_inputs
    from newsprism.readers.options import ReaderOptions

    source = path or require_data(FAKES_FILE)
    groups: dict[str, list[Document]] = defaultdict(list)
    for item in read_inputs([str(source)], ReaderOptions(preset="fakes"), config):
        if isinstance(item, Document):
            groups[item.id.split("~", 1)[0]].append(item)
    docs: list[Document] = []
    labels: list[int] = []
    left_out: list[str] = []
    for doc_id, variants in groups.items():
        values = {_label(d) for d in variants}
        if len(values) != 1 or None in values:
            left_out.append(doc_id)
            continue
        docs.append(variants[0])
        labels.append(int(values.pop() or 0))
    if not docs:
        raise NewsprismError(Code.NOTHING_READABLE, str(source), "no labelled FA-KES rows")
    outlets = tuple(str(d.meta.get("outlet") or "?") for d in docs)
    return LabelledSet(tuple(docs), np.asarray(labels, dtype=np.int64), outlets, tuple(left_out))


def _label(doc: Document) -> int | None:
    fields = doc.meta.get("fields")
    value = fields.get("labels") if isinstance(fields, Mapping) else None
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return int(value.strip())
    return None


def analyse(
    docs: Sequence[Document],
    config: Config,
    analyzers: Sequence[str],
    cache: Path | None = None,
) -> list[Document]:
    """Run `analyzers` over the documents (features read the layers they produce).

    With `cache` (a JSONL file), analysed documents are read from it when its header names the
    same analyzers, document ids, analysis code and settings (`analysis_digest`, `config_digest`),
    and written to it otherwise: the full pipeline over FA-KES takes minutes on two
    cores.
    """
    from newsprism.pipeline import build_pipeline

    header = {
        "analyzers": list(analyzers),
        "ids": [d.id for d in docs],
        "code": analysis_digest(),
        "config": config_digest(config),
    }
    if cache is not None and cache.is_file():
        with cache.open(encoding="utf-8") as lines:
            if json.loads(next(lines, "{}") or "{}") == header:
                return [Document.from_json(line) for line in lines if line.strip()]
    pipeline = build_pipeline(config, names=list(analyzers))
    out = list(pipeline.run(docs, batch_size=config.encoder.batch_size))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.open("w", encoding="utf-8") as sink:
            sink.write(json.dumps(header) + "\n")
            sink.writelines(d.to_json() + "\n" for d in out)
    return out


_NOT_ANALYSIS = frozenset(
    {"trust", "evaluate", "train", "commands", "web", "exports", "defaults.toml"}
)
"""Package folders that read analysed documents but do not change them (or the claim grades);
the defaults count through `config_digest`, so that editing a [trust] threshold keeps the cache."""


def config_digest(config: Config, grades: bool = False) -> str:
    """Hash of the settings the analysis reads: every section but [trust], and [corpus] only for
    the `grades`."""
    from dataclasses import asdict

    skip = {"trust"} if grades else {"trust", "corpus"}
    settings = {k: v for k, v in asdict(config).items() if k not in skip}
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def analysis_digest(grades: bool = False) -> str:
    """Hash of the package files that shape analysed documents (code, heads, data), and with
    `grades` also the corpus analysis that grades their claims (no analyzer imports it)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if not path.is_file() or "__pycache__" in parts or parts[0] in _NOT_ANALYSIS:
            continue
        if parts[0] == "corpus" and not grades:
            continue
        if parts == ("models", "heads", "trust.json"):
            continue  # the head this evaluation fits: its output, not an input
        if len(parts) == 1 and path.suffix == ".py" and path.stem not in _ANALYSIS_MODULES:
            continue
        digest.update("/".join(parts).encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:24]


_ANALYSIS_MODULES = frozenset({"config", "document", "errors", "pipeline", "registry"})
"""Top-level modules the analysis runs through (cli, demo, bench and the like do not count)."""


def fakes_grades(
    docs: Sequence[Document], config: Config, cache: Path | None = None
) -> GradeCounts:
    """Claim grade counts of the analysed FA-KES documents (`trust.graded.corpus_grades`).

    With `cache` (the analysed-documents JSONL), they are kept beside it in `<cache>.grades.json`
    under the same kind of header (ids, content, analysis code).
    """
    header = {
        "ids": [d.id for d in docs],
        "content": hashlib.sha256("\n".join(d.text for d in docs).encode("utf-8")).hexdigest(),
        "code": analysis_digest(grades=True),
        "config": config_digest(config, grades=True),
    }
    side = cache.with_name(cache.name + ".grades.json") if cache is not None else None
    if side is not None and side.is_file():
        stored = json.loads(side.read_text(encoding="utf-8"))
        if isinstance(stored, dict) and stored.get("header") == header:
            grades: GradeCounts = stored["grades"]
            return grades
    grades = corpus_grades(docs, config)
    if side is not None:
        side.parent.mkdir(parents=True, exist_ok=True)
        side.write_text(json.dumps({"header": header, "grades": grades}), encoding="utf-8")
    return grades


def leave_outlets_out(
    features: np.ndarray[Any, np.dtype[np.float64]],
    labels: np.ndarray[Any, np.dtype[np.int64]],
    outlets: Sequence[str],
    l2: float,
) -> dict[str, Any]:
    """One fold per outlet: fit on the others, predict the held-out outlet at threshold 0.5."""
    groups = np.asarray(outlets)
    scores = np.zeros(len(labels))
    folds: list[dict[str, Any]] = []
    for outlet in sorted(set(outlets)):
        test = groups == outlet
        model = fit_logistic(
            features[~test], labels[~test], FEATURE_NAMES, l2=l2, signs=feature_signs()
        )
        scores[test] = model.predict(features[test])
        predicted = (scores[test] >= 0.5).astype(np.int64)
        folds.append(
            {
                "outlet": outlet,
                "n": int(test.sum()),
                "credible": int(labels[test].sum()),
                "balanced_accuracy": round(balanced_accuracy(labels[test], predicted), 4),
                "macro_f1": round(macro_f1(labels[test], predicted), 4),
                "auc": _round(roc_auc(labels[test], scores[test])),
            }
        )
    predicted = (scores >= 0.5).astype(np.int64)
    return {
        "folds": folds,
        "balanced_accuracy": round(balanced_accuracy(labels, predicted), 4),
        "macro_f1": round(macro_f1(labels, predicted), 4),
        "auc": _round(roc_auc(labels, scores)),
        # Whether the trust value means what it says on unseen outlets: a constant 0.5 scores
        # Brier 0.25 and calibration error |0.5 - share of credible articles|.
        "brier": round(brier_score(labels, scores), 4),
        "calibration_error": round(calibration_error(labels, scores), 4),
        "mean_fold_balanced_accuracy": round(
            float(np.mean([f["balanced_accuracy"] for f in folds])), 4
        ),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def evaluate_fakes(
    config: Config,
    path: Path | None = None,
    analyzers: Sequence[str] = FAKES_ANALYZERS,
    cache: Path | None = None,
) -> dict[str, Any]:
    """Leave-outlets-out balanced accuracy and macro-F1 of the trust model on FA-KES."""
    data = load_fakes(path, config)
    docs = analyse(data.docs, config, analyzers, cache)
    matrix = corpus_features(docs, config, fakes_grades(docs, config, cache))
    result = leave_outlets_out(matrix, data.labels, data.outlets, config.trust.l2)
    result.update(
        {
            "documents": len(docs),
            "left_out_conflicting_ids": list(data.left_out),
            "outlets": len(set(data.outlets)),
            "features": list(FEATURE_NAMES),
            "analyzers": list(analyzers),
        }
    )
    return result
