"""Named entities: mentions per article, then one entity per real-world referent per story.

Resolution within a story merges
- surname-only mentions into the one full name that ends with them (Putin -> Vladimir Putin),
- full names that agree on first and last name (patronymics: Vladimir Vladimirovich Putin),
- transliteration variants (Zelensky/Zelenskyy, Lugansk/Luhansk, Kharkov/Kharkiv,
  Zaporozhye/Zaporiye/Zaporia, Cherniak/Chernyak) through `transliteration_key`,
- organisations named with the same content words in another order
  ("Soldiers' Widows" / "Widows of Russian Soldiers").
Different stories are resolved separately, so two people who share a surname in two
stories are never merged.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from ..config import current
from ..models import Entity, Mention, NameJoin
from ..prepare.parse import text_of
from ..textindex import WordIndex
from .aliases import (
    PLACE_LABELS,
    PLACE_NAME_WORDS,
    PLACE_TYPE_WORD,
    TITLE,
    evidence_joins,
    folded,
    main_label,
    mostly_person,
    people_by_syntax,
    run_together,
)
from .forms import PLACE_KINDS, common_word, patronymic_name, person_cue, speaks_alone, spelled_out, written_forms

# spaCy's English labels and the PER/ORG/LOC of its French and Spanish pipelines.
ENTITY_LABELS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "LOC"}
# A quoted proper name right after a collective noun names an organisation: the group "X".
QUOTED_GROUP = re.compile(
    r"\b(?:group|organi[sz]ation|movement|association|channel|party|union|committee|network|"
    r"community|collective|campaign|initiative)\s+(?:(?:called|named|known as|calling itself)\s+)?"
    r"[\"“«]([A-Z][^\"”»\n]{2,60}?)[\"”»]")
# Prepositions whose object is a place even when the model tags it a person ('in Kherson'); not
# 'from' or 'at', which also take people ('a letter from Putin').
PLACE_ONLY_PREPOSITIONS = {"in", "near", "across", "outside", "around", "throughout", "inside"}
NAME_STOPWORDS = {"of", "the", "and", "for", "in", "on", "de", "la", "le", "del", "von", "van"}
# Names shorter than this are compared letter for letter, never as transliteration variants.
NAME_PARTICLE = re.compile(r"(?:van|von|de|da|di|del|della|der|den|la|le|bin|ibn|al|el|ben)\s+[A-Z]")
NAME_PREFIXES = re.compile(r"^(?:the|a|an)\s+", re.I)
# An acronym the report introduces right after a name: "the Andean Community of Nations (CAN)".
INTRODUCED_ACRONYM = re.compile(r"\s*\(([A-Z][A-Z&.]{1,9})\)")

# Transliteration pairs that differ between Russian- and Ukrainian-based spellings and between
# romanisation systems. Applied to both sides of a comparison, so they only make variants equal.
TRANSLIT_RULES = [(re.compile(pattern), repl) for pattern, repl in (
    (r"zh", "z"), (r"kh", "h"), (r"g", "h"), (r"ts", "c"), (r"tch", "ch"), (r"sch", "sh"),
    (r"ij|iy|yy|yi|y", "i"), (r"j", "i"), (r"w", "v"), (r"ff$", "v"), (r"ou", "u"),
    (r"(?:ov|iv|ev|ew|ow)$", "iv"), (r"(.)\1+", r"\1"),
)]


@dataclass
class MentionGroup:
    names: Counter
    labels: Counter
    article_ids: set
    joins: list[NameJoin]


def clean_mention(text: str, label: str | None = None) -> str | None:
    """A usable surface form, or None for fragments no reader would call a name; two letters make one
    only as an acronym or a person's name ('Su', 'Li', 'Wu')."""
    name = re.sub(r"\s+", " ", re.sub(r"[\"“”«»]", "", text.replace("’", "'"))).strip(" '.,;:-")
    name = NAME_PREFIXES.sub("", name)
    name = re.sub(r"'s?$", "", name).strip()
    capitalised = name[:1].isupper() or NAME_PARTICLE.match(name) is not None  # 'van Rensburg', 'de Gaulle'
    if not name or len(name) > current().extraction.max_entity_chars or not capitalised or re.search(r"[\d/@#•|]", name):
        return None
    if len(name) < 3 and not name.isupper() and not (label == "PERSON" and name.istitle()):
        return None
    return name


