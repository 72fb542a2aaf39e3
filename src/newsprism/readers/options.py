"""Reader options: forced format, corpus presets and the record field mapping they resolve to."""

from __future__ import annotations

from dataclasses import dataclass

from newsprism.errors import Code, NewsprismError

FORMATS = ("txt", "html", "jsonl", "csv", "warc")
"""Reader names `ReaderOptions.format` accepts (`json` is taken as `jsonl`)."""

EXTENSIONS: dict[str, str] = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".warc": "warc",
    ".warc.gz": "warc",
}
"""File name endings each reader takes (lowercased; `.warc.gz` checked before plain suffixes)."""

DEFAULT_FIELDS: dict[str, str] = {
    "id_field": "id",
    "title_field": "title",
    "text_field": "text",
    "date_field": "published",
    "outlet_field": "outlet",
    "url_field": "url",
    "authors_field": "authors",
}

PRESETS: dict[str, dict[str, str]] = {
    # FakeNewsCorpus (news_sample.csv): no publication date column; `scraped_at` is the crawl
    # time and stays in meta.fields with `type` (the domain's label) and the rest.
    "fakenewscorpus": {
        "id_field": "id",
        "title_field": "title",
        "text_field": "content",
        "outlet_field": "domain",
        "url_field": "url",
        "authors_field": "authors",
        "date_field": "published",
    },
    # FA-KES (fa_kes_train.csv): dates are month/day/year ("4/18/2017"); `labels` and
    # `location` stay in meta.fields for the evaluations.
    "fakes": {
        "id_field": "unit_id",
        "title_field": "article_title",
        "text_field": "article_content",
        "outlet_field": "source",
        "date_field": "date",
        "date_format": "%m/%d/%Y",
        "url_field": "url",
        "authors_field": "authors",
    },
}
"""Field mappings (and a `date_format` for strptime where the order is known) per corpus."""


@dataclass(frozen=True, slots=True)
class ReaderOptions:
    """What the user chose: a forced reader, a corpus preset, and field overrides."""

    format: str | None = None
    preset: str | None = None
    id_field: str | None = None
    title_field: str | None = None
    text_field: str | None = None
    date_field: str | None = None
    outlet_field: str | None = None
    url_field: str | None = None
    authors_field: str | None = None

    def __post_init__(self) -> None:
        if self.format == "json":
            object.__setattr__(self, "format", "jsonl")
        if self.format is not None and self.format not in FORMATS:
            raise NewsprismError(
                Code.BAD_USAGE, "format", f"{self.format!r} is not one of {', '.join(FORMATS)}"
            )
        if self.preset is not None and self.preset not in PRESETS:
            raise NewsprismError(
                Code.BAD_USAGE, "preset", f"{self.preset!r} is not one of {', '.join(PRESETS)}"
            )

    def fields(self) -> FieldMap:
        """The record mapping: explicit fields over the preset's over the defaults."""
        chosen = dict(DEFAULT_FIELDS)
        date_format = None
        if self.preset:
            preset = PRESETS[self.preset]
            chosen.update({k: v for k, v in preset.items() if k in DEFAULT_FIELDS})
            date_format = preset.get("date_format")
        for key in DEFAULT_FIELDS:
            value = getattr(self, key)
            if value:
                chosen[key] = value
        return FieldMap(date_format=date_format, **chosen)


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which record key holds each piece of a corpus record."""

    id_field: str
    title_field: str
    text_field: str
    date_field: str
    outlet_field: str
    url_field: str
    authors_field: str
    date_format: str | None = None

    @property
    def mapped(self) -> frozenset[str]:
        """The keys consumed into `text` and `meta`; every other key goes to `meta.fields`."""
        return frozenset(
            (
                self.id_field,
                self.title_field,
                self.text_field,
                self.date_field,
                self.outlet_field,
                self.url_field,
                self.authors_field,
            )
        )


def format_for_name(name: str) -> str | None:
    """The reader a file name's extension selects, or None when unknown."""
    lowered = name.lower()
    for ending in sorted(EXTENSIONS, key=len, reverse=True):
        if lowered.endswith(ending):
            return EXTENSIONS[ending]
    return None
