"""What an article's metadata adds to the people found in its text.

The model sees only text; the article also knows its outlet. The outlet is not a person
however the model tagged it ("told Al Jazeera"), and first mention is measured on the
text itself, so a headline that says "Putin" puts Vladimir
Putin first even when the model only tagged him in the body. A title-cased headline also
misleads the model ("Putin Discusses ..."): a name seen only on such lines that holds
another person's surname is that person. Cheap and deterministic, so it runs on cached
extractions too and needs no cache invalidation.
"""

from __future__ import annotations

from collections import Counter

from searchapp.article import Article
from searchapp.canonical_names import fold
from searchapp.enrich.names import surname


def _first_position(text: str, words: str) -> int | None:
    """Where `words` first stands as whole words in `text` (str.find: this runs per name
    per article on every build, so no regular expressions)."""
    start = text.find(words)
    while start >= 0:
        end = start + len(words)
        if (start == 0 or not text[start - 1].isalnum()) and (
                end == len(text) or not text[end].isalnum()):
            return start
        start = text.find(words, start + 1)
    return None


def _title_cased(line: str) -> bool:
    words = [w for w in line.split() if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _headline_artefact(name: str, surnames: Counter, text: str) -> bool:
    """`name` occurs only on title-cased lines and contains another person's surname
    (`surnames`: last words of the article's full names, this one's included)."""
    words = name.split()
    if len(words) < 2:
        return False
    if not any(surnames[w] > (w == surname(name)) for w in set(words)):
        return False
    lines = [line for line in text.splitlines() if _first_position(line, name) is not None]
    return bool(lines) and all(_title_cased(line) for line in lines)


def settle_people(article: Article, text: str, names: list[str]) -> list[str]:
    """`names` (from the model) without the outlet, in order of first mention in `text`.

    The article's authors are not added: a byline is not a mention (the page-debris step
    has already taken bylines, credits and bios out of `text`)."""
    outlet = fold(article.outlet) if article.outlet else None
    people = [n for n in names if fold(n) != outlet]
    surnames = Counter(surname(n) for n in people if " " in n)
    people = [n for n in people if not _headline_artefact(n, surnames, text)]
    last_words = Counter(surname(n) for n in people)
    positions: list[int] = []
    for name in people:
        spots = [_first_position(text, name)]
        last = surname(name)
        if len(name.split()) > 1 and last_words[last] == 1:
            spots.append(_first_position(text, last))
        found = [s for s in spots if s is not None]
        # a name the text spells differently keeps its place after the name before it
        positions.append(min(found) if found else (positions[-1] if positions else -1))
    order = sorted(range(len(people)), key=lambda i: (positions[i], i))
    return [people[i] for i in order]
