"""People mentioned in an article, as full names in order of first mention.

A spaCy named-entity model trained on CoNLL-2003 by `searchapp.enrich.ner_training`
(shipped in `searchapp/enrich/model/`) finds the PER mentions; `names` then drops titles
and possessives and resolves short mentions to the article's full names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from spacy.attrs import ORTH
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.strings import get_string_id

from searchapp.canonical_names import GENERATION, PARTICLES, REGNAL, split_suffix
from searchapp.enrich.blas_ops import BlasOps, one_blas_thread
from searchapp.enrich.extractor_version import MODEL_DIR
from searchapp.enrich.name_evidence import (
    EVENT_WORDS,
    common_word,
    interjection_words,
    no_lone_name,
    not_a_person_mention,
    trimmed_and_extended,
)
from searchapp.enrich.names import (
    NEVER_PEOPLE,
    TITLES,
    clean_name,
    resolve_in_article,
    surname,
)
from searchapp.enrich.place_words import place_words

BATCH_SIZE = 32
_ASCII_PUNCT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
# A dash between words is punctuation, not a hyphen: "Mitch McConnell—letting" must not be
# one word for the tokenizer (which keeps hyphenated words whole, as CoNLL does).
_DASH = re.compile(r"\s*(?:[—–]|--+)\s*")


@lru_cache(maxsize=1)
def _nlp():
    import spacy  # imported on first use: loading spaCy is slow and only enrich needs it

    from searchapp.enrich import lexicon  # noqa: F401  registers the model's embedding

    if not (MODEL_DIR / "meta.json").exists():
        raise RuntimeError(
            f"people model missing in {MODEL_DIR}: train it with "
            "`python -m searchapp.enrich.ner_training ../shared/data/conll2003`"
        )
    from thinc.api import use_ops

    with use_ops(BlasOps.name):  # layers take the ops current when they are built
        nlp = spacy.load(MODEL_DIR)
    # CoNLL keeps hyphenated words whole ("Ari-Pekka", "Jean-Claude"); so must we, or
    # the model sees name pieces it never saw in training.
    from spacy.lang.char_classes import HYPHENS
    from spacy.util import compile_infix_regex

    infixes = [p for p in nlp.Defaults.infixes if f"(?:{HYPHENS})" not in p]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp


def normalise_for_model(text: str) -> str:
    """Typographic quotes and dashes as in the training text (CoNLL uses ASCII, and
    writes a dash as a hyphen between spaces)."""
    return _DASH.sub(" - ", text.translate(_ASCII_PUNCT))


# Words that end a company's name: a name written with one after it is no person
# ("Apic Yamada Corp", "Edward D. Jones & Co", "Johnson Controls Inc").
COMPANY_WORDS = frozenset({
    "inc", "corp", "co", "ltd", "llc", "plc", "ag", "sa", "nv", "ab", "spa", "gmbh", "bv",
    "bhd", "tbk", "pty", "company", "corporation", "incorporated", "limited", "holdings",
})


def _is_company_word(token) -> bool:
    return token.text.replace(".", "").lower() in COMPANY_WORDS


def _company_names(doc, ents) -> set[str]:
    """Names the article writes as a company's: ending in a company word ("Apic Yamada
    Corp" makes "Apic Yamada" one too), or followed by one, directly or after "&"."""
    companies: set[str | None] = set()
    for ent in ents:
        if len(ent) > 1 and _is_company_word(ent[-1]):
            companies.update((clean_name(ent.text), clean_name(ent[:-1].text)))
            continue
        after = doc[ent.end:ent.end + 2]
        if after and (_is_company_word(after[0]) or (
                after[0].text == "&" and len(after) > 1 and _is_company_word(after[1]))):
            companies.add(clean_name(ent.text))
    companies.discard(None)
    return companies


# Words for a publication, written right after its name ("Le Matin newspaper", "Zycie
# Warszawy daily said") or right before it ("the news weekly Der Spiegel"); CoNLL-2003's
# training split has no person next to them (55 entities). "Daily" and "weekly" before a
# name only after "the", "news" or a capitalised word ("Polish daily"), not in "his daily
# Trump bashing".
PUBLICATION_WORDS = frozenset({"newspaper", "daily", "weekly", "magazine", "tabloid"})


