"""What one request may cost: how many indexed words its wildcards, prefixes and ranges may
stand for, and how long it may run.

Unbounded, `q=*`, `a*` or `[a TO z]` expanded over the whole vocabulary (30 s at 37,554
articles, until gunicorn killed the worker). As in Elasticsearch (`max_expansions`,
`indices.query.bool.max_clause_count`), a pattern that stands for too many words is
refused with a message saying how to narrow it, and a request that runs out of time stops
with a QueryTimeout instead of holding its worker.
"""

from __future__ import annotations

import fnmatch
import re
import time

from whoosh import query as wq

from searchapp.engine import whoosh_compat
from searchapp.engine.errors import QueryTimeout, QueryTooExpensive

MAX_EXPANSIONS = 1_000  # indexed words one wildcard, prefix or range may stand for
MAX_CLAUSES = 4_096  # indexed words a whole query may stand for after expansion
MAX_SCANNED = 50_000  # indexed words a wildcard may test against its pattern
CHECK_EVERY = 1024  # words scanned between two looks at the clock
DEFAULT_SECONDS = 1.5


class Budget:
    """The time and word expansions one request may still spend (None: no time limit)."""

    def __init__(self, seconds: float | None = DEFAULT_SECONDS, clauses: int = MAX_CLAUSES):
        self.seconds = seconds
        self._deadline = time.monotonic() + seconds if seconds else None
        self.clauses_left = clauses

    def check_time(self) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise QueryTimeout(
                f"the request took longer than its {self.seconds:g} s budget; "
                "narrow the query (fewer words, longer prefixes, a filter) or retry")

    def remaining(self) -> float | None:
        return None if self._deadline is None else max(0.0, self._deadline - time.monotonic())

    def spend(self, words: int) -> None:
        self.clauses_left -= words
        if self.clauses_left < 0:
            raise QueryTooExpensive(
                f"the query stands for more than {MAX_CLAUSES:,} indexed words in all; "
                "use fewer or longer wildcards and prefixes")


def shown(q: wq.Query) -> str:
    """How the user wrote a pattern, for messages."""
    if isinstance(q, wq.TermRange):
        open_, close = "{" if q.startexcl else "[", "}" if q.endexcl else "]"
        return f"{open_}{q.start or ''} TO {q.end or ''}{close}"
    if isinstance(q, wq.Prefix):
        return f"{q.text}*"
    return str(getattr(q, "text", q))


def _too_many(q: wq.Query) -> QueryTooExpensive:
    what = "covers" if isinstance(q, wq.TermRange) else "matches"
    fix = "narrow the range" if isinstance(q, wq.TermRange) else "use a longer prefix"
    return QueryTooExpensive(
        f"'{shown(q)}' {what} more than {MAX_EXPANSIONS:,} indexed words; {fix}")


def expand(q: wq.MultiTerm, reader, budget: Budget) -> list[bytes]:
    """The indexed words (as bytes) a wildcard, prefix or range stands for, within limits."""
    fieldname = q.field()
    if fieldname not in reader.schema:
        return []
    if isinstance(q, wq.Wildcard):
        candidates = _wildcard_candidates(q, reader, budget)
    else:
        candidates = whoosh_compat.range_words(q, reader)
    words = []
    for i, btext in enumerate(candidates):
        if i % CHECK_EVERY == 0:
            budget.check_time()
        words.append(btext)
        if len(words) > MAX_EXPANSIONS:
            raise _too_many(q)
    budget.spend(len(words))
    return words


def is_match_all(q: wq.Query) -> bool:
    """A pattern made only of `*` (`*`, `**`): every article, not a word expansion."""
    return isinstance(q, wq.Wildcard) and set(q.text) == {"*"} or (
        isinstance(q, wq.Prefix) and q.text == "")


def _wildcard_candidates(q: wq.Wildcard, reader, budget: Budget):
    prefix = whoosh_compat.literal_prefix(q)
    if not prefix:
        raise QueryTooExpensive(
            f"'{shown(q)}': a wildcard cannot begin a word; put at least one letter first")
    pattern = re.compile(fnmatch.translate(q.text))
    field = reader.schema[q.field()]
    for scanned, btext in enumerate(reader.expand_prefix(q.field(), prefix)):
        if scanned >= MAX_SCANNED:
            raise QueryTooExpensive(
                f"'{shown(q)}' is too broad; make the part before the first * longer")
        if scanned % CHECK_EVERY == 0:
            budget.check_time()
        if pattern.match(field.from_bytes(btext)):
            yield btext
