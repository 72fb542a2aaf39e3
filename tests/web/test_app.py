"""The web app through FastAPI's TestClient: pages, JSON twins, escaping, errors, read-only."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from markupsafe import escape

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient

from newsprism.corpus.store import Store
from newsprism.errors import Code, NewsprismError
from newsprism.web.app import CONTENT_SECURITY_POLICY, create_app
from web.webdb import HOSTILE_ID, HOSTILE_TITLE

PAGES = ("/", "/docs", "/stories", "/search?q=Kessen", f"/doc/{quote('blog', safe='')}")


@pytest.fixture(scope="module")
def client(web_db: tuple[Path, bool]) -> TestClient:
    return TestClient(create_app(web_db[0]))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _article_text(page: str) -> str:
    """The characters inside the article element (tags removed, entities decoded)."""
    match = re.search(r'<div id="article"[^>]*>(.*?)</div>\s*<aside', page, re.S)
    assert match, "article element missing"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def test_every_page_is_served_with_a_strict_policy(client: TestClient) -> None:
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "default-src 'self'" in CONTENT_SECURITY_POLICY
        assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        # The only script is our own file; nothing from other origins.
        assert re.findall(r"<script[^>]*>", response.text) == [
            '<script src="/static/layers.js" defer>'
        ]
        assert "http://" not in response.text.split("<main>")[0]
        assert "https://" not in response.text.split("<main>")[0]
    assert client.get("/static/layers.js").headers["content-type"].startswith("text/javascript")


def test_overview_twin_matches_the_store(client: TestClient, web_db: tuple[Path, bool]) -> None:
    data = client.get("/index.json").json()
    with Store(web_db[0], readonly=True) as store:
        assert data["documents"] == store.count() == 7
    assert sum(row["documents"] for row in data["outlets"]) == 7
    assert {"technique": "Loaded_Language", "spans": 1} in data["techniques"]
    assert data["trust"]["scored"] == 1
    assert any(row["type"] == "airstrike" for row in data["event_types"])
    page = client.get("/").text
    assert page.count('<svg class="bars"') >= 4
    assert "Meridian Press Agency" in page


def test_document_list_links_every_document(client: TestClient) -> None:
    data = client.get("/docs.json").json()
    assert data["total"] == 7 and len(data["documents"]) == 7
    page = client.get("/docs").text
    for row in data["documents"]:
        assert f'href="/doc/{quote(row["id"], safe="")}"' in page


def test_document_twin_is_the_stored_document(
    client: TestClient, web_db: tuple[Path, bool]
) -> None:
    with Store(web_db[0], readonly=True) as store:
        for doc_id in store.ids():
            data = client.get(f"/doc/{quote(doc_id, safe='')}.json").json()
            assert data["document"] == store.get(doc_id).to_dict()


def test_article_page_shows_the_exact_text_with_layers(
    client: TestClient, web_db: tuple[Path, bool]
) -> None:
    with Store(web_db[0], readonly=True) as store:
        doc = store.get("demo-mpa-kessen")
    page = client.get("/doc/demo-mpa-kessen").text
    assert _article_text(page) == doc.text.replace("\r\n", "\n")
    assert (
        'class="article show-sections show-claims show-techniques show-events show-flags"' in page
    )
    assert 'data-layer="entities"' in page
    assert re.search(r'<span class="[^"]*\bevent\b[^"]*"', page)
    for span in doc.layer("events"):
        assert f'id="s-{span.id}"' in page


def test_events_table_marks_inferred_places_and_dates(
    client: TestClient, web_db: tuple[Path, bool]
) -> None:
    """A place or date the event's sentence does not state is shown with where it came from,
    in the events table and in the event's tooltip, so it is not read as one the text gives."""
    from newsprism.wording import date_provenance, place_provenance

    marked = 0
    with Store(web_db[0], readonly=True) as store:
        for doc_id in store.ids():
            events = store.get(doc_id).layer("events")
            notes = {place_provenance(e.attrs) for e in events}
            notes |= {date_provenance(e.attrs) for e in events}
            notes.discard(None)
            if not notes:
                continue
            page = html.unescape(client.get(f"/doc/{quote(doc_id, safe='')}").text)
            table = page.split('<table class="list events">', 1)[1].split("</table>", 1)[0]
            for note in notes:
                assert f"({note})" in table, (doc_id, note)
            marked += 1
    assert marked  # the demo's follow-up paragraphs carry places and dates over


