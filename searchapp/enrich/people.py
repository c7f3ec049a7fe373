"""People mentioned in an article, as canonical full names in order of first mention.

Mentions are found by `find_name_spans`; this module then applies the rules that make
one name per person within an article: titles and possessives are dropped, and a
surname-only or given-name mention resolves to the full name used elsewhere.
"""

from __future__ import annotations

import re

# Changes whenever extraction results would change, so cached results are not reused.
EXTRACTOR_VERSION = "rules-1"

# Words that precede or join a name but are not part of it.
TITLES = {
    "president", "vice", "prime", "minister", "foreign", "secretary", "general", "state",
    "spokesman", "spokeswoman", "spokesperson", "chancellor", "premier", "king", "queen",
    "prince", "princess", "senator", "sen", "rep", "representative", "governor", "gov",
    "mayor", "judge", "justice", "chairman", "chairwoman", "director", "ambassador",
    "envoy", "commissioner", "leader", "deputy", "chief", "comrade", "mr", "mrs", "ms",
    "miss", "dr", "sir", "dame", "lord", "lady", "pope", "sheikh", "gen", "col", "lt",
    "capt", "sgt", "adm", "speaker", "attorney", "top", "former", "late", "defense",
    "defence", "interior", "finance", "trade", "council", "national", "security", "adviser",
    "advisor", "counterpart", "officer", "official", "by", "and", "with", "said",
}
# Capitalised words that start sentences, name days and months, or name groups of
# people, places and institutions: a span holding one of them is not a person.
NOT_NAMES = {
    "the", "a", "an", "in", "on", "at", "of", "for", "to", "from", "as", "but", "if",
    "when", "while", "after", "before", "during", "this", "that", "these", "those", "it",
    "he", "she", "they", "we", "i", "you", "his", "her", "their", "our", "its", "there",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
    "russian", "chinese", "american", "ukrainian", "european", "western", "soviet",
    "british", "french", "german", "sino", "russia", "china", "ukraine", "moscow",
    "beijing", "kyiv", "washington", "kremlin", "west", "east", "north", "south", "us",
    "u.s", "uk", "un", "u.n", "nato", "eu", "united", "states", "nations", "kingdom",
    "republic", "federation", "union", "party", "communist", "ministry", "department",
    "office", "commission", "committee", "assembly", "conference", "house", "street",
    "journal", "news", "post", "times", "network", "company", "group", "agency", "bros",
    "war", "sea", "city", "photo", "pool", "full", "article", "posts", "guidelines",
    "community", "cold", "world", "second", "hong", "kong", "africa", "read", "similar",
    "levels", "new", "affairs", "central", "image", "images", "getty", "reuters", "ap",
    "telegram", "twitter", "cnn", "fox", "bbc", "cable", "discovery", "within", "chatham",
}
_TOKEN = r"[A-Z][a-zA-Z\u00C0-\u024F'’\-]*\.?"
_SPAN = re.compile(rf"{_TOKEN}(?:[ \t]+{_TOKEN})*")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def _clean_token(token: str) -> str:
    return _POSSESSIVE.sub("", token.rstrip("."))


def clean_name(span: str) -> str:
    """Drop leading titles/honorifics and trailing possessives: "President Biden's" -> "Biden"."""
    tokens = [_clean_token(t) for t in span.split()]
    while tokens and tokens[0].casefold() in TITLES | NOT_NAMES:
        tokens.pop(0)
    while tokens and tokens[-1].casefold() in TITLES | NOT_NAMES:
        tokens.pop()
    return " ".join(tokens)


def find_name_spans(text: str) -> list[str]:
    """Candidate person names, in text order, with titles removed (first-cut rules)."""
    spans: list[str] = []
    for match in _SPAN.finditer(text):
        # Split a run of capitalised words where a title or non-name word sits inside it,
        # so "Foreign Minister Sergei Lavrov Beijing" still yields "Sergei Lavrov".
        part: list[str] = []
        for token in match.group(0).split() + [""]:
            word = _clean_token(token).casefold()
            if token and word not in TITLES and word not in NOT_NAMES:
                part.append(token)
                if not _POSSESSIVE.search(token):
                    continue
            if part:
                name = clean_name(" ".join(part))
                if name and len(name.split()) <= 3:
                    spans.append(name)
            part = []
    return spans


def resolve_mentions(spans: list[str]) -> list[str]:
    """Map short mentions onto the full names of the same article, keep first-mention order.

    A one-word mention becomes the full name whose surname or given name it is when
    exactly one full name fits; one-word mentions that fit no full name are dropped,
    and so are ambiguous ones ("Wang" with both Wang Yi and Wang Wenbin present).
    """
    full_names = [s for s in spans if len(s.split()) >= 2]
    order: dict[str, int] = {}
    for position, span in enumerate(spans):
        if len(span.split()) >= 2:
            name = span
        else:
            fits = {f for f in full_names if span in f.split()}
            if len(fits) != 1:
                continue
            name = fits.pop()
        order.setdefault(name, position)
    return sorted(order, key=order.__getitem__)


def extract_people(text: str) -> list[str]:
    """The people an article mentions, as canonical full names in order of first mention."""
    return resolve_mentions(find_name_spans(text))
