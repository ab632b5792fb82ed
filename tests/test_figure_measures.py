"""What a figure measures and whose it is, on the exhaustive dev golds' own reports (../shared/gold)."""

from __future__ import annotations

import json

from conftest import gold_reports

from storyline import Storyline, analyse
from storyline.extract import extract_facts
from storyline.prepare.parse import parse
from storyline.web.views import story_detail


def _figures(gold: str, key: str):
    [report] = gold_reports(gold, url=key)
    return extract_facts(parse(report["text"]), "a1", report.get("language")).figures


def test_victims_ages_are_figures_with_their_person():
    """CBS/AP on the Tulsa killings: '23-year-old twins Rebeika Powell and Kayetie Melchor, 33-year-old
    Misty Nunley'; the Chicago report: 'Devon Lofton, 7,'. Each an age, of the person named."""
    ages = {f.value: f.subject for f in _figures("gvc", "7d09bd3dd9") if f.measure == "age"}
    assert ages[23] == "twins Rebeika Powell and Kayetie Melchor" and ages[33] == "Misty Nunley"
    devon = [(f.value, f.unit) for f in _figures("gvc", "059ad6e444") if f.measure == "age" and f.subject == "Devon Lofton"]
    assert devon == [(7, "years")]


def test_numbers_that_name_or_pick_out_are_no_figures():
    """'a 911 call', 'the 6700 block of South Aberdeen', a list's '1.', 'Internet Explorer, version 4.0',
    'dozens injured' (no number a fact-checker can check) and 'one of those engineers'. The identifiers are
    kept apart (reports of one shooting share its block number) and never shown as figures."""
    figures = _figures("gvc", "e3a8378433") + _figures("gvc", "059ad6e444")
    assert {f.value for f in figures if f.identifier} >= {911, 6700}
    assert not {f.value for f in figures if not f.identifier} & {911, 6700}
    listed = _figures("ecbplus", "43_8ecbplus")
    assert not [f for f in listed if f.text.strip() in ("1.", "2.", "3.", "4.")]
    assert not [f for f in _figures("wikinewssum", "nn20041112a4") if f.value == 4 and "version" in f.text
                and not f.identifier]
    assert not [f for f in _figures("ecbplus", "37_1ecbplus") if f.hedge == "vague" or f.value is None]
    assert not [f for f in _figures("ecbplus", "43_3ecbplus") if f.value == 1 and "One of those engineers" in f.text]


def test_a_quake_report_says_what_each_figure_measures_and_of_what():
    """AFP on the Aceh quake: the depth is a depth, the magnitude the quake's, the dead (deaths, however
    worded) are the landslide's in Bener Meriah district, not Sutopo's (he reports them)."""
    figures = _figures("ecbplus", "37_4ecbplus")
    by_value = {f.value: f for f in figures}
    assert by_value[10].measure == "depth"
    assert (by_value[8.6].measure, by_value[8.6].subject) == ("magnitude", "quake")
    killed = [f for f in _figures("ecbplus", "37_3ecbplus") if f.value == 12]
    assert killed and killed[0].measure == "deaths" and "Bener Meriah" in (killed[0].subject or "")


def test_a_share_is_a_fraction_of_what_it_is_of():
    """'the microprocessor only accounts for a third of the power consumption' (ECB+ 43_4): a third, of the power."""
    [third] = [f for f in _figures("ecbplus", "43_4ecbplus") if f.value == 0.3333]
    assert third.unit == "fraction" and third.measure == "share of power consumption"


def test_ages_of_two_people_are_never_a_dispute():
    """'23-year-old twins Rebeika Powell and Kayetie Melchor' (CBS/AP) and 'Powell's 3-year-old son' (KJRH):
    two people's ages, not two outlets disagreeing."""
    reports = gold_reports("gvc", url="7d09bd3dd9") + gold_reports("gvc", url="309fcffb73")
    document = analyse(reports, workers=0).document
    claims = {c["id"]: c for c in document["claims"]}
    ages = [r for r in document["relations"] if r["type"] == "contradicts" and
            (claims.get(r["a"]) or {}).get("quantity", {}).get("measure") == "age"]
    assert not ages