def test_hostile_article_is_text_only(client: TestClient) -> None:
    response = client.get(f"/doc/{quote(HOSTILE_ID, safe='')}")
    assert response.status_code == 200
    page = response.text
    body = page.split("<main>", 1)[1]
    assert "<script" not in body and "<img" not in body and "<iframe" not in body
    assert "<style" not in body and "<svg onload" not in body and "<b>title" not in body
    assert 'href="javascript:' not in page.lower()
    assert "&lt;script&gt;alert(&#39;speaker&#39;)&lt;/script&gt;" in body  # speaker shown
    assert str(escape(HOSTILE_TITLE)) in body
    assert "{{ 7*7 }}" in html.unescape(body) and "49" not in _article_text(page)
    twin = client.get(f"/doc/{quote(HOSTILE_ID, safe='')}.json").json()
    assert _article_text(page) == twin["document"]["text"]
    # A technique label full of markup never becomes a class name.
    assert 'class="tech tech-1"' in page or "tech-1" in page
    assert "onmouseover=alert(5)" not in re.sub(r'title="[^"]*"', "", body).replace(
        "&lt;b onmouseover=alert(5)&gt;", ""
    )
    # The event with coordinates is plotted.
    assert '<svg class="plot"' in page and 'href="#s-events.0"' in page


def test_trust_table_links_its_evidence_and_escapes_it(client: TestClient) -> None:
    """The trust score's components as a table, one row per model input, each component's
    cited spans linked to their anchors in the text and cited documents to their pages; a
    hostile component name and input stay text, a malformed component is skipped."""
    page = client.get(f"/doc/{quote(HOSTILE_ID, safe='')}").text
    trust = page.split('<section class="trust">', 1)[1].split("</section>", 1)[0]
    assert "reads as not credible" in trust
    assert "&lt;script&gt;alert(&#39;component&#39;)&lt;/script&gt;" in trust
    assert "&lt;b&gt;input&lt;/b&gt;" in trust and "<b>input" not in trust
    assert "-1.25" in trust and "-0.625" in trust
    assert "not graded" not in trust and "unknown" in trust  # a missing share, a missing prior
    assert 'href="#s-propaganda.0"' in trust and 'id="s-propaganda.0"' in page
    assert "sentences.99" not in trust  # cites no span this document has
    assert f'href="/doc/{quote("<img src=x>", safe="")}"' in trust
    assert "&lt;not a component&gt;" not in trust


def test_flagged_comments_are_listed_with_their_targets_and_escaped(client: TestClient) -> None:
    """Reader comments flagged for hate or abuse: highlighted in the text (a layer of their
    own) and listed with their score and target groups; a hostile label and target stay text
    and never become a class name."""
    page = client.get(f"/doc/{quote(HOSTILE_ID, safe='')}").text
    section = page.split("Reader comments flagged", 1)[1].split("</section>", 1)[0]
    assert "(1 of 1)" in section and "0.97" in section
    assert "&lt;script&gt;alert(8)&lt;/script&gt;" in section and "<script>alert(8)" not in page
    assert 'class="badge flag-other"' in section and "&lt;b&gt;hate&lt;/b&gt;" in section
    assert 'href="#s-comment_flags.0"' in section and 'id="s-comment_flags.0"' in page
    assert re.search(r'<span class="[^"]*\bflag flag-other\b', page)
    quiet = client.get("/doc/demo-mpa-kessen").text
    assert "No reader comments in this document." in quiet