def extract_mentions(doc, article_id: str) -> list[tuple[int, int, Mention]]:
    """Entity mentions with their character spans, plus quoted organisation names the model misses."""
    mentions = []
    for ent in doc.ents:
        label = _place_vote(ent, ENTITY_LABELS.get(ent.label_))
        name = clean_mention(ent.text, label) if label else None
        full = patronymic_name(ent) if name else None
        if full:  # 'Daniel arap Moi's rule': 'Moi' (tagged an organisation) is his surname
            label = "PERSON"
            mentions.append((ent.doc[ent.start - 2].idx, ent.end_char, Mention(full, label, article_id, person_cue=True)))
        if name and label:
            mentions.append((ent.start_char, ent.end_char, Mention(name, label, article_id,
                                                                    person_cue=bool(full) or person_cue(ent),
                                                                    speaks=speaks_alone(ent), common_word=common_word(ent))))
            mentions += written_forms(ent, name, label, article_id)
    text = text_of(doc)
    for match in QUOTED_GROUP.finditer(text):
        name = clean_mention(match.group(1))
        if name:
            mentions.append((match.start(1), match.end(1), Mention(name, "ORG", article_id)))
    mentions += _introduced_acronyms(mentions, text)
    mentions += spelled_out(mentions, text, article_id)
    return sorted(mentions, key=lambda m: m[0])


def _introduced_acronyms(mentions: list[tuple[int, int, Mention]], text: str) -> list[tuple[int, int, Mention]]:
    """A parenthesised acronym right after a multi-word name stands for it in this report when its
    letters are the name's initials in any order (CAN, the Comunidad Andina, of "Andean Community
    of Nations"); a dateline's agency ("NEW YORK (AP)") is not."""
    found = []
    for _start, end, mention in mentions:
        match = INTRODUCED_ACRONYM.match(text, end)
        if match is None:
            continue
        acronym = match.group(1).rstrip(".")
        letters = set(acronym.replace(".", "").replace("&", ""))
        initials = {w[0].upper() for w in mention.text.split() if w.lower() not in NAME_STOPWORDS}
        if len(mention.text.split()) >= 2 and mention.label != "PERSON" and len(letters) >= 2 and letters <= initials:
            found.append((match.start(1), match.end(1), Mention(acronym, mention.label, mention.article_id, mention.text)))
    return found


@lru_cache(maxsize=1 << 16)
def transliteration_key(name: str) -> str:
    """A spelling-insensitive key: ASCII, lower case, common transliteration pairs folded.

    Memoised: a story's names are compared pairwise (every lone surname with every full name's), so
    one name's key is asked for thousands of times in one analysis."""
    words = []
    for word in re.findall(r"[a-z]+", folded(name)):
        for pattern, repl in TRANSLIT_RULES:
            word = pattern.sub(repl, word)
        words.append(word)
    return " ".join(words)


def _place_vote(ent, label: str | None) -> str | None:
    """The small model tags many places PERSON ('in Kherson', "Donetsk People's Republic"): a name with
    an administrative suffix, the object of 'in'/'near'/'across', or a name before a kind of place
    ('Suka Makmur village') votes for a place instead."""
    if label != "PERSON":
        return label
    if PLACE_TYPE_WORD.search(ent.text.replace("’", "'")):
        return "GPE"
    head = ent.root.head
    if ent.root.dep_ == "pobj" and head.lower_ in PLACE_ONLY_PREPOSITIONS:
        return "GPE"
    if ent.root.dep_ == "compound" and head.lower_ in PLACE_KINDS:
        return "GPE"  # 'in Suka Makmur village': the village, not a man
    return label


def word_stem(word: str) -> str:
    """Plural and possessive folded: Soldiers' -> soldier."""
    word = word.lower().strip("'")
    word = re.sub(r"'s$", "", word)
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def content_stems(name: str) -> frozenset[str]:
    return frozenset(word_stem(w) for w in re.findall(r"[\w']+", name) if w.lower() not in NAME_STOPWORDS)