def _publication_names(doc, ents) -> set[str]:
    """Names the article writes as a newspaper's or a magazine's."""
    names: set[str | None] = set()
    for ent in ents:
        if ent.end < len(doc) and doc[ent.end].text in PUBLICATION_WORDS:
            names.add(clean_name(ent.text))
        if ent.start > 0 and doc[ent.start - 1].text in PUBLICATION_WORDS:
            before = doc[ent.start - 2] if ent.start > 1 else None
            if doc[ent.start - 1].text not in ("daily", "weekly") or (before is not None and (
                    before.lower_ in ("the", "news")
                    or (before.text.istitle() and not before.is_stop))):
                names.add(clean_name(ent.text))
    names.discard(None)
    return names


# Honorifics written only before a person's name: a mention after one is a person's
# whatever the model says ("Mr. Bolton", which news outside CoNLL writes often and the
# model often calls an organisation). Titles that also open places and institutions
# ("Duke University", "King County", "Miss Universe") are left to the model.
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "dr", "sen", "senator", "rep", "gov", "governor", "judge", "rev",
    "reverend", "ayatollah",
})


def _is_honorific(token) -> bool:
    text = token.text
    return (text[:1].isupper() and not text.isupper()
            and text.rstrip(".").lower() in HONORIFICS)


# Words of committees and parties: "the Sen. Budget Committee" abbreviates the Senate.
INSTITUTION_WORDS = COMPANY_WORDS | {
    "committee", "commission", "council", "caucus", "department", "party", "university",
}


def _after_honorific(doc, ent) -> bool:
    """Whether the entity is a whole name written after an honorific: one to three
    capitalised words, no institution's, and not cut short by the model ("Rep.
    Alexandria" tagged a place before "Ocasio-Cortez")."""
    if not ((len(ent) > 1 and _is_honorific(ent[0]))
            or (ent.start > 0 and _is_honorific(doc[ent.start - 1]))):
        return False
    words = (clean_name(ent.text) or "").split()
    cut_short = ent.end < len(doc) and doc[ent.end].text[:1].isupper()
    return (0 < len(words) <= 3 and not cut_short
            and all(part[:1].isupper() for w in words for part in w.split("-"))
            and not any(w.lower() in INSTITUTION_WORDS for w in words))


def _titled_person(doc, ent) -> bool:
    """Whether the entity is written as only a person's name can be: after an honorific,
    or as a monarch's or pope's ("Queen Elizabeth II", which the model calls an
    organisation, perhaps for the ship)."""
    return _after_honorific(doc, ent) or _monarch(doc, ent)


def _monarch(doc, ent) -> bool:
    """A royal title, one or two capitalised words, and a regnal number of two letters or
    more (a lone "I" may be the pronoun: "King County I think")."""
    start, end = ent.start, ent.end
    if start > 0 and doc[start - 1].text in _ROYAL_TITLE_WORDS:
        start -= 1
    elif doc[start].text not in _ROYAL_TITLE_WORDS:
        return False  # most entities: settled without building any span
    if end < len(doc) and _long_regnal(doc[end].text):
        end += 1
    words = doc[start:end]
    return (len(words) in (3, 4) and words[0].text in _ROYAL_TITLE_WORDS
            and _long_regnal(words[-1].text)
            and all(w.text[:1].isupper() and w.text[1:].islower() for w in words[1:-1]))


def _labels(ents, honoured: list[bool]) -> list[str]:
    """The model's label of each entity, PER for one written as only a person's name
    can be (`_titled_person`)."""
    return ["PER" if h else ent.label_ for ent, h in zip(ents, honoured, strict=True)]


