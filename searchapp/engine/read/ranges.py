"""CSR-style layouts shared by the facet columns and the phrase positions: many short runs
stored back to back in one array, with an offsets array saying where each run begins."""

from __future__ import annotations

import numpy as np


def offsets(counts: np.ndarray) -> np.ndarray:
    """Where each run begins for runs of `counts` items laid back to back, plus the end."""
    result = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=result[1:])
    return result


def range_indices(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices starts[i] .. starts[i] + lengths[i] - 1 of every run, concatenated, in
    one vectorised step (no Python loop over the runs)."""
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return np.arange(int(lengths.sum())) + shift
