"""The sections analyzer on the seeds (both input shapes), PTC, FakeNewsCorpus and hostile text."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import pytest

from newsprism.analyzers.sections import SectionsAnalyzer, section_spans
from newsprism.config import Config
from newsprism.document import Document, Span, spans_cover
from newsprism.evaluate.sections import gold_documents, load_section_gold, score_sections
from newsprism.readers.txt import read_txt
from newsprism.registry import get_analyzer

GOLD = Path(__file__).parents[1] / "fixtures" / "seeds_sections.json"
LABELS = {"title", "byline", "body", "caption", "boilerplate", "comment"}

# PTC lines of 12+ words that the analyzer takes out of the body. PTC counts everything after
# the title as article, but reading these shows site furniture appended to the story: wire
# copyright notices, newsletter sign-ups, author bios and book plugs, fundraising pleas. They are
# listed (by article and line start) so that any new exception fails the test and gets read.
PTC_READ_AS_BOILERPLATE = {
    ("694811415", "Paul Joseph Watson is the editor at large"),
    ("695108099", "Paul Joseph Watson is the editor at large"),
    ("729561658", "Sign up here to get INSIDER's favorite"),
    ("754508491", "Sign up for the Quartz Africa Weekly Brief"),
    ("761610997", "Patrick J. Buchanan needs no introduction"),
    ("761610997", "Patrick J. Buchanan is the author of"),
    ("761610997", "His latest book, published May 9, is"),
    ("780786973", "\u00a92018 CQ-Roll Call, Inc., All Rights"),
    ("780787440", "\u00a92018 Deutsche Presse-Agentur GmbH"),
    ("781577820", "\u00a92018 CQ-Roll Call, Inc., All Rights"),
    ("781847297", "\u00a92018 The Atlanta Journal-Constitution"),
    ("999001188", "Sign up and you can still get all the ClashDaily"),
    ("999001188", "Do you want to kick in to our \u2018war chest\u2019"),
    ("999001621", "If you appreciated this one, or any of the 7,000+"),
    ("999001621", "Posted by b on November 29, 2018 at 10:23 AM"),
}


def _labels_of(spans: list[Span], size: int) -> list[str | None]:
    """The label of every character."""
    out: list[str | None] = [None] * size
    for span in spans:
        out[span.start : span.end] = [span.label] * span.length
    return out


def _check_layer(text: str, spans: list[Span]) -> None:
    """The layer contract: tiles the text, known labels, scores in range."""
    assert spans_cover(spans, len(text))
    assert all(s.label in LABELS for s in spans)
    assert all(s.score is not None and 0.0 <= s.score <= 1.0 for s in spans)


# -- seeds ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_docs(shared_data: Path) -> dict[str, Document]:
    """The seeds as bare records (text only), checked against the gold's text heads."""
    return gold_documents(GOLD, shared_data)


def _txt_shape(doc: Document, config: Config) -> Document:
    """The same text read by the txt reader (meta.title from the first line)."""
    return read_txt(doc.text.encode("utf-8"), doc.id, f"{doc.id}.txt", config.read)


@pytest.mark.parametrize("shape", ["txt", "jsonl"])
def test_seeds_match_gold(seed_docs: dict[str, Document], config: Config, shape: str) -> None:
    analyzer = SectionsAnalyzer(config)
    predicted = {}
    for doc_id, doc in seed_docs.items():
        source = _txt_shape(doc, config) if shape == "txt" else doc
        if shape == "txt":
            assert source.title
        predicted[doc_id] = analyzer.analyze(source, {})
        _check_layer(doc.text, list(predicted[doc_id].layer("sections")))
    scores = score_sections(predicted, load_section_gold(GOLD))
    assert scores.documents == 2
    assert scores.body.f1 >= 0.98, scores.to_dict()["body"]
    assert len(scores.comments) == 5
    assert all(m.iou >= 0.8 for m in scores.comments), scores.to_dict()["comments"]
    for label in ("title", "caption", "boilerplate", "comment"):
        assert scores.labels[label].f1 >= 0.95, (label, scores.labels[label].as_dict())


