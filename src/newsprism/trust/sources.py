"""Source priors: public source lists imported into a database, looked up by normalised domain.

Lists (in `sources/` of the public data): OpenSources (`sources.csv|json`, LGPL-3: up to three
tags per domain), Media Bias/Fact Check labels of Baly et al. (`corpus.tsv`, `fact` high / mixed
/ low; no licence stated) and FakeNewsCorpus `websites.csv` (OpenSources tags). Nothing is
packaged: `newsprism sources import` loads a list into the `source_labels` table of a newsprism
database (which list, which label, from which file, when). A domain no list names stays unknown,
never guessed.

Credibility per label is a fixed reading of the list's own definitions, not a fitted value (no
labelled articles tie these outlets to outcomes): MBFC high 0.85, mixed 0.5, low 0.15;
OpenSources `reliable` 0.85, `political`/`bias`/`clickbait`/`satire`/`state` 0.3-0.4 (slanted or
not meant as news), `rumor`/`unreliable`/`junksci` 0.2, `fake`/`conspiracy`/`hate` 0.1.
A domain with several labels gets their mean.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsprism.errors import Code, NewsprismError

FORMATS = ("opensources", "mbfc", "websites-csv")

CREDIBILITY: dict[str, float] = {
    "mbfc:high": 0.85,
    "mbfc:mixed": 0.5,
    "mbfc:low": 0.15,
    "reliable": 0.85,
    "political": 0.4,
    "bias": 0.35,
    "state": 0.3,
    "clickbait": 0.3,
    "satire": 0.3,
    "rumor": 0.2,
    "unreliable": 0.2,
    "junksci": 0.2,
    "fake": 0.1,
    "conspiracy": 0.1,
    "hate": 0.1,
}
"""Credibility in [0, 1] per list label (see the module docstring for the reading)."""

PLATFORMS = frozenset(
    {"blogspot.com", "wordpress.com", "tumblr.com", "medium.com", "substack.com", "weebly.com"}
)
"""Hosts whose subdomains are separate sites: the platform itself is never a source."""

REPUBLISHERS = frozenset(
    {
        "news.google.com", "feedproxy.google.com", "news.yahoo.com", "msn.com", "flipboard.com",
        "newsnow.co.uk", "archive.org", "web.archive.org", "archive.is", "archive.ph",
    }
)  # fmt: skip
"""Hosts that republish other outlets' articles: their prior would not be the article's."""

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS source_labels (
        domain TEXT NOT NULL,
        list TEXT NOT NULL,
        label TEXT NOT NULL,
        credibility REAL,
        source_file TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        PRIMARY KEY (domain, list, label)
    )
    """,
    "CREATE INDEX IF NOT EXISTS source_labels_domain ON source_labels (domain)",
)


def normalise_domain(value: str) -> str | None:
    """`https://www.Example.com:443/a` -> `example.com` (blogspot TLDs folded); None if empty."""
    text = value.strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    for prefix in ("www.", "www2.", "m.", "mobile.", "amp."):
        if text.startswith(prefix) and text.count(".") >= 2:
            text = text[len(prefix) :]
    parts = text.split(".")
    if "blogspot" in parts:
        # name.blogspot.co.uk and name.blogspot.com are one blog.
        text = ".".join(parts[: parts.index("blogspot")]) + ".blogspot.com"
    if not text or "." not in text or " " in text:
        return None
    return text


def candidates(domain: str) -> list[str]:
    """Lookup keys from the most to the least specific: `a.b.example.com`, `b.example.com`, ..."""
    parts = domain.split(".")
    out = []
    for i in range(len(parts) - 1):
        key = ".".join(parts[i:])
        if key in PLATFORMS and i > 0:
            break
        out.append(key)
    return out


@dataclass(frozen=True, slots=True)
class SourceLabel:
    """One (domain, list, label) row."""

    domain: str
    list: str
    label: str
    credibility: float | None


def _opensources_rows(path: Path) -> Iterator[tuple[str, list[str]]]:
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise NewsprismError(Code.MALFORMED_JSON, str(path), "expected an object of domains")
        for domain, tags in data.items():
            keys = ("type", "2nd type", "3rd type")
            labels = [str(tags.get(k) or "") for k in keys] if isinstance(tags, dict) else []
            yield str(domain), labels
        return
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        next(reader, None)
        for row in reader:
            if row:
                yield row[0], row[1:4]


def _require_columns(
    reader: csv.DictReader[str], path: Path, fmt: str, *columns: tuple[str, ...]
) -> None:
    """E106 naming the file when its header lacks one of `columns` (each a tuple of names, any
    of which will do): a list of another format would otherwise import nothing, silently."""
    header = set(reader.fieldnames or ())
    for names in columns:
        if not header & set(names):
            wanted = " or ".join(names)
            detail = f"no {wanted} column: not a {fmt} list (header: {sorted(header)[:8]})"
            raise NewsprismError(Code.MALFORMED_CSV, str(path), detail)


