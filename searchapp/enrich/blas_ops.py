"""Matrix products of the people model through numpy's BLAS, on one thread.

Most of the model's time goes to float32 matrix products. thinc computes them with blis;
numpy's bundled OpenBLAS picks kernels for the CPU it runs on and spent 30% less time
on this model's products (measured on an AVX-512 Xeon; 8-10% more words per second in
`bench.people`). The results are the same products, summed in another order.
Extraction runs one process per core, so BLAS gets one thread: more would fight the
other workers for the same cores.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import numpy
from thinc.api import NumpyOps, registry


@registry.ops("searchapp.BlasOps")
class BlasOps(NumpyOps):
    """thinc's NumpyOps with `gemm` done by `numpy.matmul`."""

    name = "searchapp_blas"

    def gemm(self, x, y, out=None, trans1: bool = False, trans2: bool = False):
        if not (x.dtype == y.dtype == numpy.float32 and x.ndim == y.ndim == 2):
            return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.matmul(a, b)
        return numpy.matmul(a, b, out=out)


def one_blas_thread() -> AbstractContextManager:
    """Within the block, BLAS calls run on the calling thread only.

    The loaded libraries are scanned on each call (about 0.7 ms, once per batch of
    texts): a BLAS loaded after a cached scan (scipy brings its own OpenBLAS) would
    otherwise keep its threads and fight the other workers for the cores.
    """
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().limit(limits=1, user_api="blas")
