"""Story titles are headlines of what happened, never page furniture, and pages are judged as articles
by what their body says: on the real pages of the WikinewsSum and gun-violence dev corpora."""

from __future__ import annotations

import re
from collections import defaultdict

from conftest import dev_rows

from storyline import store
from storyline.analysis.summary import furniture
from storyline.analysis.titles import clip, is_headline, lead_keys, lead_sentence, without_site_prefix
from storyline.prepare.clean import clean_text, headline, split_title
from storyline.read.pagekind import not_an_article
from storyline.text import WORD


def _page(corpus: str, url_part: str) -> tuple[str, str, str]:
    """(title, body as ingest keeps it, url) of the dev page whose address holds url_part."""
    row = next(r for r in dev_rows(corpus) if url_part in r["url"])
    title, body = split_title(clean_text(row["text"]), row.get("title") or None)
    return title or "", body, row["url"]


def test_a_breadcrumb_keeps_its_last_step():
    assert headline("The New York Times > Log In") == "Log In"
    assert headline("Site.com > News > Nation > Judge jails reporter over source") == "Judge jails reporter over source"


def test_a_headline_is_told_by_what_it_says_not_by_a_list_of_names():
    """Real WikinewsSum pages: a report's own headline restates its opening; a site's name ('Taipei Times'),
    a section ('Sports News'), a page label ('Free Article') or a title spelling the page's own address
    ('The Japan Times Online' on japantimes.co.jp, whose report opens with Japan) does not."""
    for url_part, expected in (("news.bbc.co.uk/1/hi/world/europe", True), ("taipeitimes", False), ("wsj.com", False),
                               ("japantimes.co.jp/cgi-bin/getarticle.pl5?nn20041112a4", False),
                               ("boxofficemojo.com/people", False)):
        title, body, url = _page("wikinewssum", url_part)
        assert is_headline(title, url, lead_keys(body)) is expected, (title, url)


def test_a_group_without_a_headline_is_titled_by_its_first_sentence_of_prose():
    """The Japan Times report is titled by its opening sentence, not by its page title or its byline."""
    _title, body, _url = _page("wikinewssum", "japantimes.co.jp/cgi-bin/getarticle.pl5?nn20041112a4")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", body) if s.strip()]
    sentence = lead_sentence(sentences)
    assert sentence and sentence.rstrip("…") in " ".join(body.split())
    assert "Staff" not in sentence and len(sentence) <= 111
    assert clip("one two three four", 12) == "one two…"


def test_no_story_on_wikinewssum_is_titled_with_page_furniture(wikinews):
    """Every story and event title is a headline of its own reports or a sentence of one of them, never
    furniture ('Note: Titles in grey are ...', a line asking the reader to e-mail the site); never a title of
    fewer than three words ('Telegraph', 'Member Center', 'Saturday November 20, 2004 6:23PM') but a page's
    own ('White Noise') over a page that opens with menus only; nor a page title that heads several different pages (a
    site's name: 'The Japan Times Online')."""
    conn, _report, rows = wikinews
    texts_of = defaultdict(set)
    for row in rows:
        texts_of[headline(row.get("title") or "")].add(row["text"])
    shared = {title for title, texts in texts_of.items() if len(texts) > 1}
    assert "The Japan Times Online" in shared
    for story_id in store.story_ids(conn):
        analysis, events = store.load_analysis(conn, story_id)
        articles = store.articles(conn, story_id)
        facts = store.article_facts(conn, story_id)
        for title, ids in [(analysis.title, {a.id for a in articles}), *((e.title, set(e.article_ids)) for e in events)]:
            group = [a for a in articles if a.id in ids]
            headlines = {without_site_prefix(headline(a.title), a.source) for a in group}
            assert title in headlines or any(title.rstrip("…") in " ".join(a.text.split()) for a in group), title
            assert not furniture(title) and title not in shared, title
            if len(WORD.findall(title)) < 3:  # only a page's own title, when its reports open with no prose
                assert title in headlines and not any(lead_sentence(facts[a.id]["sentences"]) for a in group), title


def test_a_real_report_under_a_generic_page_title_is_kept():
    """A Reuters report (WikinewsSum: Rice to replace Powell) served under a wire site's generic page title."""
    _title, body, _url = _page("wikinewssum", "alertnet")
    assert len(body.split()) > 300
    for generic in ("Top News Article", "Breaking International News & Views", "Latest News & Headlines"):
        assert not_an_article(generic, body) is None


def test_a_short_section_page_is_still_one():
    title, body, _url = _page("wikinewssum", "sfexaminer")
    assert not_an_article(title, body) == "home or section page"


