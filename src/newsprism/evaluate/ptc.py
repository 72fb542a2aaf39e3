"""The Propaganda Techniques Corpus: loader, the official SemEval-2020 Task 11 scorers, and CV.

The SI metric follows the task's `task-SI_scorer.py`: gold spans of an article that overlap are
merged (predicted ones too, as with its `-m` option), every (prediction, gold) pair of an article
earns partial credit `|s ∩ t| / |s|` towards precision and `|s ∩ t| / |t|` towards recall, and the
sums are divided by the number of predicted and gold spans over the whole set; articles with no
prediction still count their gold spans. The TC metric follows `task-TC_scorer.py`: labels of the
gold spans are compared after aligning predictions that share offsets so that matches are
maximised; micro-F1 (which is accuracy when every gold span gets one prediction) and per-technique
F1 as scikit-learn computes them.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsprism.errors import Code, NewsprismError

TECHNIQUES_FILE = "techniques.txt"
_ARTICLE_ID = re.compile(r"article(\d+)")


@dataclass(frozen=True, slots=True)
class TechniqueSpan:
    """One labelled fragment: technique, start, end (end exclusive, `str` indices)."""

    technique: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PtcArticle:
    """One PTC article: its id (the digits of `article<ID>.txt`), exact text and gold spans."""

    id: str
    text: str
    spans: tuple[TechniqueSpan, ...] = ()


@dataclass(frozen=True, slots=True)
class SiScore:
    """Span identification with partial-overlap credit."""

    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class TcScore:
    """Technique classification over gold spans."""

    precision: float
    recall: float
    micro_f1: float
    per_technique: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FoldScore:
    """Scores of one held-out fold."""

    fold: int
    articles: int
    si: SiScore
    tc: TcScore


@dataclass(frozen=True, slots=True)
class PtcScores:
    """Article-level cross-validation on the PTC training split: per fold and pooled."""

    folds: tuple[FoldScore, ...]
    si_mean: SiScore
    tc_mean_micro_f1: float
    per_technique: dict[str, float]
    """Per-technique TC F1 over the predictions of all folds pooled."""

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary."""
        return {
            "folds": [
                {
                    "fold": f.fold,
                    "articles": f.articles,
                    "si": {"p": f.si.precision, "r": f.si.recall, "f1": f.si.f1},
                    "tc": {"micro_f1": f.tc.micro_f1, "per_technique": f.tc.per_technique},
                }
                for f in self.folds
            ],
            "si_mean": {
                "p": self.si_mean.precision,
                "r": self.si_mean.recall,
                "f1": self.si_mean.f1,
            },
            "tc_mean_micro_f1": self.tc_mean_micro_f1,
            "per_technique": self.per_technique,
        }


# -- loading ------------------------------------------------------------------------------------


def article_id_of(path: Path) -> str:
    """The digits of `article<ID>.txt`, else the file's stem (SemEval's article_id column)."""
    match = _ARTICLE_ID.match(path.name)
    return match.group(1) if match else path.stem


def read_exact(path: Path) -> str:
    """The file decoded as UTF-8 with nothing changed: a BOM stays, newlines stay as they are."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NewsprismError(Code.NOT_FOUND, str(path)) from None
    return decode_exact(data, str(path))


def decode_exact(data: bytes, where: str) -> str:
    """`data` as strict UTF-8, nothing changed (SemEval offsets count a BOM); E102 otherwise."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as bad:
        raise NewsprismError(Code.UNDECODABLE, where, str(bad)) from None


def load_techniques(ptc_dir: Path) -> tuple[str, ...]:
    """The 14 technique names, in the order of `techniques.txt`."""
    path = ptc_dir / TECHNIQUES_FILE
    if not path.is_file():
        path = ptc_dir.parent / TECHNIQUES_FILE
    if not path.is_file():
        raise NewsprismError(Code.DATA_MISSING, str(ptc_dir / TECHNIQUES_FILE))
    return tuple(line.strip() for line in read_exact(path).splitlines() if line.strip())


