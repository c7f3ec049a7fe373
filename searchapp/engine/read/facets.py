"""Facet values of an open index as NumPy arrays, so counting is vectorised.

Assembled for each snapshot from its segments' value arrays (the writer's, memory-mapped;
or, for segments written before those existed, read from whoosh once per segment): a query
then only turns its matching documents into a boolean mask, and every facet count is one
`np.bincount` over that mask, never a Python loop over hits. Values of deleted documents
are kept in the arrays and masked by the live documents, so a delete costs nothing here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from searchapp.canonical_names import CanonicalNames, VariantKeys
from searchapp.engine.read.ranges import offsets, range_indices
from searchapp.engine.types import DateBucket, FacetBucket

EPOCH = date(1970, 1, 1)
NO_DAY = np.iinfo(np.int32).min
AUTO_INTERVAL_LIMITS = ((62, "day"), (366, "week"), (366 * 8, "month"))


def day_number(day: date) -> int:
    return (day - EPOCH).days


@dataclass(eq=False)
class SegmentValues:
    """One value field of one segment, both ways round: (document, value) pairs sorted by
    document, and each value's documents. Documents are the segment's own numbers. Never
    changes, so a snapshot's columns are rebuilt from these without sorting anything."""

    values: list[str]
    docs: np.ndarray
    value_ids: np.ndarray
    value_docs: np.ndarray  # documents in (value, document) order
    value_offsets: np.ndarray  # where each value's documents begin, plus the end

    @classmethod
    def from_pairs(cls, values: list[str], docs: np.ndarray, value_ids: np.ndarray
                   ) -> SegmentValues:
        docs = np.asarray(docs, dtype=np.int32)
        value_ids = np.asarray(value_ids, dtype=np.int32)
        order = np.argsort(docs, kind="stable")
        docs, value_ids = docs[order], value_ids[order]
        by_value = np.argsort(value_ids, kind="stable")
        return cls(values, docs, value_ids, docs[by_value], _offsets(value_ids, len(values)))


@dataclass(eq=False)
class _Part:
    """A segment's values as one column sees them."""

    base: int
    values: SegmentValues
    to_column: np.ndarray  # segment value id -> column value id (-1: not in the column)


