"""Train the named-entity model behind people extraction, on CoNLL-2003.

    pip install ".[train]"
    python -m searchapp.enrich.lexicon
    python -m searchapp.enrich.word_vectors \
        ../shared/data/allsides_news/articles.jsonl.gz vectors.txt
    python -m searchapp.enrich.ner_training ../shared/data/conll2003 --vectors vectors.txt

trains on `eng.train` with word vectors learnt from unlabelled news and the word lists of
`lexicon`, picks the best model on `eng.testa` (never looks at `eng.testb`) and writes it
into the package (`searchapp/enrich/model/`), so users never train it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span

from searchapp.enrich import lexicon  # noqa: F401  registers the embedding ner.cfg names
from searchapp.enrich.conll import read_conll

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "ner.cfg"
MODEL_DIR = HERE / "model"


def conll_to_docbin(path: Path, out: Path) -> int:
    """Write one spaCy Doc per CoNLL document, with gold entities and sentence starts."""
    nlp = spacy.blank("en")
    docbin = DocBin()
    documents = read_conll(path)
    for document in documents:
        words: list[str] = []
        sent_starts: list[bool] = []
        ents: list[tuple[int, int, str]] = []
        for sentence in document.sentences:
            offset = len(words)
            words.extend(sentence.tokens)
            sent_starts.extend([True] + [False] * (len(sentence.tokens) - 1))
            ents.extend((offset + s, offset + e, label) for s, e, label in sentence.spans())
        doc = Doc(nlp.vocab, words=words, sent_starts=sent_starts)
        doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
        docbin.add(doc)
    docbin.to_disk(out)
    return len(documents)


def train(conll_dir: Path, output: Path, vectors: Path, extra: dict | None = None) -> Path:
    from spacy.cli.train import train as spacy_train
    from spacy.training.initialize import convert_vectors

    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        train_path, dev_path = work_dir / "train.spacy", work_dir / "dev.spacy"
        print(f"train: {conll_to_docbin(conll_dir / 'eng.train', train_path)} documents")
        print(f"dev:   {conll_to_docbin(conll_dir / 'eng.testa', dev_path)} documents")
        vectors_nlp = spacy.blank("en")
        convert_vectors(vectors_nlp, vectors, truncate=0, prune=-1, name="allsides_w2v")
        vectors_nlp.to_disk(work_dir / "vectors")
        overrides = {"paths.train": str(train_path), "paths.dev": str(dev_path),
                     "paths.vectors": str(work_dir / "vectors"), **(extra or {})}
        spacy_train(CONFIG, work_dir / "out", overrides=overrides)
        best = work_dir / "out" / "model-best"
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(best, output)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("conll_dir", type=Path, help="folder with eng.train and eng.testa")
    parser.add_argument("--vectors", type=Path, required=True,
                        help="word2vec text file from searchapp.enrich.word_vectors")
    parser.add_argument("--output", type=Path, default=MODEL_DIR)
    parser.add_argument("--max-steps", type=int, default=None,
                        help="fewer training steps, for a quick trial (default: ner.cfg's)")
    parser.add_argument("--seed", type=int, default=None,
                        help="random seed (default: ner.cfg's, that of the shipped model)")
    args = parser.parse_args(argv)
    extra = {} if args.seed is None else {"system.seed": args.seed}
    if args.max_steps:
        extra["training.max_steps"] = args.max_steps
    print(f"model written to {train(args.conll_dir, args.output, args.vectors, extra)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
