"""Relevance beyond BM25: term proximity and pseudo-relevance feedback, both re-ranking
the documents a query already matched.

BM25 scores each word of a query on its own, so an article that says "wing flutter" ranks
level with one that says "wing" in its first line and "flutter" in its last. Two methods
with a long published record close the gap, each measured in `bench/relevance.py`:

- **Proximity** (the unordered-window pairs of Metzler & Croft's sequential dependence
  model, SIGIR 2005, scored as a BM25 term as in Rasolofo & Savoy's BM25TP, ECIR 2003): in
  the best-scoring `PROXIMITY_WINDOW` matches, each two words that stand next to each other
  in the query count as a pair wherever they occur within `PAIR_WINDOW` positions of each
  other; the pair's frequency is saturated like a term frequency (same k1, b and length)
  and weighted by the rarer word's idf. Applies to any query with two or more words in the
  text; "wing flutter" then ranks articles about wing flutter above articles that say
  "wing" in one paragraph and "flutter" in another. Büttcher et al.'s all-pairs variant
  (SIGIR 2006) lost 2-7 points of nDCG@10 on CISI's long queries, so it was not kept.
- **Feedback** (RM3, Lavrenko & Croft 2001; Abdul-Jaleel et al. 2004): the words of the
  top `FEEDBACK_DOCS` results, weighted by how often they occur there and by each
  document's likelihood (exp of its score over `FEEDBACK_TEMPERATURE`), make a second
  query of `FEEDBACK_TERMS` words whose BM25 is added to the first. It runs only for a
  question-like query: `FEEDBACK_MIN_WORDS` or more distinct plain words, no phrase, field,
  wildcard or operator (a short or exact query says what it wants; expanding it drifts),
  and it never adds matches, only re-orders them.

Every part is additive, so `explain` can list them and they sum to the score. The settings
were chosen once on Cranfield and CISI together and hold for every index: nothing is set
per collection. `rank=bm25` turns both off.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq

from searchapp.engine.collect.ordering import asks_for_scores, top_documents
from searchapp.engine.errors import InvalidParameter
from searchapp.engine.read.budget import Budget
from searchapp.engine.read.query import positive_leaves
from searchapp.engine.read.snapshots import Snapshot
from searchapp.engine.types import RANKINGS, Explanation, FeedbackTerm

PROXIMITY_WINDOW = 100  # best BM25 matches that proximity re-ranks (Lucene's rescore window)
PROXIMITY_WEIGHT = 0.3  # of a pair's saturated frequency times its idf
PAIR_WINDOW = 8  # positions apart (stop words not counted), SDM's unordered window
FEEDBACK_DOCS = 5
FEEDBACK_TERMS = 20
FEEDBACK_WEIGHT = 1.0  # the feedback query's weight against the original's (RM3's 1-λ : λ)
FEEDBACK_TEMPERATURE = 5.0  # BM25 points that make a feedback document e times heavier
FEEDBACK_MIN_WORDS = 3
FEEDBACK_READ_CHARS = 20_000  # of each feedback article: a long one adds nothing past this
_FIELD = "text"  # headline and body: positions and feedback words come from here
_SHIFT = np.int64(1) << 32  # position keys: row * 2^32 + position


@dataclass
class Ranked:
    """The scores that order the matches, and their additive parts."""

    scores: np.ndarray
    bm25: np.ndarray
    proximity: np.ndarray | None = None
    feedback: np.ndarray | None = None
    feedback_terms: list[tuple[str, float]] = field(default_factory=list)
    feedback_words: dict[str, str] = field(default_factory=dict)  # term: as the text has it


def rank_matches(snap: Snapshot, q: wq.Query, final: np.ndarray, scores: np.ndarray | None,
                 sort: str, method: str, budget: Budget) -> Ranked | None:
    """The request's ranking of its matches, or None where nothing is ranked by score
    (a date sort, a query that only filters, or one scored by whoosh's own path)."""
    if method not in RANKINGS:
        raise InvalidParameter("rank", f"must be one of: {', '.join(RANKINGS)}")
    if scores is None or not asks_for_scores(q, sort):
        return None
    return rank(snap, q, final, scores, method, budget)


def rank(snap: Snapshot, q: wq.Query, final: np.ndarray, bm25: np.ndarray, method: str,
         budget: Budget) -> Ranked:
    """`bm25` re-ranked by `method` ("best": proximity then feedback where each applies)
    among the documents of `final`; the BM25 array itself is not changed."""
    ranked = Ranked(bm25, bm25)
    if method == "bm25" or not bool(np.any(bm25[final] > 0)):
        return ranked
    words = _text_words(q)
    scores = bm25
    if method in ("best", "proximity") and len(words) >= 2:
        ranked.proximity = _proximity(snap, words, final, bm25, budget)
        scores = scores + ranked.proximity
    if method in ("best", "feedback") and _question_like(q, words):
        ranked.feedback_terms, ranked.feedback_words = _feedback_terms(
            snap, scores, final, words, budget)
        if ranked.feedback_terms:
            ranked.feedback = feedback_scores(snap, ranked.feedback_terms, budget) * final
            scores = scores + ranked.feedback
    ranked.scores = scores
    return ranked


def feedback_scores(snap: Snapshot, terms: list[tuple[str, float]], budget: Budget
                    ) -> np.ndarray:
    """BM25 of the weighted feedback words (one word for one explain line)."""
    expansion = wq.Or([wq.Term(_FIELD, word, boost=weight) for word, weight in terms])
    evaluated = snap.fast.evaluate(expansion, budget)
    return evaluated.scores if evaluated is not None else np.zeros(len(snap.columns.live))


def explanations(snap: Snapshot, q: wq.Query, ranked: Ranked, docnums: list[int],
                 budget: Budget) -> dict[int, Explanation]:
    """Each listed document's score in its parts: BM25 per text field (the query scored
    with the text field's words alone; the headline's part is the rest), proximity, and
    what each feedback word adds."""
    text = snap.fast.evaluate(q, budget, only_field="text")
    text_scores = text.scores if text is not None else ranked.bm25
    # The fields' parts add up to BM25F, so the headline's is what the text's leaves.
    per_field = {"text": text_scores, "title": ranked.bm25 - text_scores}
    wanted = np.asarray(sorted(docnums), dtype=np.int64)
    per_term = [(word, weight, _word_scores(snap, word, weight, wanted, budget))
                for word, weight in ranked.feedback_terms]
    out = {}
    for docnum in docnums:
        terms = [FeedbackTerm(word, ranked.feedback_words.get(word, word), round(weight, 4),
                              round(scores.get(docnum, 0.0), 4))
                 for word, weight, scores in per_term]
        out[docnum] = Explanation(
            bm25={name: round(float(scores[docnum]), 4) for name, scores in per_field.items()},
            proximity=round(float(ranked.proximity[docnum]), 4)
            if ranked.proximity is not None else 0.0,
            feedback=round(float(ranked.feedback[docnum]), 4)
            if ranked.feedback is not None else 0.0,
            feedback_terms=[term for term in terms if term.score > 0])
    return out


def _word_scores(snap: Snapshot, word: str, weight: float, docnums: np.ndarray,
                 budget: Budget) -> dict[int, float]:
    """What one feedback word adds to each of `docnums` (sorted), read from its postings."""
    btext = snap.fast.reader.schema[_FIELD].to_bytes(word)
    if (_FIELD, btext) not in snap.fast.reader:
        return {}
    postings = snap.fast.source.postings(_FIELD, btext, budget.check_time)
    rows = np.searchsorted(postings.ids, docnums)
    holds = rows < len(postings.ids)
    holds[holds] = postings.ids[rows[holds]] == docnums[holds]
    scores = snap.fast.bm25(_FIELD, postings)[rows[holds]] * weight
    return dict(zip(docnums[holds].tolist(), scores.tolist(), strict=True))


# -- which queries ------------------------------------------------------------------------
def _text_words(q: wq.Query) -> dict[str, float]:
    """The query's plain words in the text field (not in phrases or NOT clauses), with the
    weight the user gave each (a repeated word counts twice)."""
    words: dict[str, float] = {}
    for leaf in _positive_terms(q):
        if leaf.fieldname == _FIELD:
            words[leaf.text] = words.get(leaf.text, 0.0) + float(leaf.boost)
    return words


def _positive_terms(q: wq.Query):
    return (leaf for leaf in positive_leaves(q) if isinstance(leaf, wq.Term))


def _question_like(q: wq.Query, words: dict[str, float]) -> bool:
    """Enough distinct words, OR-ed, and nothing but words (no phrase, prefix, wildcard,
    field, date or NOT): the queries where feedback helps on the benchmark collections.
    A plain word is searched in both text fields; `title:word` in one only."""
    if len(words) < FEEDBACK_MIN_WORDS:
        return False
    in_title = {leaf.text for leaf in _positive_terms(q) if leaf.fieldname == "title"}
    if in_title != set(words):
        return False
    for node in _nodes(q):
        if node.is_leaf():
            if not isinstance(node, wq.Term) or node.fieldname not in ("text", "title"):
                return False
        elif not isinstance(node, wq.Or):
            return False
    return True


def _nodes(q: wq.Query):
    yield q
    if not q.is_leaf():
        for child in q.children():
            yield from _nodes(child)


# -- proximity ----------------------------------------------------------------------------
def _proximity(snap: Snapshot, words: dict[str, float], final: np.ndarray,
               bm25: np.ndarray, budget: Budget) -> np.ndarray:
    """The pair score of the top BM25 matches, zero elsewhere: for each two words next to
    each other in the query, how often they occur within `PAIR_WINDOW` positions of each
    other, saturated like a term frequency and weighted by the rarer word's idf."""
    source = snap.fast.source
    out = np.zeros(len(bm25))
    docs = np.sort(np.asarray([d for d, _ in top_documents(bm25, final, 0, PROXIMITY_WINDOW)],
                              dtype=np.int64))
    if len(docs) == 0:
        return out
    field_ = snap.fast.reader.schema[_FIELD]
    present = []  # per query word in query order: its (row, position) keys and idf, or None
    for word in words:
        btext = field_.to_bytes(word)
        if (_FIELD, btext) not in snap.fast.reader:
            present.append(None)
            continue
        postings = source.postings(_FIELD, btext, budget.check_time)
        holds = np.isin(docs, postings.ids, assume_unique=True)
        counts, positions = source.positions_for(_FIELD, btext, docs[holds], budget.check_time)
        keys = np.repeat(np.flatnonzero(holds).astype(np.int64), counts) * _SHIFT + positions
        present.append((keys, snap.fast.idf(postings)))
    k1 = snap.fast.weighting.K1
    norm = snap.fast.saturation(_FIELD, docs)
    total = np.zeros(len(docs))
    for first, second in zip(present[:-1], present[1:], strict=True):
        if first is None or second is None or not len(first[0]) or not len(second[0]):
            continue
        a, b_keys = first[0], second[0]  # sorted; a document's keys share their high bits
        at = np.searchsorted(a, b_keys)
        before = a[np.maximum(at - 1, 0)]
        after = a[np.minimum(at, len(a) - 1)]
        near = ((b_keys - before <= PAIR_WINDOW) & (at > 0)) | (
            np.abs(after - b_keys) <= PAIR_WINDOW)
        tf = np.bincount(b_keys[near] // _SHIFT, minlength=len(docs))
        total += min(first[1], second[1]) * tf * (k1 + 1) / (tf + norm)
    out[docs] = PROXIMITY_WEIGHT * total
    return out


# -- feedback -----------------------------------------------------------------------------
def _feedback_terms(snap: Snapshot, scores: np.ndarray, final: np.ndarray,
                    words: dict[str, float], budget: Budget
                    ) -> tuple[list[tuple[str, float]], dict[str, str]]:
    """RM3's expansion: P(w|R) over the top documents, the best `FEEDBACK_TERMS` words,
    weighted so the expansion weighs `FEEDBACK_WEIGHT` times the original query; and for
    each (a stem, as indexed) the form the documents use most, for people to read.

    P(D|Q) is exp(score / FEEDBACK_TEMPERATURE), normalised, as a relevance model weighs
    documents by their query likelihood (BM25 standing in for the log-likelihood): the
    first result counts more than the fifth, by how much better it scored."""
    top = [(d, score) for d, score in top_documents(scores, final, 0, FEEDBACK_DOCS)
           if score > 0]
    if not top:
        return [], {}
    likelihoods = [math.exp((score - top[0][1]) / FEEDBACK_TEMPERATURE) for _, score in top]
    total = sum(likelihoods)
    analyzer = snap.query_text.analyzer
    relevance: Counter = Counter()
    forms: dict[str, Counter] = {}
    for (docnum, _), likelihood in zip(top, likelihoods, strict=True):
        budget.check_time()
        stored = snap.searcher.stored_fields(docnum)
        text = f"{stored.get('title', '')}\n{stored.get('body', '')}"[:FEEDBACK_READ_CHARS]
        counts: Counter = Counter()
        for token in analyzer(text, keeporiginal=True):
            if any(char.isalpha() for char in token.text):
                counts[token.text] += 1
                forms.setdefault(token.text, Counter())[token.original.lower()] += 1
        length = sum(counts.values())
        for word, count in counts.items():
            relevance[word] += (likelihood / total) * count / length
    best = relevance.most_common(FEEDBACK_TERMS)
    mass = sum(p for _, p in best)
    if mass <= 0:
        return [], {}
    scale = FEEDBACK_WEIGHT * sum(words.values()) / mass
    return ([(word, p * scale) for word, p in best],
            {word: forms[word].most_common(1)[0][0] for word, _ in best})
