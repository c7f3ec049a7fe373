"""The people model's matrix products through numpy's BLAS give thinc's results, on one
thread."""

import numpy
import pytest
from thinc.api import NumpyOps
from threadpoolctl import threadpool_info

from searchapp.enrich.blas_ops import BlasOps, one_blas_thread
from searchapp.enrich.people import _nlp


@pytest.mark.parametrize("trans1", [False, True])
@pytest.mark.parametrize("trans2", [False, True])
def test_products_match_thinc_for_every_transpose(trans1, trans2):
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((70, 30) if not trans1 else (30, 70)).astype("float32")
    y = rng.standard_normal((30, 20) if not trans2 else (20, 30)).astype("float32")
    expected = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    numpy.testing.assert_allclose(BlasOps().gemm(x, y, trans1=trans1, trans2=trans2),
                                  expected, rtol=1e-5, atol=1e-5)
    out = numpy.zeros((70, 20), dtype="float32")
    returned = BlasOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2)
    assert returned is out
    numpy.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_the_people_model_runs_on_these_ops():
    ops = {type(layer.ops) for pipe in ("tok2vec", "ner")
           for layer in _nlp().get_pipe(pipe).model.walk()}
    assert BlasOps in ops


def _blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_blas_runs_on_one_thread_within_the_block():
    with one_blas_thread():
        threads = _blas_threads()
    assert threads and set(threads) == {1}


def test_a_blas_loaded_after_the_first_block_is_limited_too():
    with one_blas_thread():
        pass
    pytest.importorskip("scipy.linalg")  # brings its own OpenBLAS, loaded only now
    with one_blas_thread():
        threads = _blas_threads()
    assert threads and set(threads) == {1}
