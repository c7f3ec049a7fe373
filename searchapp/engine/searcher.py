"""Answer SearchRequests from the live index generation, reopening when it changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import numpy as np
from whoosh import query as wq

from searchapp.engine.collect import ordering
from searchapp.engine.collect.discovery import (
    SUGGEST_BELOW_HITS,
    similar_query,
    suggest_query,
    values_with_prefix,
)
from searchapp.engine.collect.matching import (
    all_of,
    facet_names,
    filter_masks,
    matching,
)
from searchapp.engine.collect.ranking import Ranked, explanations, rank_matches
from searchapp.engine.collect.research import export_order, stored_in_order, timeline_series
from searchapp.engine.collect.snippets import highlighter, lead
from searchapp.engine.declared import WHOOSH_PREFIX
from searchapp.engine.errors import (
    IndexUnavailable,
    InvalidParameter,
    UnknownFacetField,
)
from searchapp.engine.read.budget import Budget
from searchapp.engine.read.facets import EPOCH, NO_DAY, FacetColumns
from searchapp.engine.read.query import positive_leaves
from searchapp.engine.read.snapshots import Snapshot, Snapshots
from searchapp.engine.schema import split_list
from searchapp.engine.store import IndexStore
from searchapp.engine.types import (
    MAX_COPIES_LISTED,
    ArticleRecord,
    Copies,
    Copy,
    FacetBucket,
    Hit,
    IndexStats,
    SearchRequest,
    SearchResult,
    Timeline,
    TimelineRequest,
)


def _day(number: int) -> date:
    return EPOCH + timedelta(days=number)


def _canonical_people(columns: FacetColumns, stored: str | None) -> list[str]:
    """An article's people under the corpus-wide canonical names the facets use."""
    return list(dict.fromkeys(columns.person.display(name) for name in split_list(stored)))


def _declared_values(columns: FacetColumns, stored: dict) -> dict[str, list[str]]:
    """An article's values of the index's declared facet fields, by facet name."""
    return {name: split_list(stored.get(WHOOSH_PREFIX + name)) for name in columns.declared}


def story_numbers(snap: Snapshot, parameter: str) -> np.ndarray:
    """Each document's story number; InvalidParameter for an index without stories."""
    if snap.columns.story is None:
        raise InvalidParameter(parameter, "this index has no story clusters (it was built "
                               "before them): rebuild it with `searchapp index build`")
    return snap.columns.story


def _copy(stored: dict) -> Copy:
    return Copy(stored["id"], stored.get("title", ""), stored.get("outlet", ""))


def _published(value) -> date | None:
    return value.date() if value is not None else None


class Export:
    """An export's articles as `ArticleRecord`s (body empty unless asked for)."""

    def __init__(self, context, snap: Snapshot, order: np.ndarray, with_body: bool):
        self._context, self._snap, self._with_body = context, snap, with_body
        self.order = order
        self._closed = False

    def __len__(self) -> int:
        return len(self.order)

    @property
    def fields(self) -> list[str]:
        """The index's declared facet fields, in each record's `fields`."""
        return list(self._snap.columns.declared)

    def __iter__(self) -> Iterator[ArticleRecord]:
        try:
            for stored in stored_in_order(self._snap, self.order):
                yield _record(self._snap, stored, self._with_body)
        finally:
            self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._context.__exit__(None, None, None)


def _record(snap: Snapshot, stored: dict, with_body: bool) -> ArticleRecord:
    return ArticleRecord(
        id=stored["id"], title=stored.get("title", ""),
        body=stored.get("body", "") if with_body else "",
        outlet=stored.get("outlet", ""), published=_published(stored.get("published")),
        authors=split_list(stored.get("authors")),
        people=_canonical_people(snap.columns, stored.get("people")),
        url=stored.get("url", ""), fields=_declared_values(snap.columns, stored),
        story=stored.get("story", ""))


