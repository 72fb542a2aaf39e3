"""Benchmark reading and each analyzer alone: articles/s and peak memory, against the encoder.

Every analyzer of the default pipeline is timed on its own: the steps run in pipeline order over
the same articles, each step's input being the previous steps' output computed before its clock
starts. The encoder pass (`encoder.v1`) is the floor every other cost is compared with: the one
neural pass the design cannot avoid. `ratio_to_floor` is a step's seconds over the encoder's
seconds on the same articles, so 0.1 means "a tenth of the encoder's cost".

Memory: the process's peak RSS (`resource.getrusage`) overall, and per step the highest RSS seen
by a background thread reading `/proc/self/statm` while the step runs (Linux; None elsewhere).
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from rich.table import Table

from newsprism.config import Config
from newsprism.document import Document
from newsprism.errors import Code, NewsprismError
from newsprism.registry import Analyzer, Item, get_analyzer

READ_STEP = "read"
"""The name of the reading step (bytes on disk -> Documents)."""
FLOOR_STEP = "encoder.v1"
"""The analyzer whose cost is the floor."""
_SAMPLE_SECONDS = 0.005
"""RSS sampling period: short enough to catch a step's peak, cheap next to any step."""


@dataclass(frozen=True, slots=True)
class StepResult:
    """One timed step."""

    name: str
    articles: int
    seconds: float
    peak_rss_mb: float | None

    @property
    def articles_per_s(self) -> float | None:
        """Throughput (None when the step took no measurable time)."""
        return self.articles / self.seconds if self.seconds > 0 else None


