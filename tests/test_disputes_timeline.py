"""Agreement and contradiction between statements; timeline entries, expected ones marked."""

from storyline.analysis.disputes import relate
from storyline.analysis.timeline import build_timeline
from storyline.extract import extract_facts
from storyline.models import Claim, Quantity, Quote, QuoteVariant
from storyline.prepare.parse import parse


def quote(qid: str, speaker: str, article: str, text: str, sentence: int = 0) -> tuple[Quote, set]:
    return Quote(qid, speaker, None, "indirect", None, [QuoteVariant(article, text)]), {(article, sentence)}


def test_denial_against_assertion_contradicts_with_a_reason():
    (a, pa), (b, pb) = (quote("q1", "Kremlin spokesman", "a1", "There are no discussions about a second wave of mobilization"),
                        quote("q2", "Ukrainian sources", "a2", "Russia is preparing a second wave of mobilization in January"))
    relations = relate([a, b], [], {"q1": pa, "q2": pb})
    assert [(r.a, r.b, r.type) for r in relations] == [("q1", "q2", "contradicts")]
    assert "denial" in relations[0].why


def test_same_proposition_in_other_words_is_not_a_contradiction():
    (a, pa), (b, pb) = (quote("q1", "Ministry", "a1", "The government has no plans to close the northern border crossings"),
                        quote("q2", "Interior minister", "a2", "No closure of the northern border crossings is planned"))
    relations = relate([a, b], [], {"q1": pa, "q2": pb})
    assert all(r.type != "contradicts" for r in relations)


def test_over_versus_still_going_on_contradicts():
    (a, pa), (b, pb) = (quote("q1", "President", "a1", "the mobilization was over", 3),
                        quote("q2", None, "a1", "Meanwhile, the Russians are still receiving summonses.", 5))
    relations = relate([a, b], [], {"q1": pa, "q2": pb})
    assert [r.type for r in relations] == ["contradicts"]


def test_walking_out_is_not_the_end_of_a_strike():
    (a, pa), (b, pb) = (quote("q1", "port authority", "a1", "fewer than 4,000 workers had stopped work", 3),
                        quote("q2", "union", "a1", "but its members are still on strike at the terminal", 4))
    assert relate([a, b], [], {"q1": pa, "q2": pb}) == []


def test_different_figures_for_one_quantity_contradict():
    union = Claim("c1", "The union said 12,000 dock workers joined the strike at the port", "Union", None,
                  Quantity(12000, unit="dock workers"), ["a1"])
    port = Claim("c2", "The port authority said 4,000 dock workers joined the strike at the port", "Port authority",
                 None, Quantity(4000, unit="dock workers"), ["a2"])
    relations = relate([], [union, port], {})
    assert [(r.type, r.why) for r in relations] == [
        ("contradicts", "different figures for dock workers: Union says 12,000, Port authority says 4,000")]


def money(cid: str, source: str, text: str, value: float, subject: str | None, hedge: str | None = None,
          article: str = "a1", unit: str = "USD", measure: str | None = None) -> Claim:
    return Claim(cid, text, source, None, Quantity(value, unit=unit, hedge=hedge, subject=subject, measure=measure),
                 [article])


def test_figures_of_different_subjects_never_contradict():
    sears = money("c1", "reuters.com", "Sears shares rose 17 percent on the news.", 17, "Sears shares", unit="%",
                  measure="rise")
    kmart = money("c2", "apnews.com", "Kmart shares rose 15 percent on the news.", 15, "Kmart shares", unit="%",
                  measure="rise", article="a2")
    assert relate([], [sears, kmart], {}) == []


def test_the_same_deal_at_two_prices_contradicts_but_rounding_does_not():
    eleven = money("c1", "reuters.com", "Kmart will buy Sears for $11 billion.", 11e9, "Kmart", measure="buy")
    more = money("c2", "apnews.com", "Kmart will buy Sears for $11.5 billion.", 11.5e9, "Kmart", article="a2",
                 measure="buy")
    rounded = money("c3", "cnn.com", "Kmart will buy Sears for $11.3 billion.", 11.3e9, "Kmart", article="a3",
                    measure="buy")
    pairs = {(r.a, r.b) for r in relate([], [eleven, more, rounded], {}) if r.type == "contradicts"}
    assert pairs == {("c1", "c2"), ("c2", "c3")}  # 11.3 rounds to 11; 11.5 does not, nor is it 11.3


def test_a_floor_far_below_a_figure_contradicts_it():
    about = money("c1", "reuters.com", "The chain will close about 600 stores.", 600, None, "about", unit="stores",
                  measure="close")
    floor = money("c2", "apnews.com", "The chain will close more than 300 stores.", 300, None, "more than",
                  article="a2", unit="stores", measure="close")
    near = money("c3", "cnn.com", "The chain will close more than 550 stores.", 550, None, "more than",
                 article="a3", unit="stores", measure="close")
    pairs = {(r.a, r.b) for r in relate([], [about, floor, near], {}) if r.type == "contradicts"}
    assert pairs == {("c1", "c2"), ("c2", "c3")}


