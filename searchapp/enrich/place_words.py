"""Words that name places, teams and organisations far more often than people.

A lone capitalised word the model tags PER ("accusing Washington of ...") is a person only
if the article names someone with it in full; otherwise, when annotated news (CoNLL-2003
`eng.train`) uses that word as a whole entity of another type at least 80% of the time, it
is a place or an organisation. The list is derived from the training data, not typed in:

    python -m searchapp.enrich.place_words ../shared/data/conll2003/eng.train
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from searchapp.enrich.conll import read_conll

WORDS_FILE = Path(__file__).resolve().parent / "place_words.txt"
MIN_OTHER = 3
MAX_PERSON_SHARE = 0.2


def derive(train: Path) -> list[str]:
    """One-token entities of `train` that are rarely people."""
    labels: dict[str, Counter] = defaultdict(Counter)
    for document in read_conll(train):
        for sentence in document.sentences:
            for start, end, label in sentence.spans():
                if end - start == 1:
                    labels[sentence.tokens[start]][label] += 1
    return sorted(
        word for word, seen in labels.items()
        if word[:1].isupper() and not word.isupper()
        and sum(seen.values()) - seen["PER"] >= MIN_OTHER
        and seen["PER"] < MAX_PERSON_SHARE * sum(seen.values())
    )


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    if not WORDS_FILE.exists():
        return frozenset()
    return frozenset(WORDS_FILE.read_text(encoding="utf-8").split())


if __name__ == "__main__":
    words = derive(Path(sys.argv[1]))
    WORDS_FILE.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {WORDS_FILE}")