def person_spans(doc) -> list:
    """The person mentions of one processed spaCy Doc, in text order.

    The model labels a mention from the few words around it, so one name can come out
    PER in one sentence and ORG in the next. Consistency across the article decides: a
    name is a person where PER is its most frequent label in the article ("Kyiv" tagged
    PER once and LOC four times is a place), and then every mention of it is one: the
    model's other labels for it, a lone surname of a person the article names in full
    ("Major" after "John Major"), and the same capitalised word where the model found
    nothing ("SHEARER" in a capitals headline) unless the article also uses it inside a
    place or an organisation. A name the article writes as a company's or a newspaper's
    is none, and one written after an honorific ("Mr.", "Sen.") is a person's.
    """
    ents = doc.ents  # spaCy builds the spans anew on every access
    labels = _labels(ents, [_titled_person(doc, ent) for ent in ents])
    return _person_spans(doc, ents, _label_votes(ents, labels), _words_by_label(ents, labels)[1])


def _label_votes(ents, labels: list[str]) -> dict[str, Counter]:
    """How often the article labels each name PER, ORG, LOC or MISC."""
    votes: dict[str, Counter] = {}
    for ent, label in zip(ents, labels, strict=True):
        name = clean_name(ent.text)
        if name:
            votes.setdefault(name, Counter())[label] += 1
    return votes


def _words_by_label(ents, labels: list[str]) -> tuple[set[str], set[str]]:
    """The words of the article's PER entities, and those of its other entities."""
    person_words: set[str] = set()
    other_words: set[str] = set()
    for ent, label in zip(ents, labels, strict=True):
        (person_words if label == "PER" else other_words).update(ent.text.split())
    return person_words, other_words


def _person_spans(doc, ents, votes: dict[str, Counter], other_words: set[str]) -> list:
    people = {n for n, count in votes.items() if count["PER"] >= max(count.values())}
    people -= _company_names(doc, ents) | _publication_names(doc, ents)
    surnames = {surname(n) for n in people if " " in split_suffix(n)[0]}
    one_word = {n for n in people if " " not in n} | surnames
    spans = []
    covered: set[int] = set()
    for ent in ents:
        covered.update(range(ent.start, ent.end))
        name = clean_name(ent.text)
        if name in people or (len(ent) == 1 and name in surnames):
            spans.append(ent)
    # only words spelt like a known name can be one; finding them by hash spares a
    # Python step per word of the article
    spellings = {get_string_id(w) for n in one_word for w in (n, n.upper())}
    candidates = np.flatnonzero(np.isin(doc.to_array(ORTH), list(spellings)))
    for i in candidates.tolist():
        text = doc[i].text
        if i not in covered and text not in other_words and clean_name(text) in one_word:
            spans.append(doc[i:i + 1])
    spans = _reread(doc, spans, other_words)
    spans = _joined_over_nicknames(doc, spans)
    spans = _joined_over_particles(doc, spans)
    return [_with_suffix(doc, span) for span in spans]


def _reread(doc, spans: list, other_words: set[str]) -> list:
    """The mentions that `name_evidence` leaves, trimmed and grown, in text order and
    without overlaps (the longer kept)."""
    taken = {i for span in spans for i in range(span.start, span.end)}
    reread = []
    for span in spans:
        if not_a_person_mention(doc, span):
            continue
        changed = trimmed_and_extended(doc, span, other_words, taken, _in_headline(doc, span))
        reread.append(changed if changed is span or clean_name(changed.text) else span)
    kept = sorted(reread, key=lambda span: (span.start, -len(span)))
    out: list = []
    for span in kept:
        if out and span.start < out[-1].end:
            longer = doc[out[-1].start:max(span.end, out[-1].end)]
            if clean_name(longer.text):
                out[-1] = longer
            continue
        out.append(span)
    return out


_QUOTES = frozenset({'"', "'"})


def _nickname_after(doc, i: int) -> int | None:
    """Where the word after a quoted nickname opening at token i is ('"Scooter" Libby')."""
    if i + 2 >= len(doc) or doc[i].text not in _QUOTES or not doc[i + 1].text[:1].isupper():
        return None
    for j in range(i + 2, min(i + 6, len(doc) - 1)):
        if doc[j].text == doc[i].text:
            return j + 1 if _name_word(doc[j + 1]) else None
        if not doc[j].is_alpha:
            return None  # a quoted title or phrase ('"Fox News Sunday," Ben Carson')
    return None


