"""Fill and normalise Article fields: title, outlet, people. No whoosh, no Flask here."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from searchapp.article import Article
from searchapp.enrich.people import extract_people
from searchapp.enrich.title import split_headline

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


def enrich_article(article: Article) -> Article:
    """Return the article with a headline, clean text, a tidy outlet and its people."""
    body = clean_text(article.body)
    title = _SPACES.sub(" ", article.title).strip()
    if not title:
        title, body = split_headline(body)
    people = article.people or extract_people(f"{title}\n\n{body}")
    return replace(
        article,
        title=title,
        body=body.strip(),
        outlet=_SPACES.sub(" ", article.outlet).strip(),
        authors=[a for a in (_SPACES.sub(" ", x).strip() for x in article.authors) if a],
        people=people,
    )
