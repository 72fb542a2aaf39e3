"""WARC archives written with warcio in the test: HTML responses only, ids, truncated copies."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from newsprism.config import Config
from newsprism.readers import read_bytes, read_path

from .helpers import codes, split

warcio = pytest.importorskip("warcio")

PAGE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>{body} The officials spoke to reporters on Monday in the capital.</p>"
    "<p>Further details were expected later in the week, a spokesman said.</p>"
    "</article></body></html>"
)


def _warc(gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    pages = [
        ("https://news.example.com/a/strike?id=1", "Strike reported", "Jets struck a depot."),
        ("https://other.example.org/b", "Talks resume", "Diplomats met again."),
    ]
    for number, (url, title, body) in enumerate(pages):
        html = PAGE.format(title=title, body=body).encode()
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(html),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": f"2016-03-0{number + 1}T12:00:00Z"},
        )
        writer.write_record(record)
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url + ".png", "response", payload=io.BytesIO(b"\x89PNG...."), http_headers=image
            )
        )
    return out.getvalue()


@pytest.mark.parametrize("gz", [True, False])
def test_html_responses_become_documents(tmp_path: Path, config: Config, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(_warc(gz))
    docs, failures = split(read_path(path, config=config))
    assert not failures
    assert [d.meta["url"] for d in docs] == [
        "https://news.example.com/a/strike?id=1",
        "https://other.example.org/b",
    ]
    first = docs[0]
    assert first.id.startswith("news-example-com-a-strike-id-1-") and len(first.id) < 80
    assert first.title == "Strike reported"
    assert first.text.startswith("Strike reported\n\nJets struck a depot.")
    assert first.meta["crawled"] == "2016-03-01T12:00:00+00:00"
    assert first.meta["outlet"] == "news.example.com"
    assert first.meta["format"] == "warc"
    assert first.meta["source"].startswith(f"{path}#")
    assert len({d.id for d in docs}) == 2


def test_truncated_gzip_keeps_records_before_the_damage(tmp_path: Path, config: Config) -> None:
    data = _warc(True)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: int(len(data) * 0.7)])
    docs, failures = split(read_path(path, config=config))
    assert [d.title for d in docs] == ["Strike reported"]
    assert codes(failures) == ["E110"]
    assert str(path) in failures[0].message


def test_truncated_plain_warc(config: Config) -> None:
    data = _warc(False)
    docs, failures = split(read_bytes(data[: int(len(data) * 0.6)], "cut.warc", config=config))
    assert [d.title for d in docs] == ["Strike reported"]
    assert codes(failures) == ["E110"]


def test_not_a_warc(config: Config) -> None:
    docs, failures = split(read_bytes(b"hello, this is not an archive\n", "x.warc", config=config))
    assert not docs
    assert codes(failures) == ["E110"]
