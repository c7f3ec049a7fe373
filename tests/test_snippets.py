"""Snippets: which words get <mark>, where passages are cut, and how they are joined."""

from __future__ import annotations

import re

from searchapp.engine.collect.snippets import FRAGMENT_CHARS, SNIPPET_CHARS, Highlighter
from searchapp.engine.schema import text_analyzer

MARKED = re.compile(r"<mark>(.*?)</mark>")
# From the sample's CNSNews.com article.
SENTENCE = ("Russian Foreign Minister Sergei Lavrov's claims were dismissed by U.S. diplomats, "
            "who said the diplomatic track was closed; a diplomat added that Lavrov's remarks "
            "changed nothing.")


def snippet(text: str, *words: str) -> str:
    analyzer = text_analyzer()
    terms = frozenset(t.text for w in words for t in analyzer(w, mode="query"))
    return Highlighter(analyzer).snippet(text, terms)


def test_every_surface_form_of_a_stemmed_word_is_marked():
    marked = MARKED.findall(snippet(SENTENCE, "diplomats"))
    assert marked == ["diplomats", "diplomatic", "diplomat"]  # all three stem to "diplomat"
    assert MARKED.findall(snippet(SENTENCE, "Lavrov")) == ["Lavrov", "Lavrov"]


def test_a_term_inside_another_word_is_not_marked():
    assert MARKED.findall(snippet("The train was late; rain fell on the terrain.", "rain")) == [
        "rain"]


def test_best_passages_are_cut_at_spaces_and_joined_in_text_order():
    filler = " ".join(["words"] * 60)
    text = (f"Opening line about Patrushev. {filler} A middle line about Patrushev. {filler} "
            f"Later, Peskov and Patrushev spoke. {filler}")
    result = snippet(text, "Patrushev", "Peskov")
    passages = result.split(" … ")
    assert len(passages) == 2
    # the passage with both words, and the first of the equal ones, in text order
    assert passages[0].startswith("Opening line about <mark>Patrushev</mark>.")
    assert "<mark>Peskov</mark> and <mark>Patrushev</mark>" in passages[1]
    assert "middle" not in result
    for passage in passages:
        plain = MARKED.sub(r"\1", passage)
        assert len(plain) <= FRAGMENT_CHARS
        assert all(word.strip(".,") in {"words", "Opening", "line", "about", "Patrushev",
                                        "Later", "Peskov", "and", "spoke"}
                   for word in plain.split()), plain


def test_text_is_escaped_and_no_match_gives_the_lead():
    text = "A <script>alert(1)</script> & Patrushev said so."
    result = snippet(text, "Patrushev")
    assert "<script>" not in result and "&lt;script&gt;" in result
    assert "<mark>Patrushev</mark>" in result
    lead = snippet("Nothing relevant here. " * 30, "Patrushev")
    assert "<mark>" not in lead and lead.endswith("…") and len(lead) <= SNIPPET_CHARS + 2


def test_text_whose_lowercase_changes_length_is_still_marked_in_place():
    # "İ" lowercases to two characters, so offsets of the lowercased text would drift.
    text = "İstanbul talks: Lavrov met Çavuşoğlu. " * 3
    assert MARKED.findall(snippet(text, "Lavrov"))[:1] == ["Lavrov"]
    assert "<mark>Lavrov</mark> met" in snippet(text, "Lavrov")


def test_snippets_on_the_sample_mark_the_query_words(client):
    body = client.get("/api/v1/search", query_string={"q": "diplomats Lavrov"}).json
    assert body["results"]
    for hit in body["results"]:
        marked = {m.casefold() for m in MARKED.findall(hit["snippet"])}
        assert marked and marked <= {"diplomat", "diplomats", "diplomatic", "lavrov"}, hit



def test_a_passage_repeated_word_for_word_is_shown_once():
    caption = "Foreign Minister Sergey Lavrov and his counterpart shake hands in Moscow."
    between = "The photo gallery continues with more pictures from the day. " * 3
    text = (f"{caption}\n{between}\n{caption}\n" + "Filler words about other matters. " * 20
            + "Later Lavrov said the talks went well.")
    shown = snippet(text, "lavrov")
    assert shown.count("shake hands") == 1, shown
    assert "talks went well" in shown, shown