def test_both_shapes_give_the_same_sections(seed_docs: dict[str, Document], config: Config) -> None:
    for doc in seed_docs.values():
        bare = section_spans(doc.text, doc.meta, config.sections)
        read = _txt_shape(doc, config)
        spans = section_spans(read.text, read.meta, config.sections)
        # Only the title's confidence differs: meta.title confirms what the line's shape suggests.
        assert [(s.start, s.end, s.label) for s in spans] == [
            (s.start, s.end, s.label) for s in bare
        ]


def test_seed_000_final_comment_is_body(seed_docs: dict[str, Document], config: Config) -> None:
    doc = seed_docs["000"]
    labels = _labels_of(section_spans(doc.text, {}, config.sections), len(doc.text))
    heading = doc.text.index("A Final Comment")
    published = doc.text.index("Originally published")
    assert set(labels[heading:published]) == {"body"}
    assert set(labels[published:]) == {"boilerplate"}
    assert "comment" not in labels


def test_seed_002_dateline_body_and_comments(
    seed_docs: dict[str, Document], config: Config
) -> None:
    doc = seed_docs["002"]
    spans = section_spans(doc.text, {}, config.sections)
    labels = _labels_of(spans, len(doc.text))
    dateline = doc.text.index("PARIS, France")
    assert labels[dateline] == "body"
    assert labels[doc.text.index("AP photo.")] == "caption"
    assert labels[doc.text.index("Russian sorties over Syria")] == "caption"
    assert labels[doc.text.index("DISCLOSURES")] == "boilerplate"
    comments = [s for s in spans if s.label == "comment"]
    assert [s.attrs["index"] for s in comments] == [1, 2, 3, 4, 5]
    for number, span in enumerate(comments, start=1):
        assert doc.span_text(span).lstrip().startswith(f"{number}. ")
    # The quote inside the body stays body.
    assert labels[doc.text.index("We call on the Russian Federation")] == "body"


def test_registered_and_records_layer(config: Config) -> None:
    assert get_analyzer("sections.v1") is SectionsAnalyzer
    doc = Document("d", "Headline here\n\nBy Jane Doe\n\nThe story is told in a sentence.\n")
    out = SectionsAnalyzer(config).analyze(doc, {})
    assert [s.label for s in out.layer("sections")] == ["title", "byline", "body"]


# -- reader regions -------------------------------------------------------------------------


def test_reader_regions_are_honoured() -> None:
    title = "A headline"
    body = "The article says something long enough to be a body paragraph of prose."
    first, second = "First reader comment.", "Second reader comment\nwith two lines."
    text = f"{title}\n\n{body}\n\n{first}\n\n{second}"
    c1 = text.index(first)
    c2 = text.index(second)
    regions = [
        {"start": 0, "end": len(title), "label": "title"},
        {"start": c1, "end": c1 + len(first), "label": "comment", "author": "Ann"},
        {"start": c2, "end": c2 + len(second), "label": "comment"},
    ]
    spans = section_spans(text, {"title": title, "regions": regions})
    _check_layer(text, spans)
    assert [s.label for s in spans] == ["title", "body", "comment", "comment"]
    assert spans[2].start == c1 and spans[3].start == c2
    assert [s.attrs["index"] for s in spans[2:]] == [1, 2]
    assert spans[2].attrs["rule"] == "reader_region"


def test_bad_regions_are_ignored_or_clipped() -> None:
    text = "Title\n\nBody sentence one.\n"
    regions = [
        {"start": -5, "end": 3, "label": "comment"},
        {"start": 2, "end": 10, "label": "comment"},  # overlaps the first: dropped
        {"start": "x", "end": 4, "label": "comment"},
        {"start": 10, "end": 999, "label": "nonsense"},
        "not a region",
    ]
    spans = section_spans(text, {"regions": regions})
    _check_layer(text, spans)
    assert spans[0].label == "comment" and spans[0].end == 3


# -- comment threads ------------------------------------------------------------------------


def test_says_threads_split_per_comment() -> None:
    article = "\n\n".join(
        f"Paragraph {i} of the article tells the story at length." for i in range(6)
    )
    thread = (
        "3 Comments\n\n"
        "Jane Roe says:\nMay 3, 2017 at 4:12 pm\nI disagree with this piece.\nReply\n\n"
        "John Doe says:\nMay 4, 2017 at 9:00 am\nGreat article, thanks.\nReply\n\n"
        "Ann says:\nThird comment here.\n"
    )
    text = f"Headline\n\n{article}\n\n{thread}"
    spans = section_spans(text, {})
    _check_layer(text, spans)
    comments = [s for s in spans if s.label == "comment"]
    assert len(comments) == 3
    assert all(text[s.start : s.end].startswith(("Jane", "John", "Ann")) for s in comments)
    assert "Paragraph 5" in text[[s for s in spans if s.label == "body"][-1].start :]