def same_spelling_variant(a: str, b: str) -> bool:
    """Transliteration variants: equal keys, a short-ending variant, or one slip on a long word.

    Every variant shares its first `variant_start` letters of transliteration key with the other."""
    settings = current().extraction
    if min(len(a), len(b)) < settings.shortest_variant:
        return folded(a) == folded(b)  # 'Barça' is 'Barca'; 'God' is not 'Good', 'North' not 'Northrop'
    ka, kb = transliteration_key(a), transliteration_key(b)
    if ka == kb:
        return True
    if " " in ka or " " in kb:
        return False
    short, long_ = sorted((ka, kb), key=len)
    prefix = settings.variant_prefix_chars
    if len(short) >= prefix and long_.startswith(short[:prefix]) and len(long_) - len(short) <= \
            settings.variant_extra_chars and strip_vowel_end(long_).startswith(strip_vowel_end(short)):
        return True
    return len(short) >= settings.shortest_variant and Levenshtein.distance(ka, kb) <= settings.variant_edits and \
        ka[:settings.variant_same_start] == kb[:settings.variant_same_start]


def variant_start(name: str) -> str:
    """What every spelling variant of a name begins with (see same_spelling_variant): equal keys, a short
    name's equal folding, a shared prefix of variant_prefix_chars and a shared start of variant_same_start
    all agree on the key's first min(variant_prefix_chars, variant_same_start) letters."""
    settings = current().extraction
    return transliteration_key(name)[:min(settings.variant_prefix_chars, settings.variant_same_start)]


def strip_vowel_end(key: str) -> str:
    """A word's closing vowels dropped: the ending languages and spellings vary ('Siria' / 'Syrie')."""
    return re.sub(r"[aeiou]+$", "", key)


# Legal forms a company's registered name carries and its everyday name drops.
LEGAL_FORM = re.compile(
    r"(?:,?\s+(?:&\s*|and\s+)?(?:Co|Company|Cos|Companies)\.?|,?\s+(?:Inc|Incorporated|Corp|Corporation|Ltd|Limited|"
    r"LLC|L\.L\.C|PLC|plc|AG|SA|S\.A|NV|N\.V|GmbH|SpA|S\.p\.A|BV|AB|ASA|Oyj|LP|L\.P|LLP|Pty|Holdings?|Group)\.?)+$")


def legal_base(name: str) -> str:
    """'Kmart Holding Corp' -> 'Kmart', 'Bain & Company' -> 'Bain', 'ESL Investment Inc.' -> 'ESL Investment'."""
    base = LEGAL_FORM.sub("", name).strip(" ,")
    return base or name


def derived_aliases(mentions: list[Mention]) -> list[Mention]:
    """Short forms readers also meet: a region's base name ('Luhansk' of 'Luhansk People's Republic')."""
    derived = []
    for m in mentions:
        base = PLACE_TYPE_WORD.sub("", m.text)
        if base != m.text and 1 <= len(base.split()) <= 2 and base.lower() not in PLACE_NAME_WORDS:  # not 'Northern'
            derived.append(Mention(base, "GPE", m.article_id))
    return derived


def sweep_variants(mentions: list[Mention], words: list[tuple[str, str]]) -> list[Mention]:
    """Capitalised words the NER missed that spell a known one-word place differently, or that are the
    surname of a person the same report names ('Dordies said' after 'Sheila Dordies, 52, who...')."""
    known: dict[str, list[Mention]] = defaultdict(list)
    surnames: dict[tuple[str, str], str] = {}
    for m in mentions:
        if " " not in m.text and m.label in PLACE_LABELS:
            known[transliteration_key(m.text)[:2]].append(m)
        elif len(m.text.split()) >= 2 and (m.label == "PERSON" or m.person_cue) and not TITLE.match(m.text):
            surnames[(m.article_id, m.text.split()[-1])] = m.text
    found = []
    for article_id, word in words:
        if (article_id, word) in surnames:
            found.append(Mention(word, "PERSON", article_id))
            continue
        for m in known.get(transliteration_key(word)[:2], []):
            if word != m.text and same_spelling_variant(word, m.text):
                found.append(Mention(word, m.label, article_id))
                break
    return found


