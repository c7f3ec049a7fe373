"""The word-list features the people model reads: the shipped table and how it is built."""

from __future__ import annotations

import numpy as np
import spacy
from spacy.strings import get_string_id

from searchapp.enrich.lexicon import build_table, lexicon_columns

NLP = spacy.blank("en")


def columns(text: str) -> dict[str, list[int]]:
    doc = NLP(text)
    rows = lexicon_columns(doc).tolist()
    return {token.text: row for token, row in zip(doc, rows, strict=True)}


def test_a_listed_surname_gets_a_name_code_and_a_made_up_word_gets_none():
    found = columns("Sakakibara met Xqzvbnw")
    assert found["Sakakibara"][0] > 0
    assert found["Xqzvbnw"][:3] == [0, 0, 0]


def test_a_word_in_capitals_reads_like_the_same_word_in_title_case():
    capitals, title = columns("SHEARER"), columns("Shearer")
    assert capitals["SHEARER"][:3] == title["Shearer"][:3]
    assert title["Shearer"][1] > 0  # a Brown cluster


def test_clusters_tell_a_name_from_the_same_word_in_lower_case():
    found = columns("Major said the major")
    assert found["Major"][1] != found["major"][1]


def test_build_table_buckets_ranks_and_keeps_rare_words_only_with_a_cluster(tmp_path):
    first = {"Anna": {"rank": {"US": 50, "PL": 3}}, "Zygmunt": {"rank": {"PL": 4000}}}
    last = {"Anna": {"rank": {"IT": 20000}}, "Kowalski": {"rank": {"PL": 1}},
            "Иванов": {"rank": {"RU": 1}}}
    clusters = {"Anna": 7, "Kowalski": 7, "rare": 0, "Rarest": 9}
    log_probs = {"Anna": -9.5, "Kowalski": -14.2, "rare": -19.0, "Rarest": -19.5}
    out = tmp_path / "lexicon.npz"
    assert build_table(first, last, clusters, log_probs, out) == (3, 3)
    table = np.load(out)
    names = dict(zip(table["name_hashes"].tolist(), table["name_codes"].tolist(), strict=True))
    assert names[get_string_id("anna")] == 1 * 5 + 4  # top-100 given name, rarely a surname
    assert names[get_string_id("kowalski")] == 0 * 5 + 1
    assert names[get_string_id("zygmunt")] == 3 * 5 + 0
    words = dict(zip(table["word_hashes"].tolist(),
                     zip(table["clusters"].tolist(), table["log_probs"].tolist(), strict=True),
                     strict=True))
    assert set(words) == {get_string_id(w) for w in ("Anna", "Kowalski", "Rarest")}
    assert words[get_string_id("Anna")] == (1, 9) and words[get_string_id("Rarest")] == (2, 19)