class Searcher:
    """Thread-safe entry point over the live index, which it follows as it changes.

    `budget_seconds` bounds each search and similar-articles call (None: unbounded, for
    benchmarks and the CLI); a call that runs out raises QueryTimeout.
    """

    def __init__(self, store: IndexStore, budget_seconds: float | None = None):
        self.store = store
        self.budget_seconds = budget_seconds
        self._lock = threading.RLock()  # one request at a time on a snapshot's caches
        self._snapshots = Snapshots(store)

    def _budget(self) -> Budget:
        return Budget(self.budget_seconds)

    @contextmanager
    def _snapshot(self) -> Iterator[Snapshot]:
        with self._lock, self._snapshots.using() as snapshot:
            yield snapshot

    def warm(self) -> None:
        """Open the live generation now and follow it from then on (servers): a worker is
        ready before its first request, and adds, deletes and rebuilds reach it within a
        fraction of a second without ever holding up a request."""
        self._snapshots.serving = True
        try:
            if self.store.current_name() is not None:
                with self._snapshot():
                    pass
        except IndexUnavailable:
            pass  # requests answer 503 with the reason until the index is fixed
        self._snapshots.watch()

    def generation(self) -> str:
        with self._snapshot() as snap:
            return snap.generation

    def doc_count(self) -> int:
        with self._snapshot() as snap:
            return int(snap.columns.live.sum())

    # -- search ----------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        """Results, facets and suggestion; InvalidQuery / QueryTooExpensive for a query that
        cannot be answered as written, QueryTimeout when the budget runs out."""
        started = time.perf_counter()
        budget = self._budget()
        with self._snapshot() as snap:
            result = self._search(snap, request, budget)
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    def _search(self, snap: Snapshot, request: SearchRequest, budget: Budget) -> SearchResult:
        groups = None
        if request.collapse or request.count_by == "story":
            groups = story_numbers(snap, "collapse" if request.collapse else "count_by")
        q = snap.query_text.parse(request.q)
        matched, scores, highlight = matching(snap, q, budget)
        masks = filter_masks(snap, request)
        final = all_of(matched, masks)
        ranked = rank_matches(snap, q, final, scores, request.sort, request.rank, budget)
        if ranked is not None:
            scores = ranked.scores

        budget.check_time()
        facets, interval = self._facets(snap, request, matched, masks,
                                        groups if request.count_by == "story" else None)
        articles = int(final.sum())
        if request.collapse:
            hits, total = self._collapsed_hits(snap, request, q, final, scores, highlight,
                                               groups, budget)
        else:
            hits, total = self._hits(snap, request, q, final, scores, highlight, budget), articles
        if request.explain and ranked is not None:
            self._explain(snap, q, ranked, hits, budget)
        suggestion = None
        if total < SUGGEST_BELOW_HITS and request.q.strip():
            suggestion = suggest_query(snap.searcher, request.q, budget)
        return SearchResult(
            total=total,
            page=request.page,
            per_page=request.per_page,
            took_ms=0.0,
            hits=hits,
            facets=facets,
            date_interval=interval,
            suggestion=suggestion,
            articles=articles,
        )

    def _facets(self, snap, request, matched, masks, groups=None):
        """Disjunctive counts: each facet sees every filter except its own; of articles, or
        of distinct stories when `groups` (each document's story) is given."""
        facets: dict[str, list] = {}
        interval = None

        def scope(own: str) -> np.ndarray:
            mask = matched.copy()
            for name, other in masks.items():
                if name != own:
                    mask &= other
            return mask

        wanted = facet_names(snap) if request.facets is None else request.facets
        for name in wanted:
            facet = snap.facets.get(name)
            if facet is None:
                raise UnknownFacetField("facets", name, facet_names(snap))
            facets[name], counted_by = facet.counts(scope(name), request, groups)
            interval = counted_by or interval
        return facets, interval

    def _hits(self, snap, request, q, final, scores, highlight, budget: Budget) -> list[Hit]:
        start = (request.page - 1) * request.per_page
        page = ordering.page(snap, q, final, scores, request.sort, start,
                             start + request.per_page, budget)
        terms = None
        if request.snippets:
            terms = highlight if highlight is not None else self._highlight_terms(snap, q)
        hits = []
        for docnum, score in page:
            budget.check_time()
            hits.append(self._hit(snap, docnum, score, terms))
        return hits

    @staticmethod
    def _explain(snap, q, ranked: Ranked, hits: list[Hit], budget: Budget) -> None:
        """Fill each scored hit's `explanation` (the parts of its score)."""
        scored = {hit.id: hit for hit in hits if hit.score is not None}
        docnums = {snap.searcher.document_number(id=i): hit for i, hit in scored.items()}
        for docnum, explanation in explanations(snap, q, ranked, list(docnums),
                                                budget).items():
            docnums[docnum].explanation = explanation

    def _collapsed_hits(self, snap, request, q, final, scores, highlight, groups,
                        budget: Budget) -> tuple[list[Hit], int]:
        """One hit per story, its best-ranked copy, with the story's other matching copies;
        and the number of stories (what the pages count)."""
        order, ranked_by = ordering.ordered(snap, q, final, scores, request.sort, budget)
        stories = groups[order]
        _, first = np.unique(stories, return_index=True)
        leaders = order[np.sort(first)]
        start = (request.page - 1) * request.per_page
        terms = None
        if request.snippets:
            terms = highlight if highlight is not None else self._highlight_terms(snap, q)
        hits = []
        for docnum in leaders[start:start + request.per_page].tolist():
            budget.check_time()
            score = ranked_by[docnum] if ranked_by is not None else None
            hit = self._hit(snap, docnum, score, terms)
            others = order[(stories == groups[docnum]) & (order != docnum)]
            hit.copies = Copies(int(len(others)), [
                _copy(snap.searcher.stored_fields(d))
                for d in others[:MAX_COPIES_LISTED].tolist()])
            hits.append(hit)
        return hits, int(len(leaders))

    @staticmethod
    def _highlight_terms(snap, q) -> frozenset[str]:
        """The query's plain words and phrase words as indexed in title/body (stems).

        Only for queries whoosh answers; wildcards are not expanded here (the vectorised
        path reports the words it expanded, within the request's budget).
        """
        reader = snap.searcher.reader()
        found = set()
        for leaf in positive_leaves(q):  # the words of NOT clauses are not highlighted
            if not isinstance(leaf, (wq.Term, wq.Phrase)):
                continue
            for field, text in leaf.expanded_terms(reader, phrases=True):
                if field in ("title", "text") and (field, text) in reader:
                    found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
        return frozenset(found)

    @staticmethod
    def _hit(snap, docnum: int, score, terms) -> Hit:
        stored = snap.searcher.stored_fields(docnum)
        body = stored.get("body", "")
        return Hit(
            id=stored["id"],
            title=stored.get("title", ""),
            outlet=stored.get("outlet", ""),
            published=_published(stored.get("published")),
            authors=split_list(stored.get("authors")),
            people=_canonical_people(snap.columns, stored.get("people")),
            url=stored.get("url", ""),
            score=round(float(score), 4) if score is not None else None,
            snippet=(highlighter(snap).snippet(body, terms) if terms else lead(body))
            if terms is not None else "",
            fields=_declared_values(snap.columns, stored),
            story=stored.get("story", ""),
        )

    def stats(self) -> IndexStats:
        """Counts per outlet and the date range of the live generation."""
        with self._snapshot() as snap:
            cols = snap.columns
            counts = cols.outlet.counts(cols.live)
            days = cols.day.days[cols.live]
            known = days[days != NO_DAY]
            no_outlet = int(cols.live.sum()) - int(
                np.unique(cols.outlet.posting_doc[cols.live[cols.outlet.posting_doc]]).size
            )
            return IndexStats(
                generation=snap.generation,
                documents=int(cols.live.sum()),
                outlets=sorted(
                    ((cols.outlet.values[i], int(counts[i])) for i in np.flatnonzero(counts)),
                    key=lambda pair: (-pair[1], pair[0]),
                ),
                without_outlet=no_outlet,
                people=int(np.count_nonzero(cols.person.counts(cols.live))),
                first_day=_day(int(known.min())) if len(known) else None,
                last_day=_day(int(known.max())) if len(known) else None,
                without_date=int(len(days) - len(known)),
                declared={name: int(np.count_nonzero(column.counts(cols.live)))
                          for name, column in cols.declared.items()},
            )

    # -- research ----------------------------------------------------------------------------
    def timeline(self, request: TimelineRequest) -> Timeline:
        """Per period, the articles each query matches next to all articles in the filters."""
        started = time.perf_counter()
        with self._snapshot() as snap:
            interval, series = timeline_series(snap, request, self._budget())
        return Timeline(interval, round((time.perf_counter() - started) * 1000, 2), series)

    def export(self, request: SearchRequest, with_body: bool = False) -> Export:
        """Every matching article in the request's sort, read one at a time as the caller
        iterates; the snapshot is held until the iteration ends or `close()` is called.
        InvalidQuery / QueryTimeout are raised here, before anything is read."""
        context = self._snapshot()
        snap = context.__enter__()
        try:
            order = export_order(snap, request, self._budget())
        except BaseException:
            context.__exit__(None, None, None)
            raise
        return Export(context, snap, order, with_body)

    # -- discovery ---------------------------------------------------------------------------
    def facet_values(self, field: str, prefix: str, size: int) -> list[FacetBucket]:
        """Values of `outlet`, `person` or a declared field with a word starting with
        `prefix`, with counts; UnknownFacetField for any other name."""
        with self._snapshot() as snap:
            facet = snap.facets.get(field)
            if facet is None or facet.values is None:
                raise UnknownFacetField("field", field, [n for n, f in snap.facets.items()
                                                         if f.values is not None])
            return values_with_prefix(facet.values, snap.columns.live, prefix, size)

    def facet_fields(self) -> list[str]:
        """The facets the live index can count: outlet, person, date, then declared ones."""
        with self._snapshot() as snap:
            return facet_names(snap)

    def similar(self, article_id: str, limit: int) -> list[Hit] | None:
        """Articles most like the given one (more-like-this over its key terms, scored on
        the vectorised path); None when the id is unknown."""
        budget = self._budget()
        with self._snapshot() as snap:
            found = self._stored(snap, article_id)
            if found is None:
                return None
            docnum, stored = found
            text = f"{stored.get('title', '')}\n{stored.get('body', '')}"
            evaluated = snap.fast.evaluate(similar_query(snap.fast, text), budget)
            if evaluated is None:  # key terms are plain terms: not expected
                return []
            mask = evaluated.mask.copy()
            mask[docnum] = False
            nearest = ordering.top_documents(evaluated.scores, mask & (evaluated.scores > 0),
                                             0, limit)
            return [self._hit(snap, d, score, frozenset()) for d, score in nearest]

    # -- single articles -------------------------------------------------------------------
    @staticmethod
    def _stored(snap, article_id: str) -> tuple[int, dict] | None:
        """(document number, stored fields) of an article id in a snapshot, if it is there."""
        docnum = snap.searcher.document_number(id=article_id)
        return None if docnum is None else (docnum, snap.searcher.stored_fields(docnum))

    def article(self, article_id: str) -> ArticleRecord | None:
        with self._snapshot() as snap:
            found = self._stored(snap, article_id)
            if found is None:
                return None
            return _record(snap, found[1], with_body=True)