def test_log_in_and_paywall_pages_are_refused_with_their_reason():
    """Real pages: Boston.com's registration form (1,100 words, mostly a country list after the form),
    Nature's offers to buy an article, and two TV stations' sign-in pages crawled for shooting reports."""
    title, body, _url = _page("wikinewssum", "battle_of_the_bulge")
    assert not_an_article(title, body) == "log-in page"
    title, body, _url = _page("wikinewssum", "nature03089_fs")
    assert not_an_article(title, body) == "paywall or sign-up notice"
    sign_ins = [r for r in dev_rows("gva") if re.match(r"Sign in using (?:you|your) \w+", r["text"])]
    assert len(sign_ins) == 2
    assert all(not_an_article(r["title"], split_title(clean_text(r["text"]), r["title"])[1]) == "log-in page"
               for r in sign_ins)


def test_error_and_archive_notices_are_refused_by_what_the_body_says():
    """Short notices written here (the common server and archive wording), each under an ordinary title."""
    gone = ("The page you are looking for might have been removed, had its name changed, or is temporarily "
            "unavailable.\nPlease try the following: make sure the address is spelled correctly.\nHTTP 404 - File not found")
    assert not_an_article("Council approves budget", gone) == "error page"
    paywall = "To read the full article, buy 24 hours' access for 50p.\nAlready a subscriber? Sign in here."
    assert not_an_article("Council approves budget", paywall) == "paywall or sign-up notice"
    archived = "This story has been archived and is no longer online.\nSearch our archives for other stories."
    assert not_an_article("Council approves budget", archived) == "archive notice"


def test_every_gun_violence_report_is_an_article():
    """Precision: none of the 227 GVC reports (many with sign-up and subscription leftovers) is refused."""
    for row in dev_rows("gvc"):
        title, body = split_title(clean_text(row["text"]), row.get("title") or None)
        assert not_an_article(title or "", body) is None, row["url"]


def test_a_page_without_a_title_is_titled_by_whole_words_of_its_opening():
    from storyline import analyse

    row = next(r for r in dev_rows("wikinewssum") if not r.get("title"))
    title = analyse([row]).stories[0].title
    opening = " ".join(row["text"].split())
    assert title.endswith("…")
    assert opening.startswith(title[:-1]) and opening[len(title) - 1] == " "  # cut between two words


def test_news_about_browsers_and_log_ins_is_prose_page_talk_to_the_reader_is_not():
    sentences = [s for r in dev_rows("ecbplus") for s in re.split(r"(?<=[.!?])\s+", r["text"])
                 if re.search(r"\bbrowser\b", s) and not re.search(r"\b(?:you|your|please)\b", s, re.I) and len(s.split()) > 8]
    assert len(sentences) >= 5
    assert all(lead_sentence([s]) for s in sentences[:5])
    assert lead_sentence(["Please enable JavaScript in your browser settings to watch this video of the launch."]) is None


def test_a_headline_loses_the_site_or_section_named_before_it_not_a_speaker():
    """Real WikinewsSum page titles: the Lansing State Journal's name before its headline on lsj.com (its
    initials) and the 'Nation' section of a page under /news/nation/ go; 'Judge:' on boston.com stays."""
    for url_part, expected in (("lsj.com", "'Fockers' sets New Year's mark at the box office"),
                               ("signonsandiego.com", "TV reporter threatened with criminal contempt for refusing to "
                                                      "divulge source of videotape"),
                               ("judge_ross", "Judge: Ross is competent to decide to die")):
        row = next(r for r in dev_rows("wikinewssum") if url_part in r["url"])
        assert without_site_prefix(headline(row["title"]), row["url"]) == expected


def test_a_title_or_summary_from_a_sentence_drops_its_dateline_and_page_talk():
    """The Gainesville report's opening sentence titles its story without 'GAINESVILLE -- '; a line asking the
    reader to e-mail the site (Box Office Mojo's chart page) is neither a title nor a summary sentence."""
    from storyline import analyse

    gainesville = next(r for r in dev_rows("wikinewssum") if "GAINESVILLE --" in r["text"])
    story = analyse([{**gainesville, "title": ""}]).stories[0]
    assert story.title.startswith("A man accused of biting his Jack Russell terrier"), story.title
    assert "GAINESVILLE" not in story.summary and "A man accused of biting" in story.summary
    chart = next(r for r in dev_rows("wikinewssum") if "boxofficemojo.com/people" in r["url"])
    talk = [s for s in re.split(r"(?<=[.!?])\s+", chart["text"]) if re.search(r"e-mail us", s)]
    assert talk and all(furniture(s) and lead_sentence([s]) is None for s in talk)