def read_tc_labels(path: Path) -> dict[str, list[TechniqueSpan]]:
    """A `article_id<TAB>technique<TAB>start<TAB>end` file, grouped by article id."""
    out: dict[str, list[TechniqueSpan]] = defaultdict(list)
    for number, line in enumerate(read_exact(path).splitlines(), 1):
        if not line.strip():
            continue
        cols = line.rstrip("\r\n").split("\t")
        try:
            article, technique, start, end = cols
            span = TechniqueSpan(technique, int(start), int(end))
        except ValueError:
            raise NewsprismError(
                Code.MALFORMED_CSV, f"{path}:{number}", "expected 4 TAB-separated columns"
            ) from None
        if span.start < 0 or span.end <= span.start:
            raise NewsprismError(Code.MALFORMED_CSV, f"{path}:{number}", "bad span offsets")
        out[article].append(span)
    return dict(out)


def load_ptc(ptc_dir: Path, split: str = "train") -> list[PtcArticle]:
    """Every article of `ptc_dir/<split>` with its TC gold spans, sorted by id.

    `ptc_dir` is the `ptc/` folder (holding `techniques.txt` and `train/`) or the split folder.
    """
    base = ptc_dir / split if (ptc_dir / split).is_dir() else ptc_dir
    articles_dir = base / f"{split}-articles"
    labels_file = base / f"{split}-task2-TC.labels"
    if not articles_dir.is_dir():
        raise NewsprismError(Code.DATA_MISSING, str(articles_dir))
    gold = read_tc_labels(labels_file) if labels_file.is_file() else {}
    articles = []
    for path in sorted(articles_dir.glob("*.txt")):
        aid = article_id_of(path)
        text = read_exact(path)
        spans = sorted(gold.get(aid, []), key=lambda s: (s.start, s.end, s.technique))
        for span in spans:
            if span.end > len(text):
                raise NewsprismError(
                    Code.MALFORMED_CSV, str(labels_file), f"span {span} runs past article {aid}"
                )
        articles.append(PtcArticle(aid, text, tuple(spans)))
    return articles


def article_folds(ids: Sequence[str], folds: int, seed: int = 13) -> list[list[str]]:
    """Split article ids into `folds` disjoint groups, shuffled with `seed` (reproducible)."""
    if folds < 2 or folds > len(ids):
        raise NewsprismError(Code.BAD_USAGE, "folds", f"need 2..{len(ids)}, got {folds}")
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    return [order[i::folds] for i in range(folds)]


# -- the SI scorer ------------------------------------------------------------------------------


