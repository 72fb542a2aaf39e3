"""Scale benchmark: batch and story clustering over synthetic corpora of growing size.

Each scale `n` is a corpus of `n` documents synthesised from the embedded demo sample (one event
reported by six outlets). Document `i` belongs to story `i // 6`: every story rewrites the six
sample articles with its own vocabulary map (about half the content words swapped, every name and
number replaced, dates shifted), so different stories share few shingles while the articles of
one story keep the sample's structure (a wire report and its near-verbatim republication, a
denial, a monitor, a blog); each article then gets one more word changed, so no two documents are
identical. Documents are generated lazily: memory does not grow with `n`.

Measured per scale: batch articles/s (generation, analysis and storing, one writer), store size,
the corpus analysis (story clustering) seconds when `newsprism.corpus.analysis` is installed, and
peak RSS of this process (sampled while each phase runs). The batch runs a reduced pipeline by
default (sections and sentences): the full pipeline's encoder would take hours at 100k articles
on a laptop, and its cost per article does not depend on the corpus size.
"""

from __future__ import annotations

import dataclasses
import importlib
import itertools
import multiprocessing
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

from rich.table import Table

from newsprism.bench import _machine, peak_rss_mb
from newsprism.config import Config, PipelineOptions
from newsprism.document import Document, JSONValue
from newsprism.errors import Code, NewsprismError

DEFAULT_PIPELINE = ("sections.v1", "sentences.v1")
"""The reduced pipeline the scale bench runs unless told otherwise."""
SWAP_SHARE = 0.5
"""Share of content words a story swaps for other sample words (names and numbers are always
replaced). Measured on word 5-shingles: the same sample article in two stories has Jaccard 0.01 on
average (max 0.04 over 10 stories), far below any near-duplicate threshold, while a story's wire
report and its republication keep 0.91 (0.95 in the sample itself)."""
_KEPT_META = ("url", "outlet", "published", "authors", "language")
"""Meta fields carried over (offset-bearing fields such as HTML regions would no longer fit)."""
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
_KEPT_WORDS = """a an the and or but if of in on at to from by for with as is are was were be been
being it its this that these those he she they them his her their we our you your i not no has
have had will would can could said says say after before over under than then there who whom which
what when where while about into out up down also more most some any all january february march
april may june july august september october november december monday tuesday wednesday thursday
friday saturday sunday s t d ll re ve m"""
_STOPWORDS = frozenset(_KEPT_WORDS.split())
"""Kept as they are: function words, months, weekdays and contraction tails (the s of "town's")
keep every story readable as news."""
_SYLLABLE_TEXT = "ka ro ve li ma tor sen dra vel mi no ba zan ur ost ker ta lin gor vi as ne pol"
_SYLLABLES = tuple(_SYLLABLE_TEXT.split())
"""Syllables of the invented names that replace every capitalised word of a story."""

Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class _Template:
    """A sample article split into text pieces and words, ready to be rewritten per story."""

    doc: Document
    pieces: tuple[str, ...]  # alternating: gap, token, gap, token, ..., gap
    title_pieces: tuple[str, ...]


def _split(text: str) -> tuple[str, ...]:
    """`text` as alternating gaps and tokens (odd positions are tokens)."""
    pieces: list[str] = []
    last = 0
    for match in _TOKEN.finditer(text):
        pieces.append(text[last : match.start()])
        pieces.append(match.group())
        last = match.end()
    pieces.append(text[last:])
    return tuple(pieces)


