"""The benchmark workloads: the AllSides corpus (x1) and sets derived from it (x5: re-ided
copies, each dated k years earlier), indexed once into bench/.work and reused."""

from __future__ import annotations

import gzip
import json
import shutil
import time
from datetime import date
from pathlib import Path

from searchapp.engine import IndexStore
from searchapp.enrich.people_cache import CACHE_NAME
from searchapp.pipeline import build_index

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "allsides_news" / "articles.jsonl.gz"
WORK = ROOT / "bench" / ".work"


def derived_corpus(source: Path, copies: int, out: Path) -> Path:
    """`copies` re-ided, re-dated copies of the corpus (copy k: id-k, dated k years earlier)."""
    if out.exists():
        return out
    partial = out.with_name(out.name + ".partial")  # a crash never leaves a short corpus
    with gzip.open(source, "rt", encoding="utf-8") as src, \
            gzip.open(partial, "wt", encoding="utf-8", compresslevel=1) as dst:
        lines = src.readlines()
        for k in range(copies):
            for line in lines:
                record = json.loads(line)
                if k:
                    record["ID"] = f"{record['ID']}-{k}"
                    record["date"] = _years_earlier(record["date"], k)
                dst.write(json.dumps(record) + "\n")
    partial.replace(out)
    return out


def _years_earlier(text: str, years: int) -> str:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    if day.year - years < 1:
        return text  # the corpus's year-0001 dates: impossible either way
    try:
        return day.replace(year=day.year - years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28).isoformat()


def corpus_for(copies: int, work: Path = WORK, corpus: Path = DEFAULT_CORPUS) -> Path:
    return corpus if copies == 1 else derived_corpus(corpus, copies, work / f"x{copies}.jsonl.gz")


def index_dir_for(copies: int, work: Path = WORK) -> Path:
    return work / f"x{copies}-index"


def timed_build(index_dir: Path, corpus: Path) -> dict:
    started = time.perf_counter()
    stats, _ = build_index(IndexStore(index_dir), [corpus], allow_shrink=True)
    seconds = time.perf_counter() - started
    return {"articles": stats.indexed, "seconds": seconds,
            "rate": stats.indexed / seconds, "size_mb": stats.size_bytes / 1e6}


def seed_people_cache(index_dir: Path, work: Path = WORK) -> str:
    """Copy the x1 people cache into a new workload's folder; the first build's label."""
    if (index_dir / CACHE_NAME).exists():
        return "build (people cache warm from an earlier run)"
    source = index_dir_for(1, work) / CACHE_NAME
    if source.exists() and index_dir != index_dir_for(1, work):
        index_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, index_dir / CACHE_NAME)
        return "build (people cache warm from x1)"
    return "first build (cold people cache)"


def prepared_index(copies: int, work: Path = WORK, corpus: Path = DEFAULT_CORPUS) -> Path:
    """The workload's index, built first if it is not there yet."""
    index_dir = index_dir_for(copies, work)
    try:
        IndexStore(index_dir).current_path()
    except LookupError:
        work.mkdir(parents=True, exist_ok=True)
        label = seed_people_cache(index_dir, work)
        print(f"[x{copies}] building the index (once; {label}) ...", flush=True)
        built = timed_build(index_dir, corpus_for(copies, work, corpus))
        print(f"[x{copies}] {built['articles']:,} articles in {built['seconds']:.0f} s: "
              f"{built['rate']:.0f} articles/s, {built['size_mb']:,.0f} MB", flush=True)
    return index_dir