def test_a_subject_the_sentence_does_not_name_is_marked_as_the_report_s():
    """'Four other people died in hospitals in the district' names no subject: the figure is the report's
    (about Aceh), and says so, so that it never makes two figures 'of the same thing'."""
    died = [f for f in _figures("ecbplus", "37_1ecbplus") if f.value == 4 and "hospitals" in f.text]
    assert died and died[0].subject_inferred and died[0].measure == "deaths"


def test_two_tolls_of_different_scope_are_no_dispute_and_two_counts_of_one_thing_are():
    """ECB+ on the 2004 tsunami: '170,000 people in the province' (Aceh) and '230,000 people in 13 countries'
    are two scopes, not a dispute; '13 countries' (Press TV) against '14 countries' (The Independent) is one, and
    so is the quake felt 'for around 15 seconds' (Nugroho) against 'for around one minute' (AFP's reporter)."""
    reports = [r for r in gold_reports("ecbplus") if "//37_" in r["url"]]
    document = analyse(reports, workers=0).document
    disputes = sorted(r["why"] for r in document["relations"]
                      if r["type"] == "contradicts" and r["why"].startswith("different figures"))
    assert len(disputes) == 2 and "13" in disputes[1] and "14" in disputes[1]
    assert "about 15 seconds" in disputes[0] and "about 1 minutes" in disputes[0]  # the journalist's minute


def test_a_fact_box_gives_each_figure_its_label_as_its_measure():
    """Box Office Mojo's Michael Keaton chart: 'Lifetime Gross Total (23): $935,837,029 Average: $40,688,566':
    one figure each, measured by its label (the parse of such a line, a run of names, proves nothing)."""
    measures = {f.value: f.measure for f in _figures("wikinewssum", "boxofficemojo")}
    assert measures[935837029] == "Lifetime Gross Total" and measures[40688566] == "Average"


def test_a_story_lists_its_disputed_figures_first_with_what_they_measure(tmp_path):
    """ECB+ on the Aceh quake: '13 countries' (Press TV) against '14 countries' (The Independent), '15 seconds'
    against 'one minute', lead the story's figures, ahead of the many one-report ones, each saying what it
    measures."""
    reports = [r for r in gold_reports("ecbplus") if "//37_" in r["url"]]
    source = tmp_path / "aceh.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in reports) + "\n", encoding="utf-8")
    with Storyline(tmp_path / "aceh.db") as news:
        news.ingest([source])
        [story_id] = [s for s in news.story_ids() if len(news.story(s).articles) > 1]
        detail = story_detail(news, story_id)
    assert detail is not None and len(detail.figures) > 10
    assert {c.quantity.value for c in detail.figures[:4]} == {13, 14, 15, 1}  # countries, and how long it shook
    assert all(c.quantity.measure for c in detail.figures[:4])


def test_a_gun_s_calibre_is_a_figure_of_that_gun():
    """'Devon accidentally shot himself with a .22-caliber handgun' (Chicago Sun-Times): a calibre of 0.22, of
    the handgun, which reports of one shooting give alike or not."""
    [calibre] = [f for f in _figures("gvc", "5cf042b40d") if f.measure == "gun caliber"]
    assert (calibre.value, calibre.subject) == (0.22, "handgun")


def test_how_long_the_ground_shook_is_a_figure_and_a_date_is_not():
    """AFP: the quake 'was felt strongly for around 15 seconds' (Nugroho), 'shook houses for around one minute'
    (a journalist in Banda Aceh): durations a fact-checker compares; 'in 2004', 'last year' are dates."""
    [seconds] = [f for f in _figures("ecbplus", "37_1ecbplus") if f.measure == "duration"]
    assert (seconds.value, seconds.unit, seconds.hedge) == (15, "seconds", "about")
    [minute] = [f for f in _figures("ecbplus", "37_5ecbplus") if f.measure == "duration"]
    assert (minute.value, minute.unit) == (1, "minutes")


def test_one_beside_another_count_counts():
    """The Japan Times: 'In 2003, it said it found seven research vessels and one submarine': one submarine is
    a count like the seven vessels, not the pronoun of 'one senior official said'."""
    counted = {(f.value, f.unit) for f in _figures("wikinewssum", "nn20041113a4")}
    assert {(7, "vessel"), (1, "submarine")} <= counted


