"""The UI in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

The server runs in-process (uvicorn in a thread) on a free 127.0.0.1 port over the session's
test database. Never downloads a browser: without /usr/bin/chromium these tests skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the web extra is not installed")

from newsprism.web.app import create_app  # noqa: E402
from web.webdb import HOSTILE_ID, HOSTILE_MARKER  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS_ENV = "NEWSPRISM_SCREENSHOTS"
"""When set, screenshots are also copied into this folder (for looking at the UI by eye)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(web_db: tuple[Path, bool]) -> Iterator[str]:
    """The app served by uvicorn in a daemon thread; stopped after the module."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(web_db[0]), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make install-dev as root)")
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


class Watched:
    """A page plus everything that should never happen on it: dialogs, CSP reports, errors."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def assert_clean(self, base_url: str) -> None:
        assert self.dialogs == []
        assert self.page_errors == []
        assert self.console_errors == []
        foreign = [url for url in self.requests if not url.startswith(base_url)]
        assert foreign == [], foreign


@pytest.fixture()
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    yield Watched(page)
    context.close()


def _shot(page: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000
    folder = os.environ.get(SHOTS_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)
    return path


def test_overview_charts_and_twin(watched: Watched, base_url: str, tmp_path: Path) -> None:
    page = watched.page
    page.goto(base_url + "/")
    assert page.locator("h1").inner_text() == "Corpus overview"
    assert page.locator("svg.bars").count() >= 4
    twin = page.request.get(base_url + "/index.json").json()
    assert f"{twin['documents']} documents" in page.locator(".stats").inner_text()
    bars = page.locator("figure.chart").first.locator("g.bar")
    assert bars.count() == len(twin["outlets"])
    _shot(page, tmp_path, "overview")
    watched.assert_clean(base_url)


def test_article_layers_toggle(watched: Watched, base_url: str, tmp_path: Path) -> None:
    page = watched.page
    page.goto(base_url + "/doc/demo-mpa-kessen")
    twin = page.request.get(base_url + "/doc/demo-mpa-kessen.json").json()["document"]
    assert page.locator("h1").inner_text() == twin["meta"]["title"]
    article = page.locator("#article")
    assert article.evaluate("el => el.textContent") == twin["text"].replace("\r\n", "\n")
    assert page.locator("table.events tbody tr").count() == len(twin["layers"]["events"])

    event = page.locator("#article span.event").first
    shown = event.evaluate("el => getComputedStyle(el).backgroundColor")
    page.uncheck("#toggle-events")
    assert "show-events" not in (article.get_attribute("class") or "")
    hidden = event.evaluate("el => getComputedStyle(el).backgroundColor")
    assert hidden != shown
    page.check("#toggle-events")
    assert event.evaluate("el => getComputedStyle(el).backgroundColor") == shown

    entity = page.locator("#article span.ent").first
    off = entity.evaluate("el => getComputedStyle(el).backgroundColor")
    page.check("#toggle-entities")
    assert entity.evaluate("el => getComputedStyle(el).backgroundColor") != off

    event.click()
    assert "event:" in page.locator("#detail").inner_text()
    _shot(page, tmp_path, "article")
    watched.assert_clean(base_url)


def test_hostile_article_runs_nothing(watched: Watched, base_url: str, tmp_path: Path) -> None:
    page = watched.page
    url = f"{base_url}/doc/{quote(HOSTILE_ID, safe='')}"
    page.goto(url)
    page.wait_for_load_state("load")
    twin = page.request.get(url + ".json").json()["document"]
    assert page.locator("h1").inner_text() == twin["meta"]["title"]
    assert page.locator("#article").evaluate("el => el.textContent") == twin["text"]
    # Only our own script element exists; no element came from the article's markup.
    scripts = page.eval_on_selector_all("script", "els => els.map(e => e.src)")
    assert scripts == [base_url + "/static/layers.js"]
    for selector in ("main img", "main iframe", "main style", "main svg[onload]", "#article b"):
        assert page.locator(selector).count() == 0, selector
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]
    # Hover and click over the text: nothing fires.
    page.locator("#article").hover()
    page.get_by_text("for more.", exact=False).first.click()
    assert page.evaluate(f"typeof window.{HOSTILE_MARKER}") == "undefined"
    # The page still shows the text (the hostile <style> did not hide the body).
    assert page.locator("#article").is_visible()
    _shot(page, tmp_path, "hostile")
    watched.assert_clean(base_url)


def test_search_then_follow_a_result(watched: Watched, base_url: str, tmp_path: Path) -> None:
    page = watched.page
    page.goto(base_url + "/")
    page.fill("header input[name=q]", "hospital")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=hospital")
    twin = page.request.get(base_url + "/search.json?q=hospital").json()
    hits = page.locator("ol.hits > li")
    assert hits.count() == len(twin["hits"]) > 0
    assert page.locator("ol.hits mark").count() >= len(twin["hits"])
    _shot(page, tmp_path, "search")
    hits.first.locator("a.doc-link").click()
    page.wait_for_url("**/doc/**")
    assert page.locator("h1").inner_text() == (twin["hits"][0]["title"] or twin["hits"][0]["id"])
    watched.assert_clean(base_url)


def test_story_link_and_conflicts(
    watched: Watched, base_url: str, tmp_path: Path, web_db: tuple[Path, bool]
) -> None:
    page = watched.page
    page.goto(base_url + "/stories")
    twin = page.request.get(base_url + "/stories.json").json()
    if not web_db[1]:
        assert "No stories stored yet" in page.locator("main").inner_text()
        pytest.skip("no stories stored: the corpus analysis is unavailable here")
    biggest = twin["stories"][0]
    page.locator("a.story-link").first.click()
    page.wait_for_url("**/story/**")
    story = page.request.get(page.url + ".json").json()
    assert story["story"]["id"] == biggest["id"]
    assert page.locator(".columns .column").count() == len(biggest["articles"])
    assert page.locator("table.conflicts tbody tr").count() == len(story["conflicts"])
    assert page.locator("svg.timeline circle").count() >= 1
    _shot(page, tmp_path, "story")
    page.locator(".columns .column a.doc-link").first.click()
    page.wait_for_url("**/doc/**")
    assert page.locator("#article").count() == 1
    watched.assert_clean(base_url)
