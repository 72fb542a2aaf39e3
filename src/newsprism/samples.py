"""Locate the embedded demo sample (fictional articles shipped as package data) and the seeds.

The sample in `newsprism/sample/` reports one fictional strike from six outlets (wire report,
near-verbatim republication, ministry denial, monitoring group, partisan blog with comments, an
outlet blaming another actor), in three formats (JSONL, HTML, plain text). Every file is marked
synthetic. The two seed articles are never copied into the package: they are read from
`$NEWSPRISM_DATA/seeds` when that folder exists.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from newsprism.config import data_dir

SAMPLE_SUFFIXES = (".jsonl", ".html", ".txt")
"""File types that hold sample articles (anything else in the folder is ignored)."""


def sample_dir() -> Path:
    """The folder of the embedded sample inside the installed package."""
    return Path(str(resources.files("newsprism").joinpath("sample")))


def sample_files() -> list[Path]:
    """The sample's article files, sorted by name."""
    folder = sample_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in SAMPLE_SUFFIXES)


def seed_files() -> list[Path]:
    """The seed articles in `data_dir()/seeds` (`*.txt`), or none when the data is absent."""
    seeds = data_dir() / "seeds"
    if not seeds.is_dir():
        return []
    return sorted(p for p in seeds.glob("*.txt") if p.is_file())


def sample_inputs(include_seeds: bool = True) -> list[str]:
    """Paths for `read_inputs`: the sample files, then the seeds when present and wanted."""
    paths = [str(p) for p in sample_files()]
    if include_seeds:
        paths.extend(str(p) for p in seed_files())
    return paths