def test_a_count_of_things_measures_those_things_and_a_conversion_what_it_converts():
    """Press TV: 'a tsunami that killed 230,000 people in 13 countries': 13 counts countries, not 'kill', and the
    230,000 people killed are deaths; 'a depth of 10 kilometers (6 miles)': 6 miles is the same depth, in miles."""
    countries = [f for f in _figures("ecbplus", "37_2ecbplus") if f.value == 13]
    assert countries and countries[0].measure == "countries"
    deaths = [f for f in _figures("ecbplus", "37_2ecbplus") if f.value == 230000]
    assert deaths and deaths[0].measure == "deaths"
    depth = {f.value: f for f in _figures("ecbplus", "37_2ecbplus") if f.measure == "depth"}
    assert (depth[10].unit, depth[6].unit) == ("km", "miles") and depth[6].subject == depth[10].subject


def test_a_quake_is_told_with_the_place_it_struck_and_an_age_with_the_person_named():
    """'A powerful 6.1-magnitude earthquake strikes the northern Indonesian province of Aceh' (Press TV): the
    magnitude is of the quake in Aceh; 'said Bensu Elianita, a 22 year-old resident' (Press TV): 22 is her age."""
    [magnitude] = [f for f in _figures("ecbplus", "37_2ecbplus") if f.value == 6.1]
    assert magnitude.unit == "magnitude" and "Aceh" in (magnitude.subject or "")
    [age] = [f for f in _figures("ecbplus", "37_2ecbplus") if f.measure == "age"]
    assert (age.value, age.subject) == (22, "Bensu Elianita")


def test_a_syndicated_copy_cites_the_figures_it_carries():
    """NBC10's report on Tahirah Phillips is carried word for word by another site (a copy, never parsed): the
    girl's age, merged from three reports, cites the copy too."""
    reports = [r for key in ("08aff8ef3b", "82b7f544ff", "84acb0162a", "6569c6e4f2") for r in gold_reports("gvc", url=key)]
    document = analyse(reports, workers=0).document
    copies = {a["id"] for a in document["articles"] if a["duplicate_of"]}
    ages = [c for c in document["claims"] if (c["quantity"] or {}).get("value") == 4 and c["quantity"]["unit"] == "years"]
    assert copies and ages and copies <= set(ages[0]["article_ids"]) and len(ages[0]["article_ids"]) == 4


def test_a_reading_on_a_scale_is_of_that_scale_whichever_way_it_is_written():
    """'a magnitude-9.1 earthquake off Aceh' (The Independent; one token the tagger calls no number), 'a
    magnitude 9.1 quake off Indonesia' (BBC), 'an earthquake measuring 7.2 on the Richter scale' (Press TV): each
    a magnitude, of the quake; 'Spending ... is expected to grow 33 percent' (PCWorld) is a growth."""
    [independent] = [f for f in _figures("ecbplus", "37_3ecbplus") if f.value == 9.1]
    [bbc] = [f for f in _figures("ecbplus", "37_6ecbplus") if f.value == 9.1]
    assert (independent.unit, independent.measure, bbc.unit, bbc.measure) == ("magnitude",) * 4
    assert "quake" in (bbc.subject or "") and "quake" in (independent.subject or "")
    [richter] = [f for f in _figures("ecbplus", "37_2ecbplus") if f.value == 7.2]
    assert richter.measure == "Richter scale"
    [growth] = [f for f in _figures("ecbplus", "43_5ecbplus") if f.value == 33]
    assert growth.measure.endswith("growth")


def test_counts_the_tagger_misses_are_figures():
    """AFP: 'Around 40 houses were damaged by the quake' (no entity on 40) is about 40 houses damaged by the
    quake, not by the official who said it; 'a landslide ... killing one man' is one death, not the pronoun
    'one'; the Sun-Times: 'his great-aunt Sheila Dordies, 52, who lives in Indiana' (tagged an organisation) is
    her age."""
    aceh = _figures("ecbplus", "37_1ecbplus")
    [houses] = [f for f in aceh if f.value == 40]
    assert (houses.hedge, houses.measure, houses.subject) == ("about", "house damaged", "quake")
    assert [f.measure for f in aceh if f.value == 1 and "landslide" in f.text] == ["deaths"]
    ages = {f.value: f.subject for f in _figures("gvc", "5cf042b40d") if f.measure == "age"}
    assert "Sheila Dordies" in ages[52]


