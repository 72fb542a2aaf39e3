"""The cue lexicon of the sections analyzer: which line shapes signal which kind of section.

Each `Rule` is one cue: a regular expression tried on a line's content, the longest line (in
words) it may fire on, and its `kind`, which tells the zone logic in `sections.py` what the cue
may do:

- `boundary`: strong boilerplate that may open the tail zone ("Originally published", "About the
  author", disclosures, comment forms). Also taken inside the article when the line is short.
- `comment_boundary`: the comment section starts after it ("Leave a Comment", "12 Comments").
- `cue`: weaker boilerplate (bios, contact and book plugs, radio shows) that supports a tail zone
  but never opens one and is never cut from inside the article.
- `comment_shape`: a line shaped like comment-thread furniture ("Jane says:", "Reply", votes).
- `caption`: photo captions and image credits.
- `byline`: author and date lines, looked for only in the head zone.

Rules are tried in order; the first that fires names the line (`match_rule`). Word limits keep the
cues off article sentences that merely mention a photo, a book or a newsletter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["boundary", "comment_boundary", "cue", "comment_shape", "caption", "byline"]

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
)
_NAME = r"[A-Z][\w.'\u2019-]*(?:\s+(?:[A-Z][\w.'\u2019-]*|de|van|von|al|bin|la|le|da))*"


@dataclass(frozen=True, slots=True)
class Rule:
    """One cue: `name` (recorded in span attrs), `kind`, pattern and the line length it allows."""

    name: str
    kind: Kind
    pattern: re.Pattern[str]
    max_words: int
    strength: float
    """Confidence given to a span labelled by this rule alone (0..1)."""


def _rule(
    name: str, kind: Kind, pattern: str, max_words: int, strength: float, flags: int = re.IGNORECASE
) -> Rule:
    """Compile one rule (case-insensitive unless `flags` says otherwise)."""
    return Rule(name, kind, re.compile(pattern, flags), max_words, strength)


RULES: tuple[Rule, ...] = (
    # -- comment section openers -------------------------------------------------------------
    _rule("comments_closed", "boundary", r"^comments (?:are|were) closed\b", 8, 0.98),
    _rule(
        "comment_header",
        "comment_boundary",
        r"^(?:leave a (?:comment|reply)|post a comment|add (?:a|your) comment|"
        r"join the (?:discussion|conversation)|reader comments|\d+\s+(?:comments?|responses?|"
        r"replies|thoughts)(?:\s+(?:to|on)\b.*)?|comments?\s*(?:\(\d+\))?|discussion|"
        r"show comments|view comments)\s*:?$",
        15,
        0.95,
    ),
    _rule(
        "comment_policy", "comment_boundary", r"\bcomment(?:ing)? (?:policy|guidelines)\b", 15, 0.95
    ),
    # -- captions (before copyright: "\u00a9 AFP" under a photo is an image credit) ----------
    _rule(
        "photo_credit",
        "caption",
        # Not TASS's own dateline credit ("MOSCOW, October 21. /TASS/. Russian aircraft ..."),
        # which opens a story's lead.
        r"(?<!/)\b(?:AP|AFP|Reuters|EPA|Getty(?: Images)?|Shutterstock|Pixabay|Flickr|UPI|TASS|"
        r"Sputnik|Xinhua|Wikimedia(?: Commons)?)\s*(?:photos?|images?|/(?!\.))|"
        r"^(?:photo|image|picture|photograph|video|graphic|illustration)s?"
        r"(?: credits?| source| courtesy)?\s*[:(\u2013\u2014-]|"
        r"\((?:photo|image|picture)s?\b[^)]*\)\s*$|\b(?:featured|header) image\b|"
        r"\b(?:photo|image|picture|screenshot)s? (?:via|by|courtesy|credit)\b|"
        r"\b(?:file|stock|handout) photo\b|\bscreen ?shot\b|\bhide caption\b|"
        r"^\u00a9\s*(?:provided by|AP|AFP|Reuters|EPA|Getty|Shutterstock)\b",
        40,
        0.9,
    ),
    # -- strong boilerplate ------------------------------------------------------------------
    _rule(
        "email_form",
        "boundary",
        r"your email address will not be published|required fields are marked",
        30,
        0.98,
    ),
    _rule("akismet", "boundary", r"this site uses akismet", 30, 0.98),
    _rule(
        "originally_published",
        "boundary",
        r"^(?:this (?:article|post|story) (?:was )?)?(?:originally|first) "
        r"(?:published|appeared|posted)\b|^the post .{1,200} appeared first on\b",
        40,
        0.95,
    ),
    _rule(
        "about_author",
        "boundary",
        r"^About (?:the )?(?:[Aa]uthors?|[Ee]ditors?|[Uu]s|" + _NAME + r")\s*:?$",
        6,
        0.9,
        0,
    ),
    _rule("about_site", "boundary", r"^About\s+\S+\s+[-\u2013\u2014|]", 20, 0.9, 0),
    # A press release's or page's "About the Observatory: the Dalmyr Observatory ... is an
    # independent monitoring group founded in 2012." (the organisation's standing description).
    _rule(
        "about_organisation",
        "boundary",
        r"^About (?:the )?[A-Z][\w&.'’-]*(?: (?:[A-Z][\w&.'’-]*|of|for|and|the)){0,5}:\s+\S",
        60,
        0.9,
        0,
    ),
    _rule("disclosure", "boundary", r"^(?:disclosures?|disclaimer)\s*:", 150, 0.95),
    _rule(
        "copyright",
        "boundary",
        r"^(?:\u00a9|copyright\b|\(c\)\s*(?:\d{4}|copyright))|\ball rights reserved\b",
        30,
        0.95,
    ),
    _rule(
        "content_owned",
        "boundary",
        r"\ball content herein is (?:owned|copyrighted)\b|\bcontent herein\b",
        60,
        0.9,
    ),
    _rule(
        "share",
        "boundary",
        r"^(?:share|tweet|email|print|pin)(?: (?:this|it))?(?: (?:article|story|post|page))?"
        r"(?: (?:on|via) \w+)?\s*[:!]?$|^share (?:this|on)\b",
        8,
        0.9,
    ),
    _rule(
        "subscribe",
        "boundary",
        r"^(?:subscribe|sign up|join (?:our|the) (?:mailing list|newsletter))\b|"
        r"\b(?:subscribe|sign up)\b.{0,60}\b(?:newsletter|updates|our channel|mailing list)\b",
        25,
        0.9,
    ),
    _rule(
        "related",
        "boundary",
        r"^(?:related(?: (?:articles?|posts?|stories|content|coverage|news|reading))?|"
        r"read (?:more|also|next)|see also|more from .{1,40}|you (?:may|might) also like.*|"
        r"recommended(?: for you)?|popular (?:posts|stories)|trending(?: now)?|"
        r"more (?:stories|news))\s*(?::.*)?$",
        20,
        0.9,
    ),
    _rule(
        "cookies",
        "boundary",
        r"\bcookies?\b.{0,80}\b(?:consent|accept|policy|use of|to improve|experience)\b",
        40,
        0.9,
    ),
    _rule(
        "follow",
        "boundary",
        r"^(?:follow|like|find) (?:us|me|him|her|them|\w+) on (?:twitter|facebook|instagram|"
        r"telegram|gab|youtube|social media)\b",
        15,
        0.9,
    ),
    _rule(
        "tags", "boundary", r"^(?:tags|tagged|filed under|categories|category|topics)\s*:", 40, 0.9
    ),
    _rule(
        "advertisement",
        "boundary",
        r"^(?:advertisement|sponsored(?: content)?|ad|promoted)\s*:?$",
        3,
        0.9,
    ),
    _rule(
        "rating_widget",
        "boundary",
        r"\bof readers think this story is\b|\badd your two cents\b",
        20,
        0.98,
    ),
    _rule(
        "donate",
        "boundary",
        r"^(?:donate|support (?:us|our work|independent))\b|\bplease consider a donation\b",
        25,
        0.85,
    ),
    _rule(
        "engagement",
        "boundary",
        r"\blet us know (?:in the comments|what you think)\b|\bshare your thoughts\b|"
        r"\bleave (?:your|a) comments? below\b",
        15,
        0.85,
    ),
    # -- weaker boilerplate (supports a tail, never cuts the article) -----------------------
    _rule(
        "bio",
        "cue",
        _NAME + r"\s+(?:lives in|is based in|can be reached|is the author of|is an? "
        r"(?:independent|freelance|author|writer|journalist|columnist|contributor|editor|"
        r"blogger|commentator|researcher|analyst|general posting account)|writes (?:for|about)|"
        r"is a regular contributor)\b",
        60,
        0.8,
        0,
    ),
    _rule(
        "contact",
        "cue",
        r"\b(?:can be reached at|contact (?:him|her|them|us|me) at|e-?mail (?:him|her|us|me) "
        r"at)\b|^[\w.+-]+@[\w-]+\.[\w.]+$",
        30,
        0.8,
    ),
    _rule(
        "book_plug",
        "cue",
        r"\b(?:his|her|their|my|our) (?:new |latest )?book\b|\bbook as editor\b",
        40,
        0.75,
    ),
    _rule(
        "blog",
        "cue",
        r"^visit (?:his|her|their|our|my) (?:blog|web ?site|page)\b|"
        r"\bblog site\b",
        20,
        0.8,
    ),
    _rule(
        "radio",
        "cue",
        r"\b(?:radio|podcast)\b.{0,80}\b(?:hour|network|show|listen)\b|^listen to\b|"
        r"\bairs\b.{0,40}\b(?:weekly|daily|live|times)\b",
        40,
        0.75,
    ),
    _rule("site_link", "cue", r"^(?:https?://|www\.)\S+$", 3, 0.7),
    _rule(
        "source_link",
        "cue",
        r"^(?:source|via|h/t|hat tip|see more at)\s*:\s*(?:https?://|www\.)?\S+",
        12,
        0.7,
    ),
    # -- comment-thread furniture ------------------------------------------------------------
    _rule(
        "says",
        "comment_shape",
        r"^.{1,60}?\s(?:says|said|wrote|commented)\s*:?\s*(?:on\s+)?(?:" + _DATE + r".*)?$",
        16,
        0.9,
    ),
    _rule(
        "reply",
        "comment_shape",
        r"^(?:reply|report|flag|like|share|permalink)"
        r"(?:\s*[\u00b7|\u2022]\s*(?:reply|report|flag|like|share|permalink|\d+\s*\w?))*$",
        8,
        0.8,
    ),
    _rule(
        "votes",
        "comment_shape",
        r"^[+-]?\d+\s*(?:points?|votes?|likes?|[\u25b2\u25bc])(?:\s*[+-]?\d+\s*[\u25b2\u25bc])?$|"
        r"^\d+\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago$",
        6,
        0.8,
    ),
    # -- head lines ----------------------------------------------------------------------------
    _rule(
        "by",
        "byline",
        r"^(?:By|BY|Written by|Posted by|Words by|Author:|Reporting by)\s+" + _NAME,
        14,
        0.9,
        0,
    ),
    _rule("name_outlet", "byline", r"^" + _NAME + r"\s*[|\u2013\u2014]\s*\S.{0,60}$", 10, 0.8, 0),
    # Agency credits closing a story open its tail and are its byline (`sections._tail_pieces`):
    # "(Additional reporting by Jack Stubbs in Moscow; Writing by Tom Perry; Editing by Dominic
    # Evans)", "Associated Press writer Vladimir Isachenkov in Moscow contributed to this report."
    _rule(
        "credits",
        "boundary",
        r"^\(?(?:additional\s+)?(?:reporting|writing|editing|compiled|edited|written)\s+by\s+"
        r"[^.;]{2,80}(?:;\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|edited|"
        r"written)\s+by\s+[^.;]{2,80})*\)?\.?$"
        r"|^(?:the\s+)?(?:associated\s+press|ap|afp|reuters)\s+(?:writers?|reporters?|"
        r"correspondents?)\s+.{2,80}\s+contributed(?:\s+to\s+this\s+(?:report|story))?\.?$",
        45,
        0.9,
    ),
    _rule(
        "dateline_meta",
        "byline",
        r"^(?:posted|published|updated|last updated|date)(?:\s+(?:on|at))?\s*:?\s*\S",
        14,
        0.85,
    ),
    _rule(
        "date",
        "byline",
        r"^\[?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
        + _DATE
        + r"(?:\s*(?:at\s+)?\d{1,2}:\d{2}.*)?(?:\s*[-\u2013|]\s*.{0,40})?\]?$",
        14,
        0.85,
    ),
)


def match_rule(content: str, words: int) -> Rule | None:
    """The first rule that fires on a line's content (None when the line has no cue).

    Lines longer than every rule's word limit are never matched, which also keeps the regular
    expressions off huge single-line inputs.
    """
    for rule in RULES:
        if words <= rule.max_words and rule.pattern.search(content):
            return rule
    return None
