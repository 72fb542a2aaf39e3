"""The scale benchmark: synthetic corpora (distinct, near-duplicates within a story only, lazy,
repeatable) and the JSON shape of `run_scale_bench` at tiny scales."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from newsprism.bench_scale import (
    DEFAULT_PIPELINE,
    ScaleResult,
    parse_scales,
    run_scale_bench,
    sample_corpus,
)
from newsprism.config import Config
from newsprism.corpus import Store
from newsprism.errors import Code, NewsprismError


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


def _jaccard(a: str, b: str) -> float:
    x, y = _shingles(a), _shingles(b)
    return len(x & y) / len(x | y)


def test_synthetic_corpus_is_distinct_and_repeatable(config: Config) -> None:
    corpus = sample_corpus(config)
    size = corpus.story_size
    docs = list(corpus.documents(4 * size))
    assert len({d.id for d in docs}) == len(docs)
    assert len({d.text for d in docs}) == len(docs)
    urls = [d.meta["url"] for d in docs if d.meta.get("url")]
    assert len(set(urls)) == len(urls) >= 3 * len(docs) // 4
    assert [d.to_json() for d in corpus.documents(4 * size)] == [d.to_json() for d in docs]
    # The same sample article in two stories shares almost no 5-word shingles ...
    for a, b in itertools.combinations(range(4), 2):
        assert _jaccard(docs[a * size].text, docs[b * size].text) < 0.2
    # ... while the sample's near-verbatim republication stays a near-duplicate in every story.
    templates = [t.doc for t in corpus.templates]
    base = max(
        (
            (_jaccard(x.text, y.text), i, j)
            for (i, x), (j, y) in itertools.combinations(enumerate(templates), 2)
        ),
    )
    assert base[0] > 0.8
    for story in range(4):
        first, second = docs[story * size + base[1]], docs[story * size + base[2]]
        assert _jaccard(first.text, second.text) > 0.7


def test_synthetic_corpus_is_lazy(config: Config) -> None:
    stream = sample_corpus(config).documents(10**9)
    assert next(stream).id.endswith("~0")  # a billion documents cost nothing until read


def test_parse_scales() -> None:
    assert parse_scales("1000,10_000, 100000") == [1000, 10000, 100000]
    for bad in ("", "0", "ten", "5,-1"):
        with pytest.raises(NewsprismError) as info:
            parse_scales(bad)
        assert info.value.code is Code.BAD_USAGE


def test_tiny_scales_json_shape(config: Config, tmp_path: Path) -> None:
    lines: list[str] = []
    result = run_scale_bench([13, 6], config, workdir=tmp_path, cluster=False, log=lines.append)
    assert isinstance(result, ScaleResult)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["pipeline"] == list(DEFAULT_PIPELINE)
    assert (data["engine"], data["workers"]) == ("local", 1)
    assert [s["articles"] for s in data["scales"]] == [6, 13]
    for scale in data["scales"]:
        assert scale["analyzed"] == scale["articles"] and scale["failed"] == 0
        assert scale["articles_per_s"] > 0 and scale["store_mb"] > 0
        assert all(rate > 0 for rate in scale["articles_per_s_by_tenth"])
        assert scale["batch_peak_rss_mb"] > 0  # a fresh process's own peak
        assert set(scale) >= {"batch_seconds", "cluster_seconds", "store_kb_per_article"}
        assert scale["cluster_seconds"] is None and scale["vectors"] is None
    assert set(data["growth"]) == {"batch", "cluster", "store", "batch_rss"}
    assert data["growth"]["batch"] > 0 and data["growth"]["batch_rss"] > 0
    assert data["growth"]["cluster"] is None
    assert data["machine"]["cpus"]
    assert any("synthetic corpus" in note for note in data["notes"])
    with Store(tmp_path / "scale-13.db", readonly=True) as store:
        assert store.count() == 13
        doc = store.get(store.ids()[0])
        assert list(doc.layers)[:2] == ["sections", "sentences"]
    assert len(lines) >= 2
    console = Console(width=160, record=True)
    console.print(result.to_table())
    assert "sections.v1, sentences.v1" in console.export_text()


def test_clustering_is_timed_when_the_corpus_analysis_is_installed(
    config: Config, tmp_path: Path
) -> None:
    data = run_scale_bench([18], config, workdir=tmp_path).to_dict()
    (scale,) = data["scales"]
    try:
        import newsprism.corpus.analysis  # noqa: F401
    except ImportError:
        assert scale["cluster_seconds"] is None
        assert any("clustering not measured" in note for note in data["notes"])
        return
    assert scale["vectors"] == "synthetic" and scale["vectors_seconds"] > 0
    assert scale["cluster_seconds"] > 0 and scale["cluster_peak_rss_mb"] > 0
    assert scale["analysis"]["documents"] == 18
    assert 3 <= scale["analysis"]["stories"] <= 18  # three synthetic stories never merge
    # Against the three stories the corpus was generated with: no two are ever merged.
    assert 0.0 < scale["analysis"]["story_ari"] <= 1.0
    assert any("lead vectors: synthetic" in note for note in data["notes"])


def test_bad_pipeline_is_refused_before_work(config: Config, tmp_path: Path) -> None:
    with pytest.raises(NewsprismError) as info:
        run_scale_bench([5], config, pipeline=["nosuch.v1"], workdir=tmp_path)
    assert info.value.code is Code.UNKNOWN_ANALYZER
    assert not list(tmp_path.iterdir())
