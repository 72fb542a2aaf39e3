"""Fuzzing: random bytes into every reader yield only Documents or ReadFailures, never raise."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.config import Config, load_config
from newsprism.document import Document
from newsprism.errors import ReadFailure
from newsprism.readers import read_bytes

CONFIG: Config = load_config()
NAMES = ["x.txt", "x.html", "x.jsonl", "x.json", "x.csv", "x.warc", "x.warc.gz", "-"]

# Byte soups that reach deeper than uniform noise: fragments of each format glued together.
FRAGMENTS = [
    b"<html>",
    b"<p>",
    b"</p>",
    b"<script>",
    b"<li class='comment'>",
    b"<!--",
    b"&amp;",
    b'{"id": 1, "text": "',
    b'"}',
    b"\n",
    b"\r\n",
    b",",
    b'"',
    b"id,text,title\n",
    b"WARC/1.0\r\n",
    b"Content-Length: 5\r\n",
    b"WARC-Type: response\r\n",
    b"\r\n\r\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"\x1f\x8b\x08",
    b"caf\xe9",
    b"\xe2\x80\xa8",
    b"[",
]

soup = st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=40), max_size=30).map(b"".join)


def _check(data: bytes, name: str) -> None:
    for item in read_bytes(data, name, config=CONFIG):
        assert isinstance(item, Document | ReadFailure), item
        if isinstance(item, Document):
            item.to_json()  # every document must serialise


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000))
def test_random_bytes(name: str, data: bytes) -> None:
    _check(data, name)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=soup)
def test_format_fragments(name: str, data: bytes) -> None:
    _check(data, name)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300))
def test_any_utf8_text_reads_back_exactly(text: str) -> None:
    items = list(read_bytes(text.encode("utf-8"), "t.txt", config=CONFIG))
    assert len(items) == 1
    item = items[0]
    if isinstance(item, Document):
        assert item.text == text
    else:
        assert item.error.code.code in ("E101", "E103")
