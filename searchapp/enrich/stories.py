"""Near-duplicate detection for story clusters: a MinHash signature of each article's words.

The same wire story on several sites, or a piece republished under a new headline, shares
most of its five-word runs (shingles) with the other copies. datasketch's MinHash turns an
article's shingles into NUM_PERM numbers whose agreement estimates the Jaccard similarity of
two shingle sets; splitting them into BANDS bands of ROWS gives keys that two articles share
with high probability when they are similar (locality-sensitive hashing), so finding an
article's copies is a lookup of its band keys, never a comparison with every article.

Measured on AllSides (docs/research.md): pairs at an estimated similarity of 0.6 and more
are copies of one text; below that, long CNN pages that share related-link blocks and
opinion pages that share a site's boilerplate start to match.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from functools import lru_cache

import numpy as np

NUM_PERM = 64
BANDS, ROWS = 16, 4  # P(candidate) is 0.89 at similarity 0.6, 0.12 at 0.3
SHINGLE_WORDS = 5
SAME_STORY = 0.6  # estimated Jaccard similarity of shingles from which two are one story
SEED = 1
SCHEME = "affine32"  # named: a datasketch release with another default keeps our keys
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _permutations():
    from datasketch import MinHash  # imports scipy: only when an index is written

    return MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32,
                   scheme=SCHEME).permutations


def shingles(text: str) -> list[bytes]:
    """Runs of SHINGLE_WORDS lowercased words (one run for a shorter text)."""
    words = _WORD.findall(text.lower())
    if len(words) <= SHINGLE_WORDS:
        return [" ".join(words).encode("utf-8")] if words else []
    return [" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8")
            for i in range(len(words) - SHINGLE_WORDS + 1)]


def signature(text: str) -> np.ndarray | None:
    """The MinHash of the text's shingles (NUM_PERM uint32), or None for a text without
    words. crc32 hashes the shingles: stable across processes, unlike Python's hash()."""
    parts = shingles(text)
    if not parts:
        return None
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32,
                      permutations=_permutations(), scheme=SCHEME)
    minhash.update_batch(parts)
    return minhash.hashvalues.astype(np.uint32)


def story_text(title: str, body: str) -> str:
    """What is compared: the body (a copy's headline is often rewritten), or the title of
    an article without one."""
    return body if body.strip() else title


def signature_bytes(title: str, body: str) -> bytes | None:
    """An article's signature as it travels on `Article.story_signature` (NUM_PERM * 4
    bytes), computed where it is enriched; None for a text without words."""
    sig = signature(story_text(title, body))
    return None if sig is None else sig.tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.uint32)


def band_keys(sig: np.ndarray) -> list[str]:
    """One short key per band: articles sharing a key are candidate copies."""
    rows = sig.reshape(BANDS, ROWS)
    return [f"{band:02d}{hashlib.blake2b(row.tobytes(), digest_size=8).hexdigest()}"
            for band, row in enumerate(rows)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures' shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)
