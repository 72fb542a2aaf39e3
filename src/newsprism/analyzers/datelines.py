"""Wire datelines: where and when a copy was filed, opening its first paragraph.

"BEIRUT, Oct 1 (Reuters) - ", "KESSEN, Ostravia (MPA) – ", "MOSCOW, October 21. /TASS/. ",
"WASHINGTON (AP) — ", "Moscow, 1 October (RIA Novosti) - ". The place is where the reporter is
and the date the day the copy was filed: neither is where or when what the copy reports
happened, and neither is a speaker. One pattern serves the dates (a dateline's date is a stamp),
the attributions (a dateline the tagger took into a source) and the claims (a dateline's place
is no event's place).
"""

from __future__ import annotations

import re

_WORD = r"[A-Z][A-Za-z'’.-]+"
DATELINE = re.compile(
    rf"[ \t]*(?P<place>{_WORD}(?:[ \t]+{_WORD}){{0,3}})"
    rf"(?:,[ \t]*{_WORD}(?:[ \t]+{_WORD}){{0,2}})?"
    r"(?:,[ \t]*(?P<date>[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}(?:,[ \t]*\d{4})?"
    r"|\d{1,2}[ \t]+[A-Z][a-z]{2,8}\.?(?:[ \t]+\d{4})?)\.?)?"
    r"(?:[ \t]*(?:\([^()\n]{1,40}\)[ \t]*)?[-–—:]+|[ \t]*/[A-Z][A-Za-z-]{1,15}/\.)[ \t]*"
)
"""A dateline: a place in capitals or title case, its country or state, the filing date, and
the agency's credit closed by a dash ("(Reuters) -"), or TASS's "/TASS/."."""


def dateline_at(text: str, start: int, end: int | None = None) -> re.Match[str] | None:
    """The dateline opening `text[start:end]`, or None."""
    stop = len(text) if end is None else end
    return DATELINE.match(text, start, stop)


def in_dateline_date(text: str, start: int) -> bool:
    """Whether the character at `start` lies in the date of a dateline that opens its line."""
    line = text.rfind("\n", 0, start) + 1
    if start - line > 80:
        return False
    match = dateline_at(text, line)
    return match is not None and match.start("date") <= start < match.end("date")