def resolve_entities(mentions: list[Mention], story_id: str) -> tuple[list[Entity], dict[str, str]]:
    """Entities of one story and a map from every surface form to its entity id."""
    mentions = mentions + derived_aliases(mentions)
    votes = _label_votes(mentions)
    no_name = run_together(votes)
    mentions = [m for m in mentions if m.text not in no_name]
    names = Counter(m.text for m in mentions)
    labels: dict[str, Counter] = defaultdict(Counter, {n: v for n, v in votes.items() if n not in no_name})
    person_cued = {m.text for m in mentions if m.person_cue}
    for name in people_by_syntax(labels, person_cued):  # the report's syntax outvotes the model's tag
        labels[name] = Counter({"PERSON": sum(labels[name].values())})
    person_cued |= {m.text for m in mentions if m.speaks}
    articles: dict[str, set] = defaultdict(set)
    for m in mentions:
        articles[m.text].add(m.article_id)
    full_names_of_people = [n for n in names if _full_name(n) and main_label(labels[n]) == "PERSON"]
    for surname, full_names in _unique_surnames(full_names_of_people).items():
        names[surname] += 0
        labels[surname].update(labels[full_names[0]])
        for full in full_names:
            articles[surname] |= articles[full]
    parent = {name: name for name in names}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str, why: str) -> None:
        """Join two names' groups, never a named person ('Michael Sears') with a group the mentions
        call an organisation or a place ('Sears'); a lone word tagged PERSON may be a misread place.
        The join is kept with its reason, which the entity shows."""
        ra, rb = find(a), find(b)
        if ra == rb or (people[ra] and main_label(kinds[rb]) != "PERSON") or \
                (people[rb] and main_label(kinds[ra]) != "PERSON"):
            return
        joined.append(NameJoin(a, b, why))
        parent[max(ra, rb)] = min(ra, rb)
        kinds[min(ra, rb)] = kinds[ra] + kinds[rb]
        people[min(ra, rb)] = people[ra] or people[rb]

    joined: list[NameJoin] = []
    kinds = {name: Counter(labels[name]) for name in names}
    people = {name: " " in name and main_label(labels[name]) == "PERSON" for name in names}
    ordered = sorted(names)
    _merge_variants(ordered, labels, union)
    _merge_legal_names(ordered, labels, union)
    _merge_surnames(ordered, labels, names, union)
    _merge_name_parts(ordered, labels, articles, union, lambda name: kinds[find(name)])
    _merge_introduced_acronyms(mentions, union)
    _merge_short_forms(ordered, labels, union)
    for join in evidence_joins(labels, articles, person_cued):
        if join.kind:  # the report's evidence outvotes the model's tag
            tagged, labels[join.name] = labels[join.name], Counter({join.kind: sum(labels[join.name].values())})
            root = find(join.name)
            kinds[root] = kinds[root] - tagged + labels[join.name]
            people[root] = people[root] and join.kind == "PERSON"
        union(join.name, join.other, join.reason)
    for m in mentions:  # what no rule above joined: the report itself wrote the form beside the name
        if m.written_with in parent and m.text in parent:
            union(m.text, m.written_with, f"how a report writes {m.written_with}")
    groups: dict[str, MentionGroup] = {}
    for name in ordered:
        group = groups.setdefault(find(name), MentionGroup(Counter(), Counter(), set(), []))
        group.names[name] += names[name]
        group.labels.update(labels[name])
        group.article_ids |= articles[name]
    for made in joined:
        groups[find(made.name)].joins.append(made)
    only_written = {m.text for m in mentions if m.written_with} - {m.text for m in mentions if not m.written_with}
    words = {m.text for m in mentions if m.common_word} - {m.text for m in mentions if not m.common_word}
    named = [g for g in groups.values() if g.joins or not set(g.names) <= words]  # 'Eyewitnesses', 'Foundation'
    return _entities_from_groups(named, story_id, only_written)