def test_figures_for_two_different_weekends_do_not_contradict():
    first = money("c1", "lsj.com", "The film earned $42.8 million over the weekend.", 42.8e6, "film", measure="earn")
    second = money("c2", "taipeitimes.com", "The film earned $44.7 million over the weekend.", 44.7e6, "film",
                   article="a2", measure="earn")
    published = {"a1": "2005-01-04", "a2": "2004-12-28"}
    assert relate([], [first, second], {}, published) == []
    assert len(relate([], [first, second], {}, {"a1": "2005-01-04", "a2": "2005-01-04"})) == 1


def test_a_denial_must_bear_on_what_the_other_side_asserts():
    (a, pa), (b, pb) = (quote("q1", "James Cason", "a1", "any action by Cuba would not affect his determination to "
                                                          "draw attention to human rights"),
                        quote("q2", "US", "a2", "it wants to draw attention to human rights"))
    assert relate([a, b], [], {"q1": pa, "q2": pb}) == [] or \
        all(r.type != "contradicts" for r in relate([a, b], [], {"q1": pa, "q2": pb}))


def test_timeline_orders_entries_and_marks_planned_events_expected():
    text = ("The union plans a march through the city centre on March 20. "
            "The port authority announced on March 15 that the strike was over. "
            "Dockers walked out on Tuesday.")
    facts = extract_facts(parse(text), "a1")
    entries = build_timeline("s1", {"a1": facts}, {"a1": "2025-03-16"})
    assert [(e.date, e.expected) for e in entries] == [("2025-03-11", False), ("2025-03-15", False),
                                                       ("2025-03-20", True)]
    assert all(e.article_ids == ["a1"] for e in entries)


def test_undated_article_gets_only_absolute_dates_on_the_timeline():
    facts = extract_facts(parse("Russia launched the invasion on February 24, 2022. Troops moved on Tuesday."), "a1")
    entries = build_timeline("s1", {"a1": facts}, {"a1": None})
    assert [(e.date, e.granularity) for e in entries] == [("2022-02-24", "day")]


def people_count(cid: str, source: str, text: str, value: float, unit: str, hedge: str | None = None,
                 articles: tuple[str, ...] = ("a1",)) -> Claim:
    return Claim(cid, text, source, None, Quantity(value, unit=unit, hedge=hedge), list(articles))


def test_rival_head_counts_set_side_by_side_contradict_with_their_hedges():
    union = people_count("c1", "Union", "The union said 12,000 members joined the strike.", 12000, "members")
    port = people_count("c2", "Port authority", "The port authority said fewer than 4,000 workers stopped work.",
                        4000, "workers", "less than")
    relations = relate([], [union, port], {"c1": {("a1", 2)}, "c2": {("a1", 3)}})
    assert [(r.type, r.why) for r in relations] == [
        ("contradicts", "different figures for the number of people: Union says 12,000, Port authority says less "
                        "than 4,000")]


def test_compatible_or_vague_figures_do_not_contradict():
    at_least = people_count("c1", "Union", "The union said at least 50,000 people marched.", 50000, "people",
                            "at least")
    exact = people_count("c2", "Police", "Police said 70,000 people marched.", 70000, "people", articles=("a2",))
    vague = Claim("c3", "Thousands of people marched.", "Herald", None,
                  Quantity(None, 1000, 10000, "people", "vague"), ["a1"])
    positions = {"c1": {("a1", 1)}, "c2": {("a2", 1)}, "c3": {("a1", 2)}}
    assert [r for r in relate([], [at_least, exact, vague], positions) if r.type == "contradicts"] == []


def test_a_sentence_is_entered_under_one_date_its_finest():
    facts = extract_facts(parse("In 2022, after talks in September, the two sides signed the deal on March 3."), "a1")
    entries = build_timeline("s1", {"a1": facts}, {"a1": "2023-03-05"})
    assert [(e.date, e.granularity) for e in entries] == [("2023-03-03", "day")]


def test_a_toll_of_another_years_disaster_is_no_rival_even_in_a_sentence_that_names_it():
    """Inquirer's 'A powerful earthquake ... Tuesday, killing at least five people ... in a region devastated by
    the quake-triggered tsunami of 2004' holds for Tuesday: 'of 2004' says which tsunami. The 2004 toll told
    'In 2004' is another year's, even cited first from a report with no publication date."""
    today = money("c1", "Fauzi", "A powerful earthquake in Indonesia's Aceh province flattened buildings Tuesday, "
                  "killing at least five people in a region devastated by the quake-triggered tsunami of 2004.", 5,
                  "earthquake in Aceh province", "at least", unit="people", measure="deaths")
    then = money("c2", "inquirer.net", "In 2004 a massive tremor sparked a tsunami that killed 170,000 people in the "
                 "province.", 170_000, "tsunami, Aceh province", article="a2", unit="people", measure="deaths")
    then.article_ids.insert(0, "a3")
    assert relate([], [today, then], {}, {"a1": "2013-07-02", "a2": "2013-07-02", "a3": None}) == []
