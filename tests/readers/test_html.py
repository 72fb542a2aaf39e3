"""HTML pages: trafilatura text, metadata, one region per reader comment, hostile markup."""

from __future__ import annotations

import pytest

from newsprism.config import Config
from newsprism.document import Document
from newsprism.readers import read_bytes

from .helpers import codes, split

ARTICLE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Strikes hit Raqqa | Daily Example</title>
<meta property="og:site_name" content="Daily Example"><meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2015-10-04T10:00:00Z">
<link rel="canonical" href="https://daily.example.com/2015/10/strikes-raqqa">
<script>window.leak = 'HEADSCRIPT';</script></head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article><h1>Strikes hit Raqqa</h1>
<p>Russian jets struck targets near Raqqa on Sunday, officials said, in the heaviest raid of the
campaign so far.</p>
<p>The ministry said 27 targets were hit by 20 sorties, a claim that could not be independently
verified.</p><img src="x.png" onerror="alert('ONERRORLEAK')">
<script>document.write('BODYSCRIPT')</script>
<p>Residents reported loud explosions through the night and power cuts across several districts
of the city.</p></article>
<div id="comments" class="comments-area"><h2 class="comments-title">3 thoughts on Strikes</h2>
<ol class="comment-list">
<li id="comment-11" class="comment even thread-even depth-1">
 <article id="div-comment-11" class="comment-body">
  <footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Bob</b>
   <span class="says">says:</span></div>
   <div class="comment-metadata"><a href="#comment-11"><time>October 4, 2015</time></a></div>
  </footer>
  <div class="comment-content"><p>First comment says the raid was exaggerated.</p>
   <p>Second paragraph of the first comment.</p></div>
  <div class="reply"><a class="comment-reply-link" href="#">Reply</a></div>
 </article>
 <ol class="children"><li id="comment-12" class="comment odd depth-2">
  <article id="div-comment-12" class="comment-body">
   <footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Ann</b></div>
   </footer>
   <div class="comment-content"><p>A reply that disagrees strongly with Bob.</p>
    <script>steal('COMMENTSCRIPT')</script><img src=y onerror="COMMENTONERROR()"></div>
  </article></li></ol>
</li>
<li id="comment-13" class="comment even depth-1"><article id="div-comment-13" class="comment-body">
 <div class="comment-content"><p>Third comment shows &lt;b&gt;markup&lt;/b&gt; as text.</p></div>
</article></li>
</ol>
<div id="respond" class="comment-respond"><h3 id="reply-title">Leave a Reply</h3>
<form id="commentform"><textarea name="comment">FORMTEXT</textarea></form></div></div>
<footer>Copyright 2015 Daily Example</footer></body></html>
"""

COMMENTS = [
    "First comment says the raid was exaggerated.\nSecond paragraph of the first comment.",
    "A reply that disagrees strongly with Bob.",
    "Third comment shows <b>markup</b> as text.",
]


def _page(html: str, config: Config, name: str = "page.html") -> Document:
    docs, failures = split(read_bytes(html.encode("utf-8"), name, config=config))
    assert not failures, [f.message for f in failures]
    (doc,) = docs
    return doc


def _regions(doc: Document, label: str) -> list[str]:
    return [doc.text[r["start"] : r["end"]] for r in doc.meta["regions"] if r["label"] == label]


def test_comments_are_separate_regions_in_order(config: Config) -> None:
    doc = _page(ARTICLE, config)
    assert _regions(doc, "comment") == COMMENTS
    assert [r["author"] for r in doc.meta["regions"][1:3]] == ["Bob", "Ann"]
    comment_starts = [r["start"] for r in doc.meta["regions"] if r["label"] == "comment"]
    body = doc.text[: comment_starts[0]]
    for comment in COMMENTS:
        for line in comment.split("\n"):
            assert line not in body
    # Each comment follows a blank line, after the body.
    for start in comment_starts:
        assert doc.text[start - 2 : start] == "\n\n"
    assert doc.text.endswith(COMMENTS[-1])


def test_title_line_blank_line_body(config: Config) -> None:
    doc = _page(ARTICLE, config)
    assert doc.title == "Strikes hit Raqqa"
    assert doc.text.startswith("Strikes hit Raqqa\n\nRussian jets struck targets")
    assert _regions(doc, "title") == ["Strikes hit Raqqa"]
    assert doc.text.count("Strikes hit Raqqa") == 1
    assert "27 targets were hit by 20 sorties" in doc.text


def test_metadata(config: Config) -> None:
    doc = _page(ARTICLE, config, "raqqa.htm")
    assert doc.id == "raqqa"
    assert doc.meta["url"] == "https://daily.example.com/2015/10/strikes-raqqa"
    assert doc.meta["outlet"] == "Daily Example"
    assert doc.meta["published"] == "2015-10-04"
    assert doc.meta["authors"] == ["Jane Roe"]
    assert doc.meta["language"] == "en"
    assert doc.meta["encoding"] == "utf-8"
    assert doc.meta["format"] == "html"
    assert doc.meta["source"] == "raqqa.htm"


def test_hostile_scripts_and_handlers_do_not_leak(config: Config) -> None:
    doc = _page(ARTICLE, config)
    for marker in (
        "HEADSCRIPT",
        "BODYSCRIPT",
        "ONERRORLEAK",
        "COMMENTSCRIPT",
        "COMMENTONERROR",
        "onerror",
        "FORMTEXT",
        "Leave a Reply",
        "<script",
    ):
        assert marker not in doc.text, marker
    assert "Reply" not in "".join(_regions(doc, "comment"))


def test_generic_comment_blocks(config: Config) -> None:
    body = "<p>" + "The council met on Tuesday and voted to rebuild the bridge. " * 4 + "</p>"
    html = (
        "<html><head><title>Bridge vote</title></head><body><article><h1>Bridge vote</h1>"
        f"{body}<p>The work starts in May, the mayor said after the vote.</p></article>"
        '<section class="comments">'
        '<div class="comment"><span class="author">Kim</span><p>Finally, about time.</p></div>'
        '<div class="comment"><span class="author">Lee</span><p>What a waste of money.</p>'
        "<p>Vote them out.</p></div></section></body></html>"
    )
    doc = _page(html, config)
    assert _regions(doc, "comment") == [
        "Kim\nFinally, about time.",
        "Lee\nWhat a waste of money.\nVote them out.",
    ]
    assert "waste of money" not in doc.text[: doc.meta["regions"][1]["start"]]


def test_page_without_comments_has_only_a_title_region(config: Config) -> None:
    html = (
        "<html><head><title>Quiet day</title></head><body><article><h1>Quiet day</h1>"
        + "<p>Nothing much happened in the town today, residents said calmly.</p>" * 3
        + "</article></body></html>"
    )
    doc = _page(html, config)
    assert [r["label"] for r in doc.meta["regions"]] == ["title"]


def test_declared_charset_is_honoured(config: Config) -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<title>Café</title></head><body><article>"
        + "<p>Le garçon a commandé une crème brûlée à Besançon, dit-il.</p>" * 3
        + "</article></body></html>"
    )
    docs, _ = split(read_bytes(html.encode("cp1252"), "cafe.html", config=config))
    (doc,) = docs
    assert "crème brûlée" in doc.text
    assert doc.meta["encoding"] == "windows-1252"


def test_unclosed_tags_past_libxml2s_default_depth_keep_the_whole_article(
    config: Config,
) -> None:
    """Every paragraph opens a <font> it never closes: 400 of them nest 800 deep. libxml2 drops
    everything past depth 256 unless asked for huge trees; trafilatura's loader had kept 126."""
    body = "".join(
        f"<p><font color=red>Paragraph {i}: officials said {i} people died on Monday."
        for i in range(400)
    )
    html = f"<html><head><title>Unclosed</title></head><body><article>{body}</article></body>"
    docs, failures = split(read_bytes(html.encode(), "unclosed.html", config=config))
    assert not failures
    (doc,) = docs
    assert "Paragraph 0:" in doc.text and "Paragraph 399: officials said 399" in doc.text
    assert doc.text.count("people died") == 400


