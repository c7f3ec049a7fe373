"""What the words around a mention, and how English uses its words, say about a name.

The model tags from a few words of context and was trained on 1996 wire text; real news
gives it shapes it never saw. These rules read the same evidence a careful reader does,
without any list of people:

- a one-word mention right after "the", or one after "#", is no person's ("The Hill
  reported", "the Kennedys", "#MeToo"), nor one followed by an institution's or a thing's word ("the
  Merriman Smith Award", "Baker Hotel", "Knight Institute"), one that ends in such a word
  ("Kennedy School", "Brady Bill"), one opened by a group's word ("Team Obama"), one with
  an agency's acronym after the name ("Obama CIA"), one opened by an event's word
  ("Hurricane Katrina"), a party of a court case ("Iancu v. Brunetti"), a list marker
  ("A. First, ..."), or a run of words most of them common ones ("The Best a Man Can Get");
- a sentence-opening word that English mostly writes in lower case is not part of the
  name after it ("So Trump", "Organiser Leo Murray", "Removing Trump");
- a capitalised given name (or a rare word: most rare capitalised words are names)
  right before a mention is part of it ("Ruth" + "Bader Ginsburg", "Briahna" + "Joy Gray");
- a lone word English mostly writes in lower case is no name ("Love her or loath her",
  "Hope you feel good"); nor a lone word that only ever opens a sentence before a comma or
  a full stop and is as common in lower case ("Wow.", "Frankly,"); nor a family's plural
  ("the Bushes", "Winchesters and Remingtons"); nor a hyphenated word with a part that is
  lower case or a place ("Bye-bye", "Trump-Ukraine").

Word frequencies and name ranks come from the lexicon table the model already uses.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from searchapp.canonical_names import REGNAL
from searchapp.enrich.lexicon import UNKNOWN_LOG_PROB, word_stats
from searchapp.enrich.names import TITLES

# Capitalised words after a name that make it an institution, a place or a thing.
THING_WORDS = frozenset({
    "award", "awards", "prize", "trophy", "medal", "fellowship", "scholarship", "lecture",
    "institute", "school", "university", "college", "academy", "hospital", "clinic", "hotel",
    "center", "centre", "foundation", "fund", "act", "plan", "doctrine", "rule", "amendment",
    "street", "avenue", "road", "boulevard", "bridge", "hall", "building", "tower", "park",
    "airport", "county", "stadium", "arena", "museum", "library", "church", "memorial",
    "cup", "high", "elementary", "square", "station", "island", "commission", "committee",
    "corporation", "company", "inc", "group", "show", "theater", "theatre", "trust",
    "bill", "law", "era", "campaign", "administration", "presidency",
})
# Words that open a group's name, not a person's ("Team Obama", "Camp Trump").
GROUP_WORDS = frozenset({"team", "club", "gang", "squad", "clan", "crew"})
_ACRONYM = re.compile(r"[A-Z]{3,}")
# Words that open the name of an event or a place.
EVENT_WORDS = frozenset({
    "hurricane", "typhoon", "cyclone", "storm", "tropical", "operation", "mount", "mt",
    "lake", "fort", "cape", "port", "camp",
})
_COURT_CASE = frozenset({"v.", "vs."})  # sports results write "Nicol v Eyles"
_SENTENCE_ENDS = frozenset({".", "!", "?", ":", ";", '"', "“", "”", "'", "‘", "…"})
MAX_NAME_WORDS = 4


def opens_sentence(doc, i: int) -> bool:
    """Whether token i stands at the start of a sentence, a line or a quotation."""
    if i == 0:
        return True
    before = doc[i - 1]
    return before.text in _SENTENCE_ENDS or "\n" in before.text or before.is_space


def common_word(word: str) -> bool:
    """A word English writes in lower case far more often, or a function word."""
    return word.lower() in STOP_WORDS or word_stats(word).common_lower_case


def not_a_person_mention(doc, span) -> bool:
    """Whether the words around `span` make it something other than a person's name."""
    before = doc[span.start - 1].lower_.rstrip(".") if span.start > 0 else ""
    if before == "#" or before in EVENT_WORDS:  # "#MeToo", "Hurricane" + "Katrina"
        return True
    if before == "the" and len(span) == 1:  # "The Hill", not "the Michelle Obama debate"
        return True
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and (after.lower_ in _COURT_CASE or (
            after.text[:1].isupper() and after.lower_ in THING_WORDS)):
        return True
    words = [token.text for token in span]
    if len(words) > 1 and words[-1].lower() in THING_WORDS and not (
            0 < word_stats(words[-1]).family <= 2):  # "Kennedy School", not "Andrew Park"
        return True
    if len(words) > 1 and words[0].lower() in GROUP_WORDS:  # "Team Obama"
        return True
    if len(words) > 1 and not all(w.isupper() for w in words) and any(
            _ACRONYM.fullmatch(w) and not REGNAL.fullmatch(w) for w in words[1:]):
        return True  # "Obama CIA", "Trump DOJ": an agency, not a name
    if words[0].lower().rstrip(".") in EVENT_WORDS or any(w in _COURT_CASE for w in words):
        return True
    if _initial(words[0]) and all(w.lower() in STOP_WORDS for w in words[1:]):
        return True  # a list marker: "A. First, politicians began ..."
    common = sum(common_word(w) for w in words)
    if len(words) == 2:  # "Bong Hits", not "Dick Spring"
        return common == 2 and not 0 < word_stats(words[0]).given <= 2
    return common >= 2 and 2 * common >= len(words)  # "Man Can Get", not "Kim Do Hoon"


