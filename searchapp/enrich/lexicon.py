"""What large word lists know about a word, as features of the people model.

Most people in news are named once and never appear in training data: CoNLL-2003's test
split is full of cricketers, footballers and ministers the model never saw, and a
capitalised unknown word could as well be a club, a town or a company. Two lists tell
them apart the way a well-read reader would:

- given names and surnames with their popularity rank in each country (the names-dataset
  package, MIT licence; only hashed names and rank buckets are kept): is "Sakakibara" a
  common name somewhere?
- Brown clusters and log-probabilities of a million English words (spaCy's lookups data):
  words used alike share a cluster ("Shearer" and "Albright" do), and a rare word is more
  often a name.

Training reduces both to one table shipped in the package (`lexicon.npz`, hashes of the
words and small codes); the model embeds the codes next to the word's other features and
learns how far to trust them.

    pip install ".[train]"
    python -m searchapp.enrich.lexicon     # rewrites the table
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.attrs import IS_UPPER, LOWER, ORTH
from spacy.ml.staticvectors import StaticVectors
from spacy.strings import get_string_id
from spacy.util import registry
from thinc.api import (
    HashEmbed,
    Maxout,
    Model,
    chain,
    concatenate,
    list2ragged,
    ragged2list,
    with_array,
)

TABLE = Path(__file__).resolve().parent / "lexicon.npz"
# Rank limits of the name buckets: top 100 in some country, top 1,000, top 5,000, listed.
RANK_BUCKETS = (100, 1_000, 5_000)
RAREST_LOG_PROB = -18.5  # rarer words without a cluster are left out of the table
_LATIN_NAME = re.compile(r"^[a-zà-öø-ÿāăąćčďđēėęěğīįıķļłńņňōőœřśşšţťūůűųźżž'\-]+$")


def _best_ranks(names: dict) -> dict[str, int]:
    """Lower-cased Latin-script name -> its best rank in any country."""
    best: dict[str, int] = {}
    for name, info in names.items():
        key = name.lower()
        if not _LATIN_NAME.match(key):
            continue
        ranks = [r for r in (info.get("rank") or {}).values() if r]
        rank = min(ranks) if ranks else sys.maxsize
        best[key] = min(best.get(key, sys.maxsize), rank)
    return best


def _bucket(rank: int | None) -> int:
    if rank is None:
        return 0
    for i, limit in enumerate(RANK_BUCKETS):
        if rank <= limit:
            return i + 1
    return len(RANK_BUCKETS) + 1


def _sorted_by_hash(keys: list[str], *columns: list[int]) -> list[np.ndarray]:
    hashes = np.array([get_string_id(k) for k in keys], dtype=np.uint64)
    order = np.argsort(hashes)
    return [hashes[order], *(np.asarray(c, dtype=np.uint16)[order] for c in columns)]


def build_table(first_names: dict, last_names: dict, clusters: dict[str, int],
                log_probs: dict[str, float], out: Path = TABLE) -> tuple[int, int]:
    """Write the table; returns how many names and how many words it holds.

    Names are keyed lower-cased, with one code for (given-name bucket, surname bucket).
    Words are keyed as written (Brown clusters tell "Major" from "major"), with their
    cluster and their log-probability rounded down to a whole number.
    """
    given, family = _best_ranks(first_names), _best_ranks(last_names)
    names = sorted(set(given) | set(family))
    width = len(RANK_BUCKETS) + 2
    name_codes = [_bucket(given.get(k)) * width + _bucket(family.get(k)) for k in names]
    words = sorted(w for w, p in log_probs.items()
                   if clusters.get(w) or p >= RAREST_LOG_PROB)
    cluster_ids = {c: i + 1 for i, c in enumerate(sorted({c for c in clusters.values() if c}))}
    cluster_codes = [cluster_ids.get(clusters.get(w, 0), 0) for w in words]
    prob_codes = [min(int(-log_probs[w]), 30) for w in words]
    name_hashes, name_codes_ = _sorted_by_hash(names, name_codes)
    word_hashes, cluster_codes_, prob_codes_ = _sorted_by_hash(words, cluster_codes, prob_codes)
    np.savez_compressed(out, name_hashes=name_hashes, name_codes=name_codes_.astype(np.uint8),
                        word_hashes=word_hashes, clusters=cluster_codes_,
                        log_probs=prob_codes_.astype(np.uint8))
    return len(names), len(words)


@lru_cache(maxsize=1)
def _table() -> dict[str, np.ndarray]:
    with np.load(TABLE) as data:
        return {key: data[key] for key in data.files}


def _positions(hashes: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each hash stands in the sorted `keys`, and whether it is there at all."""
    at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
    return at, keys[at] == hashes


UNKNOWN_LOG_PROB = 30  # the code of a word the table does not hold: rarer than any


