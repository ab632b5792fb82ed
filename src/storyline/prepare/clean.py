"""Clean article text: repair mojibake, drop page leftovers, repeated titles and captions.

Works paragraph by paragraph (blank-line separated) because page leftovers come as whole
blocks: share widgets, comment forms, photo captions with their credits.
"""

from __future__ import annotations

import itertools
import re

import ftfy

from ..config import current

# Widgets and footers that scrapers carry along; matched against a whole short paragraph.
BOILERPLATE = re.compile(
    r"^(?:exit mobile version|leave a (?:reply|comment)|post a comment|comments?(?: \(\d+\))?|"
    r"your email address will not be published.*|required fields are marked.*|"
    r"(?:click to )?share (?:this|on \w+).*|share this article|follow us on .*|subscribe(?: now| to .*)?|"
    r"sign up for .*|advertisement|advert|sponsored(?: content)?|read more.*|related(?: articles| stories)?:?.*|"
    r"all rights reserved.*|©.*|copyright ©?.*|cookie(?:s)? (?:policy|settings).*|we use cookies.*|"
    r"skip to (?:main )?content|print this (?:article|page)|save my name, email.*|"
    r"(?:photo|image|picture|credit|source)s?\s*:.*)$",
    re.I,
)


def clean_text(text: str) -> str:
    """Repaired, boilerplate-free body text with paragraphs separated by blank lines."""
    paragraphs = split_paragraphs(fix_encoding(text))
    kept = [p for p in paragraphs if not is_page_leftover(p)]
    return "\n\n".join(drop_repeats(kept))


def fix_encoding(text: str) -> str:
    """Mojibake ('Russia‚Äôs') and odd whitespace fixed; typographic quotes kept."""
    fixed = ftfy.fix_text(text, uncurl_quotes=False, normalization="NFC")
    # ftfy leaves a line alone when it mixes mojibake with correct curly quotes; fix word by word.
    # A word is a run of anything but ASCII whitespace, so "Ã\xa0" (mojibake of "à") stays one
    # word; runs then a test, not `\S*[^ascii]\S*`: that pattern is quadratic on a long ASCII run.
    fixed = re.sub(r"[^ \t\n\r\f\v\x1c-\x1f]+", _fix_word, fixed)
    fixed = re.sub(r"[ \t\u00a0]+", " ", fixed)
    return re.sub(r"([.!?…])(?:\s+\.)+", r"\1", fixed)


def _fix_word(match: re.Match) -> str:
    word = match.group(0)
    return word if word.isascii() else ftfy.fix_encoding(word)


def has_caption_credit(line: str) -> bool:
    """A caption ends with a credit in brackets naming a photographer or agency: "(Name/Reuters)".

    The bracket must split at some of its slashes into two or more parts of cleaning.credit_part_min_chars to
    credit_part_max_chars
    characters (a part may keep other slashes: "(www.x.com/a/b)"). Decided by one pass over the
    slashes, not a regex: a nested repetition like `(?:[^()]{2,80}/)+` backtracks exponentially on a long
    "(a/a/a/..." without its closing bracket.
    """
    stripped = line.rstrip()
    start = stripped.rfind("(")
    if not stripped.endswith(")") or start < 0 or ")" in stripped[start + 1:-1]:
        return False
    inner = stripped[start + 1:-1]
    low, high = current().cleaning.credit_part_min_chars, current().cleaning.credit_part_max_chars
    part_starts = [0]  # where a part may begin: the start, or just after a slash that may end a part
    for slash in (i for i, char in enumerate(inner) if char == "/"):
        if any(low <= slash - begin <= high for begin in part_starts[-high:]):
            part_starts.append(slash + 1)
    return any(low <= len(inner) - begin <= high for begin in part_starts[1:])