def test_reply_threads_with_votes_split_per_comment() -> None:
    prose = "The minister said on Tuesday that the talks would continue next week."
    thread = (
        "12 Comments\n\nmike_77\n3 hours ago\nThis is nonsense.\n12 \u25b2 3 \u25bc\nReply\n\n"
        "sally\n2 hours ago\nAgreed, total nonsense from start to end.\nReply\n"
    )
    text = f"Headline\n\n{prose}\n\n{prose}\n\n{thread}"
    spans = section_spans(text, {})
    _check_layer(text, spans)
    comments = [text[s.start : s.end] for s in spans if s.label == "comment"]
    assert [c.split("\n", 1)[0] for c in comments] == ["mike_77", "sally"]
    assert [s.label for s in spans][:3] == ["title", "body", "boilerplate"]


def test_weak_comments_header_without_thread_stays_body() -> None:
    prose = "The committee heard evidence from many witnesses over several long days. " * 3
    text = f"Title\n\n{prose}\n\nComments\n\n{prose}\n\n{prose}\n"
    labels = {s.label for s in section_spans(text, {})}
    assert "comment" not in labels


def test_a_tass_dateline_opens_the_body_and_a_tass_photo_credit_is_a_caption() -> None:
    lead = (
        "MOSCOW, October 21. /TASS/. Russian aircraft did not strike any hospitals in Idlib "
        "province, Defence Ministry spokesman Igor Konashenkov said on Wednesday."
    )
    text = f"Russian Defence Ministry denies hospital strike\n\n{lead}\n\nSu-24 bombers over "
    text += "Latakia. Photo: TASS/Sergei Bobylev\n\nThe ministry said its jets flew 53 sorties.\n"
    spans = section_spans(text, {})
    label = {text[s.start : s.end].strip()[:12]: s.label for s in spans}
    assert label["MOSCOW, Octo"] == "body"
    assert label["Su-24 bomber"] == "caption"


def test_a_read_more_promo_inside_the_story_does_not_end_it() -> None:
    body = "Russian warplanes struck towns in Homs province on Wednesday, activists said. "
    last = "Syria's government said the strikes were carried out in coordination with its forces."
    text = (
        f"Russian strikes hit Homs\n\n{body * 3}\n{body * 2}\nREAD MORE: Why is Russia in Syria?"
        f"\n{last}\nSource: Al Jazeera and agencies\n"
    )
    labels = [(s.label, text[s.start : s.end].strip()[:9]) for s in section_spans(text, {})]
    assert ("boilerplate", "READ MORE") in labels
    assert ("body", "Syria's g") in labels
    # A "Related coverage" header with its links still ends the story.
    tail = f"Russian strikes hit Homs\n\n{body * 3}\n{body * 2}\nRelated coverage\nWhy Russia?\n"
    assert [s.label for s in section_spans(tail, {})][-1] == "boilerplate"


def test_an_organisations_about_paragraph_is_boilerplate() -> None:
    """The embedded monitor sample closes with "About the Observatory: the Dalmyr Observatory
    ... is an independent monitoring group founded in 2012. ...": the group's standing
    description, not the report; a sentence that only mentions an "about" stays body."""
    body = "The Observatory has documented the deaths of 17 civilians in air raids on Friday. "
    about = (
        "About the Observatory: the Dalmyr Observatory for Human Rights is an independent "
        "monitoring group founded in 2012. It documents civilian casualties in Dalmyr province."
    )
    text = f"Kessen: 17 civilians killed\n\n{body * 3}\n\n{body}\n\n{about}\n"
    labels = [(s.label, text[s.start : s.end].strip()[:9]) for s in section_spans(text, {})]
    assert labels[-1] == ("boilerplate", "About the")
    assert [label for label, _ in labels[1:-1]] == ["body"] * (len(labels) - 2)
    mention = f"Title\n\n{body}\n\nAbout the strike: witnesses saw two jets circle the town.\n"
    assert [s.label for s in section_spans(mention, {})][-1] == "body"