def _nickname_before(doc, i: int) -> int | None:
    """Where the word before a quoted nickname closing at token i is ('Lewis "Scooter"')."""
    if i < 3 or doc[i].text not in _QUOTES:
        return None
    for j in range(i - 1, max(i - 6, 0), -1):
        if doc[j].text == doc[i].text:
            return j - 1 if doc[j + 1].text[:1].isupper() and _name_word(doc[j - 1]) else None
        if not doc[j].is_alpha:
            return None
    return None


def _name_word(token) -> bool:
    """A word that may be a given name or a surname: capitalised, not "On" or "The"."""
    return (token.text[:1].isupper() and token.text[1:].islower() and token.is_alpha
            and not token.is_stop)


def _in_headline(doc, span) -> bool:
    """Whether the words around a span are mostly capitalised, as in a headline, where a
    capitalised word says nothing about names."""
    start, end = span.start, span.end
    while start > max(span.start - 8, 0) and "\n" not in doc[start - 1].text:
        start -= 1
    while end < min(span.end + 8, len(doc)) and "\n" not in doc[end].text:
        end += 1
    words = [t.text for t in doc[start:end] if t.is_alpha and len(t) > 3]
    return len(words) > 1 and sum(w[0].isupper() for w in words) > 0.6 * len(words)


def _joined_over_nicknames(doc, spans: list) -> list:
    """One span for a name written around a quoted nickname: the model tags 'Lewis
    "Scooter" Libby' as three people and finds only "Guzman" in 'Joaquin "El Chapo"
    Guzman'. A span joins the span after the nickname, or takes the one capitalised word
    on the far side of it (not in a headline, where most words are capitalised);
    `clean_name` then leaves the nickname out."""
    starts = {span.start: span for span in spans}
    joined: list = []
    for span in spans:
        if joined and span.start < joined[-1].end:
            continue  # the nickname or the far side of a name already joined
        start, end = span.start, span.end
        before = _nickname_before(doc, start - 1) if start > 0 else None
        if before is not None and not (joined and before < joined[-1].end) and (
                any(s.start <= before < s.end for s in spans) or not _in_headline(doc, span)):
            start = before
        after = _nickname_after(doc, end)
        if after is not None and (after in starts or not _in_headline(doc, span)):
            end = starts[after].end if after in starts else after + 1
        longer = doc[start:end]
        joined.append(longer if (start, end) != (span.start, span.end)
                      and clean_name(longer.text) else span)
    return joined


# Suffixes the model often leaves out of a name: "Jr." and "Sr." ("Donald Trump Jr.",
# also after a comma), and Roman numerals ("Pope Benedict XVI"); a lone "I" only after
# a royal title ("King Baudouin I"), as it is also the pronoun.
_ROYAL_TITLES = frozenset({
    "king", "queen", "pope", "emperor", "empress", "tsar", "czar", "tsarina", "kaiser",
    "sultan", "shah", "pharaoh",
})
_ROYAL_TITLE_WORDS = frozenset(t.capitalize() for t in _ROYAL_TITLES)


def _long_regnal(word: str) -> bool:
    return len(word) > 1 and bool(REGNAL.fullmatch(word))


def _with_suffix(doc, span):
    """The span with the generation suffix or regnal number written after it, if any."""
    end = span.end
    if end + 1 < len(doc) and doc[end].text == "," and (
            GENERATION.fullmatch(doc[end + 1].text) or _long_regnal(doc[end + 1].text)):
        end += 1  # "Donald Trump, Jr.", "J. Harvie Wilkinson, III"
    if end >= len(doc):
        return span
    suffix = doc[end].text
    titled = span[0].text.lower() in _ROYAL_TITLES or (
        span.start > 0 and doc[span.start - 1].text.lower() in _ROYAL_TITLES)
    if (GENERATION.fullmatch(suffix) or _long_regnal(suffix)
            or (suffix == "I" and titled)):
        longer = doc[span.start:end + 1]
        return longer if clean_name(longer.text) else span
    return span


