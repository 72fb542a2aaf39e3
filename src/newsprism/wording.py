"""Counted nouns for summary lines ("1 story", "2 stories"), so logs and reports read as
sentences at any count."""

from __future__ import annotations


def counted(count: object, noun: str, plural: str = "") -> str:
    """`count` with `noun`, or its plural (`plural`, else `noun` + "s") unless it is 1."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
