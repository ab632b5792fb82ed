"""What a report's text says of a name, read when its mentions are found: the syntax that calls it a
person's whatever the model tagged it (`person_cue`), the other forms the report writes it in
(`written_forms`: with a title, a kind, 'The', an owner's possessive, a part in quotes), and the
words that spell out an acronym the model tagged alone (`spelled_out`). The joins these feed are
decided in `aliases`.
"""

from __future__ import annotations

import re

from ..models import Mention
from .aliases import ACRONYM, NAME_LINKS, PLACE_LABELS, PLACE_NAME_WORDS, TITLE, name_initials

QUOTE_MARKS = set("\"“”«»")
# Capitalised words in a row, with the small words names hold ('Maritime Self-Defense Force', 'Bank of Japan').
CAPITALISED_RUN = re.compile(r"[A-Z][\w'’]*(?:-[A-Z][\w'’]*)*(?:\s+(?:(?:of|the|and|for|on|de|la|du|des|del)\s+)?"
                             r"[A-Z][\w'’]*(?:-[A-Z][\w'’]*)*)+")
# Lower-case kinds of place a report writes after a place's name ('Bener Meriah district', 'Medan city').
PLACE_KINDS = {"district", "province", "city", "regency", "island", "county", "prefecture", "region", "state",
               "village", "town"}
# Lower-case kinds of building a report writes after its name ('the Fairmont Terrace apartments'); not
# the singular 'apartment', one flat of the building.
BUILDING_KINDS = {"apartments", "hotel", "mall", "stadium", "arena", "hospital", "complex"}
HUMAN_VERBS = {"die", "shoot", "stab", "wound", "injure", "hospitalize", "arrest", "arraign", "marry", "bear", "plead",
               "sentence", "convict", "testify", "survive", "smile", "weep", "cry", "laugh", "graduate", "retire",
               "pray", "recall", "hug", "kiss"}
KIN_NOUNS = {"mother", "father", "wife", "husband", "son", "daughter", "brother", "sister", "family", "friend",
             "girlfriend", "boyfriend", "cousin", "uncle", "aunt", "grandmother", "grandfather", "lawyer", "attorney",
             "body", "funeral", "relative", "parent", "child", "children", "widow"}
# Nouns only people are, written before or beside a name ('neighbor Tiffany Sanders', 'Bensu Elianita, a
# resident'): they call the name a person's whatever the model tagged it.
ROLE_NOUNS = KIN_NOUNS | {"neighbor", "neighbour", "resident", "witness", "victim", "suspect", "spokesman",
                          "spokeswoman", "spokesperson", "student", "teacher", "man", "woman", "boy", "girl",
                          "gunman", "pastor", "survivor", "official", "officer", "doctor", "nurse", "farmer"}
# Small words of descent between a given name and a surname: 'Daniel arap Moi', 'Osama bin Laden'.
PATRONYMIC_PARTICLES = {"arap", "bin", "ibn", "ben", "bint", "ould", "ag"}
# Verbs of saying: their subject is a person or a body, so they call only a lone word a person's, and
# only where a person of that surname is named (a one-word organisation rarely shares it).
SPEECH_VERBS = {"say", "tell", "add", "report", "insist", "explain", "admit", "deny", "recall", "testify"}


def common_word(ent) -> bool:
    """One word its report also writes in small letters ('Eyewitnesses said' and 'eyewitnesses'; 'the
    Foundation' and 'a foundation'): a sentence's first word or a back-reference, no name on its own."""
    if len(ent) != 1 or ent.text.isupper():
        return False
    if "small_words" not in ent.doc.user_data:
        ent.doc.user_data["small_words"] = {t.text for t in ent.doc if t.is_lower}
    return ent.text.lower() in ent.doc.user_data["small_words"]


def written_forms(ent, name: str, label: str, article_id: str) -> list[tuple[int, int, Mention]]:
    """The name as the report also writes it: a person's with the title or office before it ('Tulsa
    Police Officer Jillian Roberson'), a place's with its kind ('Bener Meriah district', 'the Northern
    Province of Aceh'), an organisation's after 'The' and the part of its name the report puts in quotes
    (the Pacific "Ring of Fire")."""
    if label == "PERSON":
        return _titled(ent, name, article_id)
    if label in PLACE_LABELS:
        return _with_kind(ent, name, label, article_id, PLACE_KINDS)
    return _quoted_part(ent, name, label, article_id) + _with_the(ent, name, label, article_id) + \
        _with_kind(ent, name, label, article_id, BUILDING_KINDS) + _with_owner(ent, name, label, article_id)