@dataclass(frozen=True)
class WordStats:
    """What the table knows of one word: its best given-name and surname rank buckets
    (1: top 100 in some country ... 4: listed, 0: not a name) and the log-probability
    codes (-log p, rounded down) of the word as written and lower-cased."""

    given: int
    family: int
    as_written: int
    lower: int

    @property
    def common_lower_case(self) -> bool:
        """Written lower case far more often than as written ("Love", "Said"): at least
        e² times as often, by the codes; both forms must be in the table ("Elif" is not,
        capitalised, whatever "elif" is)."""
        return self.as_written < UNKNOWN_LOG_PROB and self.lower <= self.as_written - 2


@lru_cache(maxsize=65536)
def word_stats(word: str) -> WordStats:
    table = _table()

    def code(key: str, hashes: str, values: str, missing: int) -> int:
        at, known = _positions(np.array([get_string_id(key)], dtype=np.uint64), table[hashes])
        return int(table[values][at[0]]) if known[0] else missing

    name = code(word.lower(), "name_hashes", "name_codes", 0)
    width = len(RANK_BUCKETS) + 2
    return WordStats(name // width, name % width,
                     code(word, "word_hashes", "log_probs", UNKNOWN_LOG_PROB),
                     code(word.lower(), "word_hashes", "log_probs", UNKNOWN_LOG_PROB))


def lexicon_columns(doc, attrs: tuple = ()) -> np.ndarray:
    """Per token: the `attrs` columns (as spaCy's FeatureExtractor gives them), then the
    name code, the Brown cluster and the log-probability code (0 when unknown). A word in
    capitals is looked up title-cased ("SHEARER"). One `to_array` call, filled in place:
    this runs on every word the model reads."""
    table = _table()
    n = len(attrs)
    columns = doc.to_array([*attrs, ORTH, LOWER, IS_UPPER]).reshape((len(doc), n + 3))
    columns = columns.astype(np.uint64, copy=False)
    words, lower = columns[:, n].copy(), columns[:, n + 1].copy()
    for i in np.flatnonzero(columns[:, n + 2]):  # few words per article are in capitals
        words[i] = get_string_id(doc.vocab.strings[int(words[i])].title())
    at, known = _positions(words, table["word_hashes"])
    columns[:, n + 1] = np.where(known, table["clusters"][at], 0)
    columns[:, n + 2] = np.where(known, table["log_probs"][at], 0)
    at, known = _positions(lower, table["name_hashes"])
    columns[:, n] = np.where(known, table["name_codes"][at], 0)
    return columns


def LexiconFeatureExtractor(attrs: list) -> Model:
    """spaCy's FeatureExtractor with the three lexicon columns after the usual ones."""
    attrs = tuple(attrs)

    def forward(model: Model, docs: list, is_train: bool) -> tuple[list, Callable]:
        features = []
        for doc in docs:
            if hasattr(doc, "to_array"):
                columns = lexicon_columns(doc, attrs)
            else:  # a Span
                columns = lexicon_columns(doc.doc, attrs)[doc.start:doc.end]
            features.append(model.ops.asarray2i(columns, dtype="uint64"))
        return features, lambda d_features: []

    return Model("extract_features_with_lexicon", forward, attrs={"columns": list(attrs)})


@registry.architectures("searchapp.LexiconMultiHashEmbed.v1")
def LexiconMultiHashEmbed(width: int, attrs: list, rows: list[int],
                          include_static_vectors: bool,
                          lexicon_rows: list[int]) -> Model:
    """spaCy's MultiHashEmbed (same layers, same seeds) plus embeddings of the three
    lexicon codes, so the model sees whether an unknown word is a common name, which
    words it is used like, and how rare it is."""
    if len(rows) != len(attrs):
        raise ValueError(f"Mismatched lengths: {len(rows)} vs {len(attrs)}")
    embeddings = [HashEmbed(width, n, column=i, seed=8 + i, dropout=0.0)
                  for i, n in enumerate([*rows, *lexicon_rows])]
    concat_size = width * (len(embeddings) + include_static_vectors)
    max_out = with_array(Maxout(width, concat_size, nP=3, dropout=0.0, normalize=True))
    features = chain(LexiconFeatureExtractor(attrs), list2ragged(),
                     with_array(concatenate(*embeddings)))
    if include_static_vectors:
        features = concatenate(features, StaticVectors(width, dropout=0.0))
    return chain(features, max_out, ragged2list())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=TABLE)
    args = parser.parse_args(argv)
    import names_dataset  # training only: these packages are 55 and 98 MB
    import spacy_lookups_data

    folder = Path(names_dataset.__file__).resolve().parent / "v3"
    with gzip.open(folder / "first_names.pkl.gz") as given, \
            gzip.open(folder / "last_names.pkl.gz") as family:
        first_names, last_names = pickle.load(given), pickle.load(family)
    lookups = Path(spacy_lookups_data.__file__).resolve().parent / "data"
    with gzip.open(lookups / "en_lexeme_cluster.json.gz") as handle:
        clusters = json.load(handle)
    with gzip.open(lookups / "en_lexeme_prob.json.gz") as handle:
        log_probs = json.load(handle)
    names, words = build_table(first_names, last_names, clusters, log_probs, args.out)
    print(f"{names:,} names and {words:,} words written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