def test_agency_credits_closing_a_story_are_its_byline() -> None:
    body = "Russian warplanes struck towns in Homs province on Wednesday, the opposition said. "
    text = (
        f"Russian strikes hit Homs\n\n{body * 3}\n{body * 2}\n"
        "(Additional reporting by Jack Stubbs in Moscow; Writing by Tom Perry; Editing by "
        "Dominic Evans)\nAssociated Press writer Vladimir Isachenkov in Moscow contributed to "
        "this report.\n"
    )
    labels = [(s.label, text[s.start : s.end].strip()[:11]) for s in section_spans(text, {})]
    assert labels[-2:] == [("byline", "(Additional"), ("byline", "Associated ")]
    assert ("body", "Russian war") in labels


# -- public data ----------------------------------------------------------------------------


def _ptc_texts(shared_data: Path) -> list[tuple[str, str]]:
    folder = shared_data / "ptc" / "train" / "train-articles"
    files = sorted(folder.glob("article*.txt"))
    if not files:
        pytest.skip(f"PTC articles not found under {folder}")
    return [(f.stem.removeprefix("article"), f.read_text(encoding="utf-8")) for f in files]


@pytest.mark.parametrize("with_title", [True, False])
def test_ptc_articles_stay_body(shared_data: Path, config: Config, with_title: bool) -> None:
    body = total = 0
    exceptions = set()
    for article_id, text in _ptc_texts(shared_data)[::2]:  # every other article, deterministic
        first_line = text.split("\n", 1)[0]
        meta = {"title": first_line.lstrip("\ufeff")} if with_title else {}
        spans = section_spans(text, meta, config.sections)
        _check_layer(text, spans)
        labels = _labels_of(spans, len(text))
        for index in range(len(first_line), len(text)):
            if not text[index].isspace():
                total += 1
                body += labels[index] == "body"
        position = 0
        for line in text.split("\n"):
            kinds = set(labels[position : position + len(line)])
            if len(line.split()) >= 12 and kinds & {"boilerplate", "comment"}:
                exceptions.add((article_id, line[:60]))
            position += len(line) + 1
    assert body / total >= 0.99, body / total
    unexplained = {
        (a, line)
        for a, line in exceptions
        if not any(a == aid and line.startswith(head) for aid, head in PTC_READ_AS_BOILERPLATE)
    }
    assert not unexplained


def test_fakenewscorpus_prose_paragraphs_stay_body(shared_data: Path, config: Config) -> None:
    path = shared_data / "sources" / "fakenewscorpus" / "news_sample.csv"
    if not path.exists():
        pytest.skip(f"{path} not found")
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    cut: list[str] = []
    for row in rows:
        text = row["content"]
        for meta in ({"title": row["title"]}, {}):
            spans = section_spans(text, meta, config.sections)
            _check_layer(text, spans)
            labels = _labels_of(spans, len(text))
            for match in re.finditer(r"[^\n]+", text):
                long_line = len(match.group().split()) >= 40
                if long_line and set(labels[match.start() : match.end()]) != {"body"}:
                    cut.append(f"{row['id']}: {match.group()[:80]}")
    assert not cut


# -- hostile input --------------------------------------------------------------------------

HOSTILE = {
    "empty": "",
    "whitespace": " \n\n\t  \r\n \u00a0\n",
    "one_huge_line": "word " * 200_000,
    "short_lines": "\n".join(["ab"] * 10_000),
    "unbalanced_numbering": "T\n\nBody text of the story.\n\nLeave a Comment\n"
    "  3. first\n  1. second\n  1. third\n 7) x\n2.\n  2.  \n",
    "only_cues": "\n".join(["Share this"] * 3000 + ["word " * 70]),
    "crlf_and_bom": "\ufeffTitle\r\n\r\nBody.\r\n\r\nComments are closed.\r\n",
    "odd_breaks": "a\x00b\n\x0c\n\u2028c\x1c\u0085d\r",
    "numbers_only": "\n".join(f"{i}. " for i in range(500)),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_inputs_tile(name: str, config: Config) -> None:
    text = HOSTILE[name]
    for meta in ({}, {"title": "Title", "regions": [{"start": 0, "end": 1, "label": "title"}]}):
        spans = section_spans(text, meta, config.sections)
        _check_layer(text, spans)
        assert (spans == []) == (text == "")
        json.dumps([s.to_dict() for s in spans])