def _with_owner(ent, name: str, label: str, article_id: str) -> list[tuple[int, int, Mention]]:
    """An organisation's name after a place's or an organisation's possessive, which the model split in
    two ("Comer's Children's Hospital": 'Comer' and "Children's Hospital")."""
    doc = ent.doc
    owner = doc[ent.start - 2] if ent.start >= 2 and doc[ent.start - 1].text in {"'s", "’s"} else None
    if owner is not None and owner.ent_type_ in {"GPE", "ORG", "LOC", "FAC"} and owner.ent_iob_ == "B" \
            and owner.is_title:
        written = re.sub(r"\s+", " ", doc[owner.i:ent.end].text.replace("’", "'"))
        return [(owner.idx, ent.end_char, Mention(written, label, article_id, written_with=name))]
    return []


def _with_the(ent, name: str, label: str, article_id: str) -> list[tuple[int, int, Mention]]:
    """An organisation's name after a capitalised 'The' that the report never writes after a small 'the':
    the 'The' is the name's own ('The Japan Times'), not a sentence's first word ('The Green Belt Movement
    began...' where the report also writes 'the Green Belt Movement')."""
    the = ent[0] if ent[0].text == "The" else ent.doc[ent.start - 1] if ent.start else None
    if the is not None and the.text == "The" and " " in name and not ACRONYM.fullmatch(name) \
            and name not in _after_small_the(ent.doc):
        return [(the.idx, ent.end_char, Mention(f"The {name}", label, article_id, written_with=name))]
    return []


def _after_small_the(doc) -> set[str]:
    """What the report writes after a small 'the', up to six words, as names are written; read once a report."""
    if "after_small_the" not in doc.user_data:
        doc.user_data["after_small_the"] = {
            re.sub(r"\s+", " ", doc[t.i + 1:end].text.replace("’", "'"))
            for t in doc if t.text == "the" for end in range(t.i + 2, min(len(doc), t.i + 7) + 1)}
    return doc.user_data["after_small_the"]


def _titled(ent, name: str, article_id: str) -> list[tuple[int, int, Mention]]:
    doc = ent.doc
    start = ent.start
    while start > max(0, ent.start - 4) and (doc[start - 1].is_title or doc[start - 1].text == "."):
        before = doc[start - 1]
        if before.is_sent_start and (before.is_stop or before.pos_ in {"ADV", "CCONJ", "SCONJ", "INTJ", "DET"}):
            break  # 'But Dr Vivienne Nathanson': a sentence's first word is capitalised anyway
        start -= 1
        if doc[start].is_sent_start:
            break
    titled = doc[start:ent.end].text
    if start < ent.start and TITLE.match(titled) and TITLE.sub("", titled) == ent.text:
        return [(doc[start].idx, ent.end_char, Mention(re.sub(r"\s+", " ", titled), "PERSON", article_id, written_with=name))]
    return []


def _with_kind(ent, name: str, label: str, article_id: str, kinds: set[str]) -> list[tuple[int, int, Mention]]:
    """'Bener Meriah district', 'the Fairmont Terrace apartments', but not the 'Aceh district' of 'central
    Aceh district' (Central Aceh is another place); 'the Northern Province of Aceh', a kind capitalised
    before 'of'."""
    doc = ent.doc
    before = doc[ent.start - 1].lower_ if ent.start else ""
    if ent.end < len(doc) and doc[ent.end].text in kinds and before not in PLACE_NAME_WORDS:
        return [(ent.start_char, doc[ent.end].idx + len(doc[ent.end]),
                 Mention(f"{name} {doc[ent.end].text}", label, article_id, written_with=name))]
    if ent.start >= 2 and before == "of" and doc[ent.start - 2].is_title \
            and doc[ent.start - 2].lower_ in kinds:
        start = ent.start - 2
        if start and doc[start - 1].is_title and doc[start - 1].lower_ in PLACE_NAME_WORDS:
            start -= 1  # 'the Northern Province of Aceh'
        return [(doc[start].idx, ent.end_char, Mention(f"{doc[start:ent.start].text} {name}", label, article_id,
                                                        written_with=name))]
    return []


def _quoted_part(ent, name: str, label: str, article_id: str) -> list[tuple[int, int, Mention]]:
    """The words after a quote mark inside a name: the Pacific "Ring of Fire" is also the Ring of Fire."""
    inner = [t for t in ent[1:] if t.text in QUOTE_MARKS]
    part = ent.doc[inner[0].i + 1:ent.end] if inner else None
    if part is not None and len(part) >= 2 and part[0].is_title and part[-1].is_title:
        return [(part.start_char, part.end_char, Mention(part.text, label, article_id, written_with=name))]
    return []


