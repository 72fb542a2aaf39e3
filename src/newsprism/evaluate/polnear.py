"""`eval polnear`: score the attributions layer against PolNeAR gold (content, cue, source).

Content is scored three ways (trimmed exact match, any overlap, IoU >= 0.5), cue by overlap, and
source two ways: P/R/F1 by overlap over all attributions, and *source accuracy*: among gold
attributions whose content was found (IoU >= 0.5) and that have a source, the share whose
predicted source overlaps the gold source. Each article is read from its plain text file and run
through the real pipeline (`build_pipeline(..., only=["attributions"])`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsprism.config import Config, load_config
from newsprism.document import Document
from newsprism.evaluate.polnear_data import GoldArticle, GoldAttribution, iter_polnear
from newsprism.evaluate.spans import PRF, Range, add_matches, match_one_to_one, overlap, trim
from newsprism.readers.txt import read_txt

Analyze = Callable[[Document], Document]


def default_analyze(config: Config | None = None) -> Analyze:
    """The configured pipeline restricted to what the attributions layer needs."""
    from newsprism.pipeline import build_pipeline

    pipeline = build_pipeline(config or load_config(), only=["attributions"])
    return pipeline.analyze


def _predicted(doc: Document) -> list[dict[str, Any]]:
    out = []
    for span in doc.layer("attributions"):
        attrs = span.attrs
        source = attrs.get("source")
        out.append(
            {
                "content": tuple(attrs["content"]),
                "cue": tuple(attrs["cue"]),
                "source": tuple(source) if source else None,
            }
        )
    return out


class PolnearScorer:
    """Accumulates the scores of one split, article by article."""

    def __init__(self) -> None:
        self.content_exact = PRF()
        self.content_overlap = PRF()
        self.content_iou = PRF()
        self.cue = PRF()
        self.source = PRF()
        self.source_hits = 0
        self.source_total = 0
        self.articles = 0

    def add(self, article: GoldArticle, pred: list[dict[str, Any]]) -> None:
        """Score one article's predicted attributions (`content`/`cue`/`source` ranges)."""
        text = article.text
        gold = list(article.attributions)
        g_content = [trim(text, *GoldAttribution.bounds(g.content)) for g in gold]
        p_content: list[Range] = [trim(text, *p["content"]) for p in pred]
        exact_pred = {(s, e) for s, e in p_content}
        exact_hits = len({(s, e) for s, e in g_content} & exact_pred)
        self.content_exact.n_pred += len(p_content)
        self.content_exact.n_gold += len(g_content)
        self.content_exact.tp_pred += exact_hits
        self.content_exact.tp_gold += exact_hits
        add_matches(self.content_overlap, p_content, g_content, 0.0)
        add_matches(self.content_iou, p_content, g_content, 0.5)
        add_matches(
            self.cue,
            [tuple(p["cue"]) for p in pred],
            [GoldAttribution.bounds(g.cue) for g in gold],
            0.0,
        )
        add_matches(
            self.source,
            [p["source"] for p in pred if p["source"]],
            [GoldAttribution.bounds(g.source) for g in gold if g.source],
            0.0,
        )
        for i, j in match_one_to_one(p_content, g_content, 0.5):
            gold_source = gold[j].source
            if gold_source is None:
                continue
            self.source_total += 1
            predicted = pred[i]["source"]
            if predicted and overlap(predicted, GoldAttribution.bounds(gold_source)) > 0:
                self.source_hits += 1
        self.articles += 1

    def scores(self) -> dict[str, Any]:
        """JSON-ready scores."""
        return {
            "articles": self.articles,
            "content_exact": self.content_exact.as_dict(),
            "content_overlap": self.content_overlap.as_dict(),
            "content_iou50": self.content_iou.as_dict(),
            "cue": self.cue.as_dict(),
            "source": self.source.as_dict(),
            "source_accuracy": round(self.source_hits / self.source_total, 4)
            if self.source_total
            else 0.0,
            "source_accuracy_n": self.source_total,
        }


def eval_polnear(
    split: str = "dev",
    limit: int | None = None,
    analyze: Analyze | None = None,
    root: Path | None = None,
) -> dict[str, Any]:
    """Run `analyze` (default: the real pipeline) over a PolNeAR split and score it."""
    run = analyze or default_analyze()
    options = load_config().read
    scorer = PolnearScorer()
    for article in iter_polnear(split, root, limit):
        # Through the .txt reader, as `newsprism analyze DIR` reads plain-text files: the title
        # line and metadata it finds are part of what is measured.
        doc = read_txt(article.text.encode("utf-8"), article.name, f"{article.name}.txt", options)
        scorer.add(article, _predicted(run(doc)))
    result = scorer.scores()
    result["split"] = split
    return result


def format_scores(scores: dict[str, Any]) -> str:
    """A plain table of the scores for the terminal."""
    lines = [f"PolNeAR {scores.get('split', '')}: {scores['articles']} articles"]
    lines.append(f"{'':18}{'P':>8}{'R':>8}{'F1':>8}{'pred':>8}{'gold':>8}")
    for key in ("content_exact", "content_overlap", "content_iou50", "cue", "source"):
        s = scores[key]
        lines.append(
            f"{key:18}{s['precision']:8.3f}{s['recall']:8.3f}{s['f1']:8.3f}"
            f"{s['n_pred']:8d}{s['n_gold']:8d}"
        )
    lines.append(
        f"source accuracy   {scores['source_accuracy']:.3f} (n={scores['source_accuracy_n']})"
    )
    return "\n".join(lines)