def _of(figures, value, measure=None):
    return [f for f in figures if f.value == value and (measure is None or f.measure == measure)]


def test_a_thing_described_after_it_is_named_is_given_its_name():
    """Reports name a thing once and then describe it: 'the film, which teams Ben Stiller ...' is Meet the
    Fockers, 'the 64-year-old Kenyan' the laureate the MSNBC report is about, 'this class' the Han class,
    'the district' Bener Meriah district; so reports of the figure can be compared by name."""
    [gross] = _of(_figures("wikinewssum", "lsj.com"), 163_000_000)
    assert gross.subject == "Meet the Fockers" and not gross.subject_inferred
    msnbc = _figures("wikinewssum", "msnbc.msn.com/id/6691499")
    assert [f.subject for f in _of(msnbc, 64, "age")] == ["Wangari Maathai"]
    assert [f.subject for f in _of(msnbc, 5)] == ["secretive Nobel Committee"]  # 'the five-member Nobel Committee'
    [units] = _of(_figures("wikinewssum", "type-91.htm"), 5, "unit deployed")
    assert units.subject == "Han class" and not units.subject_inferred
    [distance] = _of(_figures("ecbplus", "37_1ecbplus"), 320)
    assert distance.subject == "Bener Meriah district"


def test_a_sum_is_named_by_the_noun_it_is_set_beside_and_a_quake_by_where_it_struck():
    """'won grants from the U. S. Departement of Energy ($9.3 million) and the state of California ($250,000)',
    'a cheque for 10 million Swedish Kronor ($1.4m)'; 'An 8.7-magnitude earthquake also hit off the city of
    Banda Aceh'."""
    grants = _figures("ecbplus", "43_4ecbplus")
    assert [f.measure for f in _of(grants, 9_300_000) + _of(grants, 250_000)] == ["grants", "grants"]
    bbc = _figures("wikinewssum", "news.bbc.co.uk/2/hi/science/nature/4084617")
    assert {f.measure for f in _of(bbc, 10_000_000) + _of(bbc, 1_400_000)} == {"cheque"}
    [quake] = _of(_figures("ecbplus", "37_2ecbplus"), 8.7)
    assert "Banda Aceh" in (quake.subject or "")


def test_a_record_is_the_measure_of_the_sum_it_was_set_with_and_a_height_of_its_adjective():
    """Lansing State Journal (AP): '"Meet the Fockers" set records for the biggest gross on New Year's Eve, with
    $12.2 million', 'The previous New Year's Eve record was set in 2000 by "Cast Away" with $8.5 million';
    VentureBeat: 'a rack system that is 17.5 inches high', 'it raised $20 million'."""
    lsj = _figures("wikinewssum", "lsj.com")
    [fockers] = _of(lsj, 12_200_000)
    assert "records" in (fockers.measure or "") and fockers.subject == "Meet the Fockers"
    [cast_away] = _of(lsj, 8_500_000)
    assert "record" in (cast_away.measure or "") and cast_away.subject == "Cast Away"
    venturebeat = _figures("ecbplus", "43_4ecbplus")
    assert [f.measure for f in _of(venturebeat, 17.5)] == ["height"]
    assert [f.measure for f in _of(venturebeat, 20_000_000)] == ["raised"]


def test_a_share_the_tagger_calls_an_ordinal_and_a_vague_crowd_is_nobodys_figure():
    """VentureBeat: 'It uses a quarter of the power and a sixth of the space' (the tagger calls 'a sixth' an
    ordinal); Xinhua: 'caused hundreds of people to be evacuated to 10 temporary shelters' (the shelters are not
    the crowd's: the report's own subject is)."""
    shares = {f.value: f.measure for f in _figures("ecbplus", "43_4ecbplus") if f.unit == "fraction"}
    assert shares[0.25] == "share of power" and shares[0.1667] == "share of space"
    [shelters] = _of(_figures("ecbplus", "37_3ecbplus"), 10, "shelters")
    assert shelters.subject_inferred
