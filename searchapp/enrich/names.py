"""Person-name rules shared by extraction (per article) and the index (across the corpus):
titles and possessives off, spelling variants folded, short mentions resolved."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

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
# Particles written in lower case inside names ("Osama bin Laden", "Bill de Blasio",
# "Ursula von der Leyen"), or joined to the surname by a hyphen ("Bashar al-Assad").
PARTICLES = frozenset({
    "al", "el", "bin", "ibn", "bint", "de", "da", "di", "dos", "das", "du", "del", "della",
    "der", "den", "van", "von", "la", "le", "ter",
})
_HYPHENED_PARTICLES = ("al-", "el-")
# Particles that open a surname even when capitalised ("De Gaulle", "Bin Laden"); "Al",
# "Van", "Le" also open given names ("Al Gore", "Van Jones") and surnames ("Le Pen").
_SURNAME_OPENERS = frozenset({"bin", "ibn", "de", "der", "den", "du", "della", "von"})
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
# A generation or regnal suffix ends a name and tells people apart: "Donald Trump Jr." is
# not his father, "John Paul II" is not "John Paul I".
GENERATION = re.compile(r"(?i:[JS]r)\.?")
_GENERATIONS = ("Jr.", "Sr.")
REGNAL = re.compile(r"(?=[XVI])X{0,3}(?:IX|IV|V?I{0,3})")
_VARIANT_ENDINGS = ((re.compile(r"(?:iy|yy|ii|y)$"), "i"), (re.compile(r"ey$"), "ei"),
                    (re.compile(r"ay$"), "ai"))


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
    return f"{base} {suffix}" if suffix in _GENERATIONS else name  # one spelling of "Jr."


def split_suffix(name: str) -> tuple[str, str]:
    """A name and its suffix, spelt one way: "Donald Trump Jr" -> ("Donald Trump", "Jr."),
    "john paul ii" (typed in a filter) -> ("john paul", "II")."""
    words = name.split()
    if len(words) < 2:
        return name, ""
    last = words[-1]
    if GENERATION.fullmatch(last):
        suffix = f"{last[:2].capitalize()}."
    elif REGNAL.fullmatch(last) or (
            last.islower() and len(last) > 1 and last != "xi" and REGNAL.fullmatch(last.upper())):
        suffix = last.upper()  # not "Xi", a surname
    else:
        return name, ""
    return " ".join(words[:-1]), suffix


def surname(name: str) -> str:
    """The last word of a name before its suffix: "Donald Trump Jr." -> "Trump"."""
    return split_suffix(name)[0].split()[-1]


def _opens_name(tokens: list[str]) -> bool:
    """A name starts with a capital ("al-Assad" with its core's), or with a particle
    before more name ("de Silva")."""
    return (surname_core(tokens[0])[:1].isupper()
            or (len(tokens) > 1 and tokens[0] in PARTICLES))


def surname_core(word: str) -> str:
    """A name word without its hyphened particle: "al-Assad" -> "Assad"."""
    for particle in _HYPHENED_PARTICLES:
        if word.casefold().startswith(particle) and len(word) > len(particle):
            return word[len(particle):]
    return word


def _is_particle(word: str) -> bool:
    return word in PARTICLES or word.casefold() in _SURNAME_OPENERS


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


@lru_cache(maxsize=100_000)
def fold(token: str) -> str:
    """A spelling-insensitive form of one name word: Sergey/Sergei, Dmitry/Dmitri,
    Nikolay/Nikolai and accents fold together. Remembered: resolving an article's short
    mentions folds the same few words again and again."""
    plain = unicodedata.normalize("NFKD", token.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).replace("’", "'")
    for pattern, replacement in _VARIANT_ENDINGS:
        plain = pattern.sub(replacement, plain)
    return plain


_VARIANT_KEYS: dict[str, tuple[str, ...]] = {}
_MAX_REMEMBERED = 1 << 21


def remember_variant_keys(names: Iterable[str], keys: Iterable[tuple[str, ...]]) -> None:
    """Take variant keys computed elsewhere (the writer stores each segment's), so a worker
    does not compute them again for a corpus's tens of thousands of names."""
    if len(_VARIANT_KEYS) < _MAX_REMEMBERED:
        _VARIANT_KEYS.update(zip(names, keys, strict=True))


def variant_key(name: str) -> tuple[str, ...]:
    """`_variant_key`, remembered (the same names come back with every snapshot)."""
    found = _VARIANT_KEYS.get(name)
    if found is None:
        found = _variant_key(name)
        if len(_VARIANT_KEYS) < _MAX_REMEMBERED:
            _VARIANT_KEYS[name] = found
    return found


# Changes whenever `variant_key` gives other keys: keys a writer stored with another
# version are not used (segment_data.value_keys).
VARIANT_KEY_VERSION = 2


def _variant_key(name: str) -> tuple[str, ...]:
    """Names with the same key are spellings of one person: first and last word folded,
    the last without its hyphened particle ("Bashar al-Assad" is "Bashar Assad"). A
    surname written with its particle ("bin Laden", "De Gaulle") keys as the surname. A
    suffix is a part of its own ("Donald Trump Jr." is not "Donald Trump"). Hyphen and
    space are one ("Kareem Abdul-Jabbar" is "Kareem Abdul Jabbar", "Jean-Claude Juncker"
    "Jean Claude Juncker"): the first word keys by its first part, the last by its last."""
    base, suffix = split_suffix(name)
    words = [w for w in base.split() if not (len(w) <= 2 and w.endswith("."))]
    while len(words) > 1 and _is_particle(words[0]):
        words.pop(0)
    if not words:
        return ()
    last = _last_part(fold(surname_core(words[-1])))
    key = (_first_part(fold(words[0])), last) if len(words) > 1 else (last,)
    return key + (f"+{suffix.casefold()}",) if suffix else key


def _first_part(word: str) -> str:
    return word.split("-", 1)[0] or word


def _last_part(word: str) -> str:
    return word.rsplit("-", 1)[-1] or word


def _base_key(key: tuple[str, ...]) -> tuple[str, ...]:
    """A variant key without its suffix part."""
    return key[:-1] if key and key[-1].startswith("+") else key


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
        return full_suffix not in _GENERATIONS and _first_or_last_word(mention, full_base)
    return (len(full_words) > len(words)
            and [fold(w) for w in full_words[-len(words):]] == [fold(w) for w in words])


def _first_or_last_word(word: str, name: str) -> bool:
    words = name.split()
    return fold(surname_core(word)) in (fold(surname_core(words[-1])), fold(words[0]))


# A lone surname counts under a full name whose articles are at least this share of the
# articles of every full name with that surname: "Trump" is Donald Trump beside Melania,
# Ivanka and Eric Trump; "Clinton" stays a surname between Hillary and Bill Clinton.
DOMINANT_SHARE = 0.75


def surname_target(full: tuple[str, ...], weight: Callable[[str], int]) -> str | None:
    """The full name a lone surname stands for across a corpus: the only full name with
    that surname, or one that holds DOMINANT_SHARE of their articles (`weight`)."""
    if len(full) == 1:
        return full[0]
    if not full:
        return None
    weights = [(weight(name), name) for name in full]
    top_weight, top = max(weights)
    total = sum(w for w, _ in weights)
    return top if total and top_weight >= DOMINANT_SHARE * total else None


def _best(names: Iterable[str], counts: dict[str, int]) -> str:
    """A variant group's canonical spelling: its most common, then longest, name."""
    return max(names, key=lambda n: (counts[n], len(n), n))


def canonical_names(counts: dict[str, int]) -> dict[str, str]:
    """Map every name of a corpus to its canonical form.

    Spelling variants of one person share a variant key and take its most common
    spelling; a one-word name takes the full name whose last word it is, when that is the
    only one or a dominant one across the corpus (`surname_target`). The reference for
    `CanonicalNames`, which gives the same answers incrementally.
    """
    groups: dict[tuple, list[str]] = {}
    for name in counts:
        groups.setdefault(variant_key(name), []).append(name)
    canonical: dict[str, str] = {}
    totals = {key: sum(counts[n] for n in names) for key, names in groups.items()}
    by_surname: dict[tuple[str, ...], list[str]] = {}
    for key, names in groups.items():
        best = _best(names, counts)
        for name in names:
            canonical[name] = best
        if len(_base_key(key)) == 2:  # a full name: surname-only mentions key as its tail
            by_surname.setdefault(key[1:], []).append(best)
    for key, names in groups.items():
        if len(_base_key(key)) == 1:
            target = surname_target(tuple(by_surname.get(key, ())),
                                    lambda n: totals[variant_key(n)])
            if target is not None:
                for name in names:
                    canonical[name] = target
    return canonical


class CanonicalNames:
    """`canonical_names` kept up to date as counts change, redoing only the variant groups
    and surnames whose names changed: a snapshot after an add of a few articles touches a
    few groups of the corpus's tens of thousands. Same answers as `canonical_names`."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        # Tuples, not lists and sets: most groups and surnames hold one name, and a set of
        # one is 216 bytes against a tuple's 48 (tens of thousands of them per worker).
        self.groups: dict[tuple, tuple[str, ...]] = {}
        self.best: dict[tuple, str] = {}
        self.totals: dict[tuple, int] = {}  # a group's articles, all spellings together
        self.by_surname: dict[tuple, tuple[str, ...]] = {}
        self.canonical: dict[str, str] = {}
        self.version = 0  # changes whenever a name's canonical form does

    def update(self, counts: dict[str, int]) -> dict[str, str]:
        """The canonical name of every name of `counts` (the whole corpus, as it is now)."""
        if not self.counts:
            return self._start(counts)
        old = self.counts
        changed = [n for n, c in counts.items() if old.get(n) != c]
        changed += [n for n in old if n not in counts]
        if not changed:
            return self.canonical
        self.counts = dict(counts)
        return self._redo(changed)

    def update_changed(self, changes: dict[str, int]) -> dict[str, str]:
        """`update` when only the names of `changes` (each with its new count, none zero)
        moved since the last call: a caller that knows which counts changed (by comparing
        count arrays) spares the comparison of every name's count."""
        if not changes:
            return self.canonical
        if not self.counts:
            raise ValueError("update_changed needs a full update first")
        self.counts.update(changes)
        return self._redo(list(changes))

    def _weight(self, name: str) -> int:
        return self.totals.get(variant_key(name), 0)

    def _target(self, key: tuple) -> str | None:
        """Where the names of group `key` go: a surname's full name, or the group's best."""
        if len(_base_key(key)) == 1:
            target = surname_target(self.by_surname.get(key, ()), self._weight)
            if target is not None:
                return target
        return self.best.get(key)

    def _redo(self, changed: list[str]) -> dict[str, str]:
        """Redo the groups and surnames of `changed` names against `self.counts`."""
        counts = self.counts
        touched: set[tuple] = set()
        for name in changed:
            key = variant_key(name)
            touched.add(key)
            group = self.groups.get(key, ())
            if name in counts:
                if name not in group:
                    self.groups[key] = (*group, name)
            else:
                if name in group:
                    self.groups[key] = tuple(n for n in group if n != name)
                self.canonical.pop(name, None)
        touched_surnames: set[tuple] = set()
        for key in touched:
            names = self.groups.get(key)
            previous = self.best.pop(key, None)
            best = _best(names, counts) if names else None
            if best is None:
                self.groups.pop(key, None)
                self.totals.pop(key, None)
            else:
                self.best[key] = best
                self.totals[key] = sum(counts[n] for n in names)
            if len(_base_key(key)) == 2:  # its weight moved: its surname may go elsewhere
                if best != previous:
                    full = tuple(n for n in self.by_surname.get(key[1:], ()) if n != previous)
                    if best is not None and best not in full:
                        full = (*full, best)
                    if full:
                        self.by_surname[key[1:]] = full
                    else:
                        self.by_surname.pop(key[1:], None)
                touched_surnames.add(key[1:])
        moved = any(name not in counts for name in changed)
        for key in touched | (touched_surnames & self.groups.keys()):
            target = self._target(key)
            for name in self.groups.get(key, ()):
                if self.canonical.get(name) != target:
                    self.canonical[name] = target
                    moved = True
        if moved:
            self.version += 1
        return self.canonical

    def _start(self, counts: dict[str, int]) -> dict[str, str]:
        """The first computation, in bulk (what `canonical_names` does, state kept)."""
        self.counts = dict(counts)
        lists: dict[tuple, list[str]] = {}
        for name in counts:
            lists.setdefault(variant_key(name), []).append(name)
        groups = {key: tuple(names) for key, names in lists.items()}
        del lists
        self.best = {key: _best(names, counts) for key, names in groups.items()}
        self.totals = {key: sum(counts[n] for n in names) for key, names in groups.items()}
        surnames: dict[tuple, list[str]] = {}
        for key, name in self.best.items():
            if len(_base_key(key)) == 2:
                surnames.setdefault(key[1:], []).append(name)
        self.by_surname = {key: tuple(names) for key, names in surnames.items()}
        del surnames
        self.groups = groups
        canonical: dict[str, str] = {}
        for key, names in groups.items():
            target = self._target(key)
            for name in names:
                canonical[name] = target
        self.canonical = canonical
        self.version += 1
        return canonical


def unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
