"""Fill and normalise Article fields: title, outlet, authors, people. No whoosh, no Flask.

The people model (spaCy) is imported only when people are extracted: commands that only
read the index (`--help`, `index stats`, `serve`) start without it.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from searchapp.article import Article
from searchapp.enrich.authors import clean_authors
from searchapp.enrich.page_debris import strip_debris
from searchapp.enrich.title import split_headline
from searchapp.ingest.outlets import clean_outlet

_BREAK_TAG = re.compile(r"<br\s*/?>|</p>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_SPACES = re.compile(r"[ \t\u00A0]+")


def clean_text(text: str) -> str:
    """Remove markup left in copied page text so it does not reach snippets or the index."""
    if "<" in text:
        text = _TAG.sub("", _BREAK_TAG.sub("\n", text))
    if "&" in text:
        text = html.unescape(text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())


def normalise_article(article: Article) -> Article:
    """Headline, clean text without page debris, tidy outlet and authors: everything but
    people (cheap)."""
    authors = clean_authors(article.authors)
    outlet = clean_outlet(article.outlet)
    body, _ = strip_debris(clean_text(article.body), authors, outlet)
    title = _SPACES.sub(" ", article.title).strip()
    if not title:
        title, body = split_headline(body)
    return replace(article, title=title, body=body.strip(), outlet=outlet, authors=authors)


def people_text(article: Article) -> str:
    """The text people are extracted from: headline and body."""
    return f"{article.title}\n\n{article.body}"


def enrich_article(article: Article) -> Article:
    """Return the article normalised and with the people it mentions."""
    from searchapp.enrich.people import extract_people
    from searchapp.enrich.people_context import settle_people

    article = normalise_article(article)
    if article.people:
        return article
    text = people_text(article)
    return replace(article, people=settle_people(article, text, extract_people(text)))