def test_search_marks_matches_and_survives_bad_syntax(client: TestClient) -> None:
    data = client.get("/search.json", params={"q": "Kessen"}).json()
    assert data["hits"] and all("⟦" in hit["snippet"] for hit in data["hits"])
    page = client.get("/search", params={"q": "Kessen"}).text
    assert "<mark>Kessen</mark>" in page
    for query in ('"unbalanced', "<script>alert(1)</script>", "NEAR(", "*", ""):
        response = client.get("/search", params={"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.text
        assert client.get("/search.json", params={"q": query}).status_code == 200
    assert client.get("/search.json", params={"q": "Kessen", "limit": 1}).json()["hits"][:2] != []
    assert len(client.get("/search.json", params={"q": "Kessen", "limit": 1}).json()["hits"]) == 1


def test_unknown_ids_are_coded_404s(client: TestClient) -> None:
    page = client.get("/doc/nope")
    assert page.status_code == 404 and "E404" in page.text
    twin = client.get("/doc/nope.json")
    assert twin.status_code == 404 and twin.json()["error"]["code"] == "E404"
    story = client.get("/story/nope.json")
    assert story.status_code == 404 and story.json()["error"]["code"] == "E410"
    assert client.get("/story/%3Cscript%3E").status_code == 404
    assert "<script>" not in client.get("/story/%3Cscript%3E").text.split("<main>")[1]


def test_stories_and_story_pages(client: TestClient, web_db: tuple[Path, bool]) -> None:
    data = client.get("/stories.json").json()
    if not web_db[1]:
        assert data["stories"] == []
        assert "No stories stored yet" in client.get("/stories").text
        pytest.skip("no stories stored: the corpus analysis is unavailable here")
    multi = [s for s in data["stories"] if s["size"] > 1]
    assert multi, data
    story = multi[0]
    listing = client.get("/stories").text
    assert f'href="/story/{quote(story["id"], safe="")}"' in listing
    twin = client.get(f"/story/{quote(story['id'], safe='')}.json").json()
    assert [a["id"] for a in twin["articles"]] and set(story["articles"]) == {
        a["id"] for a in twin["articles"]
    }
    page = client.get(f"/story/{quote(story['id'], safe='')}").text
    for article in twin["articles"]:
        assert f'href="/doc/{quote(article["id"], safe="")}"' in page
    assert len(twin["conflicts"]) == story["conflicts"]
    for conflict in twin["conflicts"]:
        assert conflict["a"]["text"] and conflict["b"]["text"]
        assert str(escape(conflict["note"])) in page
    assert '<svg class="timeline"' in page


def test_requests_never_write_the_database(web_db: tuple[Path, bool]) -> None:
    path = web_db[0]
    before = _digest(path)
    client = TestClient(create_app(path))
    for url in (*PAGES, "/index.json", "/docs.json", "/stories.json", "/doc/blog.json"):
        client.get(url)
    assert _digest(path) == before


def test_missing_or_foreign_databases_fail_with_codes(tmp_path: Path) -> None:
    with pytest.raises(NewsprismError) as missing:
        create_app(tmp_path / "none.db")
    assert missing.value.code is Code.STORE_NOT_FOUND
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(NewsprismError) as bad:
        create_app(junk)
    assert bad.value.code is Code.STORE_BAD


def test_allowed_hosts_refuse_other_host_headers(web_db: tuple[Path, bool]) -> None:
    client = TestClient(create_app(web_db[0], allowed_hosts=["127.0.0.1", "localhost"]))
    assert client.get("/", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400


def test_overview_follows_writes_by_a_batch(web_db: tuple[Path, bool], tmp_path: Path) -> None:
    import shutil

    from newsprism.document import Document

    path = tmp_path / "copy.db"
    shutil.copy(web_db[0], path)
    client = TestClient(create_app(path))
    assert client.get("/index.json").json()["documents"] == 7
    with Store(path) as writer:
        writer.put(Document("late", "A late article.", {"outlet": "Late"}), content_hash="late")
    data = client.get("/index.json").json()
    assert data["documents"] == 8 and {"outlet": "Late", "documents": 1} in data["outlets"]
