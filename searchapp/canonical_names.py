"""What one person's name is, shared by enrichment (per article) and the engine (across
the corpus): spelling variants folded into one key, and each key's canonical spelling.

`enrich` cleans and resolves the mentions of one article; the engine merges the names of a
whole index into one per person, for the people facet and `person:` queries. Both need the
same keys, so they live here, below both layers, and neither keeps state in this module:
a caller that already knows keys (the engine reads each segment's, stored by its writer)
hands them to its own `VariantKeys`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

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
# A generation or regnal suffix ends a name and tells people apart: "Donald Trump Jr." is
# not his father, "John Paul II" is not "John Paul I".
GENERATION = re.compile(r"(?i:[JS]r)\.?")
GENERATIONS = ("Jr.", "Sr.")
REGNAL = re.compile(r"(?=[XVI])X{0,3}(?:IX|IV|V?I{0,3})")
_VARIANT_ENDINGS = ((re.compile(r"(?:iy|yy|ii|y)$"), "i"), (re.compile(r"ey$"), "ei"),
                    (re.compile(r"ay$"), "ai"))


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


def surname_core(word: str) -> str:
    """A name word without its hyphened particle: "al-Assad" -> "Assad"."""
    for particle in _HYPHENED_PARTICLES:
        if word.casefold().startswith(particle) and len(word) > len(particle):
            return word[len(particle):]
    return word


def _is_particle(word: str) -> bool:
    return word in PARTICLES or word.casefold() in _SURNAME_OPENERS


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


# Changes whenever `variant_key` gives other keys: keys a writer stored with another
# version are not used (segment_data.value_keys).
VARIANT_KEY_VERSION = 2


@lru_cache(maxsize=1 << 18)
def variant_key(name: str) -> tuple[str, ...]:
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



class VariantKeys:
    """`variant_key`, remembering keys handed over by the caller: an index's writer stores
    each segment's keys, so a serving worker looks its tens of thousands of names up
    instead of computing them again for every snapshot. One per index, owned by who reads
    it (no module-wide cache written from the engine)."""

    MAX_REMEMBERED = 1 << 21

    def __init__(self) -> None:
        self._known: dict[str, tuple[str, ...]] = {}

    def remember(self, names: Iterable[str], keys: Iterable[tuple[str, ...]]) -> None:
        if len(self._known) < self.MAX_REMEMBERED:
            self._known.update(zip(names, keys, strict=True))

    def __call__(self, name: str) -> tuple[str, ...]:
        found = self._known.get(name)
        if found is None:
            found = variant_key(name)
            if len(self._known) < self.MAX_REMEMBERED:
                self._known[name] = found
        return found


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

    def __init__(self, key: Callable[[str], tuple[str, ...]] = variant_key) -> None:
        self.key = key  # a name's variant key (a VariantKeys that knows the index's)
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
        return self.totals.get(self.key(name), 0)

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
            key = self.key(name)
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
            lists.setdefault(self.key(name), []).append(name)
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
