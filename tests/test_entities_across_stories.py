"""One entity across the store: the same place, organisation or person named in two stories is one
entity of the export, which speakers and sources point at; a lone first name or surname is not."""

from __future__ import annotations

from conftest import gold_reports

from storyline import analyse
from storyline.extract.across_stories import link_entities
from storyline.models import Entity


def test_a_place_a_dateline_shortens_in_one_story_is_the_place_another_story_writes_out():
    """The first report on the Tulsa murders ('Officials in Oklahoma', 'the Fairmont Terrace apartments')
    and the hearings three and six months later ('TULSA, Okla.', 'at Fairmont Terrace')."""
    document = analyse(gold_reports("gvc", text="Tulsa"), workers=0).document
    by_alias = {alias: e for e in document["entities"] for alias in e["aliases"]}
    assert by_alias["Okla"] is by_alias["Oklahoma"]
    assert by_alias["Fairmont Terrace"] is by_alias["Fairmont Terrace apartments"]
    assert {"why": "a short form of Oklahoma in another story", "name": "Okla", "other": "Oklahoma"} \
        in by_alias["Okla"]["joins"]
    assert len({e["id"] for e in document["entities"]}) == len(document["entities"])
    ids = {e["id"] for e in document["entities"]}
    assert all(q["speaker_entity_id"] in ids for q in document["quotes"] if q["speaker_entity_id"])


def _entity(story: str, name: str, kind: str, *aliases: str) -> tuple[str, Entity]:
    return story, Entity(f"n{story}{name}", name, kind, sorted({name, *aliases}), [f"a{story}"])


def test_a_full_name_links_across_stories_a_lone_name_does_not():
    linked = link_entities([_entity("1", "Pedro Rosales", "PERSON", "Rosales"), _entity("2", "Pedro Rosales", "PERSON"),
                            _entity("1", "Jessica", "PERSON"), _entity("2", "Jessica", "PERSON"),
                            _entity("1", "Tulsa", "GPE"), _entity("2", "Tulsa", "ORG")])
    names = sorted((s.entity.name, tuple(s.story_ids)) for s in linked)
    assert names == [("Jessica", ("1",)), ("Jessica", ("2",)), ("Pedro Rosales", ("1", "2")), ("Tulsa", ("1",)),
                     ("Tulsa", ("2",))]
    [pedro] = [s for s in linked if s.entity.name == "Pedro Rosales"]
    assert pedro.entity.aliases == ["Pedro Rosales", "Rosales"] and pedro.linked_ids == ["n1Pedro Rosales", "n2Pedro Rosales"]
