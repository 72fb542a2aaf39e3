"""The trust score as display rows, one per model input, for the terminal report and the web page.

A component's `value` and `weight` are either one number or a mapping of model inputs to
numbers (`claim_profile`: named_share, anonymous_share, ...). Shown on one line they were cut
off; a row per input keeps each readable, with the component's name, contribution and evidence
on its first row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DOCUMENT_REF = "doc:"
"""Prefix of an evidence id that names another document of the corpus ("doc:<id>"), not a span
of this one ("propaganda.3")."""


@dataclass(frozen=True, slots=True)
class TrustRow:
    """One model input of a trust component, formatted for display."""

    component: str
    """The component's name on its first row, empty on the rows after."""
    input: str
    """The model input ("named_share"); empty for a component that is one number."""
    value: str
    weight: str
    contribution: str
    """The component's contribution to the score's log-odds, on its first row only."""
    evidence: tuple[str, ...]
    """Ids of the spans the component rests on ("propaganda.3") and of corroborating documents
    ("doc:<id>"), on its first row only."""

    @property
    def span_ids(self) -> tuple[str, ...]:
        """The evidence ids that name a span of this document ("layer.N")."""
        return tuple(i for i in self.evidence if "." in i and not i.startswith(DOCUMENT_REF))

    @property
    def document_ids(self) -> tuple[str, ...]:
        """The ids of the other documents the evidence names."""
        return tuple(i[len(DOCUMENT_REF) :] for i in self.evidence if i.startswith(DOCUMENT_REF))


def short(value: object) -> str:
    """Compact display of a number (3 significant digits) or a mapping of them (k=v)."""
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={short(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _missing(name: str, reason: object) -> str:
    """How a missing input reads: claim grades come from the corpus analysis (`newsprism
    stories`), not from one article; anything else is unknown, with the stated reason."""
    if name.startswith("grade_"):
        return "not graded"
    return f"unknown ({reason})" if isinstance(reason, str) and reason else "unknown"


def component_rows(component: Mapping[str, Any]) -> list[TrustRow]:
    """The display rows of one trust component (at least one)."""
    value, weight = component.get("value"), component.get("weight")
    if isinstance(value, Mapping):
        weights = weight if isinstance(weight, Mapping) else {}
        inputs = [(str(k), v, weights.get(k)) for k, v in value.items()] or [("", None, None)]
    else:
        inputs = [("", value, weight)]
    details = component.get("details")
    reason = details.get("reason") if isinstance(details, Mapping) else None
    evidence = component.get("evidence")
    ids = tuple(str(e) for e in evidence) if isinstance(evidence, list) else ()
    return [
        TrustRow(
            component=str(component.get("name") or "") if i == 0 else "",
            input=name,
            value=short(item_value) if item_value is not None else _missing(name, reason),
            weight=short(item_weight),
            contribution=short(component.get("contribution")) if i == 0 else "",
            evidence=ids if i == 0 else (),
        )
        for i, (name, item_value, item_weight) in enumerate(inputs)
    ]


def trust_rows(score: Mapping[str, Any]) -> list[TrustRow]:
    """The display rows of every component of a `scores.trust` object, in its order."""
    components = score.get("components")
    rows: list[TrustRow] = []
    for component in components if isinstance(components, list) else []:
        if isinstance(component, Mapping):
            rows.extend(component_rows(component))
    return rows


NEAR_CUT = 0.025
"""A value this close to 0.5 is said to be near the cut: the evidence barely moved it (an
article with no corpus and no known source sits at about 0.50)."""


def reading(value: object) -> str:
    """How a trust value reads against the 0.5 cut ("" when there is no value)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        side = "reads as credible" if value >= 0.5 else "reads as not credible"
        return f"{side}, near the cut" if abs(value - 0.5) < NEAR_CUT else side
    return ""