class _StoryMap:
    """One story's vocabulary: a deterministic rewrite of every token (lazily, per token)."""

    def __init__(self, story: int, vocabulary: Sequence[str]) -> None:
        self._rng = Random(story)
        self._vocabulary = vocabulary
        self._map: dict[str, str] = {}
        self.days = story % 3650

    def _name(self) -> str:
        return "".join(self._rng.choice(_SYLLABLES) for _ in range(self._rng.randint(2, 3)))

    def _number(self, token: str) -> str:
        """Another number of the same kind: years stay, small numbers stay day-sized."""
        if len(token) == 4 and token[:2] in ("19", "20"):
            return token
        if len(token) <= 2:
            return str(self._rng.randint(1, 28))
        return str(self._rng.randint(10 ** (len(token) - 1), 10 ** len(token) - 1))

    def __call__(self, token: str) -> str:
        key = token.lower()
        if key in _STOPWORDS:
            return token
        mapped = self._map.get(key)
        if mapped is None:
            if token.isdigit():
                mapped = self._number(token)
            elif token[0].isupper():
                mapped = self._name()
            elif self._rng.random() < SWAP_SHARE:
                mapped = self._rng.choice(self._vocabulary)
            else:
                mapped = key
            self._map[key] = mapped
        if token.isupper() and len(token) > 1:
            return mapped.upper()
        return mapped.capitalize() if token[0].isupper() else mapped

    def rewrite(self, pieces: Sequence[str], rng: Random | None = None) -> str:
        """The pieces with every token mapped; `rng` also swaps one content word (a copy edit)."""
        out = [self(p) if i % 2 else p for i, p in enumerate(pieces)]
        if rng is not None and len(out) > 1:
            index = 2 * rng.randrange(len(out) // 2) + 1
            if out[index].lower() not in _STOPWORDS and not out[index].isdigit():
                out[index] = rng.choice(self._vocabulary)
        return "".join(out)


def _shift_date(value: JSONValue, days: int) -> JSONValue:
    """An ISO date moved `days` later (kept as is when it does not parse)."""
    if not isinstance(value, str):
        return value
    try:
        moved = datetime.fromisoformat(value) + timedelta(days=days)
    except ValueError:
        return value
    return moved.date().isoformat() if len(value) == 10 else moved.isoformat()


class SyntheticCorpus:
    """Documents synthesised from sample articles; `documents(n)` streams the first `n`."""

    def __init__(self, base: Sequence[Document]) -> None:
        if not base:
            raise NewsprismError(Code.NOTHING_READABLE, "sample", "no article to expand")
        self.templates = [
            _Template(
                doc,
                _split(doc.text),
                _split(str(doc.meta.get("title") or "")),
            )
            for doc in base
        ]
        words = {
            p.lower()
            for t in self.templates
            for p in t.pieces[1::2]
            if p.isalpha() and p.islower() and p not in _STOPWORDS
        }
        self.vocabulary = sorted(words)

    @property
    def story_size(self) -> int:
        """Documents per story (the number of sample articles)."""
        return len(self.templates)

    def documents(self, count: int) -> Iterator[Document]:
        """The first `count` documents (stories of `story_size` documents), generated lazily."""
        story_map: _StoryMap | None = None
        for index in range(count):
            story, slot = divmod(index, self.story_size)
            if slot == 0 or story_map is None:
                story_map = _StoryMap(story, self.vocabulary)
            template = self.templates[slot]
            text = story_map.rewrite(template.pieces, Random(index))
            meta: dict[str, JSONValue] = {
                k: template.doc.meta[k] for k in _KEPT_META if k in template.doc.meta
            }
            meta["title"] = story_map.rewrite(template.title_pieces)
            meta["published"] = _shift_date(meta.get("published"), story_map.days)
            meta["source"] = f"synthetic:{index}"
            if isinstance(meta.get("url"), str):
                meta["url"] = f"{meta['url']}?story={story}"
            yield Document(f"{template.doc.id}~{story}", text, meta)


def sample_corpus(config: Config) -> SyntheticCorpus:
    """The synthetic corpus expanding the embedded sample (without the seeds: repeatable)."""
    from newsprism.bench import _read
    from newsprism.samples import sample_inputs

    return SyntheticCorpus(_read(sample_inputs(include_seeds=False), config))


@dataclass(frozen=True, slots=True)
class ScalePoint:
    """What one scale measured. RSS values are peaks of fresh processes, in MiB."""

    articles: int
    batch_seconds: float
    analyzed: int
    failed: int
    store_bytes: int
    batch_peak_rss_mb: float
    worker_peak_rss_mb: float | None = None
    vectors: str | None = None
    vectors_seconds: float | None = None
    cluster_seconds: float | None = None
    cluster_peak_rss_mb: float | None = None
    analysis: dict[str, Any] | None = None
    batch_windows: tuple[float, ...] = ()

    @property
    def articles_per_s(self) -> float:
        """Batch throughput."""
        return self.articles / self.batch_seconds if self.batch_seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of one scale."""
        per_article = (
            None
            if self.cluster_seconds is None
            else 1000 * self.cluster_seconds / max(1, self.articles)
        )
        return {
            "articles": self.articles,
            "analyzed": self.analyzed,
            "failed": self.failed,
            "batch_seconds": round(self.batch_seconds, 3),
            "articles_per_s": round(self.articles_per_s, 1),
            "articles_per_s_by_tenth": list(self.batch_windows),
            "store_mb": round(self.store_bytes / 2**20, 2),
            "store_kb_per_article": round(self.store_bytes / 1024 / max(1, self.articles), 2),
            "batch_peak_rss_mb": round(self.batch_peak_rss_mb, 1),
            "worker_peak_rss_mb": _round(self.worker_peak_rss_mb),
            "vectors": self.vectors,
            "vectors_seconds": _round(self.vectors_seconds, 3),
            "cluster_seconds": _round(self.cluster_seconds, 3),
            "cluster_ms_per_article": _round(per_article, 3),
            "cluster_peak_rss_mb": _round(self.cluster_peak_rss_mb),
            "analysis": self.analysis,
        }


@dataclass(slots=True)
class ScaleResult:
    """Every scale measured by one `run_scale_bench`, with what was run."""

    pipeline: tuple[str, ...]
    engine: str
    workers: int
    points: list[ScalePoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def growth(self) -> dict[str, float | None]:
        """Per-article cost (and peak RSS) at the largest scale over the smallest (1.0 = flat)."""
        if len(self.points) < 2:
            return {"batch": None, "cluster": None, "store": None, "batch_rss": None}
        small, large = self.points[0], self.points[-1]

        def ratio(a: float | None, b: float | None, per_article: bool = True) -> float | None:
            if a is None or b is None or b <= 0:
                return None
            if per_article:
                return round((a / large.articles) / (b / small.articles), 3)
            return round(a / b, 3)

        return {
            "batch": ratio(large.batch_seconds, small.batch_seconds),
            "cluster": ratio(large.cluster_seconds, small.cluster_seconds),
            "store": ratio(float(large.store_bytes), float(small.store_bytes)),
            "batch_rss": ratio(large.batch_peak_rss_mb, small.batch_peak_rss_mb, False),
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `newsprism bench --scale ... --json` prints."""
        return {
            "pipeline": list(self.pipeline),
            "engine": self.engine,
            "workers": self.workers,
            "scales": [p.to_dict() for p in self.points],
            "growth": self.growth(),
            "machine": _machine(),
            "notes": list(self.notes),
        }

    def to_table(self) -> Table:
        """One row per scale; what ran and the growth ratios in the caption."""
        growth = self.growth()
        table = Table(
            title=f"newsprism bench --scale (pipeline: {', '.join(self.pipeline)}; "
            f"engine: {self.engine}, workers: {self.workers})",
            caption=(
                "largest over smallest scale, per article (1.0 = linear): "
                f"batch {_fmt(growth['batch'], 2)}, clustering {_fmt(growth['cluster'], 2)}, "
                f"store {_fmt(growth['store'], 2)}; batch peak RSS "
                f"{_fmt(growth['batch_rss'], 2)}x" + "".join(f"\n{note}" for note in self.notes)
            ),
        )
        columns = ("articles", "art/s", "batch s", "store MB", "KB/art", "vectors s")
        for column in (*columns, "cluster s", "stories", "story ARI", "RSS MB batch/cluster"):
            table.add_column(column, justify="right")
        for point in self.points:
            data = point.to_dict()
            stories = (point.analysis or {}).get("stories")
            table.add_row(
                str(point.articles),
                f"{point.articles_per_s:.1f}",
                f"{point.batch_seconds:.1f}",
                f"{data['store_mb']:.1f}",
                f"{data['store_kb_per_article']:.1f}",
                _fmt(point.vectors_seconds, 1),
                _fmt(point.cluster_seconds, 1),
                "-" if stories is None else str(stories),
                _fmt((point.analysis or {}).get("story_ari"), 3),
                f"{point.batch_peak_rss_mb:.0f} / {_fmt(point.cluster_peak_rss_mb, 0)}",
            )
        return table


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _store_bytes(db: Path) -> int:
    """The database's size on disk, its WAL and shared-memory files included."""
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists())


