"""Metadata normalisation shared by the readers: dates, outlets, authors, ids, text titles."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

_SLUG_RUN = re.compile(r"[^a-z0-9]+")
_AUTHOR_SEP = re.compile(r"\s*[;,|]\s*|\s+and\s+|\s*&\s*")
_LINE_END = re.compile(r"\r\n|\r|\n")


def iso_date(value: str, date_format: str | None = None) -> str:
    """ISO 8601 when `value` parses unambiguously (or with `date_format`), else `value` as given.

    Accepted without a format: ISO 8601 itself and RFC 2822 (feeds, mail headers). Day-month
    order is never guessed ("4/5/2017"): a preset that knows its order passes `date_format`.
    """
    raw = value.strip()
    if not raw:
        return value
    parsed: datetime | None = None
    if date_format:
        try:
            parsed = datetime.strptime(raw, date_format)
        except ValueError:
            parsed = None
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        return value
    has_time = parsed.hour or parsed.minute or parsed.second or parsed.tzinfo is not None
    if not has_time and not re.search(r"\d:\d", raw):
        return parsed.date().isoformat()
    return parsed.isoformat()


def domain_of(url: str | None) -> str | None:
    """The host of `url` without a leading 'www.' (None when there is none)."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def author_list(value: Any) -> list[str]:
    """Authors as a list of non-empty strings, from a list or a delimited string."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        names: list[str] = []
        for item in value:
            names.extend(author_list(item))
        return names
    if isinstance(value, dict):
        name = value.get("name")
        return [name.strip()] if isinstance(name, str) and name.strip() else []
    text = str(value).strip()
    if not text:
        return []
    return [part for part in (p.strip() for p in _AUTHOR_SEP.split(text)) if part]


def slug_id(value: str, max_length: int = 60) -> str:
    """A filesystem- and URL-safe id for `value`: a lowercase slug plus 8 hex digits of its hash.

    The hash keeps ids of long or non-Latin values (whose slugs collide or vanish) distinct.
    """
    lowered = value.lower()
    for prefix in ("https://", "http://"):
        if lowered.startswith(prefix):
            lowered = lowered[len(prefix) :]
            break
    slug = _SLUG_RUN.sub("-", lowered).strip("-")[:max_length].strip("-")
    digest = hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else digest


def leading_title(text: str, max_chars: int) -> str | None:
    """The first line when a blank line follows it (the seeds' and PTC's layout), else None.

    A first line longer than `max_chars` is a paragraph, not a title. A BOM and surrounding
    whitespace are left out of the returned title; `text` is untouched.
    """
    first = _LINE_END.search(text)
    if first is None:
        return None
    second = _LINE_END.search(text, first.end())
    if second is None:
        return None
    if text[first.end() : second.start()].strip():
        return None
    title = text[: first.start()].lstrip("\ufeff").strip()
    return title if title and len(title) <= max_chars else None
