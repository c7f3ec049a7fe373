"""People extraction against CoNLL-2003, on AllSides news and on the bundled sample.

    python -m bench.people [--data ../shared/data]

Prints PER entity-level precision/recall/F1 (exact spans of `person_spans`: the model
on the whole document plus document-level label consistency; and the F1 of the model's
PER spans alone) on eng.testa (the split the model and the rules were tuned on) and
eng.testb (never used to train or select the model);
document-level F1 of `extract_people` on the set of distinct people per document (a
surname-only gold mention that the document also names in full counts as that full
name); speed in words per second on one core with peak memory; the hand annotation of 100
AllSides articles (`bench.allsides_people`: P, R, F1 and byline/credit names extracted);
and the sample's people.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from itertools import accumulate
from pathlib import Path

from spacy.tokens import Doc

from bench.allsides_people import SCORE_HEADER, dev_set_scores, score_row
from bench.table import print_table
from searchapp.engine import IndexStore, Searcher
from searchapp.engine.types import SearchRequest
from searchapp.enrich.conll import ConllDocument, Score, read_conll
from searchapp.enrich.people import BATCH_SIZE, _nlp, extract_people_many, person_spans
from searchapp.pipeline import build_index

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def entity_scores(path: Path) -> tuple[Score, Score]:
    """PER mentions as `person_spans` gives them, and as the model alone tags them; each
    document goes through the model whole, as an article does."""
    nlp = _nlp()
    system, model_alone = Score(), Score()
    documents = read_conll(path)
    docs = nlp.pipe((_as_doc(nlp, d) for d in documents), batch_size=BATCH_SIZE)
    for document, doc in zip(documents, docs, strict=True):
        gold = set()
        for offset, sentence in zip(_offsets(document), document.sentences, strict=True):
            gold |= {(offset + s, offset + e) for s, e, label in sentence.spans()
                     if label == "PER"}
        system.add({(s.start, s.end) for s in person_spans(doc)}, gold)
        model_alone.add({(e.start, e.end) for e in doc.ents if e.label_ == "PER"}, gold)
    return system, model_alone


def _offsets(document: ConllDocument) -> list[int]:
    """Where each sentence starts among the document's tokens."""
    return list(accumulate((len(s.tokens) for s in document.sentences[:-1]), initial=0))


def _as_doc(nlp, document: ConllDocument) -> Doc:
    """The document's own tokens, with its sentence starts."""
    words = [t for s in document.sentences for t in s.tokens]
    starts = [i == 0 for s in document.sentences for i in range(len(s.tokens))]
    return Doc(nlp.vocab, words=words, sent_starts=starts)


def document_scores(path: Path) -> tuple[Score, float, int]:
    documents = read_conll(path)
    texts = [d.text() for d in documents]
    words = sum(len(t.split()) for t in texts)
    started = time.perf_counter()
    predicted = extract_people_many(texts)
    seconds = time.perf_counter() - started
    score = Score()
    for document, names in zip(documents, predicted, strict=True):
        score.add({n.casefold() for n in names}, {n.casefold() for n in document.people()})
    return score, words / seconds, words


def sample_people() -> tuple[list[list[object]], list[tuple[str, int]]]:
    with tempfile.TemporaryDirectory() as tmp:
        store = IndexStore(tmp)
        build_index(store, workers=1)
        searcher = Searcher(store)
        result = searcher.search(SearchRequest(per_page=5, facet_size=100, facets=("person",)))
        rows = [[hit.outlet, ", ".join(hit.people)] for hit in result.hits]
        facet = [(b.value, b.count) for b in result.facets["person"]]
    return rows, facet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    conll = args.data / "conll2003"
    rows = []
    for split in ("eng.testa", "eng.testb"):
        entity, model_alone = entity_scores(conll / split)
        document, words_per_second, words = document_scores(conll / split)
        # the two scores with targets keep four decimals: "0.920" may be under 0.92
        rows.append([split, entity.precision, entity.recall, f"{entity.f1:.4f}",
                     model_alone.f1, document.precision, document.recall,
                     f"{document.f1:.4f}", f"{words:,}", f"{words_per_second:,.0f}"])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print_table(["split", "PER P", "PER R", "PER F1", "model alone F1", "doc P", "doc R",
                 "doc F1", "words", "words/s (1 core)"], rows,
                title="People extraction on CoNLL-2003 (PER: exact spans; doc: distinct "
                      "people per document)")
    print(f"peak memory: {peak_mb:.0f} MB")
    if (args.data / "allsides_people" / "gold.json").exists():
        print_table(SCORE_HEADER, [score_row("AllSides dev (100 articles)",
                                             dev_set_scores(args.data))],
                    title="People on AllSides news (allsides_people/SOURCE.md scoring)")
    people, facet = sample_people()
    print_table(["outlet", "people"], people, title="People of the five sample articles")
    print_table(["person facet value", "articles"], facet[:15], title="Person facet (sample)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