def _websites_rows(path: Path) -> Iterator[tuple[str, list[str]]]:
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        _require_columns(reader, path, "websites-csv", ("url",), ("type",))
        for row in reader:
            yield row.get("url") or "", [row.get(k) or "" for k in ("type", "2nd_type", "3rd_type")]


def _mbfc_rows(path: Path) -> Iterator[tuple[str, list[str]]]:
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream, delimiter="\t")
        _require_columns(reader, path, "mbfc", ("source_url_normalized", "source_url"), ("fact",))
        for row in reader:
            domain = row.get("source_url_normalized") or row.get("source_url") or ""
            fact = (row.get("fact") or "").strip().lower()
            yield domain, [f"mbfc:{fact}"] if fact else []


def read_list(path: Path, fmt: str) -> list[SourceLabel]:
    """Every (domain, label) of a list file; labels outside the list's vocabulary are kept with
    credibility None (reported, never scored)."""
    if fmt not in FORMATS:
        raise NewsprismError(Code.BAD_USAGE, fmt, f"--format must be one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise NewsprismError(Code.NOT_FOUND, str(path))
    rows = {"opensources": _opensources_rows, "mbfc": _mbfc_rows, "websites-csv": _websites_rows}
    list_name = {"opensources": "opensources", "mbfc": "mbfc", "websites-csv": "fakenewscorpus"}
    out: dict[tuple[str, str], SourceLabel] = {}
    try:
        for raw_domain, labels in rows[fmt](path):
            domain = normalise_domain(raw_domain)
            if domain is None:
                continue
            for raw in labels:
                label = " ".join(raw.strip().lower().split())
                label = {"fake news": "fake"}.get(label, label)
                if not label or label == "unknown":
                    continue
                out[(domain, label)] = SourceLabel(
                    domain, list_name[fmt], label, CREDIBILITY.get(label)
                )
    except (csv.Error, UnicodeDecodeError, json.JSONDecodeError) as bad:
        raise NewsprismError(Code.MALFORMED_CSV, str(path), str(bad)[:200]) from None
    return sorted(out.values(), key=lambda s: (s.domain, s.label))


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the `source_labels` table when missing."""
    for statement in _SCHEMA:
        conn.execute(statement)


def import_list(conn: sqlite3.Connection, path: Path, fmt: str) -> dict[str, Any]:
    """Replace this list's rows from `path`; returns counts for the report."""
    labels = read_list(path, fmt)
    ensure_schema(conn)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    list_names = {s.list for s in labels}
    conn.execute("BEGIN IMMEDIATE")
    try:
        for name in list_names:
            conn.execute("DELETE FROM source_labels WHERE list = ?", (name,))
        conn.executemany(
            "INSERT INTO source_labels VALUES (?, ?, ?, ?, ?, ?)",
            [(s.domain, s.list, s.label, s.credibility, str(path), now) for s in labels],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return {
        "file": str(path),
        "format": fmt,
        "domains": len({s.domain for s in labels}),
        "labels": len(labels),
        "unscored_labels": sorted({s.label for s in labels if s.credibility is None}),
        "imported_at": now,
    }


@dataclass(frozen=True, slots=True)
class SourcePrior:
    """What the lists say of a document's outlet; `value` None means unknown."""

    domain: str | None
    matched: str | None
    labels: tuple[SourceLabel, ...]
    value: float | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON evidence (doc-level facts)."""
        return {
            "domain": self.domain,
            "matched": self.matched,
            "labels": [{"list": s.list, "label": s.label} for s in self.labels],
            "value": self.value,
            "reason": self.reason,
        }


def lookup(conn: sqlite3.Connection | None, outlet: str | None) -> SourcePrior:
    """The prior of an outlet (domain or URL): the most specific listed domain, else unknown."""
    domain = normalise_domain(outlet) if outlet else None
    if domain is None:
        return SourcePrior(None, None, (), None, "no domain")
    if domain in REPUBLISHERS:
        return SourcePrior(domain, None, (), None, "republisher: the original outlet is unknown")
    if conn is None:
        return SourcePrior(domain, None, (), None, "no source lists imported")
    try:
        for key in candidates(domain):
            rows = conn.execute(
                "SELECT domain, list, label, credibility FROM source_labels WHERE domain = ?",
                (key,),
            ).fetchall()
            if rows:
                labels = tuple(SourceLabel(*r) for r in rows)
                scored = [s.credibility for s in labels if s.credibility is not None]
                value = round(sum(scored) / len(scored), 4) if scored else None
                return SourcePrior(domain, key, labels, value, "listed")
    except sqlite3.OperationalError:
        return SourcePrior(domain, None, (), None, "no source lists imported")
    return SourcePrior(domain, None, (), None, "in no imported list")
