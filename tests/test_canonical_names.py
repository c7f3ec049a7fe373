"""The incremental canonical names (what each new snapshot uses) equal the full computation
over the same counts, through any sequence of additions, count changes and removals."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from searchapp.canonical_names import CanonicalNames, canonical_names

NAMES = ["Sergey Lavrov", "Sergei Lavrov", "Lavrov", "Wang Yi", "Wang Wenbin", "Wang",
         "Yi", "Donald Trump", "Donald Trump Jr.", "Trump", "Trump Jr.", "Bashar al-Assad",
         "Bashar Assad", "Assad", "Xi Jinping", "Xi", "Jinping", "Nikolai Patrushev",
         "Nikolay Patrushev", "Patrushev", "Charles de Gaulle", "De Gaulle", "Ivanka Trump",
         "Melania Trump", "Kareem Abdul-Jabbar", "Kareem Abdul Jabbar", "Abdul-Jabbar"]

counts_strategy = st.dictionaries(st.sampled_from(NAMES), st.integers(1, 9), max_size=len(NAMES))


@settings(max_examples=300, deadline=None)
@given(st.lists(counts_strategy, min_size=1, max_size=8))
def test_each_update_equals_the_full_computation(states):
    names = CanonicalNames()
    for counts in states:
        assert names.update(counts) == canonical_names(counts)


def test_a_corpus_sized_update_touching_few_names_is_exact():
    rng = random.Random(3)
    pool = [f"{first} {last}" for first in ("Ann", "Bo", "Cy", "Di", "Ed", "Flo")
            for last in ("Smith", "Smyth", "Jones", "Brown", "Li", "Wu", "Khan")]
    pool += ["Smith", "Jones", "Li", "Khan", "Ann Smith Jr."]
    counts = {name: rng.randint(1, 50) for name in pool}
    names = CanonicalNames()
    assert names.update(counts) == canonical_names(counts)
    for _ in range(50):
        counts = dict(counts)
        name = rng.choice(pool)
        if name in counts and rng.random() < 0.3:
            del counts[name]
        else:
            counts[name] = rng.randint(1, 60)
        assert names.update(counts) == canonical_names(counts)


@settings(max_examples=300, deadline=None)
@given(counts_strategy, st.lists(st.dictionaries(st.sampled_from(NAMES), st.integers(1, 9)),
                                 max_size=8))
def test_updating_only_the_changed_counts_equals_the_full_computation(start, changes):
    """What a refresh does when the set of names is the same and a few counts moved."""
    names = CanonicalNames()
    names.update(start)
    counts = dict(start)
    for change in changes:
        change = {n: c for n, c in change.items() if n in counts}  # the same names
        counts.update(change)
        assert names.update_changed(change) == canonical_names(counts)


def test_keys_handed_over_are_used_and_nothing_is_kept_module_wide(sample_index):
    """An index's stored keys go to that index's VariantKeys; the shared module holds only
    constants, so one index's names never leak into another's through it."""
    import re as re_module
    import types

    from searchapp import canonical_names as module
    from searchapp.canonical_names import VariantKeys, variant_key
    from searchapp.engine import IndexStore, Searcher
    from searchapp.engine.types import SearchRequest

    keys = VariantKeys()
    keys.remember(["Sergei Lavrov"], [("stand-in",)])
    assert keys("Sergei Lavrov") == ("stand-in",)
    assert keys("Sergey Lavrov") == variant_key("Sergey Lavrov") == ("sergei", "lavrov")
    names = CanonicalNames(key=keys)
    assert names.update({"Sergei Lavrov": 2, "Sergey Lavrov": 1}) == {
        "Sergei Lavrov": "Sergei Lavrov", "Sergey Lavrov": "Sergey Lavrov"}  # keys differ

    Searcher(IndexStore(sample_index)).search(SearchRequest(q="", facets=["person"]))
    immutable = (str, int, float, bytes, tuple, frozenset, type(None), re_module.Pattern,
                 types.FunctionType, types.ModuleType, type)
    state = {name: type(value).__name__ for name, value in vars(module).items()
             if not name.startswith("__") and name != "annotations"
             and not isinstance(value, immutable)
             and not hasattr(value, "cache_info")}  # lru_cache'd pure functions
    assert state == {}
