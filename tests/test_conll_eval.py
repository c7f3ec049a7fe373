"""The CoNLL reader and scores the people benchmark relies on, on a tiny hand-made file."""

from __future__ import annotations

from searchapp.enrich.conll import Score, fold_short_names, read_conll, tag_spans

IOB1_DOCSTART_AT_END = """\
Brian NNP I-NP I-PER
Lara NNP I-NP I-PER
scored VBD I-VP O
in IN I-PP O
Antigua NNP I-NP I-LOC
. . O O

Lara NNP I-NP I-PER
thanked VBD I-VP O
Ambrose NNP I-NP I-PER
. . O O

-DOCSTART- -X- O O

Jan NNP I-NP I-PER
Smit NNP I-NP I-PER
met VBD I-VP O
Piet NNP I-NP B-PER
Jansen NNP I-NP I-PER
"""

IOB2_DOCSTART_AT_START = """\
-DOCSTART- -X- -X- O

Brian NNP B-NP B-PER
Lara NNP I-NP I-PER
scored VBD B-VP O
in IN B-PP O
Antigua NNP B-NP B-LOC
. . O O
"""


def test_spans_from_iob1_and_iob2_tags():
    assert tag_spans(["I-PER", "I-PER", "O", "I-LOC"]) == [(0, 2, "PER"), (3, 4, "LOC")]
    assert tag_spans(["I-PER", "B-PER", "I-PER"]) == [(0, 1, "PER"), (1, 3, "PER")]
    assert tag_spans(["B-PER", "I-PER", "B-LOC"]) == [(0, 2, "PER"), (2, 3, "LOC")]
    assert tag_spans(["O", "I-ORG", "I-PER"]) == [(1, 2, "ORG"), (2, 3, "PER")]


def test_documents_split_on_docstart_wherever_it_stands(tmp_path):
    end = tmp_path / "end.conll"
    end.write_text(IOB1_DOCSTART_AT_END)
    first, second = read_conll(end)
    assert len(first.sentences) == 2 and len(second.sentences) == 1
    assert first.people() == ["Brian Lara", "Ambrose"]
    assert second.people() == ["Jan Smit", "Piet Jansen"]
    assert first.text().splitlines()[0] == "Brian Lara scored in Antigua ."
    start = tmp_path / "start.conll"
    start.write_text(IOB2_DOCSTART_AT_START)
    [only] = read_conll(start)
    assert only.sentences[0].spans() == [(0, 2, "PER"), (4, 5, "LOC")]


def test_short_names_fold_into_the_one_full_name():
    assert fold_short_names(["Lara", "Brian Lara", "Lara"]) == ["Brian Lara"]
    assert fold_short_names(["LARA", "Brian Lara"]) == ["Brian Lara"]
    assert fold_short_names(["Smith", "John Smith", "Anna Smith"]) == [
        "Smith", "John Smith", "Anna Smith"]
    # a surname with its particles is a surname-only mention too; "Al Gore" is no surname
    assert fold_short_names(["Filip De Wilde", "De Wilde", "Van Moer", "Wilfried Van Moer",
                             "Al Gore", "Tipper Gore"]) == [
        "Filip De Wilde", "Wilfried Van Moer", "Al Gore", "Tipper Gore"]


def test_scores():
    score = Score()
    score.add({"a", "b", "c"}, {"a", "b", "d", "e"})
    assert (score.true_positives, score.predicted, score.gold) == (2, 3, 4)
    assert round(score.precision, 3) == 0.667 and score.recall == 0.5
    assert round(score.f1, 3) == round(2 * 0.6667 * 0.5 / (0.6667 + 0.5), 3)
    assert Score().f1 == 0.0
