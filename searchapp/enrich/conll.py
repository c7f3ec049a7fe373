"""CoNLL-2003 files: read documents and entity spans, and score person extraction.

Used by the training command and by the people benchmark; no spaCy needed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from searchapp.enrich.names import particles_and_surname

DOCSTART = "-DOCSTART-"


@dataclass
class ConllSentence:
    tokens: list[str]
    tags: list[str]

    def spans(self) -> list[tuple[int, int, str]]:
        return tag_spans(self.tags)


@dataclass
class ConllDocument:
    sentences: list[ConllSentence] = field(default_factory=list)

    def text(self) -> str:
        """The document as plain text: one sentence a line, tokens joined by spaces."""
        return "\n".join(" ".join(s.tokens) for s in self.sentences)

    def people(self) -> list[str]:
        """Distinct gold PER strings, with surname-only mentions folded into full names."""
        names: list[str] = []
        for sentence in self.sentences:
            for start, end, label in sentence.spans():
                if label == "PER":
                    names.append(" ".join(sentence.tokens[start:end]))
        return fold_short_names(names)


def tag_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Entity spans (start, end exclusive, type) from IOB1 or IOB2 tags."""
    spans: list[tuple[int, int, str]] = []
    start, label = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        continues = prefix == "I" and kind == label
        if start is not None and not continues:
            spans.append((start, i, label))
            start, label = None, None
        if prefix == "B" or (prefix == "I" and not continues):
            start, label = i, kind
    return spans


def read_conll(path: str | Path) -> list[ConllDocument]:
    """Documents of a CoNLL file; -DOCSTART- may open or close a document."""
    documents: list[ConllDocument] = []
    current = ConllDocument()
    tokens: list[str] = []
    tags: list[str] = []

    def end_sentence() -> None:
        if tokens:
            current.sentences.append(ConllSentence(tokens.copy(), tags.copy()))
            tokens.clear()
            tags.clear()

    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if not parts:
                end_sentence()
            elif parts[0] == DOCSTART:
                end_sentence()
                if current.sentences:
                    documents.append(current)
                current = ConllDocument()
            else:
                tokens.append(parts[0])
                tags.append(parts[-1])
    end_sentence()
    if current.sentences:
        documents.append(current)
    return documents


def fold_short_names(names: Iterable[str]) -> list[str]:
    """Distinct names with a surname-only mention folded into the one full name ending
    (or, for one word, starting) with it: "Lara" -> "Brian Lara" (and "LARA" in an
    all-capitals headline), "De Wilde" -> "Filip De Wilde"; order of first mention kept."""
    names = list(names)
    full = [n for n in names if len(n.split()) > 1 and not particles_and_surname(n)]
    result: dict[str, None] = {}
    for name in names:
        words = name.casefold().split()
        if len(words) == 1:
            fits = {f.casefold(): f for f in full
                    if words[0] in (f.split()[-1].casefold(), f.split()[0].casefold())}
        else:
            fits = {f.casefold(): f for f in full if particles_and_surname(name)
                    and f.casefold().split()[-len(words):] == words}
        if len(fits) == 1:  # "ROBERTO DURAN" and "Roberto Duran" are one name
            name = next(iter(fits.values()))
        result.setdefault(name, None)
    return list(result)


@dataclass
class Score:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, predicted: set, gold: set) -> None:
        self.true_positives += len(predicted & gold)
        self.predicted += len(predicted)
        self.gold += len(gold)