def test_unclosed_tags_past_libxml2s_hard_limit_are_closed_as_a_browser_would(
    config: Config,
) -> None:
    """3,000 unclosed <font> paragraphs nest 6,000 deep, past libxml2's hard limit of 2,048
    (where it had kept 1,022 of 1,500): the page is rebuilt by the HTML5 tree builder, which
    closes the fonts per paragraph, and every paragraph is read."""
    body = "".join(f"<p><font>Paragraph {i}: {i} people died on Monday." for i in range(3000))
    html = f"<html><head><title>Deeper</title></head><body><article>{body}</article></body>"
    docs, failures = split(read_bytes(html.encode(), "deeper.html", config=config))
    assert not failures
    (doc,) = docs
    assert doc.text.count("people died") == 3000
    assert "Paragraph 2999: 2999 people died" in doc.text


def test_a_page_nested_past_libxml2s_limit_is_refused_not_cut(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unclosed <div>s nest in a browser too: past 2,048 levels the page would be read only in
    part, so it is refused with E107 naming the file and the reason; a page with more tags than
    the HTML5 rebuild may take is refused before it is tried."""
    import newsprism.readers.html as html_reader

    body = "".join(f"<div>Paragraph {i}: {i} people died on Monday." for i in range(2500))
    html = f"<html><head><title>Divs</title></head><body>{body}</body></html>"
    docs, failures = split(read_bytes(html.encode(), "divs.html", config=config))
    assert not docs and codes(failures) == ["E107"]
    assert "divs.html" in failures[0].message and "2048 levels" in failures[0].message

    monkeypatch.setattr(html_reader, "HTML5_REPAIR_MAX_TAGS", 1000)
    docs, failures = split(read_bytes(html.encode(), "divs.html", config=config))
    assert not docs and codes(failures) == ["E107"]
    assert "too many to rebuild" in failures[0].message


def test_nothing_extractable_is_e107(config: Config) -> None:
    for html in (
        "<html><head><script>var a = 1;</script></head><body></body></html>",
        "<<<>>>",
        "<html><body><div><p></p></div><img src=x onerror=alert(1)></body></html>",
        "<!-- only a markup comment -->",
    ):
        docs, failures = split(read_bytes(html.encode(), "shell.html", config=config))
        assert not docs
        assert codes(failures) == ["E107"], html
        assert "shell.html" in failures[0].message


def test_unmarked_comments_fall_back_to_trafilaturas_blob(config: Config) -> None:
    html = (
        "<html><head><title>Bridge vote</title></head><body><article><h1>Bridge vote</h1>"
        "<p>The council met on Tuesday and voted to rebuild the bridge after years of delay.</p>"
        "<p>Work starts in May and should take two years, the mayor told reporters.</p>"
        "</article><div id='comments'><p>Finally, about time they did this.</p>"
        "<p>What a waste of public money.</p></div></body></html>"
    )
    doc = _page(html, config)
    comments = _regions(doc, "comment")
    assert comments == ["Finally, about time they did this.\nWhat a waste of public money."]
    assert "waste" not in doc.text[: doc.meta["regions"][1]["start"]]
