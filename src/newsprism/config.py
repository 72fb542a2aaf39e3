"""One typed options object, loaded from `defaults.toml` and optional user overrides."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from newsprism.errors import Code, NewsprismError


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How readers decode input (see defaults.toml [read])."""

    max_bytes: int = 64 * 1024 * 1024
    max_chars: int = 500_000
    sniff_bytes: int = 8192
    max_control_ratio: float = 0.05
    title_max_chars: int = 300


@dataclass(frozen=True, slots=True)
class PipelineOptions:
    """Which analyzers run by default."""

    default: tuple[str, ...] = (
        "sections.v1",
        "sentences.v1",
        "encoder.v1",
        "entities.v1",
        "attributions.v1",
        "propaganda.v1",
        "events.v1",
        "checkworthy.v1",
        "comments.v1",
        "trust.v1",
    )


@dataclass(frozen=True, slots=True)
class EncoderOptions:
    """The shared MiniLM pass."""

    batch_size: int = 32
    max_tokens: int = 256
    threads: int = 0
    layers: tuple[int, ...] = (6,)


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """The batch runner."""

    chunk_size: int = 16
    chunk_chars: int = 500_000


@dataclass(frozen=True, slots=True)
class SectionsOptions:
    """Line-shape limits of the `sections.v1` analyzer (see defaults.toml [sections])."""

    title_max_words: int = 32
    title_match_min_ratio: float = 0.8
    byline_max_words: int = 14
    head_max_lines: int = 8
    caption_max_words: int = 40
    caption_heading_max_words: int = 8
    inline_boilerplate_max_words: int = 10
    prose_min_words: int = 12
    tail_max_uncued_words: int = 60


@dataclass(frozen=True, slots=True)
class SentencesOptions:
    """Line joining and pysbd limits of the `sentences.v1` analyzer (defaults.toml [sentences])."""

    wrap_max_chars: int = 100
    wrap_min_chars: int = 30
    wrap_min_open_ratio: float = 0.5
    pysbd_max_chars: int = 1000
    max_sentence_chars: int = 2000


@dataclass(frozen=True, slots=True)
class EventsOptions:
    """Place resolution of the `events.v1` analyzer (see defaults.toml [events])."""

    place_min_population: int = 100_000


@dataclass(frozen=True, slots=True)
class TrustOptions:
    """Trust evidence, check-worthiness and comment flags (see defaults.toml [trust])."""

    place_days: int = 1
    similar_days: int = 3
    similar_min: float = 0.2
    event_km: float = 50.0
    event_days: int = 2
    killed_tolerance: float = 0.1
    l2: float = 1.0
    source_weight: float = 1.0
    sources_db: str = ""
    checkworthy_min: float = 0.5
    comment_flag_min: float = 0.5


@dataclass(frozen=True, slots=True)
class CorpusOptions:
    """Cross-source analysis: duplicates, stories, claim alignment (see defaults.toml [corpus])."""

    shingle_words: int = 5
    minhash_perms: int = 128
    duplicate_jaccard: float = 0.7
    duplicate_containment: float = 0.7
    duplicate_min_shingles: int = 20
    duplicate_lsh_jaccard: float = 0.25
    lead_sentences: int = 3
    lsh_bits: int = 6
    lsh_tables: int = 32
    max_bucket: int = 64
    lsh_split_bits: int = 16
    lsh_candidates: int = 24
    neighbours: int = 12
    entity_max_df: float = 0.1
    vector_weight: float = 0.5
    story_link: float = 0.35
    story_window_days: int = 3
    story_max_days: int = 7
    story_cohesion: float = 0.25
    lexical_weight: float = 0.6
    lexical_min_docs: int = 50
    toll_same_bonus: float = 0.1
    toll_apart_penalty: float = 0.05
    toll_tolerance: float = 0.25
    place_weight: float = 0.1
    lead_day_penalty: float = 0.5
    lead_day_slack: int = 2
    lead_day_same_bonus: float = 0.05
    align_min_score: float = 2.5
    toll_lead_chars: int = 600
    toll_days: int = 1
    toll_related: float = 0.2
    toll_city_km: float = 60.0
    toll_region_km: float = 150.0
    date_conflict_days: int = 3
    place_town_km: float = 20.0
    segment_docs: int = 5000


@dataclass(frozen=True, slots=True)
class Config:
    """Every option of newsprism; `hash` identifies it in stored results."""

    read: ReadOptions = field(default_factory=ReadOptions)
    pipeline: PipelineOptions = field(default_factory=PipelineOptions)
    encoder: EncoderOptions = field(default_factory=EncoderOptions)
    batch: BatchOptions = field(default_factory=BatchOptions)
    sections: SectionsOptions = field(default_factory=SectionsOptions)
    sentences: SentencesOptions = field(default_factory=SentencesOptions)
    events: EventsOptions = field(default_factory=EventsOptions)
    corpus: CorpusOptions = field(default_factory=CorpusOptions)
    trust: TrustOptions = field(default_factory=TrustOptions)

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict of every option."""
        return asdict(self)

    @property
    def hash(self) -> str:
        """sha256 (first 16 hex digits) of the canonical JSON of all options."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, default=list)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _build(cls: type[Any], values: dict[str, Any], where: str) -> Any:
    """Instantiate dataclass `cls` from `values`, refusing unknown keys and wrong types."""
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise NewsprismError(Code.BAD_CONFIG, where, f"unknown key {key!r}")
        default = getattr(cls(), key)
        if is_dataclass(default):
            if not isinstance(value, dict):
                raise NewsprismError(Code.BAD_CONFIG, where, f"[{key}] must be a table")
            kwargs[key] = _build(type(default), value, f"{where}.{key}")
        elif isinstance(default, tuple):
            if not isinstance(value, list):
                raise NewsprismError(Code.BAD_CONFIG, where, f"{key} must be a list")
            kwargs[key] = tuple(value)
        elif isinstance(default, bool) or not isinstance(default, int | float):
            kwargs[key] = value
        else:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise NewsprismError(Code.BAD_CONFIG, where, f"{key} must be a number")
            kwargs[key] = type(default)(value)
    return cls(**kwargs)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge `extra` over `base`."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_config(path: str | Path | None = None) -> Config:
    """The packaged defaults, overridden by the TOML file at `path` when given."""
    text = resources.files("newsprism").joinpath("defaults.toml").read_text(encoding="utf-8")
    values = tomllib.loads(text)
    if path is not None:
        try:
            values = _merge(values, tomllib.loads(Path(path).read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise NewsprismError(Code.NOT_FOUND, str(path)) from None
        except tomllib.TOMLDecodeError as bad:
            raise NewsprismError(Code.BAD_CONFIG, str(path), str(bad)) from None
    config: Config = _build(Config, values, str(path or "defaults.toml"))
    return config


def data_dir() -> Path:
    """The public labelled data folder: `$NEWSPRISM_DATA`, else `../shared/data`.

    The default is tried relative to the working directory first (the project root, as in the
    README), then relative to this source checkout, so tests find it from any directory.
    """
    import os

    env = os.environ.get("NEWSPRISM_DATA")
    if env:
        return Path(env)
    candidates = [
        Path.cwd() / ".." / "shared" / "data",
        Path(__file__).resolve().parents[3] / "shared" / "data",
    ]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return candidates[0]


def require_data(subpath: str = "") -> Path:
    """`data_dir() / subpath`, or E503 naming what is missing."""
    path = data_dir() / subpath
    if not path.exists():
        raise NewsprismError(Code.DATA_MISSING, str(path))
    return path
