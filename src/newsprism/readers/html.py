"""HTML pages: trafilatura's text and metadata, with each reader comment as its own region.

`text` is laid out as: title line, blank line, body (as trafilatura gives it), then each comment
after a blank line. `meta["regions"]` marks the title and every comment, so the sections analyzer
never mixes comments into the body. Nothing is fetched: trafilatura only parses the given bytes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from newsprism.config import ReadOptions
from newsprism.document import Document, JSONValue
from newsprism.errors import Code, NewsprismError, missing_extra
from newsprism.readers.comments import Comment, find_comments
from newsprism.readers.decode import check_text_bytes, decode_text
from newsprism.readers.meta import author_list, domain_of, iso_date

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")


def decode_html(data: bytes, where: str) -> tuple[str, str]:
    """(markup, encoding): a BOM, else a declared `<meta charset>` that decodes, else detection."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        declared = _META_CHARSET.search(data[:4096])
        if declared:
            name = declared.group(1).decode("ascii").lower()
            try:
                return data.decode(name), name
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common; fall back to detection
    return decode_text(data, where)


def _extract(markup: str, where: str) -> tuple[Any, list[Comment], str | None]:
    """(trafilatura result, markup comments, html lang) for one page; E107 when unparsable."""
    try:
        import trafilatura
    except ImportError:
        raise missing_extra("trafilatura", "html") from None
    # Trafilatura and lxml raise a wide, undocumented range of errors on hostile markup (deep
    # nesting, bad declarations, broken entities); any of them means "nothing extractable".
    try:
        tree = _parse(markup, where)
        if tree is None:
            tree = trafilatura.load_html(markup)
        if tree is None:
            raise NewsprismError(Code.MALFORMED_HTML, where, "the markup could not be parsed")
        language = tree.get("lang") or None
        comments, containers = find_comments(tree)
        for node in containers:
            node.drop_tree()  # keeps the tail text; the body must not hold comment words
        result = trafilatura.bare_extraction(
            tree, include_comments=True, with_metadata=True, include_tables=True
        )
    except NewsprismError:
        raise
    except Exception as bad:
        raise NewsprismError(
            Code.MALFORMED_HTML, where, f"{type(bad).__name__}: {bad}"[:200]
        ) from None
    return result, comments, language


def _parse(markup: str, where: str) -> Any:
    """The page's lxml tree as `trafilatura.load_html` builds it, but without libxml2's default
    depth limit of 256: past it the parser silently drops the rest of the page, and pages with
    unclosed inline tags (`<p><font>...` in every paragraph) reach it. Measured: 400 such
    paragraphs, of which load_html kept 126; all 400 here.

    libxml2 still stops at 2,048 levels. A page that reaches them is rebuilt once by an HTML5
    tree builder (`_html5_repaired`), which closes misnested inline tags as browsers do, and
    parsed again; a page still that deep is refused (E107) rather than read in part.
    None when lxml gives no tree (the caller falls back to load_html)."""
    from trafilatura.utils import is_dubious_html, repair_faulty_html

    beginning = markup[:50].lower()
    markup = repair_faulty_html(markup, beginning)
    tree, too_deep = _lxml_tree(markup)
    if too_deep:
        tree, too_deep = _lxml_tree(_html5_repaired(markup, where))
    if too_deep:
        raise NewsprismError(
            Code.MALFORMED_HTML,
            where,
            f"tags nest deeper than {LIBXML2_MAX_DEPTH} levels even as a browser would close "
            "them; the rest of the page could not be read",
        )
    if tree is None or (is_dubious_html(beginning) and len(tree) < 2):
        return None
    return tree


LIBXML2_MAX_DEPTH = 2048
"""libxml2's nesting limit with its huge-tree option (lxml 5-6); past it a page is cut."""

HTML5_REPAIR_MAX_TAGS = 50_000
"""The most tags an over-deep page may hold to be rebuilt by the HTML5 tree builder, whose scope
checks walk the open elements: 50,000 nested tags take it about 2 s, 100,000 about 9 s."""