def _joined_over_particles(doc, spans: list) -> list:
    """Spans grown over the lower-case particles before them, and joined across one
    ("Osama" bin "Laden", which the model tags as two names, is "Osama bin Laden")."""
    joined: list = []
    for span in spans:
        start = span.start
        while start > 0 and doc[start - 1].text in PARTICLES:
            start -= 1
        # joined only into something that is still a name (five words at most)
        both = doc[joined[-1].start:span.end] if joined and start <= joined[-1].end else None
        if both is not None and start < span.start and clean_name(both.text):
            joined[-1] = both
        else:
            joined.append(doc[start:span.end])
    return joined


def people_in_doc(doc) -> list[str]:
    """People of one processed spaCy Doc.

    Mentions come from `person_spans`. Edge words the article uses only inside places or
    organisations are trimmed ("Sergei Lavrov Beijing"). A surname the model found alone
    is completed from the text when the article writes a given name before it ("Nikolai
    Patrushev"); two surnames of people it names in full, joined by a hyphen ("the
    Lavrov-Wang talks"), are those two. A lone word left unresolved that annotated news
    mostly uses for a place or an organisation is dropped ("accusing Washington of ...",
    see `place_words`), unless the article writes it after an honorific ("Mr. Bolton");
    so are a lone stop word and the names that are never people ("Capitol Hill").
    """
    ents = doc.ents
    honoured = [_titled_person(doc, ent) for ent in ents]
    labels = _labels(ents, honoured)
    person_words, other_words = _words_by_label(ents, labels)
    votes = _label_votes(ents, labels)
    written_in_case: set[str] = set()  # names seen outside all-capitals text
    nicknamed: set[str] = set()  # joined around a nickname: whole names, never trimmed
    mentions = []
    for span in _person_spans(doc, ents, votes, other_words):
        name = clean_name(span.text)
        if not span.text.isupper():
            written_in_case.add(name)
        if any(token.text in _QUOTES for token in span):
            nicknamed.add(name)
        mentions.append(name)
    not_names = other_words - person_words
    text = doc.text  # built from the tokens on every access
    people = []
    for mention in mentions:
        if mention not in written_in_case and mention not in text:
            continue
        words = mention.split()
        while len(words) > 1 and words[-1] in not_names and mention not in nicknamed:
            words.pop()
        while len(words) > 1 and words[0] in not_names and mention not in nicknamed:
            words.pop(0)
        people.append(" ".join(words))
    name_words = {w for m in people if " " in m for w in (m.split()[0], surname(m))}
    # read the text for given names only when some lone mention may need one
    given_before = (_given_names_before(text) if any(
        " " not in m and m not in name_words for m in people) else None)
    completed = []
    for mention in people:
        pair = mention.split("-")
        if " " not in mention and len(pair) == 2 and all(w in name_words for w in pair):
            completed.extend(pair)  # "the Lavrov-Wang talks": two people named in full
            continue
        if " " not in mention and mention not in name_words:
            mention = _full_name_in_text(text, mention, not_names, given_before) or mention
        completed.append(mention)
    places = place_words()
    titled = {clean_name(e.text) for e, h in zip(ents, honoured, strict=True) if h}
    outvoted = _outvoted_lone_names(ents, labels, votes)
    resolved = resolve_in_article(completed)
    interjections = (interjection_words(text) if any(" " not in p for p in resolved)
                     else set())  # only lone names are checked against it
    people = [p for p in resolved if p in titled or (
        p not in places and p not in outvoted and p.casefold() not in _NO_PERSON
        and (" " in p or not no_lone_name(p, text, places, interjections)))]
    return _joined_splits(_first_names_folded(people), text)


def _first_names_folded(people: list[str]) -> list[str]:
    """Without a lone given name that opens exactly one of the article's full names
    ("Hillary" where "Hillary Clinton" is named): the same person."""
    firsts = Counter(p.split()[0] for p in people if " " in p)
    return [p for p in people if " " in p or firsts[p] != 1]


