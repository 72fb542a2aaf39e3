"""The database the web tests serve: the demo sample through the real pipeline, one hostile
article built by hand with every layer the UI draws, and the corpus analysis when it can run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from newsprism.config import Config, PipelineOptions
from newsprism.corpus.batch import run_batch
from newsprism.corpus.store import Store
from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError
from newsprism.samples import sample_inputs

# Analyzers that need no encoder model: the web tests check rendering, not analyzers, so they
# must not depend on the model package or on heads other helpers are still training.
WEB_TEST_PIPELINE = ("sections.v1", "sentences.v1", "entities.v1", "events.v1")

HOSTILE_ID = "hostile <script>&\"'?#/x"
"""An id with every character that breaks naive URLs and HTML attributes."""

HOSTILE_TITLE = "<script>alert('title')</script>Hostile <b>title</b> on Kessen"
HOSTILE_MARKER = "__newsprism_pwned"
"""A global the hostile scripts would set if any of them ran."""


def _hostile_text() -> str:
    return (
        f"{HOSTILE_TITLE}\n"
        'By <img src=x onerror="window.__newsprism_pwned=1;alert(1)"> Reporter\n\n'
        "Officials said \"<script>window.__newsprism_pwned = 1; alert('xss')</script> "
        'nothing happened" on Monday.\n'
        'Click <a href="javascript:window.__newsprism_pwned=1">here</a> for more. '
        "An airstrike hit Aleppo on 12 October, killing 12 people.\n"
        "</div></span><style>body{display:none}</style> {{ 7*7 }} ${7*7} \u202eevil\u202c\n"
        'Comment: <iframe src="javascript:alert(3)"></iframe> "onmouseover="alert(4)\n'
    )


def _at(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def hostile_document() -> Document:
    """A hand-built article full of markup and script, with sections, a denial by a speaker
    whose name is a script tag, two techniques, a located event, an entity, a flagged comment
    with a hostile label and target, and a trust score."""
    text = _hostile_text()
    title = _at(text, HOSTILE_TITLE)
    byline = _at(text, "By <img")
    body_start = text.index("Officials")
    comment_start = text.index("Comment:")
    quote = _at(text, "<script>window.__newsprism_pwned = 1; alert('xss')</script> nothing")
    cue = _at(text, "said")
    source = _at(text, "Officials")
    strike = _at(text, "An airstrike hit Aleppo on 12 October, killing 12 people.")
    aleppo = _at(text, "Aleppo")
    link = _at(text, '<a href="javascript:window.__newsprism_pwned=1">here</a>')
    layers = {
        "sections": [
            Span(*title, "title"),
            Span(byline[0], body_start, "byline"),
            Span(body_start, comment_start, "body"),
            Span(comment_start, len(text), "comment"),
        ],
        "attributions": [
            Span(
                quote[0],
                quote[1],
                "attribution",
                attrs={
                    "content": list(quote),
                    "cue": list(cue),
                    "source": list(source),
                    "speaker": "<script>alert('speaker')</script>",
                    "speaker_type": "official",
                    "polarity": "deny",
                    "direct": True,
                    "via": None,
                },
            )
        ],
        "propaganda": [
            Span(*quote, "Loaded_Language", score=0.91),
            Span(*link, "<b onmouseover=alert(5)>Doubt</b>", score=0.4),
        ],
        "events": [
            Span(
                *strike,
                "airstrike",
                attrs={
                    "actor": "<i>unknown</i>",
                    "target": None,
                    "place": {"name": "Aleppo", "lat": 36.2, "lon": 37.16, "country": "SY"},
                    "date": "2015-10-12",
                    "counts": {"killed": 12},
                    "claimed_by": None,
                    "polarity": "assert",
                },
            )
        ],
        "entities": [
            Span(*aleppo, "GPE", attrs={"canonical": "Aleppo", "lat": 36.2, "lon": 37.16})
        ],
        "comment_flags": [
            Span(
                comment_start,
                len(text),
                "<b>hate</b>",
                score=0.97,
                attrs={"comment": "sections.3", "targets": ["<script>alert(8)</script>", 9]},
            )
        ],
    }
    return Document(
        HOSTILE_ID,
        text,
        {
            "title": HOSTILE_TITLE,
            "outlet": '"><svg onload=alert(6)>',
            "url": "javascript:window.__newsprism_pwned=1",
            "published": "2015-10-12T08:00:00+00:00",
            "authors": ["<img src=x onerror=alert(7)>"],
        },
        layers,
        {
            "trust": {
                "value": 0.3,
                "components": [
                    {
                        "name": "<script>alert('component')</script>",
                        "value": {"<b>input</b>": 0.5, "named_share": None},
                        "weight": {"<b>input</b>": -1.25},
                        "contribution": -0.625,
                        "evidence": ["propaganda.0", "sentences.99", "doc:<img src=x>"],
                    },
                    {"name": "source_prior", "value": None, "weight": 1.0, "details": {}},
                    "<not a component>",
                ],
            }
        },
    )


def build_web_db(path: Path, config: Config) -> bool:
    """Fill `path`; True when the corpus analysis (stories) could run too."""
    reduced = dataclasses.replace(config, pipeline=PipelineOptions(default=WEB_TEST_PIPELINE))
    summary = run_batch(sample_inputs(include_seeds=False), path, reduced)
    assert summary.failed == 0, summary.errors
    with Store(path) as store:
        store.put(hostile_document(), content_hash="hostile-test-document")
    try:
        from newsprism.corpus.analysis import analyze_corpus
    except ImportError:
        return False
    try:
        analyze_corpus(path, config)
    except NewsprismError as error:
        if error.code in (Code.MODEL_PACKAGE_MISSING, Code.EXTRA_MISSING, Code.MODEL_NOT_PREPARED):
            return False
        raise
    return True
