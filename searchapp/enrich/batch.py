"""The enrichment of a batch of articles, wherever it runs: in the command's own process, a
local process pool, or a Dask worker on another machine.

Everything an article needs before it is written that does not depend on other articles:
clean text without page debris, its headline, tidy outlet and authors, the people it
mentions (unless the cache had them) and its story signature. A pure function of its
arguments and of the installed searchapp, so a batch gives the same articles on any machine
with the same release; a worker whose extractor version differs refuses the batch rather
than mixing two extractors' people in one index.

The people cache lives next to the index, on the machine that runs the command: it is
looked up before a batch is sent (by `people_source`, the raw fields normalisation reads)
and filled from what comes back (`BatchResult.extracted`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from searchapp.article import Article
from searchapp.enrich import normalise_article, people_text
from searchapp.enrich.extractor_version import EXTRACTOR_VERSION
from searchapp.enrich.people_context import settle_people
from searchapp.enrich.stories import signature_bytes


class ExtractorMismatch(RuntimeError):
    """A worker runs another people extractor (another searchapp release) than the build."""


@dataclass
class BatchResult:
    """The enriched articles, in order, and the names the model found for each article it
    ran on (None where the cache or the source gave them): what the cache keeps."""

    articles: list[Article]
    extracted: list[list[str] | None]


def people_source(article: Article) -> str:
    """What an article's people depend on, before normalisation (which reads the title,
    body, outlet and authors): the people cache's key is made from it, so the command can
    look the cache up before the batch is sent anywhere."""
    return "\0".join((article.title, article.body, article.outlet, "\x1f".join(article.authors)))


def needs_people(article: Article) -> bool:
    """Whether the people of an article are to be found (its source did not give them)."""
    return not article.people


def enrich_batch(articles: list[Article], cached: list[list[str] | None],
                 version: str = EXTRACTOR_VERSION, people: bool = True,
                 sign: bool = True) -> BatchResult:
    """Normalise each article, find its people (the model runs on those without `cached`
    names), settle them against its metadata and sign its story.

    `version` is the extractor version of the build: ExtractorMismatch when this
    process's differs. `people=False` (collections that are not news) only normalises;
    `sign=False` leaves story signatures to the writer."""
    if version != EXTRACTOR_VERSION:
        raise ExtractorMismatch(
            f"this worker's people extractor is {EXTRACTOR_VERSION}, the build's {version}: "
            "install the same searchapp release on every worker")
    normalised = [normalise_article(article) for article in articles]
    todo = [i for i, article in enumerate(normalised)
            if people and needs_people(article) and cached[i] is None]
    extracted: list[list[str] | None] = [None] * len(articles)
    if todo:
        from searchapp.enrich.people import extract_people_many  # spaCy: only when needed

        found = extract_people_many([people_text(normalised[i]) for i in todo])
        for i, names in zip(todo, found, strict=True):
            extracted[i] = names
    enriched = []
    for i, article in enumerate(normalised):
        changes: dict = {}
        if people and needs_people(article):
            names = cached[i] if cached[i] is not None else extracted[i]
            changes["people"] = settle_people(article, people_text(article), names or [])
        if sign:
            changes["story_signature"] = signature_bytes(article.title, article.body)
        enriched.append(replace(article, **changes) if changes else article)
    return BatchResult(enriched, extracted)


def worker_version() -> str:
    """This process's extractor version (asked of every cluster worker before a build)."""
    return EXTRACTOR_VERSION