def person_cue(ent) -> bool:
    """Syntax only a person's name takes, which outvotes the model's label ('Hughes, 25, was shot';
    'Maathai, who...'; 'Warfield died'; 'Streisand's son'; 'neighbor Tiffany Sanders'; 'Phillips turned
    himself in'; 'Fauzi, an official'): an age or 'who' after the name, the subject of a verb only people
    take, a noun only people are beside it, the owner of a kin noun, a name in a list of people."""
    doc, root = ent.doc, ent.root
    after = doc[ent.end:ent.end + 3]
    if len(after) >= 2 and after[0].text in {",", "("} and (after[1].lower_ in {"who", "whose", "whom"} or (
            after[1].text.isascii() and after[1].text.isdigit() and 0 < int(after[1].text) < 120)):
        return True
    if root.dep_ in {"nsubj", "nsubjpass"} and (root.head.lemma_ in HUMAN_VERBS or any(
            t.lower_ in {"himself", "herself"} for t in root.head.children)):
        return True
    beside = [t for t in root.children if t.dep_ in {"compound", "appos"}] + [root.head] * (root.dep_ == "appos")
    if any(t.lemma_.lower() in ROLE_NOUNS and not ent.start <= t.i < ent.end for t in beside):
        return True
    conjoined = [root.head] * (root.dep_ == "conj") + [t for t in root.children if t.dep_ == "conj"]
    if any(t.ent_type_ == "PERSON" and not ent.start <= t.i < ent.end for t in conjoined):
        return True  # 'De Niro, Hoffman and Streisand': one of a list of people
    return root.dep_ == "poss" and root.head.lemma_ in KIN_NOUNS


def patronymic_name(ent) -> str | None:
    """The full name a name-particle of descent writes before a surname the model tagged alone ('Daniel
    arap Moi', 'Osama bin Laden'): a person's name, whatever the model tagged the surname."""
    doc = ent.doc
    if len(ent) != 1 or ent.start < 2 or doc[ent.start - 1].text not in PATRONYMIC_PARTICLES:
        return None
    given = doc[ent.start - 2]
    return f"{given.text} {doc[ent.start - 1].text} {ent.text}" if given.is_title and given.pos_ == "PROPN" else None


def speaks_alone(ent) -> bool:
    """A lone word, the subject of a verb of saying ('Warfield said'): a person or a body, so a person's
    only where a person of that surname is named (a one-word organisation rarely shares it)."""
    return len(ent) == 1 and ent.root.dep_ == "nsubj" and ent.root.head.lemma_ in SPEECH_VERBS


def spelled_out(mentions: list[tuple[int, int, Mention]], text: str, article_id: str) -> list[tuple[int, int, Mention]]:
    """The words of the report that spell out one of its acronyms, where the model tagged the acronym
    but not its name ('MSDF' and 'the Maritime Self-Defense Force'): a form of the acronym's name."""
    acronyms = {m.text.replace(".", ""): m for _, _, m in mentions  # two letters spell too many pairs of words
                if ACRONYM.fullmatch(m.text) and len(m.text.replace(".", "")) >= 3}
    named = {m.text for _, _, m in mentions}
    found: list[tuple[int, int, Mention]] = []
    for run in CAPITALISED_RUN.finditer(text) if acronyms else ():
        words = list(re.finditer(r"\S+", run.group(0)))
        for first in range(len(words)):
            for last in range(first + 1, min(len(words), first + 8)):
                start, end = run.start() + words[first].start(), run.start() + words[last].end()
                phrase, acronym = text[start:end], acronyms.get(name_initials(text[start:end]))
                spelled = [w.group(0) for w in words[first:last + 1] if w.group(0).lower() not in NAME_LINKS]
                if acronym and phrase not in named and words[first].group(0) in spelled and \
                        words[last].group(0) in spelled and all(_spelled_word(w) for w in spelled):
                    named.add(phrase)
                    label = acronym.label if acronym.label != "PERSON" else "ORG"
                    found.append((start, end, Mention(phrase, label, article_id, written_with=acronym.text)))
    return found


def _spelled_word(word: str) -> bool:
    """A word an acronym's letter stands for: a capitalised word, not another acronym ('AP Photo'), an
    initial ('A Golten') or a possessive ("Michigan State University's": the name itself comes again)."""
    return all(len(part) > 1 and part[1:] != part[1:].upper() for part in word.split("-")) \
        and not word.endswith(("'s", "’s"))
