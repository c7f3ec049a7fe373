"""The people facet of a whole index, and what changed between two releases.

    python -m bench.people_facet --index-dir DIR --dump after.json
    python -m bench.people_facet --compare before.json after.json

The first reads every article's canonical people (what the facet counts) through the
public engine API and writes them with the facet's value count and top values; run it
with each release's own code on its own index (`PYTHONPATH=../old-checkout`), since
canonical names are computed when an index is read. The second prints, for the articles
both dumps hold, the facet's value count and top 20 before and after, how many facet
values appeared or went, how many article-person mentions moved to another value, and the
largest merges.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from bench.table import print_table
from searchapp.engine import IndexStore, Searcher
from searchapp.engine.types import SearchRequest

TOP = 20


def dump(index_dir: Path, out: Path) -> None:
    searcher = Searcher(IndexStore(index_dir))
    export = searcher.export(SearchRequest())
    try:
        people = {record.id: record.people for record in export}
    finally:
        export.close()
    counts = Counter(name for names in people.values() for name in set(names))
    out.write_text(json.dumps({"index": str(index_dir), "generation": searcher.generation(),
                               "articles": len(people), "values": len(counts),
                               "top": counts.most_common(TOP), "people": people},
                              ensure_ascii=False))
    print(f"{len(people):,} articles, {len(counts):,} facet values -> {out}")


def compare(before_path: Path, after_path: Path) -> None:
    before = json.loads(before_path.read_text())["people"]
    after = json.loads(after_path.read_text())["people"]
    shared = sorted(before.keys() & after.keys())
    old = Counter(n for i in shared for n in set(before[i]))
    new = Counter(n for i in shared for n in set(after[i]))
    gone, came = old.keys() - new.keys(), new.keys() - old.keys()
    moved: Counter = Counter()  # (old value, new value) pairs within one article
    dropped = added = kept = 0
    for article in shared:
        was, now = set(before[article]), set(after[article])
        kept += len(was & now)
        lost, gained = was - now, now - was
        for name in sorted(lost):
            target = _merged_into(name, gained)
            if target:
                moved[name, target] += 1
                gained.discard(target)
            else:
                dropped += 1
        added += len(gained)
    rows = [["articles compared", f"{len(shared):,}", ""],
            ["facet values", f"{len(old):,}", f"{len(new):,}"],
            ["values gone / new", f"{len(gone):,}", f"{len(came):,}"],
            ["mentions (article, person)", f"{sum(old.values()):,}", f"{sum(new.values()):,}"],
            ["mentions kept", f"{kept:,}", ""],
            ["mentions moved to another value", f"{sum(moved.values()):,}", ""],
            ["mentions dropped / added", f"{dropped:,}", f"{added:,}"]]
    print_table(["", "before", "after"], rows, title="The people facet, before and after")
    width = max(len(old.most_common(TOP)), len(new.most_common(TOP)))
    tops = [[i + 1, *(_cell(c.most_common(TOP), i) for c in (old, new))] for i in range(width)]
    print_table(["rank", "before", "after"], tops, title=f"Top {TOP} people")
    merges: Counter = Counter()
    for (name, target), count in moved.items():
        merges[name, target] += count
    print_table(["from", "to", "articles"],
                [[a, b, n] for (a, b), n in merges.most_common(25)],
                title="Largest moves of one value into another")
    print_table(["value gone", "articles before"],
                [[name, old[name]] for name in sorted(gone, key=lambda n: -old[n])[:25]],
                title="Largest values that went")


def _merged_into(name: str, gained: set[str]) -> str | None:
    """The value of the same article that took `name`'s place: a longer name ending with
    it, or one equal but for hyphens, spaces and case."""
    plain = name.replace("-", " ").casefold()
    for other in sorted(gained):
        folded = other.replace("-", " ").casefold()
        if folded == plain or folded.endswith(" " + plain) or plain.endswith(" " + folded) \
                or folded.startswith(plain + " "):
            return other
    return None


def _cell(ranked: list[tuple[str, int]], i: int) -> str:
    return f"{ranked[i][0]} ({ranked[i][1]:,})" if i < len(ranked) else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        compare(*args.compare)
    elif args.index_dir and args.dump:
        dump(args.index_dir, args.dump)
    else:
        parser.error("give --index-dir and --dump, or --compare BEFORE AFTER")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
