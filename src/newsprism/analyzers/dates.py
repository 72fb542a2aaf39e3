"""Find date expressions in a stretch of text and resolve them against the publication date.

Candidates are found by patterns (weekdays, "yesterday", month-day dates, "since September 30",
"in the last two days", "this week", "two days ago"); only those candidate spans are handed to
dateparser, never a whole text (over whole texts `search_dates` reads "72% of" as 1972).
Relative expressions need the publication date: without it they stay unresolved (`iso` None),
never guessed. A weekday is the most recent such day on or before publication ("on Friday" in a
Saturday paper is yesterday; in a Friday paper, today), as news reports use it. Ranges ("since
September 30", "in the last two days") resolve to an ISO 8601 interval `start/end`. `page_date`
gives the date to resolve against: the page's own printed stamp where it opens with one near
`meta.published`, or a wire dateline's filing day ("BEIRUT, Oct 1 (Reuters) -").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from newsprism.analyzers.counts import number_value
from newsprism.analyzers.datelines import in_dateline_date

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_NAMES = "|".join(day.capitalize() for day in WEEKDAYS)
"""The day names as a regex alternation ("Monday|Tuesday|..."), for the modules that read them."""
_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several)"

_GLUED = rf"({_MONTH})\s+([12]\d|3[01]|0?[1-9])({_YEAR})"
"""A stamp whose comma was stripped with the space after it ("Last updated at Apr 152017")."""
_ABSOLUTE = (
    rf"{_GLUED}\b|"
    rf"{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b|{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?\b|"
    rf"{_MONTH}\s+{_YEAR}\b|{_YEAR}-[01]\d-[0-3]\d\b"
)
_PATTERN = re.compile(
    rf"(?P<since>\b(?:[Ss]ince|[Ff]rom)\s+)?"
    rf"(?:"
    rf"(?P<abs>\b(?:{_ABSOLUTE}))"
    rf"|(?P<weekday>\b(?:{WEEKDAY_NAMES})"
    rf"(?:[’']?s\b)?(?:\s+(?:morning|afternoon|evening|night))?\b)"
    rf"|(?P<rel>\b(?:[Yy]esterday|[Tt]oday|[Tt]onight|[Ll]ast night|[Tt]his morning|"
    rf"[Tt]he day before yesterday)\b)"
    rf"|(?P<span>\b(?:[Ii]n|[Oo]ver|[Dd]uring|[Ff]or)\s+the\s+(?:last|past|previous)\s+"
    rf"(?P<n>{_NUMBER})\s+(?P<unit>days?|weeks?|months?|hours?)\b)"
    rf"|(?P<week>\b(?:[Tt]his|[Ll]ast)\s+(?:week|month)\b)"
    rf"|(?P<ago>\b(?P<an>{_NUMBER}|[Aa]n?)\s+(?P<aunit>days?|weeks?)\s+ago\b)"
    rf")"
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression: offsets in the document, its text and its resolution."""

    start: int
    end: int
    text: str
    iso: str | None
    """`YYYY-MM-DD`, an interval `YYYY-MM-DD/YYYY-MM-DD`, or None when it cannot be resolved."""
    relative: bool

    @property
    def day(self) -> str | None:
        """The single day an event on this date is given: the day, or a range's last day."""
        if self.iso is None:
            return None
        return self.iso.split("/")[-1]

    def to_attrs(self) -> dict[str, Any]:
        """Entity attrs of the contract's DATE label."""
        return {"iso_date": self.iso, "relative": self.relative}