def _joined_splits(people: list[str], text: str) -> list[str]:
    """One name for a name the model split in two overlapping halves: "Sarah Huckabee"
    and "Huckabee Sanders" are "Sarah Huckabee Sanders" when the text writes that.
    (Halves are looked up by their first word: an article can list thousands of names.)"""
    by_first: dict[str, list[str]] = {}
    for name in people:
        if " " in name:
            by_first.setdefault(name.split()[0], []).append(name)
    replaced: dict[str, str] = {}
    gone: set[str] = set()
    for a in people:
        if " " not in a or a in gone or a in replaced:
            continue
        for b in by_first.get(a.split()[-1], []):
            if b == a or b in gone or b in replaced:
                continue
            joined = " ".join(a.split() + b.split()[1:])
            if joined in text:
                replaced[a] = joined
                gone.add(b)
                break
    return list(dict.fromkeys(replaced.get(p, p) for p in people if p not in gone))


# Checked on the final names too: trimming "Capitol Hill Republicans" or completing a lone
# "Hill" can reach a never-person after `clean_name`; and a lone stop word ("Please
# re-enter.") is page text.
_NO_PERSON = frozenset(STOP_WORDS | NEVER_PEOPLE)


def _outvoted_lone_names(ents, labels: list[str], votes: dict[str, Counter]) -> set[str]:
    """One-word names the article writes in places and organisations at least as often
    as the model calls them a person ("Fox" in "Fox News", "Hill" in "The Hill",
    "Chelsea" the club): a lone name with no full name in the article is half the time no
    person, and this is the evidence against it. Nationality-like uses (MISC: "Trump
    voters") are no evidence."""
    elsewhere: Counter = Counter()
    for ent, label in zip(ents, labels, strict=True):
        if label in ("ORG", "LOC"):
            elsewhere.update({clean_name(token.text) for token in ent} - {None})
    return {name for name, count in elsewhere.items()
            if count >= votes.get(name, Counter())["PER"]}


_GIVEN = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_GIVEN_THEN_WORD = re.compile(rf"\b({_GIVEN}) (?=([A-Z]\w*))")
_PLAIN_WORD = re.compile(r"[A-Z]\w*")


def _given_names_before(text: str) -> dict[str, Counter]:
    """For each capitalised word, how often each capitalised word stands right before it:
    one pass over the text, so completing many lone surnames stays linear."""
    found: dict[str, Counter] = {}
    for match in _GIVEN_THEN_WORD.finditer(text):
        found.setdefault(match.group(2), Counter())[match.group(1)] += 1
    return found


def _full_name_in_text(text: str, surname: str, not_names: set[str],
                       given_before: dict[str, Counter] | None = None) -> str | None:
    """The most frequent "Given Surname" written in the text, if any ("Hurricane" and
    "Removing" are no given names)."""
    if given_before is not None and _PLAIN_WORD.fullmatch(surname):
        written = given_before.get(surname, Counter())
    else:
        pattern = re.compile(rf"\b({_GIVEN}) {re.escape(surname)}\b")
        written = Counter(pattern.findall(text))
    candidates = Counter({
        given: count for given, count in written.items()
        if given.casefold() not in TITLES and given.casefold() not in NEVER_PEOPLE
        and given.casefold() not in STOP_WORDS and given not in not_names
        and not common_word(given) and given.casefold() not in EVENT_WORDS
    })
    if not candidates:
        return None
    return f"{candidates.most_common(1)[0][0]} {surname}"


def extract_people_many(texts: Iterable[str]) -> list[list[str]]:
    """`extract_people` for many texts at once (batched through the model)."""
    docs = _nlp().pipe((normalise_for_model(t) for t in texts), batch_size=BATCH_SIZE)
    with one_blas_thread():
        return [people_in_doc(doc) for doc in docs]


def extract_people(text: str) -> list[str]:
    """The people an article mentions, as full names in order of first mention."""
    return extract_people_many([text])[0]
