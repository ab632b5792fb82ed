"""The short fuzz run: every stage's property on derandomized hypothesis examples.

The long run is `bench/fuzz.py --examples 100000` over the same properties (tests/fuzzing.py).
"""

import pytest
from hypothesis import HealthCheck, given, settings

from fuzzing import PROPERTIES

EXAMPLES = {"read": 150, "record": 300, "clean": 150, "dates": 300, "extract": 60, "ingest": 6}


@pytest.mark.parametrize("stage", sorted(PROPERTIES))
def test_stage_turns_any_input_into_an_article_or_a_named_failure(stage):
    strategy, check = PROPERTIES[stage]

    @settings(max_examples=EXAMPLES[stage], deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(example):
        check(example)

    run()
