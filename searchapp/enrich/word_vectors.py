"""Word vectors for the people model, learnt from unlabelled news text (word2vec).

    python -m searchapp.enrich.word_vectors ../shared/data/allsides_news/articles.jsonl.gz OUT

CoNLL-2003 is small and from 1996; vectors learnt from a large, recent news corpus tell
the model which unseen capitalised words behave like names. Only training needs gensim.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import spacy

DIMENSIONS = 64
MIN_COUNT = 5
KEEP_WORDS = 100_000


def sentences(path: Path) -> Iterator[list[str]]:
    """spaCy tokens (case kept, as the model looks them up) of every line of text."""
    tokenizer = spacy.blank("en").tokenizer
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            text = record.get("content_original") or record.get("body") or ""
            for paragraph in f"{record.get('title', '')}\n{text}".split("\n"):
                if paragraph.strip():
                    yield [t.text for t in tokenizer(paragraph) if not t.is_space]


def train_vectors(corpus: Path, out: Path) -> Path:
    """Write the vectors in word2vec text format, the most frequent words first."""
    from gensim.models import Word2Vec

    corpus_sentences = list(sentences(corpus))
    print(f"{len(corpus_sentences):,} paragraphs", flush=True)
    model = Word2Vec(corpus_sentences, vector_size=DIMENSIONS, window=5, min_count=MIN_COUNT,
                     workers=2, epochs=5, sg=1, negative=5, seed=1)
    vectors = model.wv
    words = vectors.index_to_key[:KEEP_WORDS]
    with out.open("w", encoding="utf-8") as handle:
        handle.write(f"{len(words)} {DIMENSIONS}\n")
        for word in words:
            handle.write(word + " " + " ".join(f"{x:.4f}" for x in vectors[word]) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    print(f"vectors written to {train_vectors(args.corpus, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