@dataclass(slots=True)
class BenchResult:
    """Everything one `run_bench` measured."""

    articles: int
    steps: list[StepResult]
    floor: StepResult | None
    peak_rss_mb: float
    notes: list[str] = field(default_factory=list)
    startup: dict[str, dict[str, float]] = field(default_factory=dict)
    """One-time loads outside the per-article timings, e.g. the gazetteer: seconds and MB."""

    def ratio(self, step: StepResult) -> float | None:
        """`step`'s seconds over the floor's seconds (None without a floor)."""
        if self.floor is None or self.floor.seconds <= 0:
            return None
        return step.seconds / self.floor.seconds

    @property
    def total_ratio_to_floor(self) -> float | None:
        """All steps' seconds (reading, every analyzer and the encoder) over the floor's."""
        if self.floor is None or self.floor.seconds <= 0:
            return None
        return sum(s.seconds for s in self.steps) / self.floor.seconds

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `newsprism bench --json` prints."""
        return {
            "articles": self.articles,
            "floor": {
                "articles_per_s": _round(self.floor.articles_per_s) if self.floor else None,
            },
            "floor_step": FLOOR_STEP,
            "steps": [
                {
                    "name": s.name,
                    "articles_per_s": _round(s.articles_per_s),
                    "ratio_to_floor": _round(self.ratio(s), 4),
                    "seconds": round(s.seconds, 4),
                    "peak_rss_mb": _round(s.peak_rss_mb),
                }
                for s in self.steps
            ],
            "total_ratio_to_floor": _round(self.total_ratio_to_floor, 4),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "startup": {
                name: {k: round(v, 2) for k, v in load.items()}
                for name, load in self.startup.items()
            },
            "machine": _machine(),
            "notes": list(self.notes),
        }

    def to_table(self) -> Table:
        """A terminal table: one row per step, the floor and peak memory in the caption."""
        floor = self.floor.articles_per_s if self.floor else None
        table = Table(
            title=f"newsprism bench: {self.articles} articles",
            caption=(
                f"floor ({FLOOR_STEP}): {_fmt(floor)} articles/s; "
                f"total {_fmt(self.total_ratio_to_floor, 2)}x floor; "
                f"peak RSS {self.peak_rss_mb:.0f} MB"
                + "".join(
                    f"; {name} load {load['seconds']:.1f}s, +{load['mb']:.0f} MB"
                    for name, load in self.startup.items()
                )
            ),
        )
        table.add_column("step")
        table.add_column("articles/s", justify="right")
        table.add_column("x floor", justify="right")
        table.add_column("seconds", justify="right")
        table.add_column("peak RSS MB", justify="right")
        for step in self.steps:
            table.add_row(
                step.name,
                _fmt(step.articles_per_s),
                _fmt(self.ratio(step), 3),
                f"{step.seconds:.3f}",
                _fmt(step.peak_rss_mb, 0),
            )
        return table


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _machine() -> dict[str, Any]:
    """Where the numbers were taken (they mean little without it)."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpus": os.cpu_count(),
    }


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mb() -> float | None:
    """The current resident set size from `/proc/self/statm` (None where there is no /proc)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as stream:
            resident_pages = int(stream.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


class RssSampler:
    """Context manager: samples RSS in a background thread and keeps the highest value."""

    def __init__(self, period: float = _SAMPLE_SECONDS) -> None:
        self.period = period
        self.peak: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        rss = current_rss_mb()
        if rss is not None and (self.peak is None or rss > self.peak):
            self.peak = rss

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            self._sample()

    def __enter__(self) -> RssSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def _timed(name: str, articles: int, work: Callable[[], Any]) -> tuple[StepResult, Any]:
    """Run `work` once under the clock and the RSS sampler."""
    with RssSampler() as sampler:
        start = time.perf_counter()
        out = work()
        seconds = time.perf_counter() - start
    return StepResult(name, articles, seconds, sampler.peak), out


def _read(paths: Sequence[str], config: Config) -> list[Document]:
    """Every document in `paths`; read failures are errors here (a benchmark needs its input)."""
    from newsprism.readers import read_inputs

    docs: list[Document] = []
    for item in read_inputs(list(paths), config=config):
        if not isinstance(item, Document):
            raise NewsprismError(Code.BAD_USAGE, item.source, f"unreadable: {item.message}")
        docs.append(item)
    return docs


def _repeat(docs: Sequence[Document], articles: int) -> list[Document]:
    """`articles` documents cycling through `docs`, with ids made distinct (`<id>#<n>`)."""
    out: list[Document] = []
    for n in range(articles):
        doc = docs[n % len(docs)]
        out.append(Document(f"{doc.id}#{n}", doc.text, doc.meta))
    return out


def _run_analyzer(analyzer: Analyzer, items: list[Item], batch_size: int) -> list[Item]:
    """`analyzer.process` over `items` in pipeline-sized batches."""
    out: list[Item] = []
    for start in range(0, len(items), batch_size):
        out.extend(analyzer.process(items[start : start + batch_size]))
    return out


def _copy(items: Sequence[Item]) -> list[Item]:
    """Fresh items (documents are immutable; only the features dicts need copying)."""
    return [Item(item.doc, dict(item.features)) for item in items]


def _plan(config: Config, steps: Sequence[str] | None) -> tuple[list[str], bool, list[str]]:
    """(analyzers to run in order, whether reading is timed, names to report)."""
    order = list(config.pipeline.default)
    if FLOOR_STEP not in order:
        order.append(FLOOR_STEP)
    if steps is None:
        return order, True, [READ_STEP, *order]
    wanted = list(dict.fromkeys(steps))
    unknown = [s for s in wanted if s != READ_STEP and s not in order]
    if unknown:
        raise NewsprismError(
            Code.BAD_USAGE,
            ", ".join(unknown),
            f"bench steps are {READ_STEP} and the default pipeline: {', '.join(order)}",
        )
    # Analyzers before the last wanted one still run (untimed) to give it its input.
    last = max((order.index(s) for s in wanted if s in order), default=-1)
    return order[: last + 1], READ_STEP in wanted, wanted


def run_bench(
    paths: Sequence[str] | None,
    config: Config,
    articles: int = 300,
    steps: Sequence[str] | None = None,
) -> BenchResult:
    """Measure reading, each default analyzer alone, and the encoder floor on `articles` articles.

    `paths`: inputs to read (default: the embedded sample, without the seeds, so numbers compare
    across machines). They are cycled, with distinct ids, up to `articles`. `steps`: names to
    measure (`read`, analyzer names); None measures all. Analyzers that a measured step needs run
    untimed before it.
    """
    if articles < 1:
        raise NewsprismError(Code.BAD_USAGE, "--articles", "must be at least 1")
    if paths is None:
        from newsprism.samples import sample_inputs

        paths = sample_inputs(include_seeds=False)
    order, time_read, reported = _plan(config, steps)
    notes: list[str] = []
    startup: dict[str, dict[str, float]] = {}
    if "events.v1" in order:
        # Measured first, while the process is small: the MB is the growth of peak RSS.
        from newsprism.geo.gazetteer import measure_load

        seconds, mb = measure_load()
        startup["gazetteer"] = {"seconds": seconds, "mb": mb}

    base = _read(paths, config)
    if not base:
        raise NewsprismError(Code.NOTHING_READABLE, ", ".join(paths) or "(no paths)")
    results: dict[str, StepResult] = {}
    if time_read:
        rounds = -(-articles // len(base))
        chosen = list(paths)

        def read_rounds() -> list[list[Document]]:
            return [_read(chosen, config) for _ in range(rounds)]

        result, _ = _timed(READ_STEP, rounds * len(base), read_rounds)
        # Each round re-reads every file: throughput is documents read per second.
        results[READ_STEP] = result
    items = [Item(doc) for doc in _repeat(base, articles)]
    batch_size = config.batch.chunk_size

    for name in order:
        analyzer = get_analyzer(name)(config)
        # Warm up untimed on one article: lazy loads (pysbd's regexes, the ONNX session, a
        # first-use model export) are start-up costs, not per-article ones.
        _run_analyzer(analyzer, _copy(items[:1]), batch_size)
        if name in reported:
            work = partial(_run_analyzer, analyzer, _copy(items), batch_size)
            result, items = _timed(name, len(items), work)
            results[name] = result
        else:
            items = _run_analyzer(analyzer, _copy(items), batch_size)

    floor = results.get(FLOOR_STEP)
    if floor is None:
        notes.append(f"{FLOOR_STEP} not measured: ratios to the floor are null")
    step_results = [results[n] for n in reported if n in results]
    return BenchResult(articles, step_results, floor, peak_rss_mb(), notes, startup)