def _full_name(name: str) -> bool:
    """Two words or more, not led by a title ('President Vladimir Putin' is Putin's name with a title)."""
    return len(name.split()) >= 2 and not TITLE.match(name)


def _label_votes(mentions: list[Mention]) -> dict[str, Counter]:
    votes: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        votes[m.text][m.label] += 1
    return votes


def _merge_variants(ordered: list[str], labels: dict[str, Counter], union) -> None:
    """Same-length names whose words are spelling variants, and organisations with the same words."""
    by_initial: dict[str, list[str]] = defaultdict(list)
    for name in ordered:
        by_initial[transliteration_key(name)[:2]].append(name)
    for bucket in by_initial.values():
        for i, a in enumerate(bucket):
            for b in bucket[i + 1:]:
                wa, wb = a.split(), b.split()
                if len(wa) == len(wb) and all(same_spelling_variant(x, y) for x, y in zip(wa, wb)):
                    union(a, b, f"{b} spelled another way")
    organisations = [n for n in ordered if main_label(labels[n]) == "ORG" and len(content_stems(n)) >= 2]
    index = WordIndex()
    for i, name in enumerate(organisations):
        index.add(i, content_stems(name))
    for i, a in enumerate(organisations):
        for j in index.candidates(content_stems(a), min_shared=2):
            if j <= i:
                continue
            b = organisations[j]
            sa, sb = content_stems(a), content_stems(b)
            small, large = sorted((sa, sb), key=len)
            if small <= large and len(large) - len(small) <= 1 and _is_qualifier_only(large - small):
                union(a, b, f"{b} in other words")


def _merge_legal_names(ordered: list[str], labels: dict[str, Counter], union) -> None:
    """A company under its registered and its everyday name: 'Wal-Mart Stores Inc' / 'Wal-Mart',
    'Bain & Co' / 'Bain & Company': equal once legal forms go, or a registered name (it carries a
    legal form) that begins with the everyday one."""
    organisations = [n for n in ordered if main_label(labels[n]) == "ORG"]
    by_base: dict[str, list[str]] = defaultdict(list)
    for name in organisations:
        by_base[legal_base(name).lower()].append(name)
    for same in by_base.values():
        for other in same[1:]:
            union(same[0], other, f"{other} with its legal form")
    for name in organisations:
        base = legal_base(name)
        if base == name:
            continue
        words = re.split(r"[\s,]+", base)
        for cut in range(len(words) - 1, 0, -1):
            short = " ".join(words[:cut]).lower()
            if short in by_base:
                union(name, by_base[short][0], f"the registered name of {by_base[short][0]}")
                break


def _is_qualifier_only(extra: frozenset[str]) -> bool:
    """The one extra word of the longer organisation name is an adjective of place (Russian, French)."""
    return all(word.endswith(("an", "ian", "ese", "ish", "ic", "i")) for word in extra)


def _merge_surnames(ordered: list[str], labels: dict[str, Counter], names: Counter, union) -> None:
    """First+last agreement between full names; a lone surname joins the one person it fits."""
    people = [n for n in ordered if _full_name(n) and main_label(labels[n]) == "PERSON"]
    by_last: dict[str, list[str]] = defaultdict(list)
    for person in people:
        by_last[transliteration_key(person.split()[-1])].append(person)
    for same_last in by_last.values():
        for i, a in enumerate(same_last):
            for b in same_last[i + 1:]:
                if same_spelling_variant(a.split()[0], b.split()[0]):
                    union(a, b, f"{b}: the same first and last name")
    keys_by_start: dict[str, list[str]] = defaultdict(list)
    for key in by_last:
        keys_by_start[variant_start(key)].append(key)
    for name in ordered:
        if len(name.split()) != 1 or main_label(labels[name]) != "PERSON":
            continue  # 'Sears' the retailer is not Michael Sears
        candidates = {p for key in keys_by_start.get(variant_start(name), []) if same_spelling_variant(key, name)
                      for p in by_last[key]}
        firsts = {transliteration_key(p.split()[0]) for p in candidates}
        if candidates and len(firsts) == 1:
            person = max(sorted(candidates), key=lambda p: names[p])  # ties: the first name in order
            union(name, person, f"the surname of {person}")


