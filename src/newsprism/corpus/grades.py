"""Corroboration grade of every claim, after Airwars' scheme, and `grades_for` to read them.

Per alignment (claims of one story that speak of the same thing), in this order:
  confirmed     the acting party itself asserts it (its speaker or outlet names the actor)
  denied        a claim in the alignment denies it
  contested     independent sources disagree on a number, actor, date or place
  corroborated  two or more independent sources assert it (republications, near-duplicates
                and one outlet's several articles count once)
  single_source otherwise, and for every claim no other document aligns with
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsprism.corpus.align import Alignment, Claim
from newsprism.corpus.articles import fold_name
from newsprism.corpus.conflicts import Conflict, stem_tokens
from newsprism.corpus.store import Store

GRADES = ("confirmed", "denied", "contested", "corroborated", "single_source")


@dataclass(frozen=True, slots=True)
class Grade:
    """The grade of one claim (an `events` or `attributions` span of a document)."""

    doc_id: str
    span_id: str
    layer: str
    story_id: str
    alignment_id: str | None
    grade: str
    sources: int
    """Independent sources asserting the claim."""
    evidence: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "doc_id": self.doc_id,
            "span_id": self.span_id,
            "layer": self.layer,
            "story_id": self.story_id,
            "alignment_id": self.alignment_id,
            "grade": self.grade,
            "sources": self.sources,
            "evidence": self.evidence,
        }


_PARTY_ALIASES: tuple[frozenset[str], ...] = (
    frozenset({"russi", "mosco", "kreml", "putin", "konas", "shoig", "lavro", "zakha", "pesko"}),
    frozenset({"syria", "damas", "assad", "sana", "regim", "loyal"}),
    frozenset({"us", "usa", "unite", "ameri", "washi", "penta", "centc"}),
    frozenset({"turke", "turki", "ankar", "erdog"}),
    frozenset({"iran", "irani", "tehra", "hezbo"}),
    frozenset({"israe", "idf"}),
    frozenset({"isis", "isil", "daesh", "amaq"}),
)
"""Word prefixes (5 letters, as `stem_tokens`) naming one acting party: its country, capital,
leaders, spokesmen and agencies ("Russian Defense Ministry", "Russia's defence ministry",
"Moscow", "Konashenkov" are one party when deciding that it accepts a claim)."""
_INDEPENDENT = frozenset(
    {"obser", "oppos", "rebel", "activ", "human", "civil", "white", "monit", "medic", "rescu"}
)
"""Words that make a name a monitor, rescuer or opponent: "Syrian Observatory for Human Rights"
or "Syrian opposition" do not speak for the Syrian state, whatever nationality they share."""


def _parties(name: str) -> set[str]:
    """The distinctive stems of `name` plus the key of every party alias set it names."""
    words = [w[:5] for w in fold_name(name).split()]
    stems = stem_tokens(name)
    if _INDEPENDENT & set(words):
        aliases = frozenset().union(*_PARTY_ALIASES)
        return {s for s in stems if s not in aliases}
    keys = {f"party:{n}" for n, group in enumerate(_PARTY_ALIASES) if group & set(words)}
    return stems | keys


def same_party(actor: str, speaker: str) -> bool:
    """True when `speaker` speaks for `actor`: a shared distinctive word or one alias set."""
    return bool(_parties(actor) & _parties(speaker))


def _confirmed_by(members: Sequence[Claim]) -> Claim | None:
    """An asserting claim whose speaker is the acting party of some member."""
    actors = [c.actor for c in members if c.actor]
    for claim in members:
        if claim.polarity != "assert" or not claim.speaker:
            continue
        for actor in actors:
            if same_party(actor, claim.speaker):
                return claim
    return None


def grade_alignment(
    alignment: Alignment, conflicts: Sequence[Conflict]
) -> tuple[str, int, dict[str, Any]]:
    """(grade, asserting sources, evidence) shared by every member of an alignment."""
    members = alignment.members
    asserting = {c.source for c in members if c.polarity == "assert"}
    evidence: dict[str, Any] = {
        "support": [[c.doc_id, c.span_id] for c in members if c.polarity == "assert"],
        "deny": [[c.doc_id, c.span_id] for c in members if c.polarity == "deny"],
        "conflicts": sorted({k.kind for k in conflicts}),
    }
    confirming = _confirmed_by(members)
    if confirming is not None:
        evidence["confirmed_by"] = [confirming.doc_id, confirming.span_id]
        return "confirmed", len(asserting), evidence
    if evidence["deny"]:
        return "denied", len(asserting), evidence
    if any(k.kind != "polarity" for k in conflicts):
        return "contested", len(asserting), evidence
    if len(asserting) >= 2:
        return "corroborated", len(asserting), evidence
    return "single_source", len(asserting), evidence


def grade_claims(
    story_id: str,
    claims: Sequence[Claim],
    alignments: Sequence[Alignment],
    conflicts: Sequence[Conflict],
) -> list[Grade]:
    """A grade for every claim of one story."""
    by_alignment: dict[str, list[Conflict]] = {}
    for conflict in conflicts:
        by_alignment.setdefault(conflict.alignment_id, []).append(conflict)
    grades: dict[tuple[str, str], Grade] = {}
    for alignment in alignments:
        grade, sources, evidence = grade_alignment(alignment, by_alignment.get(alignment.id, []))
        for claim in alignment.members:
            grades[claim.key] = Grade(
                claim.doc_id,
                claim.span_id,
                claim.layer,
                story_id,
                alignment.id,
                grade,
                sources,
                evidence,
            )
    for claim in claims:
        if claim.key not in grades:
            own = "denied" if claim.polarity == "deny" else "single_source"
            grades[claim.key] = Grade(
                claim.doc_id,
                claim.span_id,
                claim.layer,
                story_id,
                None,
                own,
                0 if claim.polarity == "deny" else 1,
                {"support": [], "deny": [], "conflicts": []},
            )
    return list(grades.values())


def grades_for(store: Store, doc_id: str) -> list[Grade]:
    """The stored grades of one document's claims (empty before `analyze_corpus` ran)."""
    tables = {
        row[0]
        for row in store.connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    if "grades" not in tables:
        return []
    rows = store.connection.execute(
        "SELECT doc_id, span_id, layer, story_id, alignment_id, grade, sources, evidence_json "
        "FROM grades WHERE doc_id = ? ORDER BY layer, span_id",
        (doc_id,),
    ).fetchall()
    return [Grade(r[0], r[1], r[2], r[3], r[4], r[5], int(r[6]), json.loads(r[7])) for r in rows]
