"""People extraction scored against the hand annotation of 100 AllSides articles.

    python -m bench.allsides_people [--data ../shared/data] [--errors]

The articles go through the indexing path (the AllSides reader, normalisation with the
page-debris cleaning, the model, `settle_people`), and each article's people are scored
by the rules of `allsides_people/SOURCE.md`: names normalised (lower case, no accents or
periods, one space); a prediction matches a gold name when equal, when both have two
words or more and agree on the first and the last, or when it is one word that ends
exactly one gold name of the article; `ambiguous` matches count neither way; duplicates
and `excluded` names are false positives. `--errors` lists every wrong and missed name.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.table import print_table
from searchapp.article import Article
from searchapp.enrich.people_cache import PeopleCache
from searchapp.ingest import IngestReport, read_sources
from searchapp.pipeline import enriched

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def normalised(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c)).replace(".", "")
    return " ".join(folded.split())


def matches(predicted: str, gold: str, gold_names: list[str]) -> bool:
    """SOURCE.md's three rules (all names already `normalised`)."""
    if predicted == gold:
        return True
    p, g = predicted.split(), gold.split()
    if len(p) >= 2 and len(g) >= 2:
        return p[0] == g[0] and p[-1] == g[-1]
    if len(p) == 1 and g and g[-1] == p[0]:
        return sum(other.split()[-1:] == p for other in gold_names) == 1
    return False


@dataclass
class ArticleScore:
    right: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # wrong, and a byline/credit/bio
    missed: list[str] = field(default_factory=list)


def score_article(predicted: list[str], gold: dict) -> ArticleScore:
    people = [normalised(n) for n in gold["people"]]
    ambiguous = [normalised(n) for n in gold["ambiguous"]]
    excluded = [normalised(n) for n in gold["excluded"]]
    unmatched = list(range(len(people)))
    score = ArticleScore()
    for name in predicted:
        key = normalised(name)
        hit = next((i for i in unmatched if matches(key, people[i], people)), None)
        if hit is not None:
            unmatched.remove(hit)
            score.right.append(name)
        elif any(matches(key, a, ambiguous) for a in ambiguous):
            continue
        else:
            score.wrong.append(name)
            if any(matches(key, e, excluded) for e in excluded):
                score.excluded.append(name)
    score.missed = [gold["people"][i] for i in unmatched]
    return score


@dataclass
class DevSetResult:
    right: int
    wrong: int
    missed: int
    excluded: int
    per_article: list[tuple[Article, ArticleScore]]

    @property
    def precision(self) -> float:
        return self.right / max(self.right + self.wrong, 1)

    @property
    def recall(self) -> float:
        return self.right / max(self.right + self.missed, 1)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def dev_articles(data: Path) -> tuple[list[Article], list[dict]]:
    """The annotated articles, read by the AllSides reader, in the gold file's order."""
    gold = json.loads((data / "allsides_people" / "gold.json").read_text())["articles"]
    wanted = {g["id"] for g in gold}
    source = data / "allsides_news" / "articles.jsonl.gz"
    found = {a.id: a for a in read_sources([source], IngestReport()) if a.id in wanted}
    return [found[g["id"]] for g in gold], gold


def dev_set_scores(data: Path) -> DevSetResult:
    articles, gold = dev_articles(data)
    with tempfile.TemporaryDirectory() as tmp:
        cache = PeopleCache(Path(tmp) / "people.sqlite", "bench")
        try:
            settled = list(enriched(iter(articles), cache, workers=1))
        finally:
            cache.close()
    per_article = [(a, score_article(a.people, g)) for a, g in zip(settled, gold, strict=True)]
    total = Counter()
    for _, s in per_article:
        total.update(right=len(s.right), wrong=len(s.wrong), missed=len(s.missed),
                     excluded=len(s.excluded))
    return DevSetResult(total["right"], total["wrong"], total["missed"], total["excluded"],
                        per_article)


def score_row(name: str, result: DevSetResult) -> list[object]:
    return [name, f"{result.precision:.3f}", f"{result.recall:.3f}", f"{result.f1:.3f}",
            result.right, result.wrong, result.missed, result.excluded]


SCORE_HEADER = ["set", "P", "R", "F1", "right", "wrong", "missed", "excluded extracted"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--errors", action="store_true", help="list wrong and missed names")
    args = parser.parse_args(argv)
    result = dev_set_scores(args.data)
    if args.errors:
        for article, score in result.per_article:
            if score.wrong or score.missed:
                print(f"{article.id} {article.outlet}: wrong {score.wrong} "
                      f"(excluded {score.excluded}) missed {score.missed}")
    print_table(SCORE_HEADER, [score_row("AllSides dev (100 articles)", result)],
                title="People on AllSides news, scored as allsides_people/SOURCE.md says")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
