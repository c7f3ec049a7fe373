"""Story clusters of an index: how many, how large, and a sample of pairs to read.

    python -m bench.stories [--index-dir DIR] [--pairs 50] [--out pairs.md]

Prints the clusters of two or more articles by size and writes a random sample of
same-story pairs (outlet, date, headline, the start of each body) to a Markdown file, for a
person to read and judge: the precision reported in docs/research.md is that reading.
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from bench.table import print_table
from searchapp.engine import IndexStore

DEFAULT_INDEX = Path(__file__).resolve().parent / ".work" / "x1-index"


def clusters(index_dir: Path) -> tuple[int, dict[str, list[dict]]]:
    """(articles, the stories of two or more articles with their members' stored fields)."""
    ix = IndexStore(index_dir).open_current()
    members: dict[str, list[dict]] = defaultdict(list)
    try:
        with ix.searcher() as searcher:
            articles = 0
            for stored in searcher.all_stored_fields():
                articles += 1
                members[stored.get("story") or stored["id"]].append(
                    {k: stored.get(k) for k in ("id", "title", "outlet", "published", "body")})
    finally:
        ix.close()
    return articles, {story: docs for story, docs in members.items() if len(docs) > 1}


def _describe(doc: dict) -> str:
    day = doc["published"].date().isoformat() if doc.get("published") else "no date"
    body = " ".join((doc.get("body") or "").split())[:300]
    return f"**{doc.get('outlet') or '?'}**, {day}: {doc.get('title')}\n\n> {body}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=DEFAULT_INDEX)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("story-pairs.md"))
    args = parser.parse_args()
    articles, found = clusters(args.index_dir)
    sizes: dict[int, int] = defaultdict(int)
    for docs in found.values():
        sizes[len(docs)] += 1
    rows = [[size, count, size * count] for size, count in sorted(sizes.items())]
    rows.append(["all", len(found), sum(len(d) for d in found.values())])
    print(f"{articles:,} articles; stories of 2+ articles:")
    print_table(["copies", "stories", "articles"], rows)
    pairs = [pair for docs in found.values() for pair in combinations(docs, 2)]
    random.Random(args.seed).shuffle(pairs)
    sample = pairs[:args.pairs]
    lines = [f"# {len(sample)} of {len(pairs)} same-story pairs (seed {args.seed})\n"]
    for number, (a, b) in enumerate(sample, 1):
        lines += [f"## {number}\n", _describe(a), "", _describe(b), "", "same story: ?\n"]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(pairs)} pairs in these stories; {len(sample)} written to {args.out} to read")


if __name__ == "__main__":
    main()