@dataclass(eq=False)  # identity semantics: arrays do not compare, and caches key on it
class ValueColumn:
    """A many-valued field over a snapshot: (document, value) postings sorted by document,
    and the segments' own value lists for filters.

    `aliases` maps other spellings (raw indexed values, or `key(value)` forms) to a
    value's id, so filters accept them and facets show one value per thing. `values` are
    sorted, so ordering ids orders values. `doc_offsets[d]:doc_offsets[d + 1]` are
    document d's postings, so a query that matches few documents counts only their
    postings instead of scanning all of them; a filter reads only its own values'
    documents, segment by segment (`parts`).
    """

    values: list[str]
    index: dict[str, int]
    posting_doc: np.ndarray
    posting_value: np.ndarray
    doc_offsets: np.ndarray
    parts: list[_Part]
    aliases: dict = field(default_factory=dict)
    key: Callable[[str], Hashable] | None = None
    universe: np.ndarray | None = None  # the live documents, once `within` is called
    universe_counts: np.ndarray | None = None
    _by_key: dict | None = None

    @classmethod
    def from_segments(cls, segments: list[tuple[SegmentValues, int]], live: np.ndarray,
                      key: Callable[[str], Hashable] | None = None,
                      memo: ColumnMemo | None = None) -> ValueColumn:
        """One column over segments' values ((values, segment base) pairs, in base order),
        keeping only values that some live document carries."""
        memo = memo or ColumnMemo()
        values, to_column = memo.union(segments)
        parts = [_Part(base, segment, to_column[segment]) for segment, base in segments]
        docs = np.concatenate([np.asarray(p.values.docs, dtype=np.int64) + p.base
                               for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        value_ids = np.concatenate([p.to_column[np.asarray(p.values.value_ids)]
                                    for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        present = np.bincount(value_ids[live[docs]], minlength=len(values)) > 0
        kept, index = memo.present(values, present)
        if not present.all():
            renumber = np.where(present, np.cumsum(present) - 1, -1)
            keep = present[value_ids]
            docs, value_ids = docs[keep], renumber[value_ids[keep]]
            for part in parts:
                part.to_column = renumber[part.to_column]
        return cls(kept, index, docs.astype(np.int32), value_ids.astype(np.int32),
                   _offsets(docs, len(live)), parts, key=key)

    def merged(self, canonical: dict[str, str],
               key: Callable[[str], Hashable] | None = None,
               memo: ColumnMemo | None = None, version: int | None = None) -> ValueColumn:
        """One value per canonical name; a document counts once per canonical value.
        Filters find a value by any raw spelling or by `key` of one. `memo` and `version`
        (of `canonical`) let the next snapshot reuse the tables when neither changed."""
        key = key or self.key
        names, index, old_to_new, aliases = (memo or ColumnMemo()).canonical_tables(
            self.values, canonical, version)
        new_values = old_to_new[self.posting_value]
        # Only a canonical name with several spellings can appear twice in one document:
        # look for repeats among those postings alone (a few), not by sorting them all.
        spelled_twice = np.flatnonzero(
            (np.bincount(old_to_new, minlength=len(names)) > 1)[new_values])
        keep = np.ones(len(new_values), dtype=bool)
        if len(spelled_twice):
            keys = (self.posting_doc[spelled_twice].astype(np.int64) * max(len(names), 1)
                    + new_values[spelled_twice])
            _, first = np.unique(keys, return_index=True)
            repeated = np.ones(len(spelled_twice), dtype=bool)
            repeated[first] = False
            keep[spelled_twice[repeated]] = False
        renumber = np.append(old_to_new, -1)  # -1 (not in the column) stays -1
        parts = [_Part(p.base, p.values, renumber[p.to_column]) for p in self.parts]
        if keep.all():  # no repeats: share the document arrays, do not copy them
            return ValueColumn(names, index, self.posting_doc, new_values.astype(np.int32),
                               self.doc_offsets, parts, aliases=aliases, key=key)
        docs = self.posting_doc[keep]
        return ValueColumn(names, index, docs, new_values[keep].astype(np.int32),
                           _offsets(docs, len(self.doc_offsets) - 1),
                           parts, aliases=aliases, key=key)

    def present(self) -> np.ndarray:
        """Documents carrying at least one value (`field:*`)."""
        return np.diff(self.doc_offsets) > 0

    def lookup(self, value: str) -> int | None:
        """The id of `value` or of the value it is another spelling of."""
        if value in self.index:
            return self.index[value]
        if value in self.aliases:
            return self.aliases[value]
        return self._keyed().get(self.key(value)) if self.key else None

    def _keyed(self) -> dict:
        """`key` of every spelling to its value id, built on the first lookup that needs
        it (a filter in a spelling the index never saw): most snapshots never do."""
        if self._by_key is None:
            self._by_key = {self.key(v): i for v, i in self.aliases.items()}
            self._by_key.update((self.key(v), i) for v, i in self.index.items())
        return self._by_key

    def display(self, value: str) -> str:
        found = self.lookup(value)
        return self.values[found] if found is not None else value

    def within(self, universe: np.ndarray) -> ValueColumn:
        """Keep the counts of every live document, so that a mask covering most of them is
        counted through its complement: a query matching 90% of the index reads 10%."""
        self.universe = universe
        self.universe_counts = self._counts(universe)
        return self

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many documents in `mask` carry each value."""
        if self.universe is not None and 2 * np.count_nonzero(mask) > len(mask):
            outside = mask & ~self.universe
            if not outside.any():
                return self.universe_counts - self._counts(self.universe & ~mask)
        return self._counts(mask)

    def _counts(self, mask: np.ndarray) -> np.ndarray:
        # Each matching document's postings through its offsets: cost grows with the
        # matches, and even at 90% of the index it beats masking every posting.
        docs = np.flatnonzero(mask)
        starts = self.doc_offsets[docs]
        picked = self.posting_value[range_indices(starts, self.doc_offsets[docs + 1] - starts)]
        return np.bincount(picked, minlength=len(self.values))

    def group_counts(self, mask: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """How many distinct groups (stories) among the documents in `mask` carry each
        value: five copies of one story on CNN count once for CNN."""
        docs = np.flatnonzero(mask)
        starts = self.doc_offsets[docs]
        lengths = self.doc_offsets[docs + 1] - starts
        values = self.posting_value[range_indices(starts, lengths)]
        return np.bincount(_distinct_pairs(values, np.repeat(groups[docs], lengths)),
                           minlength=len(self.values))

    def mask_for(self, wanted: list[str], doc_count: int) -> np.ndarray:
        """Documents carrying any of `wanted` (OR within a field)."""
        mask = np.zeros(doc_count, dtype=bool)
        ids = list({self.lookup(v) for v in wanted} - {None})
        if not ids:
            return mask
        for part in self.parts:
            offsets_ = part.values.value_offsets
            for local in np.flatnonzero(np.isin(part.to_column, ids)).tolist():
                docs = part.values.value_docs[offsets_[local]:offsets_[local + 1]]
                mask[np.asarray(docs, dtype=np.int64) + part.base] = True
        return mask

    def buckets(
        self, mask: np.ndarray, size: int, selected: list[str],
        groups: np.ndarray | None = None,
    ) -> list[FacetBucket]:
        """The top `size` values by count (of documents, or of distinct `groups`), plus
        every selected value even at count 0."""
        counts = self.counts(mask) if groups is None else self.group_counts(mask, groups)
        chosen = {self.lookup(v) for v in selected} - {None}
        top = np.flatnonzero(counts)
        if len(top) > size:  # only values that can reach the top `size` get sorted
            cut = len(top) - size
            top = top[counts[top] >= np.partition(counts[top], cut)[cut]]
        # Count descending, then value ascending: ids are in value order (see class doc).
        order = top[np.lexsort((top, -counts[top]))][:size].tolist()
        shown = order + sorted(chosen - set(order))
        buckets = [FacetBucket(self.values[i], int(counts[i]), i in chosen) for i in shown]
        for value in selected:
            if self.lookup(value) is None and value not in {b.value for b in buckets}:
                buckets.append(FacetBucket(value, 0, True))
        return buckets


def _distinct_pairs(keys: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """`keys` of the distinct (key, group) pairs, one entry per pair."""
    if not len(keys):
        return keys
    order = np.lexsort((groups, keys))
    keys, groups = keys[order], groups[order]
    first = np.r_[True, (keys[1:] != keys[:-1]) | (groups[1:] != groups[:-1])]
    return keys[first]


def _offsets(keys: np.ndarray, size: int) -> np.ndarray:
    """Where each key's run starts in `keys` sorted, for keys in range(size), plus the end."""
    return offsets(np.bincount(keys, minlength=size)[:size])


@dataclass
class DayColumn:
    """Each document's publication day as days since 1970 (NO_DAY when unknown)."""

    days: np.ndarray

    @classmethod
    def from_segments(cls, segments: list[tuple[SegmentValues, int]], doc_count: int
                      ) -> DayColumn:
        """Each document's day from the segments' ISO day values."""
        days = np.full(doc_count, NO_DAY, dtype=np.int32)
        for segment, base in segments:
            numbers = np.array([day_number(date.fromisoformat(v)) for v in segment.values],
                               dtype=np.int32)
            if len(numbers):
                days[np.asarray(segment.docs, dtype=np.int64) + base] = \
                    numbers[np.asarray(segment.value_ids)]
        return cls(days)

    def range_mask(self, start: date | None, end: date | None) -> np.ndarray:
        """Documents published within [start, end], both inclusive."""
        mask = self.days != NO_DAY
        if start is not None:
            mask &= self.days >= day_number(start)
        if end is not None:
            mask &= self.days <= day_number(end)
        return mask

    def choose_interval(self, mask: np.ndarray) -> str:
        """An interval that gives a readable histogram for the dates in `mask`."""
        days = self.days[mask & (self.days != NO_DAY)]
        if not len(days):
            return "day"
        span = int(days.max()) - int(days.min())
        for limit, interval in AUTO_INTERVAL_LIMITS:
            if span <= limit:
                return interval
        return "year"

    def buckets(self, mask: np.ndarray, interval: str, groups: np.ndarray | None = None
                ) -> list[DateBucket]:
        """Non-empty buckets in date order, each with its inclusive start and end day;
        counting documents, or distinct `groups` (stories) per period."""
        dated = mask & (self.days != NO_DAY)
        days = self.days[dated]
        if not len(days):
            return []
        if groups is not None:
            starts = _period_starts(days.astype(np.int64).astype("datetime64[D]"), interval)
            numbers = _distinct_pairs(starts.astype(np.int64), groups[dated])
            unique, counts = np.unique(numbers, return_counts=True)
            unique = unique.astype("datetime64[D]")
        else:
            # Count per day first (a bincount), then merge days into periods: the calendar
            # arithmetic runs on the distinct days only, not on every matching article.
            distinct, per_day = _count_distinct(days.astype(np.int64))
            starts = _period_starts(distinct.astype("datetime64[D]"), interval)
            first = np.flatnonzero(np.r_[True, starts[1:] != starts[:-1]])  # starts sorted
            unique, counts = starts[first], np.add.reduceat(per_day, first)
        return [
            _date_bucket(start.astype(object), interval, int(count))
            for start, count in zip(unique, counts, strict=True)
        ]


def _period_starts(days: np.ndarray, interval: str) -> np.ndarray:
    """The first day of each day's period (datetime64[D] in, datetime64[D] out)."""
    if interval == "day":
        return days
    if interval == "week":
        # 1970-01-01 was a Thursday; shift so that weeks start on Monday.
        return days - ((days.astype(np.int64) + 3) % 7).astype("timedelta64[D]")
    if interval == "month":
        return days.astype("datetime64[M]").astype("datetime64[D]")
    return days.astype("datetime64[Y]").astype("datetime64[D]")


def periods(first: date, last: date, interval: str) -> list[DateBucket]:
    """Every period of `interval` from the one holding `first` to the one holding
    `last`, with count 0: the continuous x-axis of a chart."""
    start = _period_start(first, interval)
    out = []
    while start <= last:
        bucket = _date_bucket(start, interval, 0)
        out.append(bucket)
        start = bucket.end + timedelta(days=1)
    return out


def period_count(first: date, last: date, interval: str) -> int:
    """How many periods `periods` would give (without building them)."""
    days = (last - first).days
    return {"day": days + 1, "week": days // 7 + 2, "month": days // 28 + 2}.get(
        interval, last.year - first.year + 1)


def _period_start(day: date, interval: str) -> date:
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return date(day.year, 1, 1)


def _count_distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys in order with their counts; a bincount when the keys span a range
    not much wider than their number (dates do), which is several times faster than
    the sort inside np.unique."""
    low, high = int(keys.min()), int(keys.max())
    if high - low > 4 * len(keys) + 4096:
        return np.unique(keys, return_counts=True)
    counts = np.bincount(keys - low)
    present = np.flatnonzero(counts)
    return present + low, counts[present]


def _date_bucket(start: date, interval: str, count: int) -> DateBucket:
    if interval == "day":
        return DateBucket(start.isoformat(), start, start, count)
    if interval == "week":
        year, week, _ = start.isocalendar()
        return DateBucket(f"{year}-W{week:02d}", start, start + timedelta(days=6), count)
    if interval == "month":
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return DateBucket(f"{start.year}-{start.month:02d}", start,
                          following - timedelta(days=1), count)
    return DateBucket(str(start.year), start, date(start.year, 12, 31), count)


class ColumnMemo:
    """What the last snapshot built of one column's value tables, for the next one.

    When no value appeared or vanished (an add of articles about known people, outlets,
    days) and no canonical name moved, the sorted value list, its index and the alias
    table are reused, so a refresh does numpy work only: the sorts and dictionary builds
    over 80,000 names held the interpreter lock for tens of milliseconds at a time and
    stalled the requests the worker was answering meanwhile.
    """

    def __init__(self) -> None:
        self._values: list[str] = []
        self._index: dict[str, int] = {}
        self._to_column: dict[SegmentValues, np.ndarray] = {}
        self._present: np.ndarray | None = None
        self._kept: tuple[list[str], dict[str, int]] | None = None
        self._tables: tuple | None = None
        self._tables_for: tuple | None = None
        self.last_counts: tuple[list[str], np.ndarray] | None = None  # (values, live counts)

    def union(self, segments: list[tuple[SegmentValues, int]]
              ) -> tuple[list[str], dict[SegmentValues, np.ndarray]]:
        """All segments' values, sorted, and each segment's value ids in that list."""
        new = [s for s, _ in segments if s not in self._to_column]
        if any(v not in self._index for s in new for v in s.values):
            self._values = sorted(set().union(*(s.values for s, _ in segments)))
            self._index = {v: i for i, v in enumerate(self._values)}
            self._to_column, self._present = {}, None
            new = [s for s, _ in segments]
        index = self._index
        for segment in new:
            self._to_column[segment] = np.fromiter((index[v] for v in segment.values),
                                                   dtype=np.int64, count=len(segment.values))
        self._to_column = {s: self._to_column[s] for s, _ in segments}
        return self._values, self._to_column

    def present(self, values: list[str], present: np.ndarray
                ) -> tuple[list[str], dict[str, int]]:
        """The values some live document carries, and their index."""
        if self._kept is None or self._present is None \
                or not np.array_equal(present, self._present):
            if present.all() and values is self._values:
                self._kept = (values, self._index)  # the union's own index, not a copy
            else:
                kept = [v for v, p in zip(values, present.tolist(), strict=True) if p]
                self._kept = (kept, {v: i for i, v in enumerate(kept)})
            self._present = present
        return self._kept

    def canonical_tables(self, values: list[str], canonical: dict[str, str],
                         version: int | None) -> tuple:
        """(canonical names, their index, raw id -> canonical id, raw name -> canonical id)."""
        reuse = (version is not None and self._tables is not None
                 and self._tables_for[0] is values and self._tables_for[1] == version)
        if not reuse:
            targets = [canonical.get(v, v) for v in values]
            names = sorted(set(targets))
            index = {name: i for i, name in enumerate(names)}
            old_to_new = np.fromiter((index[t] for t in targets), dtype=np.int64,
                                     count=len(targets))
            # Raw spellings other than the canonical names themselves (which `index` finds
            # first): a few thousand entries, not one per name.
            aliases = {v: i for v, i in zip(values, old_to_new.tolist(), strict=True)
                       if v not in index}
            self._tables, self._tables_for = (names, index, old_to_new, aliases), (values, version)
        return self._tables


def people_column(parts: list[tuple[SegmentValues, int]], live: np.ndarray,
                  canonical: CanonicalNames, raw_memo: ColumnMemo | None = None,
                  memo: ColumnMemo | None = None) -> ValueColumn:
    """People as indexed, merged into one canonical name per person across the live
    documents of the whole index: the corpus-wide step, which `canonical` keeps up to date
    from one snapshot to the next."""
    raw = ValueColumn.from_segments(parts, live, memo=raw_memo)
    counts = np.bincount(raw.posting_value[live[raw.posting_doc]], minlength=len(raw.values))
    last = raw_memo.last_counts if raw_memo is not None else None
    if last is not None and last[0] is raw.values and canonical.counts:
        # The same names as last time: hand over only those whose count moved (an add of a
        # few articles moves a few), not a dictionary of the corpus's 80,000 names.
        moved = np.flatnonzero(counts != last[1]).tolist()
        mapping = canonical.update_changed({raw.values[i]: int(counts[i]) for i in moved})
    else:
        mapping = canonical.update(dict(zip(raw.values, counts.tolist(), strict=True)))
    if raw_memo is not None:
        raw_memo.last_counts = (raw.values, counts)
    return raw.merged(mapping, key=canonical.key, memo=memo, version=canonical.version)


@dataclass
class FacetColumns:
    """Everything facets and filters need about one snapshot of the index."""

    doc_count: int
    live: np.ndarray
    outlet: ValueColumn
    person: ValueColumn
    day: DayColumn
    declared: dict[str, ValueColumn] = field(default_factory=dict)  # by facet name
    story: np.ndarray | None = None  # each document's story number (None: not in the index)

    @classmethod
    def from_segments(cls, live: np.ndarray, outlet: list[tuple[SegmentValues, int]],
                      people: list[tuple[SegmentValues, int]],
                      day: list[tuple[SegmentValues, int]],
                      memory: ColumnsMemory | None = None,
                      declared: dict[str, list[tuple[SegmentValues, int]]] | None = None,
                      ) -> FacetColumns:
        memory = memory or ColumnsMemory()
        return cls(
            doc_count=len(live),
            live=live,
            outlet=ValueColumn.from_segments(outlet, live, key=str.casefold,
                                             memo=memory.outlet).within(live),
            person=people_column(people, live, memory.canonical, memory.raw_people,
                                 memory.people).within(live),
            day=DayColumn.from_segments(day, len(live)),
            declared={name: ValueColumn.from_segments(parts, live, key=str.casefold,
                                                      memo=memory.declared(name)).within(live)
                      for name, parts in (declared or {}).items()},
        )


@dataclass
class ColumnsMemory:
    """What one snapshot's columns leave for the next: value tables and canonical names."""

    outlet: ColumnMemo = field(default_factory=ColumnMemo)
    raw_people: ColumnMemo = field(default_factory=ColumnMemo)
    people: ColumnMemo = field(default_factory=ColumnMemo)
    # people's variant keys: those the writer stored with each segment, and any computed
    variant_keys: VariantKeys = field(default_factory=VariantKeys)
    by_declared: dict[str, ColumnMemo] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.canonical = CanonicalNames(key=self.variant_keys)

    def declared(self, name: str) -> ColumnMemo:
        return self.by_declared.setdefault(name, ColumnMemo())
