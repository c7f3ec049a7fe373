"""A reference to check our index against: the same articles written by plain whoosh with
its Positions format (as indexes were before the segment arrays), so that whoosh's own
phrase search, scoring and more-like-this can be asked for the expected answers."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.formats import Positions
from whoosh.writing import SegmentWriter

from searchapp.article import Article
from searchapp.engine import IndexStore
from searchapp.engine.schema import article_to_document, build_schema, split_list

POSITIONAL = ("text", "title", "person_words", "outlet_words")


def plain_schema():
    """Our schema as it was before the segment arrays and story clusters."""
    schema = build_schema()
    for name in POSITIONAL:
        schema[name].format = Positions(field_boost=schema[name].format.field_boost)
    for name in ("story", "story_keys"):
        schema.remove(name)
    return schema


def old_format_index(root: Path, articles: list[Article],
                     name: str = "gen-20261101T000000-olderversion") -> Path:
    """An index folder as an older version wrote it: plain Positions, no arrays, no marker."""
    generation = Path(root) / name
    generation.mkdir(parents=True)
    ix = whoosh_index.create_in(str(generation), plain_schema())
    writer = SegmentWriter(ix)
    for article in articles:
        writer.add_document(**article_to_document(article))
    writer.commit()
    (Path(root) / "CURRENT").write_text(generation.name + "\n")
    return Path(root)


def stored_articles(root: Path) -> list[Article]:
    """The live articles of an index, as stored (people as indexed)."""
    ix = IndexStore(root).open_current()
    with ix.searcher() as searcher:
        articles = []
        for docnum in searcher.reader().all_doc_ids():
            stored = searcher.stored_fields(docnum)
            published = stored.get("published")
            articles.append(Article(
                id=stored["id"], title=stored.get("title", ""), body=stored.get("body", ""),
                outlet=stored.get("outlet", ""),
                published=published.date() if published else None,
                authors=split_list(stored.get("authors")),
                people=split_list(stored.get("people")), url=stored.get("url", "")))
    ix.close()
    return articles
