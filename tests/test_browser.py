"""The web app in a real browser: Playwright driving Debian's Chromium against `storyline serve`
on the demo corpus. Chromium comes from the project's set-up (scripts/ensure-chromium.sh); a
missing browser fails these tests, it does not skip them.

Screenshots (desktop and phone width) are written to docs/screenshots/: the demo story, the biggest
story of the WikinewsSum dev file (phases first), its coverage on a phone, search with filters and
snippets, a story with readers' corrections, and a correction being made on the page.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from storyline.text import content_words

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-extensions", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(db, token: str | None = None):
    """`storyline serve` on a store, as a user starts it (with STORYLINE_TOKEN to accept writes); yields its URL."""
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if k != "STORYLINE_TOKEN"} | (
        {"STORYLINE_TOKEN": token} if token else {})
    server = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/api/stories", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail(f"server did not start: {server.stderr.read().decode()[-2000:]}")
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def base_url(web_db):
    with serving(web_db) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(executable).exists(), "Chromium is missing: run scripts/ensure-chromium.sh (make does)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_search_open_story_follow_citation_to_highlighted_sentence(browser, base_url):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base_url)
    expect(page.locator(".stories li")).to_have_count(2)
    page.get_by_role("searchbox", name="Search stories").fill("dockers")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(f"{base_url}/?q=dockers")
    expect(page.locator(".stories li")).to_have_count(1)
    page.locator(".stories a.title").click()
    expect(page.locator("h1")).to_contain_text("Valmora")
    for section in ("summary", "timeline", "who-said-what", "disputes", "figures", "sources"):
        expect(page.locator(f"section#{section}")).to_be_visible()
    expect(page.locator("#disputes .dispute").first).to_be_visible()
    expect(page.locator(".timeline li").first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "story-desktop.png"), full_page=True)

    first = page.locator("#summary li").first
    sentence = first.inner_text()
    first.locator("a.cite").first.click()
    mark = page.locator("mark#cited")
    expect(mark).to_be_visible()
    expect(mark).to_be_in_viewport()
    marked = mark.inner_text().strip()
    # the article may carry the statement in other words (another translation): most content words agree
    shared = content_words(marked) & content_words(sentence)
    assert marked and len(shared) >= 0.6 * min(len(content_words(marked)), len(content_words(sentence)))
    page.close()


def test_story_page_fits_a_phone(browser, base_url):
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page.goto(base_url)
    page.locator(".stories a.title", has_text="Valmora").first.click()
    expect(page.locator("h1")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the phone"
    page.screenshot(path=str(SCREENSHOTS / "story-phone.png"))
    page.close()


def test_markup_in_an_article_shows_as_text(browser, base_url):
    page = browser.new_page(viewport=DESKTOP)
    hostile = next(a for a in httpx.get(f"{base_url}/api/articles", params={"limit": 100}).json()["items"]
                   if a["source"].startswith("https://hostile.example"))
    page.goto(f"{base_url}/articles/{hostile['id']}")
    text = page.locator(".article-text")
    expect(text).to_contain_text("<script>window.pwned = 1</script>")
    expect(text).to_contain_text('<img src=x onerror="window.pwned = 2">')
    expect(page.locator("h1")).to_contain_text("<script>")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator(".article-text img, .article-text script").count() == 0
    page.close()


@pytest.fixture(scope="module")
def wikinews_url(wikinews):
    conn, _report, _rows = wikinews
    with serving(conn.location) as url:
        yield url


def _biggest_story(url: str) -> dict:
    items = httpx.get(f"{url}/api/stories", params={"limit": 100}).json()["items"]
    return max(items, key=lambda item: (item["articles"], item["id"]))


def _shot(target, name: str, **options) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    target.screenshot(path=str(path), **options)
    assert path.stat().st_size <= 1_000_000, f"{name} is over 1 MB"


def test_the_biggest_story_leads_with_its_phases_within_three_screens(browser, wikinews_url):
    biggest = _biggest_story(wikinews_url)
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{wikinews_url}/stories/{biggest['id']}")
    assert page.locator("main section.card").first.get_attribute("id") == "phases"
    phases = page.locator("#phases details.phase")
    assert phases.count() == len(httpx.get(f"{wikinews_url}/api/stories/{biggest['id']}").json()["phases"]) >= 1
    opened = page.locator("#phases > details.phase[open]")
    expect(opened.first.locator("time")).to_be_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 3 * DESKTOP["height"], f"{height}px before any 'show more'"
    _shot(page, "story-wikinews-desktop.png", full_page=True)

    first = page.locator("#phases > details.phase").first  # a phase folds away and opens again
    assert first.get_attribute("open") is not None
    first.locator("summary").click()
    assert first.get_attribute("open") is None and not first.locator("ul.phase-items").is_visible()
    first.locator("summary").click()
    expect(first.locator("ul.phase-items")).to_be_visible()
    sources = page.locator("#sources li")
    visible = sum(sources.nth(k).is_visible() for k in range(sources.count()))
    more = page.locator("#sources details.more > summary")
    expect(more).to_contain_text("more sources")
    more.click()
    assert sum(sources.nth(k).is_visible() for k in range(sources.count())) == sources.count() > visible
    page.close()


def test_coverage_chart_and_outlets_read_on_a_phone(browser, wikinews_url):
    biggest = _biggest_story(wikinews_url)
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page.goto(f"{wikinews_url}/stories/{biggest['id']}")
    assert page.locator("main section.card").first.get_attribute("id") == "phases"  # phases first here too
    expect(page.locator("#phases > details.phase[open] summary time").first).to_be_in_viewport()
    chart = page.locator("#coverage svg.chart")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] > 100
    assert chart.locator("rect").count() > 1 and "report" in chart.locator("title").first.text_content()
    expect(page.locator("#coverage ul.outlets li").first).to_contain_text("first")
    expect(page.locator(".byline")).to_contain_text("First reported by")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the phone"
    _shot(page.locator("#coverage"), "coverage-phone.png")
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_download_button_saves_the_story_as_one_self_contained_file(browser, base_url, viewport):
    page = browser.new_page(viewport=viewport, accept_downloads=True)
    page.goto(base_url)
    page.locator(".stories a.title", has_text="Valmora").first.click()
    title = page.locator("h1").inner_text()
    for label, suffix, holds in (("HTML", ".html", "<h2>Phases</h2>"), ("Markdown", ".md", "## Phases")):
        with page.expect_download() as download:
            page.locator(".downloads a", has_text=label).click()
        saved = Path(download.value.path()).read_text(encoding="utf-8")
        assert download.value.suggested_filename.endswith(suffix)
        assert title in saved and holds in saved
    page.close()


def test_search_with_filters_marks_the_words_that_matched(browser, base_url):
    for viewport, name in ((DESKTOP, "search-desktop.png"), (PHONE, "search-phone.png")):
        page = browser.new_page(viewport=viewport)
        page.goto(base_url)
        filters = page.locator("form.filters").first
        filters.locator("input[name=q]").fill("dockers union")
        filters.locator("select[name=language]").select_option("pt")
        filters.get_by_role("button", name="Filter").click()
        expect(page.locator(".stories li")).to_have_count(1)
        marks = page.locator(".stories .snippet mark")
        expect(marks.first).to_be_visible()
        assert {marks.nth(k).inner_text().lower() for k in range(marks.count())} == {"dockers", "union"}
        assert "language=pt" in page.url
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1
        _shot(page, name)
        page.close()


def test_a_readers_correction_shows_on_the_page_and_its_undo_too(browser, web_db, tmp_path):
    db = tmp_path / "corrected.db"
    shutil.copy(web_db, db)
    token = "browser-token-3d"
    with serving(db, token) as url:
        story = next(i for i in httpx.get(f"{url}/api/stories").json()["items"] if "Valmora" in i["title"])
        auth = {"Authorization": f"Bearer {token}"}
        quote = next(q for q in httpx.get(f"{url}/api/stories/{story['id']}").json()["quotes"] if q["speaker"])
        renamed = httpx.post(f"{url}/api/corrections", headers=auth, timeout=120, json={
            "kind": "rename", "story_id": story["id"], "title": "Valmora port strike", "author": "desk"})
        assert renamed.status_code == 201, renamed.text
        fixed = httpx.post(f"{url}/api/corrections", headers=auth, timeout=120, json={
            "kind": "speaker", "story_id": story["id"], "quote_id": quote["id"], "speaker": None, "author": "desk"})
        assert fixed.status_code == 201, fixed.text
        for viewport, name in ((DESKTOP, "corrections-desktop.png"), (PHONE, "corrections-phone.png")):
            page = browser.new_page(viewport=viewport)
            page.goto(f"{url}/stories/{story['id']}")
            expect(page.locator("h1")).to_contain_text("Valmora port strike")
            expect(page.locator("h1 .tag.corrected")).to_contain_text("renamed by desk")
            expect(page.locator("#who-said-what .tag.corrected").first).to_contain_text("speaker removed by desk")
            expect(page.locator("#corrections li")).to_have_count(2)
            assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
            _shot(page.locator("#corrections"), name)
        undone = httpx.post(f"{url}/api/corrections/{renamed.json()['id']}/undo", headers=auth, timeout=120)
        assert undone.status_code == 200
        page.reload()
        expect(page.locator("h1")).not_to_contain_text("Valmora port strike")
        expect(page.locator("#corrections li.undone")).to_contain_text("undone by api")
        page.close()


def test_a_read_only_server_offers_no_correction_controls(browser, base_url):
    story = httpx.get(f"{base_url}/api/stories").json()["items"][0]
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{base_url}/stories/{story['id']}")
    expect(page.locator("h1")).to_be_visible()
    assert page.locator("#start-correcting, button.fix, dialog#corrector").count() == 0
    page.close()


def test_a_correction_is_made_and_undone_from_the_story_page_with_the_token_asked_once(browser, web_db, tmp_path):
    """A reader renames a story from its page (desktop), giving the token and their name once, then removes a
    quote's speaker and undoes the rename on a phone width without being asked again: the same API underneath,
    the token kept in the tab only (sessionStorage), a wrong token refused on the page with the server's reason."""
    db = tmp_path / "page-corrected.db"
    shutil.copy(web_db, db)
    token = "page-token-5e"
    with serving(db, token) as url:
        story = next(i for i in httpx.get(f"{url}/api/stories").json()["items"] if "Valmora" in i["title"])
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(f"{url}/stories/{story['id']}")
        expect(page.locator("button.fix").first).to_be_hidden()
        page.get_by_role("button", name="Correct this story").click()
        page.locator("h1 button[data-correct=rename]").click()
        page.locator("#corrector-value").fill("Valmora dock strike")
        page.locator("#corrector-token").fill("not-the-token")
        page.locator("#corrector-author").fill("desk")
        _shot(page, "correcting-desktop.png")
        page.locator("#corrector-ok").click()
        expect(page.locator("#corrector-error")).to_contain_text("wrong token")
        page.locator("#corrector-token").fill(token)
        page.locator("#corrector-ok").click()
        expect(page.locator("h1")).to_contain_text("Valmora dock strike", timeout=120_000)
        expect(page.locator("h1 .tag.corrected")).to_contain_text("renamed by desk")
        assert page.evaluate("sessionStorage.getItem('storyline-token')") == token
        assert "page-token" not in "".join(c["value"] for c in context.cookies())
        page.set_viewport_size(PHONE)
        page.get_by_role("button", name="Correct this story").click()
        page.locator("#who-said-what button[data-correct=speaker]").first.click()
        expect(page.locator("#corrector-token-label")).to_be_hidden()
        _shot(page, "correcting-phone.png")
        page.locator("#corrector-value").fill("")
        page.locator("#corrector-ok").click()
        expect(page.locator("#who-said-what .tag.corrected").first).to_contain_text("speaker removed by desk",
                                                                                      timeout=120_000)
        page.get_by_role("button", name="Correct this story").click()
        rename = page.locator("#corrections li", has_text="renamed the story")
        rename.locator("button[data-correct=undo]").click()
        page.locator("#corrector-ok").click()
        expect(page.locator("h1")).not_to_contain_text("Valmora dock strike", timeout=120_000)
        expect(page.locator("#corrections li.undone")).to_contain_text("undone by desk")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
        context.close()


def test_every_claim_check_result_shows_on_a_phone(browser, base_url):
    """The stacked table hid its first result row on a phone, while the text above counted it."""
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page.goto(f"{base_url}/check?claim=Dock+workers+went+on+strike+in+Valmora")
    rows = page.locator("table.stack tbody tr")
    assert rows.count() >= 1
    for k in range(rows.count()):
        expect(rows.nth(k)).to_be_visible()
    expect(page.locator("table.stack thead")).to_be_hidden()
    page.close()


def test_the_claim_page_asks_again_for_an_empty_claim_and_keeps_a_claim_to_edit(browser, base_url):
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{base_url}/check?claim=")
    expect(page.get_by_role("alert")).to_contain_text("Write the claim to check")
    page.get_by_label("Claim", exact=True).fill("Dock workers went on strike in Valmora")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("table.stack tbody tr").first).to_be_visible()
    expect(page.get_by_label("Claim", exact=True)).to_have_value("Dock workers went on strike in Valmora")
    page.get_by_label("Claim", exact=True).fill("The port of Valmora reopened")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("h1")).to_contain_text("The port of Valmora reopened")
    page.close()