def split_paragraphs(text: str) -> list[str]:
    """Blank-line paragraphs; a paragraph's inner line breaks become spaces, except before a caption."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if any(has_caption_credit(line) for line in lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines if _looks_like_separate_lines(lines) else [" ".join(lines)])
    return [p for p in paragraphs if p]


def _looks_like_separate_lines(lines: list[str]) -> bool:
    """Hard-wrapped text has short lines that stop mid-sentence; anything else is one paragraph a line."""
    if len(lines) < 2:
        return False
    wrapped = all(len(line) <= current().cleaning.wrap_width for line in lines[:-1]) and \
        not all(re.search(r"[.!?\"”’:)]$", line) for line in lines[:-1])
    return not wrapped


def is_page_leftover(paragraph: str) -> bool:
    """A widget/footer line, or a photo caption with its credit."""
    if len(paragraph) <= current().cleaning.max_boilerplate_chars and BOILERPLATE.match(paragraph.strip(" *.")):
        return True
    return len(paragraph) <= current().cleaning.max_caption_chars and has_caption_credit(paragraph)


def drop_repeats(paragraphs: list[str]) -> list[str]:
    """Drop a paragraph that repeats, or is the opening of, another one (repeated titles and leads).

    Sorted keys find every "opening of another" in n log n: the keys that start with a key
    follow it directly in sorted order (a pairwise test is quadratic on a page of 100k lines).
    """
    keys = [_key(p) for p in paragraphs]
    distinct = sorted(set(keys))
    openings = {key for key, following in itertools.pairwise(distinct)
                if len(key) >= current().cleaning.min_opening_chars and following.startswith(key)}
    kept, seen = [], set()
    for paragraph, key in zip(paragraphs, keys):
        if key and key not in seen and key not in openings:
            kept.append(paragraph)
        seen.add(key)
    return kept


def _key(paragraph: str) -> str:
    return re.sub(r"\W+", " ", paragraph.lower()).strip()


def split_title(text: str, title: str | None) -> tuple[str | None, str]:
    """Take a title from the first paragraph when none was given, and drop title repeats from the body."""
    paragraphs = text.split("\n\n")
    if not title and len(paragraphs) > 1 and _is_headline(paragraphs[0]):
        title = paragraphs[0].rstrip(" .")
    if title:
        title_key = _key(title)
        paragraphs = [p for p in paragraphs if _key(p) != title_key]
    return title, "\n\n".join(paragraphs)


def _is_headline(paragraph: str) -> bool:
    """Short, a single sentence at most: what a headline looks like."""
    return len(paragraph) <= current().cleaning.short_paragraph_chars and \
        len(re.findall(r"[.!?](?:\s|$)", paragraph.rstrip(" .")+" ")) <= 1


WIRE_PREFIX = re.compile(
    r"^\s*(?:(?:UPDATE|CORRECTED|CORRECTION|REFILE|RPT|BREAKING(?: NEWS)?|EXCLUSIVE|WRAPUP|URGENT|FLASH)\b\s*\d*\s*"
    r"(?:[-:–—|]|\s-)\s*)+", re.I)
TITLE_SEPARATOR = re.compile(r"\s+[-–—|:]{1,2}\s+|\s*\|\s*")
BREADCRUMB = re.compile(r"\s+[>»]\s+")


def headline(title: str) -> str:
    """The headline in an input title: without wire prefixes ("UPDATE 2-", "Update 12:") and without the
    site's and section's names after it ("| Reuters", "- BBC News", "- azfamily.com 3TV | Phoenix News"); of a
    breadcrumb ("Site > News > Nation > Judge jails reporter") only its last step, the page's own name.

    A trailing part is a name when it is short and every word in it is capitalised or a web address:
    "Obama - the first 100 days" keeps its second part, "Reuters" and "The Kansas City Star" go.
    """
    title = WIRE_PREFIX.sub("", BREADCRUMB.split(title)[-1]).strip()
    separators = list(TITLE_SEPARATOR.finditer(title))
    end = len(title)
    for separator in reversed(separators):
        tail = title[separator.end():end]
        if not _is_site_name(tail):
            break
        end = separator.start()
    return title[:end].strip() or title


def _is_site_name(part: str) -> bool:
    words = part.split()
    return 0 < len(words) <= current().cleaning.site_name_words and all(
        w[0].isupper() or w[0].isdigit() or "." in w or not w[0].isalpha() for w in words)
