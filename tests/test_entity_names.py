"""Entity resolution of the names the claims and quotes hang on: a surname or first name joins the
full name its report gives, an acronym the report introduces joins its name, spellings with and
without diacritics and a club's short form join across the story; a person never joins a company."""

from __future__ import annotations

import pytest

from storyline.extract import entities
from storyline.extract.entities import resolve_entities
from storyline.models import Mention
from storyline.prepare.parse import parse


def groups(mentions: list[Mention]) -> list[set[str]]:
    found, _ = resolve_entities(mentions, "story")
    return sorted((set(e.aliases) for e in found), key=sorted)


def _group_of(name: str, mentions: list[Mention]) -> set[str]:
    return next(g for g in groups(mentions) if name in g)


@pytest.mark.parametrize("full, part, votes", [
    ("Alan Lacy", "Lacy", ["ORG", "GPE", "GPE"]),          # the model's labels for a lone surname vary
    ("Alejandro Toledo", "Toledo", ["GPE", "GPE"]),        # a surname that is also a city
    ("Luiz Inácio Lula da Silva", "Lula", ["PERSON"]),     # the name he goes by, inside the full one
    ("Graham Cluley", "Cluley", ["PERSON", "ORG", "PERSON"]),
])
def test_a_part_of_a_full_name_in_the_same_report_joins_it(full, part, votes):
    mentions = [Mention(full, "PERSON", "a1")] + [Mention(part, label, "a1") for label in votes]
    assert _group_of(full, mentions) >= {full, part}


def test_a_word_the_report_calls_a_company_stays_apart_from_the_person():
    mentions = [Mention("Michael Sears", "PERSON", "a1"), Mention("Sears", "ORG", "a1"), Mention("Sears", "ORG", "a1")]
    assert _group_of("Sears", mentions) == {"Sears"}


def test_diacritics_and_short_forms_join_across_the_story():
    mentions = [Mention("José Mourinho", "PERSON", "a1"), Mention("Jose Mourinho", "PERSON", "a2"),
                Mention("Barça", "ORG", "a1"), Mention("Barca", "ORG", "a2"),
                Mention("Bayern München", "ORG", "a1"), Mention("Bayern", "ORG", "a2"),
                Mention("Inter Milan", "ORG", "a1"), Mention("Inter", "ORG", "a2")]
    assert _group_of("José Mourinho", mentions) >= {"José Mourinho", "Jose Mourinho"}
    assert {"Barça", "Barca"} in groups(mentions)
    assert {"Bayern", "Bayern München"} in groups(mentions) and {"Inter", "Inter Milan"} in groups(mentions)


def test_a_short_form_two_organisations_begin_with_stays_apart():
    mentions = [Mention("Real Madrid", "ORG", "a1"), Mention("Real Sociedad", "ORG", "a1"), Mention("Real", "ORG", "a2")]
    assert _group_of("Real", mentions) == {"Real"}


def test_an_acronym_introduced_in_parentheses_joins_its_name():
    text = ("Leaders of the Andean Community of Nations (CAN) met in Lima on Friday. NEW YORK (AP) - "
            "CAN members agreed to open talks with the European Union.")
    found = entities.extract_mentions(parse(text), "a1")
    mentions = [m for _, _, m in found]
    introduced = [m for m in mentions if m.stands_for]
    assert [(m.text, m.stands_for) for m in introduced] == [("CAN", "Andean Community of Nations")]
    assert _group_of("CAN", mentions) >= {"CAN", "Andean Community of Nations"}


def test_a_transliterated_surname_the_model_calls_a_company_still_joins_through_its_variant():
    mentions = [Mention("Andrey Cherniak", "PERSON", "a1"), Mention("Chernyak", "ORG", "a1")]
    assert _group_of("Chernyak", mentions) == {"Andrey Cherniak", "Cherniak", "Chernyak"}
