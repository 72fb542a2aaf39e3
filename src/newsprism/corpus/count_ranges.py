"""Reported counts as ranges: the events layer's counts and qualifiers read as (low, high).

"at least 15" is open above, "nearly 70" is 10% either side, "up to 30" is [0, 30]. Alignment,
conflicts, lead tolls and story clustering all compare counts through these ranges, so they
agree on what "the same number" means.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Range = tuple[int, int | None]
"""(low, high) of a count; high None = open above."""

OPEN_QUALIFIERS = {"at least": 0, "more than": 1, "over": 1}
"""Qualifiers that leave a count open above: "at least 15" does not contradict 21."""
VAGUE_QUALIFIERS = frozenset(
    {"around", "nearly", "some", "about", "almost", "approximately", "roughly"}
)
CEILING_QUALIFIERS = frozenset({"up to", "as many as"})


def count_ranges(value: Any, qualifiers: Any = None) -> tuple[tuple[str, int, int | None], ...]:
    """(role, low, high) per count of an event's `counts`, sorted; `qualifiers` (the events
    layer's `count_qualifiers`) widen exact counts: open for "at least"/"more than", 10% either
    side for "nearly"/"some", [0, n] for "up to"."""
    out: list[tuple[str, int, int | None]] = []
    if not isinstance(value, dict):
        return ()
    marks = qualifiers if isinstance(qualifiers, dict) else {}
    for role, count in value.items():
        if isinstance(count, bool):
            continue
        if isinstance(count, int):
            mark = str(marks.get(role, "")).lower()
            if mark in OPEN_QUALIFIERS:
                out.append((str(role), count + OPEN_QUALIFIERS[mark], None))
            elif mark in VAGUE_QUALIFIERS:
                out.append((str(role), int(count * 0.9), int(count * 1.1 + 0.999)))
            elif mark in CEILING_QUALIFIERS:
                out.append((str(role), 0, count))
            else:
                out.append((str(role), count, count))
        elif isinstance(count, dict) and isinstance(count.get("min"), int):
            high = count.get("max")
            out.append((str(role), count["min"], high if isinstance(high, int) else None))
    return tuple(sorted(out))


def range_of(ranges: Iterable[tuple[str, int, int | None]], role: str) -> Range | None:
    """The range of `role` ("killed") among `count_ranges` output, or None."""
    for name, low, high in ranges:
        if name == role:
            return (low, high)
    return None


def role_range(attrs: Mapping[str, Any], role: str) -> Range | None:
    """The range of one count role ("killed") of an event span's attributes, or None."""
    return range_of(count_ranges(attrs.get("counts"), attrs.get("count_qualifiers")), role)


def ranges_overlap(a: Range, b: Range) -> bool:
    """True when two count ranges share a value."""
    a_high = a[1] if a[1] is not None else float("inf")
    b_high = b[1] if b[1] is not None else float("inf")
    return a[0] <= b_high and b[0] <= a_high


def ranges_far_apart(a: Range, b: Range, tolerance: float) -> bool:
    """True when the smaller range ends below (1 - `tolerance`) of the larger one's start:
    "13 killed" and "11 killed" are close (one report's update or rounding), "45" and "15" are
    not. An open range ("at least 19") ends where it starts."""
    a_high = a[1] if a[1] is not None else a[0]
    b_high = b[1] if b[1] is not None else b[0]
    return min(a_high, b_high) < (1.0 - tolerance) * max(a[0], b[0])


def format_range(low: int, high: int | None) -> str:
    """ "at least 19", "26" or "24-99"."""
    if high is None:
        return f"at least {low}"
    return str(low) if low == high else f"{low}-{high}"
