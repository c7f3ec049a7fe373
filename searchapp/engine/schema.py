"""The whoosh schema and how an Article becomes a whoosh document."""

from __future__ import annotations

from datetime import datetime

from whoosh import fields
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer

from searchapp.article import Article
from searchapp.canonical_names import fold
from searchapp.engine.capture import CapturedFrequency
from searchapp.engine.declared import FacetDeclaration, add_to_schema
from searchapp.engine.english import EnglishAnalyzer

# Query-syntax field names users type, mapped to the word-level fields behind them.
QUERY_FIELD_ALIASES = {
    "outlet_words": ["outlet"],
    "person_words": ["person", "people"],
}
# Free text searches `text` (headline + body as one field, so BM25 saturates a word's
# frequency over the whole article, as true BM25F does) plus a bonus from `title`.
TEXT_FIELDS = ("text", "title")
LIST_SEPARATOR = ","


def text_analyzer():
    """English words with Porter stemming and stop words, for title and body."""
    return EnglishAnalyzer()


class NameVariantFilter(Filter):
    """Folds name spellings (Sergey/Sergei) so `person:sergey` finds both."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


def name_analyzer():
    """Lowercased words without stemming or stop words, so `person:yi` finds Wang Yi."""
    return RegexTokenizer(r"\w+(?:['’\-]\w+)*") | LowercaseFilter() | NameVariantFilter()


def _captured(field: fields.TEXT) -> fields.TEXT:
    """A positional field whose positions go to the segment's arrays (capture.py)."""
    field.format = CapturedFrequency(field_boost=field.format.field_boost)
    return field


def build_schema(declared: list[FacetDeclaration] | None = None) -> fields.Schema:
    """Exact-value fields (`outlet`, `people`, `day`, and the declared `facet_*`) feed
    filters and facets; the `*_words` fields serve the `outlet:` and `person:` query
    prefixes; `body` is stored for snippets and searched through `text`."""
    return add_to_schema(fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=_captured(fields.TEXT(analyzer=text_analyzer(), stored=True, spelling=True)),
        body=fields.STORED(),
        text=_captured(fields.TEXT(analyzer=text_analyzer())),
        outlet=fields.ID(stored=True),
        outlet_words=_captured(fields.TEXT(analyzer=name_analyzer())),
        people=fields.KEYWORD(commas=True, stored=True, scorable=True),
        person_words=_captured(fields.TEXT(analyzer=name_analyzer())),
        authors=fields.KEYWORD(commas=True, stored=True),
        published=fields.DATETIME(stored=True),
        day=fields.ID(),
        url=fields.STORED(),
        # The story cluster: the id of the first article of the same text (stories.py),
        # and the article's MinHash band keys, where a later `add` finds its copies.
        story=fields.ID(stored=True),
        story_keys=fields.KEYWORD(),
    ), declared or [])


def _joined(values: list[str]) -> str:
    return LIST_SEPARATOR.join(v.replace(LIST_SEPARATOR, " ") for v in values)


def article_to_document(article: Article,
                        declared: list[FacetDeclaration] | None = None,
                        story: tuple[str, list[str]] | None = None) -> dict:
    """The whoosh document for one article; empty values are left out. `declared` facet
    fields take their values from the article's `extra` record keys; `story` is (story
    id, band keys) where the index has story clusters."""
    doc = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "text": f"{article.title}\n{article.body}",
        "url": article.url,
    }
    if article.outlet:
        doc["outlet"] = article.outlet
        doc["outlet_words"] = article.outlet
    if article.people:
        doc["people"] = _joined(article.people)
        doc["person_words"] = "\n".join(article.people)
    if article.authors:
        doc["authors"] = _joined(article.authors)
    if article.published:
        doc["published"] = datetime.combine(article.published, datetime.min.time())
        doc["day"] = article.published.isoformat()
    for declaration in declared or ():
        values = article.extra.get(declaration.source)
        if values:
            doc[declaration.field] = _joined(values)
    if story is not None:
        doc["story"] = story[0]
        if story[1]:
            doc["story_keys"] = " ".join(story[1])
    return doc


def split_list(value: str | None) -> list[str]:
    """Read back a stored comma-joined list."""
    return [v for v in (value or "").split(LIST_SEPARATOR) if v]
