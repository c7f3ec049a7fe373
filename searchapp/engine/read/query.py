"""Turn the user's query text into a whoosh query, never failing on odd input."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, MultifieldParser, OrGroup, WildcardPlugin

from searchapp.engine import whoosh_compat
from searchapp.engine.errors import InvalidQuery
from searchapp.engine.read.published import PublishedPlugin
from searchapp.engine.schema import QUERY_FIELD_ALIASES, TEXT_FIELDS

TITLE_BOOST = 0.5
MAX_BOOST = 100.0  # `word^1e20` would make every other word's score vanish
MAX_NESTING = 32  # deeper brackets are searched as plain words (whoosh's parser recurses)
# Words combine with OR: BM25 already ranks documents that match more words higher,
# and a long question should not need every word to match. (whoosh's own coordination
# bonus, OrGroup.factory, zeroes scores when a word is missing from one field.)
_SYNTAX = re.compile(r"[\"'()\[\]{}:^~*?\\+\-<>/]")


class StarWildcardPlugin(WildcardPlugin):
    """`diplom*` is a wildcard; a `?` is not: users end questions with it, and
    whoosh would read "titles?" as "titles plus one more letter" and miss "titles"."""

    qmarks = ""
    expr = r"(?P<text>[*])"


def _parser(schema, with_syntax: bool) -> MultifieldParser:
    parser = MultifieldParser(
        list(TEXT_FIELDS), schema, fieldboosts={"text": 1.0, "title": TITLE_BOOST},
        group=OrGroup,
    )
    parser.remove_plugin_class(WildcardPlugin)
    if with_syntax:
        parser.add_plugin(StarWildcardPlugin())
        parser.add_plugin(FieldAliasPlugin(QUERY_FIELD_ALIASES))
        parser.add_plugin(PublishedPlugin())
    return parser


class QueryText:
    """Parses query syntax: words, "phrases", AND/OR/NOT, title:/outlet:/person: fields."""

    def __init__(self, schema):
        self.parser = _parser(schema, with_syntax=True)
        self.plain = _parser(schema, with_syntax=False)
        self.analyzer = schema[TEXT_FIELDS[0]].analyzer

    def parse(self, text: str) -> wq.Query:
        """The query for `text`; empty text matches every document.

        Syntax the parser cannot read falls back to the same words as plain terms,
        so a stray quote or bracket never turns into an error; a `published:` value that is
        not a date or a range is an InvalidQuery.
        """
        if not text or not text.strip():
            return wq.Every()
        parsed = None
        if _nesting(text) <= MAX_NESTING:
            try:
                parsed = self.parser.parse(text)
            except InvalidQuery:
                raise
            except Exception:  # whoosh raises many types on odd syntax; all mean "not syntax"
                parsed = None
        if parsed is None or whoosh_compat.is_null_query(parsed) or _has_errors(parsed):
            words = _SYNTAX.sub(" ", text)
            parsed = self.plain.parse(words) if words.strip() else wq.NullQuery
        return _capped_boosts(self._weigh_repeats(_exclusions_apply_to_group(parsed), text))

    def _weigh_repeats(self, q: wq.Query, text: str) -> wq.Query:
        """A word the query repeats counts that many times (BM25's query term frequency).

        whoosh folds repeated clauses into one while normalising; long natural-language
        queries ("retrieval systems ... online retrieval") lose what the user stressed.
        """
        counts = Counter(token.text for token in self.analyzer(text))
        repeated = {term for term, n in counts.items() if n > 1}
        if not repeated:
            return q
        for leaf in q.leaves():
            if isinstance(leaf, wq.Term) and leaf.fieldname in TEXT_FIELDS \
                    and leaf.text in repeated:
                leaf.boost *= counts[leaf.text]
        return q


def positive_leaves(q: wq.Query) -> Iterator[wq.Query]:
    """The leaf queries that add matches: not those under NOT or the excluded side of
    AND NOT (what snippets highlight and what ranking weighs)."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from positive_leaves(q.a)
    elif q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from positive_leaves(child)


def _exclusions_apply_to_group(q: wq.Query) -> wq.Query:
    """Make `putin NOT peskov` mean putin-but-not-peskov under the OR default.

    whoosh would read it as `putin OR (NOT peskov)`, which matches nearly everything;
    as in Lucene, a NOT clause in a group removes its matches from the whole group.
    """
    if q.is_leaf():
        return q
    q = q.copy()
    if hasattr(q, "subqueries"):
        q.subqueries = [_exclusions_apply_to_group(child) for child in q.subqueries]
    elif isinstance(q, wq.Not):
        q.query = _exclusions_apply_to_group(q.query)
    if isinstance(q, wq.Or):
        negatives = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        if negatives:
            positives = [c for c in q.subqueries if not isinstance(c, wq.Not)]
            keep = wq.Or(positives) if len(positives) > 1 else (
                positives[0] if positives else wq.Every())
            drop = wq.Or(negatives) if len(negatives) > 1 else negatives[0]
            return wq.AndNot(keep, drop)
    return q


def _nesting(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(0, depth - 1)
    return deepest


def _capped_boosts(q: wq.Query) -> wq.Query:
    if getattr(q, "boost", 1.0) > MAX_BOOST:
        q.boost = MAX_BOOST
    if not q.is_leaf():
        for child in q.children():
            _capped_boosts(child)
    return q


def _has_errors(q: wq.Query) -> bool:
    """whoosh marks the parts it could not read with an `error` attribute."""
    return bool(getattr(q, "error", None)) or any(
        getattr(part, "error", None) for part in q.leaves()
    )
