"""Person-name rules of extraction (per article): titles and possessives off, what is never
a name, and an article's short mentions resolved to its full names. The spelling keys and
canonical names the engine shares are in `searchapp.canonical_names`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from searchapp.canonical_names import (
    GENERATIONS,
    PARTICLES,
    fold,
    split_suffix,
    surname_core,
    variant_key,
)

# Words that precede a name but are not part of it: titles, offices, honorifics.
TITLES = {
    "president", "vice", "prime", "minister", "foreign", "secretary", "general", "state",
    "spokesman", "spokeswoman", "spokesperson", "chancellor", "premier", "king", "queen",
    "prince", "princess", "senator", "sen", "rep", "representative", "governor", "gov",
    "mayor", "judge", "justice", "chairman", "chairwoman", "director", "ambassador",
    "envoy", "commissioner", "leader", "deputy", "chief", "comrade", "mr", "mrs", "ms",
    "miss", "dr", "sir", "dame", "lord", "lady", "pope", "sheikh", "emperor", "empress",
    "tsar", "czar", "gen", "col", "lt",
    "capt", "sgt", "adm", "speaker", "attorney", "former", "late", "defense", "defence",
    "interior", "finance", "trade", "adviser", "advisor", "coach", "manager", "professor",
    "prof", "rev", "reverend", "father", "sister", "brother", "saint", "st", "officer",
    "pres", "dr.", "mr.", "mrs.", "ms.", "sen.", "rep.", "gov.", "gen.", "lt.", "col.",
    "top", "chinese", "russian", "american", "ukrainian", "british", "french", "german",
    "israeli", "iranian", "indian", "japanese", "korean", "us", "u.s.", "uk",
    "cardinal", "archbishop", "bishop", "emeritus", "rabbi", "imam", "ayatollah", "emir", "sultan",
    "duke", "duchess", "marshal", "colonel", "captain", "commander", "lieutenant",
    "sergeant", "admiral", "maj", "cpl", "pvt", "cmdr", "the",
    # offices and roles written before a name like titles ("Congressmember John Lewis",
    # "Sheriff Joe Arpaio", "Founder Jack Dorsey")
    "congressman", "congresswoman", "congressmember", "congresswomen", "congressmen",
    "assemblyman", "assemblywoman", "assemblymember", "councilman", "councilwoman",
    "councilmember", "councillor", "councilor", "alderman", "alderwoman", "lawmaker",
    "legislator", "delegate", "sheriff", "trooper", "chairperson", "ceo", "cfo", "coo",
    "founder", "co-founder", "cofounder", "publisher", "editor", "correspondent",
    "columnist", "commentator", "anchor", "pastor", "prosecutor", "nominee", "candidate",
    "incumbent", "challenger", "hopeful", "strategist", "pollster", "activist", "lawyer",
    "counsel", "magistrate", "superintendent", "sen.-elect", "president-elect",
}


# Words that make a phrase no person's name wherever they stand in it ("Praise God",
# "Thank God", "Allah Akbar").
DEITIES = frozenset({"god", "allah", "christ", "jesus christ"})


# Whole "names" that are never people: days, months, nationalities, common page words.
NEVER_PEOPLE = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "god", "allah", "jesus christ",
    "russian", "chinese", "american", "ukrainian", "european", "soviet", "british",
    "kremlin", "white house", "congress", "senate", "twitter", "facebook", "getty images",
    "reuters", "associated press", "ap", "cnn", "fox news", "telegram", "sputnik",
    "capitol hill", "rose garden", "brexit",
}


_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]")


_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


# A name glued by a hyphen to an English word after it: "Pelosi-backed", "Bush-era",
# "Trump-style" (a dash between words, "McConnell—letting", is split off before the model
# reads the text). Not a lower-case syllable of a name: "Moon Jae-in", "Kim Jong-un".
_GLUED_WORD = re.compile(r"^([^\W\d_][^\s-]*[^\W\d_])(?:--?|[‐‑–—])"
                         r"([a-z]+(?:ed|ing)|era|like|style|esque|type|led|run)$")


_EDGE_PUNCT = ".,;:!?\"“”‘’'()[]{}-–—"


# A lawmaker's party and state, written next to the name: "(R-Ky.)", "D-Nev."
_PARTY_AND_STATE = re.compile(r"[RDI]-[A-Z][A-Za-z.]*")


# A nickname in quotes inside a name is not part of it: 'Lewis "Scooter" Libby' is Lewis
# Libby, and 'Elizabeth "Pocahontas" Warren' is no new person.
_NICKNAME = re.compile(r"(?<=\S)\s+[\"“‘']\s*[^\"“”‘’']{1,40}?\s*[\"”’'](?=\s+\S)")


@lru_cache(maxsize=100_000)
def clean_name(span: str) -> str | None:
    """The bare name of a PER mention, or None when it cannot be a person's name.

    "President Biden's" -> "Biden"; "Foreign Minister Sergey Lavrov" -> "Sergey Lavrov".
    Remembered: each mention is cleaned several times, and names repeat across articles.
    """
    span = span.split(":")[0]  # no name holds a colon: "John Bolton':Former Trump"
    tokens = [_strip_edges(t) for t in _NICKNAME.sub("", span).split()]
    tokens = [t for t in tokens if t]
    if tokens:
        tokens[-1] = _POSSESSIVE.sub("", tokens[-1]).strip(_EDGE_PUNCT)
    while tokens and tokens[0].casefold().rstrip(".") in TITLES:
        tokens.pop(0)
    tokens = [t for t in tokens if t]
    if len(tokens) > 1 and (glued := _GLUED_WORD.match(tokens[-1])):
        tokens[-1] = glued.group(1)  # "Mitch McConnell-letting": a dash ends a name
    if not tokens or len(tokens) > 5:
        return None
    name = " ".join(tokens)
    if name.casefold() in NEVER_PEOPLE or any(ch.isdigit() for ch in name):
        return None
    if len(tokens) > 1 and any(t.casefold() in DEITIES for t in tokens):
        return None  # "Praise God"
    if len(name.rstrip(".")) == 1 or _PARTY_AND_STATE.fullmatch(name):
        return None  # a lone letter, or a party and state
    if not _opens_name(tokens) or not surname_core(tokens[-1])[:1].isupper():
        return None
    if name.isupper() and len(name) > 3:
        name = name.title()  # an all-capitals headline: "LARA" -> "Lara"
    base, suffix = split_suffix(name)
    return f"{base} {suffix}" if suffix in GENERATIONS else name  # one spelling of "Jr."


def surname(name: str) -> str:
    """The last word of a name before its suffix: "Donald Trump Jr." -> "Trump"."""
    return split_suffix(name)[0].split()[-1]


def _opens_name(tokens: list[str]) -> bool:
    """A name starts with a capital ("al-Assad" with its core's), or with a particle
    before more name ("de Silva")."""
    return (surname_core(tokens[0])[:1].isupper()
            or (len(tokens) > 1 and tokens[0] in PARTICLES))


def particles_and_surname(name: str) -> bool:
    """Particles, whatever their case, then one word: "De Wilde", "bin Laden", "Van Moer"
    (and "Al Gore": whether it is a surname depends on the names around it)."""
    words = name.casefold().split()
    return len(words) > 1 and all(w in PARTICLES for w in words[:-1])


def _surname_form(name: str) -> bool:
    """Particles and a surname, or a surname and its suffix ("Trump Jr.")."""
    base, suffix = split_suffix(name)
    return particles_and_surname(name) or (
        bool(suffix) and (" " not in base or particles_and_surname(base)))


def _surnames_in_longer_names(names: list[str]) -> set[str]:
    """Surname forms ending a longer name among `names`: "De Gaulle" beside "Charles de
    Gaulle", "Trump Jr." beside "Donald Trump Jr.", "Wasserman Schultz" beside "Debbie
    Wasserman Schultz" (but "Al Gore" beside "Tipper Gore" is a name of its own)."""
    distinct = list(dict.fromkeys(names))  # an article repeats its names many times
    return {name for name in distinct if (_surname_form(name) or len(name.split()) > 1)
            and any(_shortens(name, other) for other in distinct)}


def _strip_edges(token: str) -> str:
    """Punctuation off a name word, but an initial or abbreviation keeps its full stop
    ("B. Lara", "K.J. Matthew", "Martin Luther King Jr.")."""
    stripped = token.strip(_EDGE_PUNCT)
    if token.endswith(".") and stripped and (
            (len(stripped) <= 2 and stripped.isalpha()) or _INITIALS.fullmatch(stripped)):
        return stripped + "."
    return stripped


def resolve_in_article(mentions: list[str]) -> list[str]:
    """Distinct people of one article, in order of first mention.

    A one-word mention becomes the article's full name that ends or starts with it
    ("Putin" -> "Vladimir Putin", "Xi" -> "Xi Jinping", "Assad" -> "Bashar al-Assad"), a
    surname with its particles the full name that ends with them ("De Gaulle" -> "Charles
    de Gaulle") or with its suffix ("Trump Jr." -> "Donald Trump Jr."); with several
    candidates ("Wang": Wang Yi, Wang Wenbin) the nearest full name mentioned before it
    wins. A short mention with no full name is kept as it is.
    """
    surnames = _surnames_in_longer_names([m for m in mentions if len(m.split()) > 1])
    full = [m for m in mentions if len(m.split()) > 1 and m not in surnames]
    longest: dict[tuple, str] = {}
    for name in full:
        key = variant_key(name)
        if len(name) > len(longest.get(key, "")):
            longest[key] = name
    order: dict[str, None] = {}
    last_full: str | None = None
    distinct_full = list(dict.fromkeys(full))
    fits_of: dict[str, list[str]] = {}  # an article repeats its short mentions many times
    for mention in mentions:
        if mention in full:
            name = longest[variant_key(mention)]
            last_full = name
        else:
            if mention not in fits_of:
                fits_of[mention] = [f for f in distinct_full if _shortens(mention, f)]
            fits = fits_of[mention]
            if not fits:
                name = mention
            elif len(fits) == 1:
                name = longest[variant_key(fits[0])]
            else:
                preferred = last_full if last_full in fits else fits[0]
                name = longest[variant_key(preferred)]
        order.setdefault(name, None)
    return list(order)


def _shortens(mention: str, full_name: str) -> bool:
    """Whether a one-word or surname-only mention ("Trump Jr." too) can stand for
    `full_name`."""
    base, suffix = split_suffix(mention)
    full_base, full_suffix = split_suffix(full_name)
    if suffix and " " not in base:  # "Trump Jr.", "Donald Jr."
        return (suffix == full_suffix and " " in full_base
                and _first_or_last_word(base, full_base))
    words, full_words = mention.split(), full_name.split()
    if len(words) == 1:
        # a lone "Trump" beside "Donald Trump Jr." is as often his father
        return full_suffix not in GENERATIONS and _first_or_last_word(mention, full_base)
    return (len(full_words) > len(words)
            and [fold(w) for w in full_words[-len(words):]] == [fold(w) for w in words])


def _first_or_last_word(word: str, name: str) -> bool:
    words = name.split()
    return fold(surname_core(word)) in (fold(surname_core(words[-1])), fold(words[0]))


def unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