def _merge_name_parts(ordered: list[str], labels: dict[str, Counter], articles: dict[str, set], union,
                      group_kinds) -> None:
    """A lone word the report also uses inside one full name of a person it names ('Lacy' after
    'Alan Lacy', 'Lula' after 'Luiz Inácio Lula da Silva') is that person, even where the model
    tagged the lone word a place ('Toledo'); never a word the mentions mostly call an organisation.
    Runs after the spelling merges, so a variant joined to the lone word comes along; group_kinds
    gives the label votes of the lone word's whole group, which the report's own evidence outvotes."""
    people = [n for n in ordered if _full_name(n) and mostly_person(labels[n])]
    parts: dict[str, list[str]] = defaultdict(list)
    for person in people:
        for word in person.split()[1:]:
            if word.lower() not in NAME_STOPWORDS:
                parts[folded(word)].append(person)
    for name in ordered:
        if " " in name or labels[name]["ORG"] * 2 >= sum(labels[name].values()):
            continue
        holders = [p for p in parts.get(folded(name), []) if articles[p] & articles[name]]
        if len({folded(p) for p in holders}) == 1:
            votes = group_kinds(name)
            votes["PERSON"] += sum(votes.values())
            union(name, holders[0], f"a name of {holders[0]} in the same report")


def _merge_introduced_acronyms(mentions: list[Mention], union) -> None:
    for m in mentions:
        if m.stands_for:
            union(m.stands_for, m.text, f"introduced in brackets after {m.stands_for}")


def _merge_short_forms(ordered: list[str], labels: dict[str, Counter], union) -> None:
    """A one-word organisation name that begins exactly one longer organisation name of the story
    ('Bayern' / 'Bayern München', 'Inter' / 'Inter Milan')."""
    organisations = [n for n in ordered if len(n.split()) >= 2 and main_label(labels[n]) == "ORG"]
    for name in ordered:
        if " " in name or main_label(labels[name]) != "ORG":
            continue
        longer = [o for o in organisations if folded(o.split()[0]) == folded(name)]
        if len(longer) == 1:
            union(name, longer[0], f"the first word of {longer[0]}")


def _unique_surnames(people: list[str]) -> dict[str, list[str]]:
    """Surname -> full names, for surnames only one person (one first name) carries in the story."""
    by_last: dict[str, list[str]] = defaultdict(list)
    for person in people:
        by_last[transliteration_key(person.split()[-1])].append(person)
    unique: dict[str, list[str]] = {}
    for full_names in by_last.values():
        if len({transliteration_key(p.split()[0]) for p in full_names}) == 1:
            for person in full_names:
                unique.setdefault(person.split()[-1], []).append(person)
    return unique


def _canonical_name(group: MentionGroup, only_written: set[str]) -> str:
    """The most frequent multi-word form, else the most frequent form; ties go to the shorter. A
    company's registered form ('Kmart Holding Corp') gives way to the name readers use ('Kmart'); 'The'
    makes no word of its own ('The Pentagon' is a one-word name); a form only read beside the name the
    model found ("Calxeda's EnergyCore", 'President Toledo') gives way to that name."""
    forms = sorted(group.names.items(), key=lambda kv: (kv[0] in only_written, legal_base(kv[0]) != kv[0],
                                                        -(len(NAME_PREFIXES.sub("", kv[0]).split()) > 1),
                                                        -kv[1], len(kv[0]), kv[0]))
    return forms[0][0]


def _entities_from_groups(groups, story_id: str, only_written: set[str]) -> tuple[list[Entity], dict[str, str]]:
    entities, alias_map = [], {}
    for group in groups:
        name = _canonical_name(group, only_written)
        entity_id = "n" + hashlib.sha1(f"{story_id}|{name}".encode()).hexdigest()[:10]
        entities.append(Entity(entity_id, name, main_label(group.labels), sorted(group.names),
                               sorted(group.article_ids), sorted(group.joins, key=lambda j: (j.name, j.other))))
        for alias in group.names:
            alias_map[alias] = entity_id
    entities.sort(key=lambda e: (-len(e.article_ids), e.name))
    return entities, alias_map
