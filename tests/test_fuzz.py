"""The short fuzz run: every stage's property on derandomized hypothesis examples.

The long run is `bench/fuzz.py --examples 100000` over the same properties (tests/fuzzing.py).
"""

import fuzzing
import pytest
from fuzzing import PROPERTIES
from hypothesis import HealthCheck, given, settings

from storyline import store

EXAMPLES = {"read": 150, "archive": 12, "postgres": 150, "record": 300, "clean": 150, "dates": 300, "extract": 60,
            "ingest": 6, "search": 60, "correct": 60}


@pytest.fixture
def postgres_store(request):
    """The "postgres" property's store: a fresh database on the session's throw-away server."""
    if request.node.callspec.params["stage"] != "postgres":
        yield None
        return
    fuzzing.POSTGRES = store.open_store(request.getfixturevalue("postgres").create("fuzz"))
    yield fuzzing.POSTGRES
    fuzzing.POSTGRES.close()
    fuzzing.POSTGRES = None


@pytest.mark.parametrize("stage", sorted(PROPERTIES))
def test_stage_turns_any_input_into_an_article_or_a_named_failure(stage, postgres_store):
    strategy, check = PROPERTIES[stage]

    @settings(max_examples=EXAMPLES[stage], deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(example):
        check(example)

    run()