def trimmed_and_extended(doc, span, other_words: set[str], taken: set[int] = frozenset(),
                         in_headline: bool = False):
    """`span` without a sentence-opening common word, and grown over a given name
    written right before it (also over an initial between: "Samuel A." + "Alito"), but
    not over a word of another mention (`taken`: the model keeps "Luis" and "Enrique" of
    a results table apart). In a title-cased line (`in_headline`) a name of three words or
    more also loses a last word that is a common one and nobody's surname ("Hospitalized")."""
    start, end = span.start, span.end
    if end - start > 2 and in_headline and _headline_word(doc[end - 1].text):
        end -= 1  # "Ruth Bader Ginsburg Hospitalized With 3 Broken Ribs"
    if end - start > 1 and opens_sentence(doc, start) and common_word(doc[start].text) and (
            doc[start].lower_ not in TITLES):
        start += 1
    grown = start
    while end - grown < MAX_NAME_WORDS and grown > 0:
        word = doc[grown - 1]
        if grown - 1 in taken:
            break
        if (_initial(word.text) and grown > 1 and grown - 2 not in taken
                and _given_name(doc, grown - 2, other_words)):
            grown -= 2
        elif _given_name(doc, grown - 1, other_words):
            grown -= 1
        else:
            break
    return doc[grown:end] if (grown, end) != (span.start, span.end) else span


_INITIAL_RE = re.compile(r"[A-Z]\.")


def _headline_word(word: str) -> bool:
    stats = word_stats(word)
    return stats.lower <= stats.as_written - 2 and stats.family == 0


def _initial(text: str) -> bool:
    return bool(_INITIAL_RE.fullmatch(text))


def _given_name(doc, i: int, other_words: set[str]) -> bool:
    """A capitalised word that names people first: a top-1,000 given name somewhere, or a
    word too rare for the word list; not a title, a function word, a word of the article's
    places and organisations, or a sentence-opening common word."""
    word = doc[i].text
    if not (word[:1].isupper() and word[1:].islower() and word.isalpha()):
        return False
    if word.lower() in STOP_WORDS or word.lower() in TITLES or word in other_words:
        return False
    stats = word_stats(word)
    rare = (stats.as_written == stats.lower == UNKNOWN_LOG_PROB
            and stats.given == stats.family == 0)
    if opens_sentence(doc, i) and stats.common_lower_case:
        return False
    return 0 < stats.given <= 2 or rare


def no_lone_name(name: str, text: str, places: set[str],
                 interjections: set[str] | None = None) -> bool:
    """Whether a one-word name left unresolved is no person's (see the module).
    `interjections`: `interjection_words(text)`, computed once per article."""
    if "-" in name:
        parts = name.split("-")
        return any(not p[:1].isupper() or p in places for p in parts)
    stats = word_stats(name)
    if stats.common_lower_case:
        return True
    if stats.lower <= stats.as_written and _only_as_interjection(name, text, interjections):
        return True
    return _family_plural(name)


_CAPITALISED_WORD = re.compile(r"(?<![\w-])[A-Z][\w'’]*(?![\w-])")
_OPENERS = ".!?:…\n"
_QUOTES_AND_SPACES = " “\"'‘"
_AFTER_INTERJECTION = (",", ".", "!")


def interjection_words(text: str) -> set[str]:
    """Capitalised words whose every use opens a sentence and is followed by a comma or a
    full stop ("Wow.", "Frankly,"), found in one pass over the text."""
    verdict: dict[str, bool] = {}
    for use in _CAPITALISED_WORD.finditer(text):
        word = use.group(0)
        if verdict.get(word) is False:
            continue
        verdict[word] = _interjection_use(text, use.start(), use.end())
    return {word for word, only in verdict.items() if only}


def _interjection_use(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40):start].rstrip(_QUOTES_AND_SPACES)
    opens = (before == "" and start <= 40) or (before != "" and before[-1] in _OPENERS)
    return opens and text[end:end + 1] in _AFTER_INTERJECTION


def _only_as_interjection(word: str, text: str, interjections: set[str] | None) -> bool:
    if interjections is not None and _CAPITALISED_WORD.fullmatch(word):
        return word in interjections
    uses = list(re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text))
    return bool(uses) and all(_interjection_use(text, u.start(), u.end()) for u in uses)


def _family_plural(word: str) -> bool:
    """A plural of a surname that is no surname itself ("Kennedys", "Bushes")."""
    if not word.endswith("s") or len(word) < 4:
        return False
    plural = word_stats(word).family
    for singular in (word[:-1], word[:-2] if word.endswith("es") else None):
        if singular:
            family = word_stats(singular).family
            if family and (plural == 0 or plural > family):
                return True
    return False
