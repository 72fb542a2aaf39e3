"""Load PolNeAR (brat stand-off attributions) into plain gold records, one per article.

PolNeAR ships `text/NAME.txt` and one or more `attributions/NAME_<annotator>.ann` per article;
where an article was annotated twice, the first annotator file (sorted by name) is used, so that
every article counts once. Discontinuous brat spans (`10 20;30 40`) are kept as fragments; the
scorer compares their outer bounds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsprism.config import require_data
from newsprism.errors import Code, NewsprismError

Fragments = tuple[tuple[int, int], ...]
SPLITS = ("train", "dev")


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One annotated attribution: content, cue and (optional) source fragments."""

    content: Fragments
    cue: Fragments
    source: Fragments | None

    @staticmethod
    def bounds(fragments: Fragments) -> tuple[int, int]:
        """Outer `[start, end)` of a fragment list."""
        return fragments[0][0], fragments[-1][1]


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """An article's text and its gold attributions."""

    name: str
    text: str
    attributions: tuple[GoldAttribution, ...]


def _fragments(offsets: str) -> Fragments:
    """Parse brat offsets `a b;c d` into sorted `(start, end)` pairs."""
    out = []
    for part in offsets.split(";"):
        start, end = part.split()
        out.append((int(start), int(end)))
    return tuple(sorted(out))


def parse_ann(ann: str) -> tuple[GoldAttribution, ...]:
    """Attributions of one PolNeAR `.ann` file (events joining Source/Cue/Content)."""
    spans: dict[str, Fragments] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            label, _, offsets = fields[1].partition(" ")
            if label in ("Source", "Cue", "Content"):
                try:
                    spans[fields[0]] = _fragments(offsets)
                except ValueError:
                    continue
        elif line.startswith("E") and len(fields) >= 2:
            roles: dict[str, str] = {}
            for arg in fields[1].split():
                role, _, ref = arg.partition(":")
                roles[role] = ref
            events.append(roles)
    out = []
    for roles in events:
        content = spans.get(roles.get("Content", ""))
        cue = spans.get(roles.get("Cue", ""))
        if content is None or cue is None:
            continue
        source = spans.get(roles.get("Source", ""))
        out.append(GoldAttribution(content, cue, source))
    out.sort(key=lambda a: a.content[0])
    return tuple(out)


def split_dir(split: str, root: Path | None = None) -> Path:
    """The folder of one split (`train` or `dev`); E502 for an unknown split name."""
    if split not in SPLITS:
        raise NewsprismError(Code.BAD_USAGE, split, f"PolNeAR splits are {', '.join(SPLITS)}")
    base = root if root is not None else require_data("polnear")
    path = base / split
    if not path.is_dir():
        raise NewsprismError(Code.DATA_MISSING, str(path))
    return path


def load_polnear(
    split: str, root: Path | None = None, limit: int | None = None
) -> list[GoldArticle]:
    """Articles of `split` with their gold attributions, sorted by name (first `limit` only)."""
    return list(iter_polnear(split, root, limit))


def iter_polnear(
    split: str, root: Path | None = None, limit: int | None = None
) -> Iterator[GoldArticle]:
    """Lazily yield the articles of `split` (see `load_polnear`)."""
    base = split_dir(split, root)
    anns: dict[str, Path] = {}
    for ann in sorted((base / "attributions").glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        anns.setdefault(stem, ann)
    count = 0
    for text_path in sorted((base / "text").glob("*.txt")):
        ann_path = anns.get(text_path.stem)
        if ann_path is None:
            continue
        # newline="" keeps CR characters: brat offsets count every character of the file.
        with text_path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        attributions = parse_ann(ann_path.read_text(encoding="utf-8"))
        yield GoldArticle(text_path.stem, text, attributions)
        count += 1
        if limit is not None and count >= limit:
            return
