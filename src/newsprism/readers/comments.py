"""Find the individual reader comments in a page's markup, so that each becomes its own region.

Trafilatura returns all comments as one blob; the markup still says where each one starts and
ends. Common containers (WordPress, generic `.comment` blocks, Disqus-like lists) are matched;
a container's own text leaves out nested replies (they are comments of their own), reply links,
forms, scripts and metadata, and prefers the comment's content element when it has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_EXSLT = {"re": "http://exslt.org/regular-expressions"}


def _has_class(name: str) -> str:
    """XPath predicate: the element's class attribute holds the token `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_CANDIDATES = " | ".join(
    (
        f"//*[self::li or self::div or self::article][{_has_class('comment')}]",
        "//*[re:test(@id, '^(div-)?comment-?[0-9]+$')]",
        f"//*[{_has_class('comment-body')}]",
        f"//ol[{_has_class('commentlist')} or {_has_class('comment-list')}]/li",
        f"//*[@id='disqus_thread' or @id='posts']//li[{_has_class('post')}]",
    )
)
"""Elements that hold one comment each (document order; nesting sorted out later)."""

_CONTENT = " | ".join(
    (
        f".//*[{_has_class('comment-content')}]",
        f".//*[{_has_class('comment-text')}]",
        f".//*[{_has_class('comment-body')}]",
        f".//*[{_has_class('post-message')}]",
        ".//*[@itemprop='text']",
    )
)
"""The comment's own words inside a container (its header and footer left out)."""

_AUTHOR = " | ".join(
    (
        f".//*[{_has_class('fn')}]",
        f".//*[{_has_class('comment-author')}]",
        ".//*[@itemprop='author']",
        f".//*[{_has_class('author')}]",
        f".//*[{_has_class('username')}]",
    )
)

_JUNK_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "form",
        "button",
        "input",
        "textarea",
        "select",
        "iframe",
        "object",
        "embed",
        "svg",
        "head",
    }
)
_META_CLASSES = frozenset(
    {
        "reply",
        "comment-reply-link",
        "comment-meta",
        "comment-metadata",
        "comment-author",
        "says",
        "comment-awaiting-moderation",
        "edit-link",
        "post-meta",
        "post-byline",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "article",
        "section",
        "header",
        "footer",
        "table",
        "tr",
        "dd",
        "dt",
        "dl",
        "hr",
    }
)


@dataclass(frozen=True, slots=True)
class Comment:
    """One reader comment: its text (one line per block) and its author when marked up."""

    text: str
    author: str | None


def _classes(node: Any) -> set[str]:
    return set((node.get("class") or "").split())


def _block_text(root: Any, skip: set[Any], drop_meta: bool) -> str:
    """Text under `root` with one line per block, whitespace runs collapsed, `skip` subtrees out."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        # Markup comments, processing instructions and entities have non-string tags; their
        # `.text` is not page text.
        if not isinstance(node.tag, str):
            return
        tag = node.tag.lower()
        if node in skip or tag in _JUNK_TAGS:
            return
        if drop_meta and node is not root and (_classes(node) & _META_CLASSES or tag == "time"):
            return
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _inside_any(node: Any, containers: set[Any], stop: Any) -> bool:
    """True when `node` lies inside one of `containers` below `stop`."""
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent in containers:
            return True
        parent = parent.getparent()
    return False


def comment_elements(tree: Any) -> list[Any]:
    """Every candidate comment container in document order."""
    found: list[Any] = tree.xpath(_CANDIDATES, namespaces=_EXSLT)
    return found


def find_comments(tree: Any) -> tuple[list[Comment], list[Any]]:
    """The comments in `tree` in document order, and the outermost containers holding them."""
    candidates = comment_elements(tree)
    candidate_set = set(candidates)
    comments: list[Comment] = []
    for node in candidates:
        nested = {other for other in node.iterdescendants() if other in candidate_set}
        content = [
            c
            for c in node.xpath(_CONTENT)
            if c not in candidate_set and not _inside_any(c, nested, node)
        ]
        if content:
            text = _block_text(content[0], nested, drop_meta=True)
        else:
            text = _block_text(node, nested, drop_meta=True)
        if not text:
            continue  # a wrapper whose words all sit in nested containers
        authors = [a for a in node.xpath(_AUTHOR) if not _inside_any(a, nested, node)]
        author = _block_text(authors[0], set(), drop_meta=False) if authors else ""
        author = author.replace("\n", " ").removesuffix("says:").strip()
        comments.append(Comment(text, author or None))
    outermost = [n for n in candidates if not _inside_any(n, candidate_set, None)]
    return comments, outermost