def _lxml_tree(markup: str) -> tuple[Any, bool]:
    """(lxml tree or None, whether libxml2 stopped at its depth limit and cut the page)."""
    from lxml.html import fromstring

    parser = _huge_tree_parser()
    try:
        tree = fromstring(markup, parser=parser)
    except ValueError:  # a str with an encoding declaration: lxml wants bytes
        tree = fromstring(markup.encode("utf-8", "surrogatepass"), parser=parser)
    # The parser keeps the log of its last parse only.
    too_deep = any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log)
    return tree, too_deep


def _html5_repaired(markup: str, where: str) -> str:
    """The page as the HTML5 tree builder (lexbor, through selectolax) rebuilds it: misnested
    formatting tags are closed and reopened per paragraph (at most three deep), so unclosed
    `<font>` or `<b>` tags no longer nest the whole page. E107 when the page has too many tags
    for the builder's cost (`HTML5_REPAIR_MAX_TAGS`)."""
    tags = markup.count("<")
    if tags > HTML5_REPAIR_MAX_TAGS:
        raise NewsprismError(
            Code.MALFORMED_HTML,
            where,
            f"tags nest deeper than {LIBXML2_MAX_DEPTH} levels and the page has {tags:,} tags, "
            f"too many to rebuild (at most {HTML5_REPAIR_MAX_TAGS:,})",
        )
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        raise missing_extra("selectolax", "html") from None
    repaired = LexborHTMLParser(markup).html
    return repaired if repaired is not None else markup


@lru_cache(maxsize=1)
def _huge_tree_parser() -> Any:
    """trafilatura's HTML parser settings plus `huge_tree`, built once per process."""
    from lxml.html import HTMLParser

    return HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
    )


def _field(result: Any, name: str) -> str | None:
    value = getattr(result, name, None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _without_leading_title(body: str, title: str) -> str:
    """The body minus a first line that repeats the title (pages often open with the h1)."""
    first, _, rest = body.partition("\n")
    return rest.lstrip("\n") if first.strip() == title else body


def read_html(
    data: bytes,
    doc_id: str,
    source: str,
    options: ReadOptions,
    extra_meta: dict[str, JSONValue] | None = None,
) -> Document:
    """One Document from a page's bytes; E101/E103/E104 on bad bytes, E107 when no article text.

    `extra_meta` (e.g. a WARC record's URL and crawl date) overrides what the page says.
    """
    check_text_bytes(data, source, options)
    markup, encoding = decode_html(data, source)
    result, comments, language = _extract(markup, source)
    body = (_field(result, "text") or "") if result is not None else ""
    if not body:
        raise NewsprismError(Code.MALFORMED_HTML, source, "no body text found")
    title = _field(result, "title")
    if not comments:
        blob = _field(result, "comments")
        if blob:
            comments = [Comment(part.strip(), None) for part in _BLANK_LINES.split(blob)]
            comments = [c for c in comments if c.text]

    pieces: list[str] = []
    regions: list[dict[str, JSONValue]] = []
    if title:
        # A title with line breaks would break the "title line, blank line" layout.
        title = " ".join(title.split())
        body = _without_leading_title(body, title)
        regions.append({"start": 0, "end": len(title), "label": "title"})
        pieces.append(title + "\n\n")
    pieces.append(body)
    position = sum(len(p) for p in pieces)
    for comment in comments:
        pieces.append("\n\n")
        position += 2
        region: dict[str, JSONValue] = {
            "start": position,
            "end": position + len(comment.text),
            "label": "comment",
        }
        if comment.author:
            region["author"] = comment.author
        regions.append(region)
        pieces.append(comment.text)
        position += len(comment.text)
    text = "".join(pieces)

    url = _field(result, "url")
    meta: dict[str, JSONValue] = {
        "title": title,
        "url": url,
        "outlet": _field(result, "sitename") or domain_of(url) or _field(result, "hostname"),
        "published": iso_date(date) if (date := _field(result, "date")) else None,
        "authors": author_list(_field(result, "author")),
        "language": language,
        "encoding": encoding,
        "source": source,
        "format": "html",
        "regions": regions,
    }
    if extra_meta:
        meta.update(extra_meta)
        if extra_meta.get("url") and not _field(result, "sitename"):
            meta["outlet"] = domain_of(str(extra_meta["url"])) or meta["outlet"]
    return Document(doc_id, text, meta)
