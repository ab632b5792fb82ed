"""The web app in a real browser: Playwright driving Debian's Chromium against `storyline serve`
on the demo corpus. Chromium comes from the project's set-up (scripts/ensure-chromium.sh); a
missing browser fails these tests, it does not skip them.

Screenshots of the story page (desktop and phone width) are written to docs/screenshots/.
"""

import shutil
import socket
import subprocess
import sys
import time
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


@pytest.fixture(scope="module")
def base_url(web_db):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", str(web_db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
    yield url
    server.terminate()
    server.wait(timeout=10)


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
