"""Dates: time expressions found in an article's text and resolved to calendar dates, and the
dates that addresses, datelines and metadata give.

- `expressions.py`: the month, weekday and cue vocabularies, the English and Spanish patterns,
  `TimeExpression`, `find_time_expressions` and `tense_around` (a plan or a narration).
- `resolution.py`: `resolve` and its resolvers (calendar arithmetic against an anchor date),
  `ResolvedTime`, and `article_times`, every dated expression of an article as `DatedMention`s.
- `strings.py`: `date_from_url`, `dateline_expression`, `parse_date_string` (metadata) and `to_date`.
- `published.py`: publication dates kept or inferred. It imports `storyline.extract`, which
  imports this package, so it is not imported here: use `storyline.dates.published`.
"""

from .expressions import TimeExpression, find_time_expressions, tense_around
from .resolution import DatedMention, ResolvedTime, article_times, resolve, same_period
from .strings import date_from_url, dateline_expression, parse_date_string, to_date

__all__ = [
    "DatedMention",
    "ResolvedTime",
    "TimeExpression",
    "article_times",
    "date_from_url",
    "dateline_expression",
    "find_time_expressions",
    "parse_date_string",
    "resolve",
    "same_period",
    "tense_around",
    "to_date",
]