def _optional(module: str) -> Any:
    """A module of the corpus analysis, or None where this build lacks it.

    Imported by name: the corpus analysis is newer than this benchmark and optional here.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _children_peak_rss_mb() -> float | None:
    """Peak RSS of the largest finished child process (a batch worker), None without any."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if not peak:
        return None
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _in_fresh_process(func: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """`func(*args)` in a new (spawned) process, so its peak RSS is this phase's alone."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(func, *args).result()


def _batch_phase(
    count: int, config: Config, engine: str, workers: int, scheduler: str | None, db: Path
) -> dict[str, Any]:
    """Generate `count` documents and batch them into `db` (runs in a fresh process)."""
    from newsprism.corpus.batch import run_documents, select_engine

    corpus = sample_corpus(config)
    chosen = select_engine(config, engine, workers, scheduler)
    # Throughput per tenth of the run: a store that slowed down as it grew would show here,
    # within one process and one machine load, more reliably than across separate runs.
    step = max(1, count // 10)
    marks: list[tuple[int, float]] = []

    def progress(done: int, total: int | None) -> None:
        if done >= len(marks) * step:  # marks[0] is the start
            marks.append((done, time.perf_counter()))

    try:
        started = time.perf_counter()
        marks.append((0, started))
        summary = run_documents(
            corpus.documents(count), db, config, workers, progress, engine=chosen
        )
        seconds = time.perf_counter() - started
    finally:
        if chosen is not None:
            chosen.close()
    windows = [
        round((d1 - d0) / (t1 - t0), 1)
        for (d0, t0), (d1, t1) in itertools.pairwise(marks)
        if t1 > t0
    ]
    return {
        "windows": windows,
        "seconds": seconds,
        "analyzed": summary.analyzed,
        "failed": summary.failed,
        "rss": peak_rss_mb(),
        "children_rss": _children_peak_rss_mb(),
    }


def _lead_sentences(config: Config) -> int:
    """`[corpus] lead_sentences` (read by name: the option lands with the corpus analysis)."""
    return int(getattr(getattr(config, "corpus", None), "lead_sentences", 3))


def _vectors_phase(db: Path, config: Config, encode: bool) -> dict[str, Any]:
    """Fill the store's lead-vector cache before the clustering is timed (fresh process).

    `encode`: run the encoder over every lead (what `analyze_corpus` would do; ~10 ms per lead
    on 2 cores). Otherwise the vectors are synthetic but shaped like real ones: the six sample
    leads are encoded for real, and story `s` uses them under its own random signed permutation
    of the 384 coordinates (an orthogonal map), so cosines within a story are exactly the
    sample's and stories are unrelated to each other, as different events are.
    """
    import numpy as np

    from newsprism.analyzers.encoder import get_encoder
    from newsprism.corpus.store import Store
    from newsprism.pipeline import build_pipeline

    articles = _optional("newsprism.corpus.articles")
    vectors = _optional("newsprism.corpus.vectors")
    started = time.perf_counter()
    with Store(db) as store:
        if encode:
            docs = [
                articles.make_article(d, _lead_sentences(config)) for d in store.iter_documents()
            ]
            vectors.document_vectors(store, docs, config)
            return {"seconds": time.perf_counter() - started, "rss": peak_rss_mb()}
        corpus = sample_corpus(config)
        pipeline = build_pipeline(config)
        leads = [
            articles.make_article(pipeline.analyze(t.doc), _lead_sentences(config)).lead
            for t in corpus.templates
        ]
        base = np.stack([np.asarray(e.sentence_vector) for e in get_encoder(config).encode(leads)])
        base /= np.linalg.norm(base, axis=1, keepdims=True)
        slot = {t.doc.id: k for k, t in enumerate(corpus.templates)}
        model, dim = vectors.vector_model(config), int(vectors.DIM)
        rows: list[tuple[str, str, str, int, bytes]] = []
        last_story, perm, signs = -1, np.arange(dim), np.ones(dim)
        ids = store.connection.execute("SELECT id, content_hash FROM documents ORDER BY seq")
        for doc_id, content_hash in ids.fetchall():
            template, _, story_text = doc_id.rpartition("~")
            story = int(story_text)
            if story != last_story:
                rng = np.random.default_rng(story)
                perm, signs, last_story = rng.permutation(dim), rng.choice([-1.0, 1.0], dim), story
            vector = (base[slot[template]][perm] * signs).astype("<f4")
            rows.append((doc_id, content_hash, model, dim, vector.tobytes()))
        with store.transaction():
            store.connection.executemany(
                "INSERT OR REPLACE INTO doc_vectors (doc_id, content_hash, model, dim, vector) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
    return {"seconds": time.perf_counter() - started, "rss": peak_rss_mb()}


def _cluster_phase(db: Path, config: Config) -> dict[str, Any]:
    """Time `analyze_corpus` over `db` (fresh process)."""
    analysis = _optional("newsprism.corpus.analysis")
    started = time.perf_counter()
    summary = analysis.analyze_corpus(db, config, force=True)
    seconds = time.perf_counter() - started
    rss = peak_rss_mb()
    data = summary.to_dict() if hasattr(summary, "to_dict") else {}
    kept = ("documents", "stories", "multi_article_stories", "duplicates", "alignments")
    found = {k: data.get(k) for k in kept}
    found["story_ari"] = _generated_story_ari(db)
    return {"seconds": seconds, "rss": rss, "summary": found}


def _generated_story_ari(db: Path) -> float | None:
    """ARI of the stored stories against the stories the corpus was generated with (document
    `<sample id>~<story>`): whether clustering quality holds as the corpus grows."""
    from newsprism.corpus.store import Store
    from newsprism.evaluate.stories import adjusted_rand_index

    gold: dict[str, str] = {}
    predicted: dict[str, str] = {}
    with Store(db, readonly=True) as store:
        for doc_id, story in store.connection.execute("SELECT doc_id, story_id FROM story_members"):
            gold[doc_id] = doc_id.rsplit("~", 1)[-1]
            predicted[doc_id] = story
    return round(adjusted_rand_index(gold, predicted), 4) if gold else None


def parse_scales(text: str) -> list[int]:
    """`"1000,10000"` -> [1000, 10000] (E502 on anything but positive integers)."""
    try:
        scales = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        scales = []
    if not scales or min(scales) < 1:
        raise NewsprismError(Code.BAD_USAGE, "--scale", "give positive article counts: 1000,10000")
    return scales


def run_scale_bench(
    scales: Sequence[int],
    config: Config,
    pipeline: Sequence[str] = DEFAULT_PIPELINE,
    engine: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    workdir: str | Path | None = None,
    cluster: bool = True,
    encode_leads: bool = False,
    log: Log | None = None,
) -> ScaleResult:
    """Batch (and cluster) synthetic corpora of each size in `scales`; one fresh store per scale.

    Each phase (batch, lead vectors, clustering) runs in a fresh process, so each peak RSS is
    that phase's own. `pipeline`: the analyzers the batch runs (checked first: E201/E202).
    `engine`, `workers`, `scheduler`: as for `run_batch`. `workdir`: where the stores are
    written and kept (default: a temporary folder, removed afterwards). `cluster`: also time the
    corpus analysis, when installed. `encode_leads`: encode every lead for real instead of
    synthetic lead vectors (see `_vectors_phase`).
    """
    from newsprism.corpus.batch import pipeline_spec

    if not scales or min(scales) < 1:
        raise NewsprismError(Code.BAD_USAGE, "--scale", "give positive article counts")
    bench_config = dataclasses.replace(config, pipeline=PipelineOptions(tuple(pipeline)))
    pipeline_spec(bench_config)  # E201/E202 before any work
    corpus = sample_corpus(config)
    result = ScaleResult(tuple(pipeline), engine, workers)
    result.notes.append(
        f"synthetic corpus: stories of {corpus.story_size} sample articles, rewritten per story; "
        "batch time includes synthesising the documents"
    )
    analysis = _optional("newsprism.corpus.analysis") if cluster else None
    if cluster and analysis is None:
        result.notes.append("story clustering not measured: newsprism.corpus.analysis is absent")
    elif analysis is not None:
        result.notes.append(
            "lead vectors: encoded for real (vectors s)"
            if encode_leads
            else "lead vectors: synthetic (the sample's real lead vectors, randomly rotated per "
            "story); clustering s excludes encoding the leads"
        )
    temporary = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="newsprism-scale-")) if workdir is None else Path(workdir)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for count in sorted(set(scales)):
            result.points.append(
                _measure_scale(
                    count,
                    bench_config,
                    engine,
                    workers,
                    scheduler,
                    folder,
                    analysis is not None,
                    encode_leads,
                    log,
                )
            )
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
    if engine == "dask" or workers > 1:
        result.notes.append("batch peak RSS is the writer's; worker_peak_rss_mb the largest worker")
    return result


def _measure_scale(
    count: int,
    config: Config,
    engine: str,
    workers: int,
    scheduler: str | None,
    folder: Path,
    cluster: bool,
    encode_leads: bool,
    log: Log | None,
) -> ScalePoint:
    """One scale: batch into a fresh store, then (optionally) vectors and clustering."""
    db = folder / f"scale-{count}.db"
    for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        stale.unlink(missing_ok=True)
    if log is not None:
        log(f"scale {count}: batch into {db}")
    batch = _in_fresh_process(_batch_phase, count, config, engine, workers, scheduler, db)
    point = ScalePoint(
        count,
        batch["seconds"],
        batch["analyzed"],
        batch["failed"],
        _store_bytes(db),
        batch["rss"],
        batch["children_rss"] if (engine == "dask" or workers > 1) else None,
        batch_windows=tuple(batch["windows"]),
    )
    if not cluster:
        return point
    if log is not None:
        log(f"scale {count}: lead vectors ({'encoded' if encode_leads else 'synthetic'})")
    vectors = _in_fresh_process(_vectors_phase, db, config, encode_leads)
    if log is not None:
        log(f"scale {count}: corpus analysis")
    clustered = _in_fresh_process(_cluster_phase, db, config)
    return dataclasses.replace(
        point,
        vectors="encoded" if encode_leads else "synthetic",
        vectors_seconds=vectors["seconds"],
        cluster_seconds=clustered["seconds"],
        cluster_peak_rss_mb=clustered["rss"],
        analysis=clustered["summary"],
    )