def merge_overlapping(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge spans that share at least one character (touching spans stay apart, as upstream)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _prf(p_num: float, p_den: int, r_num: float, r_den: int) -> tuple[float, float, float]:
    """Precision, recall and F1 exactly as the task's `compute_prec_rec_f1`."""
    p = p_num / p_den if p_den > 0 else 0.0
    r = r_num / r_den if r_den > 0 else 0.0
    f1 = 0.0
    if p_den == 0 and r_den == 0:
        f1 = 1.0
    if p > 0 and r > 0:
        f1 = 2 * p * r / (p + r)
    return p, r, f1


def si_score(
    predicted: Mapping[str, Iterable[tuple[int, int]]],
    gold: Mapping[str, Iterable[tuple[int, int]]],
) -> SiScore:
    """The SemEval-2020 Task 11 SI score of `predicted` against `gold` (article id -> spans)."""
    pred = {a: merge_overlapping(s) for a, s in predicted.items()}
    ref = {a: merge_overlapping(s) for a, s in gold.items()}
    p_num = r_num = 0.0
    for article, spans in pred.items():
        for ps, pe in spans:
            for gs, ge in ref.get(article, []):
                inter = min(pe, ge) - max(ps, gs)
                if inter > 0:
                    p_num += inter / (pe - ps)
                    r_num += inter / (ge - gs)
    p_den = sum(len(s) for s in pred.values())
    r_den = sum(len(s) for s in ref.values())
    return SiScore(*_prf(p_num, p_den, r_num, r_den))


# -- the TC scorer ------------------------------------------------------------------------------


def _f1(tp: int, fp: int, fn: int) -> float:
    """F1 of one class; 0 when undefined (scikit-learn's `zero_division` default)."""
    denom = 2 * tp + fp + fn
    return 2 * tp / denom if denom else 0.0


def tc_score(
    predicted: Mapping[str, Iterable[TechniqueSpan]],
    gold: Mapping[str, Iterable[TechniqueSpan]],
    techniques: Sequence[str],
) -> TcScore:
    """Micro P/R/F1 and per-technique F1 of predicted labels for the gold spans.

    Predictions sharing offsets with several gold spans (one fragment, several techniques) are
    aligned to maximise matches, as the task's `align_annotations` does. Predictions for spans
    absent from the gold count as false positives; gold spans without a prediction as misses.
    """
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for article in set(predicted) | set(gold):
        by_offsets: dict[tuple[int, int], tuple[Counter[str], Counter[str]]] = defaultdict(
            lambda: (Counter(), Counter())
        )
        for span in predicted.get(article, ()):
            by_offsets[(span.start, span.end)][0][span.technique] += 1
        for span in gold.get(article, ()):
            by_offsets[(span.start, span.end)][1][span.technique] += 1
        for pred_labels, gold_labels in by_offsets.values():
            matched = pred_labels & gold_labels
            tp.update(matched)
            fp.update(pred_labels - matched)
            fn.update(gold_labels - matched)
    n_tp, n_fp, n_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision = n_tp / (n_tp + n_fp) if n_tp + n_fp else 0.0
    recall = n_tp / (n_tp + n_fn) if n_tp + n_fn else 0.0
    micro = _f1(n_tp, n_fp, n_fn)
    per = {t: _f1(tp[t], fp[t], fn[t]) for t in techniques}
    return TcScore(precision, recall, micro, per)


# -- cross-validation ---------------------------------------------------------------------------


def eval_ptc(
    folds: int = 5,
    ptc_dir: Path | None = None,
    seed: int = 13,
    log: Callable[[str], None] | None = None,
    limit: int | None = None,
    tune_encoder: bool = False,
) -> PtcScores:
    """Article-level `folds`-fold cross-validation of the propaganda heads on PTC train.

    For each fold the heads are trained on the other folds' articles (exactly as
    `newsprism train propaganda` does) and the held-out articles are scored: SI on detected
    spans, TC on the gold spans. `limit` keeps the first `limit` articles (quick checks).
    `tune_encoder` cross-validates the fine-tuning recipe instead (the encoder is tuned per fold).
    """
    # Imported here: training pulls torch, which only the `train` extra installs.
    from newsprism.config import require_data

    base = ptc_dir if ptc_dir is not None else require_data("ptc")
    if tune_encoder:
        from newsprism.train.propaganda_tuned import cross_validate_tuned

        return cross_validate_tuned(base, folds=folds, seed=seed, log=log, limit=limit)
    from newsprism.train.propaganda import cross_validate

    return cross_validate(base, folds=folds, seed=seed, log=log, limit=limit)


def pooled_scores(
    fold_scores: Sequence[FoldScore],
    tc_pred: Mapping[str, Iterable[TechniqueSpan]],
    gold: Sequence[PtcArticle],
    techniques: Sequence[str],
) -> PtcScores:
    """Fold means of SI P/R/F1 and TC micro-F1, with per-technique F1 over all folds pooled."""
    n = len(fold_scores)
    si_mean = SiScore(
        sum(f.si.precision for f in fold_scores) / n,
        sum(f.si.recall for f in fold_scores) / n,
        sum(f.si.f1 for f in fold_scores) / n,
    )
    pooled = tc_score(tc_pred, {a.id: a.spans for a in gold}, techniques)
    return PtcScores(
        folds=tuple(fold_scores),
        si_mean=si_mean,
        tc_mean_micro_f1=sum(f.tc.micro_f1 for f in fold_scores) / n,
        per_technique=pooled.per_technique,
    )
