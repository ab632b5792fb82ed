"""Outlets as a reader counts them: one per site whatever the host, the original site behind an archive's
address, and reports of no known outlet counted apart rather than as one outlet called "unknown"."""

from __future__ import annotations

import json

from conftest import SEEDS, SHARED, ingest_into

from storyline.present import dossier, export
from storyline.read.outlets import outlet_from_url, outlet_name


def _urls() -> list[str]:
    rows = (SHARED / "data" / "wikinewssum-dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["url"] for line in rows]


def test_the_hosts_of_one_site_are_one_outlet_in_real_addresses():
    urls = _urls()
    cnn = {outlet_from_url(u) for u in urls if ".cnn.com/" in u}
    guardian = {outlet_from_url(u) for u in urls if ".guardian.co.uk/" in u}
    assert len({u.split("/")[2] for u in urls if ".cnn.com/" in u}) > 1 and cnn == {"cnn.com"}
    assert len({u.split("/")[2] for u in urls if ".guardian.co.uk/" in u}) > 1 and guardian == {"guardian.co.uk"}
    assert {outlet_from_url(f"https://{host}.cnn.com/x") for host in ("edition", "money", "www")} == {"cnn.com"}


def test_an_archived_address_counts_as_its_original_site_never_the_archive():
    archived = [u for u in _urls() if "/web/" in u and u.count("http") > 1]
    assert archived
    assert all(outlet_from_url(u) and "archive" not in outlet_from_url(u) for u in archived)
    assert outlet_from_url("https://web.archive.org/web/2020/https:/edition.cnn.com/x.html") == "cnn.com"


def test_two_registered_domains_stay_two_outlets_and_no_address_names_none():
    assert outlet_from_url("https://www.example.com/a") != outlet_from_url("https://www.example.co.uk/a")
    assert outlet_from_url(None) is None and outlet_from_url("/data/report.txt") is None
    assert outlet_from_url("http://localhost:8000/a") is None and outlet_from_url("http://[::1") is None
    # a name the metadata gives stands; a host name given as the outlet becomes its site
    assert outlet_name("The Daily", "https://www.example.com/a") == "The Daily"
    assert outlet_name("edition.example.com", None) == "example.com"


def test_the_seeds_have_no_known_outlet_and_say_so_rather_than_one_unknown_outlet(tmp_path):
    conn, _report = ingest_into(tmp_path / "s.db", SEEDS)
    document = export.to_json_document(conn)
    story = document["stories"][0]
    articles = [a for a in document["articles"] if a["story_id"] == story["id"]]
    assert all(a["outlet"] is None for a in articles)  # the contract's "null when unknown"
    text = dossier.to_markdown(conn)
    assert "unknown outlet**" not in text and "First reported by" not in text
    assert f"{len(articles)} reports outlet unknown" in text
    assert "unknown outlet" not in text


def test_the_story_page_of_the_seeds_counts_no_unknown_outlet_as_one(tmp_path):
    from fastapi.testclient import TestClient

    from storyline.web import Settings, create_app

    conn, _report = ingest_into(tmp_path / "s.db", SEEDS)
    story_id = export.to_json_document(conn)["stories"][0]["id"]
    conn.close()
    page = TestClient(create_app(Settings(str(tmp_path / "s.db"), token=None)),
                      base_url="http://127.0.0.1").get(f"/stories/{story_id}").text
    assert "from 1 outlet" not in page and "unknown outlet" not in page
    assert "outlet unknown" in page


def test_a_made_up_report_title_is_shown_cut_at_a_word(tmp_path):
    """A seed without a title of its own gets its opening words cut at a length ('... in an expected tel'):
    the page, its citations' tooltips and the dossier show it cut at the last whole word."""
    from fastapi.testclient import TestClient

    from storyline.web import Settings, create_app

    conn, _report = ingest_into(tmp_path / "s.db", SEEDS)
    document = export.to_json_document(conn)
    cut = [a["title"] for a in document["articles"]
           if a["text"].startswith(a["title"]) and a["text"][len(a["title"])].isalnum()]
    assert cut
    text = dossier.to_markdown(conn)
    conn.close()
    page = TestClient(create_app(Settings(str(tmp_path / "s.db"), token=None)),
                      base_url="http://127.0.0.1").get(f"/stories/{document['stories'][0]['id']}").text
    for title in cut:
        assert f"{title}<" not in page and f'{title}"' not in page and f"{title} —" not in text