def parse_published(value: Any) -> date | None:
    """`meta.published` as a date (ISO strings, with or without time), or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    parsed = _dateparser(text, None)
    return parsed


@lru_cache(maxsize=4096)
def _dateparser(text: str, base: date | None) -> date | None:
    """dateparser on one candidate span; needs day and month, and the year unless `base` is given.

    Without a publication date a year-less "October 31" stays unresolved: dateparser would
    otherwise fill in the current year.
    """
    try:
        import dateparser
    except ImportError:  # the `geo` extra brings dateparser; absence leaves dates unresolved
        return None
    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "past",
        "REQUIRE_PARTS": ["day", "month"] if base is not None else ["day", "month", "year"],
        "PREFER_DAY_OF_MONTH": "first",
    }
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day, 12)
    result = dateparser.parse(text, languages=["en"], settings=settings)
    if not isinstance(result, datetime):
        return None
    return result.date()


def _weekday(word: str, published: date) -> date:
    """The most recent `word` day on or before the publication day."""
    wanted = WEEKDAYS.index(re.sub(r"[’']?s$", "", word.split()[0].lower()))
    return published - timedelta(days=(published.weekday() - wanted) % 7)


def _resolve(match: re.Match[str], published: date | None) -> tuple[str | None, bool]:
    """(iso, relative) for one candidate match."""
    since = match.group("since") is not None
    day: date | None = None
    relative = True
    if match.group("abs"):
        relative = False
        text = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", match.group("abs"))
        text = re.sub(rf"^{_GLUED}$", r"\1 \2 \3", text)
        if re.fullmatch(rf"{_MONTH}\s+{_YEAR}", text):
            return None, False  # a month, not a day: too coarse for an event date
        day = _dateparser(text, published)
        # A year-less date after publication is last year's ("December 28" in January).
        if (
            day is not None
            and published is not None
            and day > published
            and (not re.search(_YEAR, text))
        ):
            day = day.replace(year=day.year - 1)
    elif published is None:
        return None, True
    elif match.group("weekday"):
        day = _weekday(match.group("weekday"), published)
    elif match.group("rel"):
        word = match.group("rel").lower()
        back = 2 if "before" in word else 1 if word in ("yesterday", "last night") else 0
        day = published - timedelta(days=back)
    elif match.group("span"):
        n = number_value(match.group("n").lower())
        unit = match.group("unit").rstrip("s")
        if n is None:
            return published.isoformat(), True
        if unit == "hour":
            # "over the past 24 hours" in Monday's briefing covers Sunday too.
            back = math.ceil(n / 24)
            if back == 0:
                return published.isoformat(), True
            return f"{(published - timedelta(days=back)).isoformat()}/{published.isoformat()}", True
        days = {"day": 1, "week": 7, "month": 30}[unit] * int(n)
        start = published - timedelta(days=max(days - 1, 0))
        return f"{start.isoformat()}/{published.isoformat()}", True
    elif match.group("ago"):
        word = match.group("an").lower()
        n = number_value("a" if word == "an" else word)
        if n is None or word in ("a few", "several"):
            return None, True  # "a few days ago": no one day
        weeks = match.group("aunit").startswith("w")
        day = published - timedelta(days=int(n) * (7 if weeks else 1))
    elif match.group("week"):
        this = match.group("week").lower().startswith("this")
        days = 30 if "month" in match.group("week").lower() else 7
        end = published if this else published - timedelta(days=days)
        start = (
            end - timedelta(days=days - 1)
            if not this
            else published - timedelta(days=published.weekday() if days == 7 else published.day - 1)
        )
        return f"{start.isoformat()}/{end.isoformat()}", True
    if day is None:
        return None, relative
    if since and published is not None and day <= published:
        return f"{day.isoformat()}/{published.isoformat()}", relative
    return day.isoformat(), relative


def find_dates(
    text: str, published: date | None, start: int = 0, end: int | None = None
) -> list[DateMention]:
    """Date expressions in `text[start:end]`, resolved against `published` (offsets in `text`)."""
    stop = len(text) if end is None else end
    out: list[DateMention] = []
    for match in _PATTERN.finditer(text, start, stop):
        iso, relative = _resolve(match, published)
        out.append(DateMention(match.start(), match.end(), match.group(0), iso, relative))
    return out


_STAMP_BEFORE = re.compile(
    r"(?:posted|published|updated|last\s+updated|first\s+published)(?:\s+(?:on|at))?[\s:]*$",
    re.IGNORECASE,
)


def is_stamp(text: str, mention: DateMention) -> bool:
    """Whether a date stamps the page: it opens the document ("Tuesday 19 Jul 2016 US-led
    strikes kill 56 ...", "Sun Apr 16 2017 Death toll ...", agency copy), follows an agency's
    credit under the headline ("... in Syria Moscow AFP Saturday 7 Oct 2017 Russian strikes
    ..."), follows "Posted on", "Published", "Last updated at", or sits in a wire dateline
    ("BEIRUT, Oct 1 (Reuters) - ... on Wednesday": the day the copy was filed, which the
    report's "Wednesday" counts back from, not the day of what it reports)."""
    start = mention.start
    if _OPENING.fullmatch(text, 0, start):
        return True
    if _AGENCY_BEFORE.search(text, max(0, start - 30), start):
        return True
    if _STAMP_BEFORE.search(text, max(0, start - 30), start) is not None:
        return True
    return in_dateline_date(text, start)


_OPENING = re.compile(
    r"\s*(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|sday|nesday|rsday|urday)?"
    r"\.?,?\s*)?"
)
"""What may precede a date that opens a document: a weekday ("Sun Apr 16 2017")."""
_AGENCY_BEFORE = re.compile(
    r"\b(?:AFP|AP|Reuters|SANA|Anadolu|Xinhua|TASS|IRNA|dpa|DPA)\s*[-–—:,]?\s*"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?$"
)
"""An agency's credit, and the weekday, before a page's date ("Monitor AFP Monday 6 Oct
2014")."""


def page_date(text: str, published: date | None) -> date | None:
    """The publication date relative dates resolve against: the page's own stamp when it opens
    with one ("Published July 19 2016 Airstrikes ... on Tuesday") within `_STAMP_SLACK_DAYS` of
    `published`, else `published`. Metadata can be off by weeks (FA-KES's date column) or be a
    crawl's date; the printed stamp is the date the text's "Tuesday" counts from."""
    for mention in find_dates(text, published, 0, min(len(text), _STAMP_REACH)):
        if mention.iso and not mention.relative and is_stamp(text, mention):
            try:
                stamp = date.fromisoformat(mention.iso.split("/")[-1])
            except ValueError:
                continue
            # A stamp far from the metadata is another date (a much later update, a
            # republication): the metadata stands.
            if published is None or abs((stamp - published).days) <= _STAMP_SLACK_DAYS:
                return stamp
    return published


_STAMP_REACH = 600
"""Characters at the top of a page searched for its publication stamp (a wire dateline comes
after the headline, a standfirst and a byline)."""
_STAMP_SLACK_DAYS = 60
"""How far a stamp may lie from the metadata's date and still be the page's publication date
(FA-KES's date column is up to a few weeks off)."""
