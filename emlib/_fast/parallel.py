"""Blocks of samples, and the threads that run a step over them.

The fit's E- and M-steps (the engine in emlib._fast) work on blocks of consecutive samples. A block's work arrays are small
enough to stay in the processor's cache while they are used, and separate blocks can run on
separate cores: numpy releases Python's global lock inside its matrix products and ufuncs, so
plain threads run blocks side by side.

How many threads: as many as the BLAS library may use, so the usual controls govern emlib too
(``threadpoolctl.threadpool_limits``, ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``); one if
threadpoolctl finds no BLAS library. While the blocks run (for a fit: from its start to its end),
each BLAS call in the process is limited to one thread, so the two levels of threads do not
compete for the same cores (scikit-learn's KMeans does the same).

Results never depend on the number of threads: the blocks are the same, and partial sums are
added in block order.
"""

import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from functools import cache

import numpy as np

SIZE = 1 << 18  # numbers in one block's work array at most: 2 MB, which stays in the cache
SHARES = 4  # a large data set is cut into a multiple of this many blocks, for the threads to share
MIN_SAMPLES = 2048  # "large": at least SHARES blocks of this many samples (each block costs a few calls)


def split(n_samples, per_sample):
    """Slices of consecutive samples (blocks): ``per_sample`` numbers for each fit in one work array.

    A large data set gets a multiple of SHARES blocks of equal size, so that 2 or 4 threads share
    them evenly (5 blocks on 2 threads would leave one thread idle for a fifth of the time).
    """
    count = -(-n_samples // max(1, SIZE // per_sample))  # the fewest blocks that fit the work array
    if n_samples >= SHARES * MIN_SAMPLES:
        count = SHARES * -(-count // SHARES)
    size = -(-n_samples // count)
    return [slice(start, min(start + size, n_samples)) for start in range(0, n_samples, size)]


@cache
def _controller():
    from threadpoolctl import ThreadpoolController

    # created at first use, after numpy's and scipy's BLAS libraries are loaded
    return ThreadpoolController().select(user_api="blas")


@cache
def _pool(n_threads):
    return ThreadPoolExecutor(n_threads, thread_name_prefix="emlib")


def n_threads():
    """The number of threads emlib uses: what the BLAS libraries are currently allowed (one in a
    browser, where Python has no threads)."""
    if sys.platform == "emscripten":
        return 1
    if _fitting.get():
        return _fitting.get()
    counts = [lib.num_threads for lib in _controller().lib_controllers]
    return max(1, min(counts, default=1))


# Inside `threads()`: how many threads the blocks may use while BLAS itself is held to one.
_fitting = ContextVar("emlib_threads", default=0)


@contextmanager
def threads():
    """Hold every BLAS call to one thread for a whole fit, and let the blocks use the threads instead.

    Setting the limit once per fit rather than once per step matters: after a call on several
    threads, OpenBLAS's helper threads keep spinning for a while, and they would take the cores
    the blocks are about to use.
    """
    if sys.platform == "emscripten":
        yield
        return
    workers = n_threads()
    with _controller().limit(limits=1):
        token = _fitting.set(workers)
        try:
            yield
        finally:
            _fitting.reset(token)


def run(step, pieces):
    """``[step(piece) for piece in pieces]``, on several threads when there are several pieces."""
    workers = min(n_threads(), len(pieces))
    if workers <= 1:
        return [step(piece) for piece in pieces]
    results = [None] * len(pieces)
    todo = iter(range(len(pieces)))  # shared by the threads: each takes the next piece when it is free

    def work():
        try:
            for i in todo:
                results[i] = step(pieces[i])
        except BaseException:
            for _ in todo:  # a step failed: leave the other threads nothing more to start
                pass
            raise

    with nullcontext() if _fitting.get() else _controller().limit(limits=1):
        helpers = [_pool(workers - 1).submit(work) for _ in range(workers - 1)]
        try:
            work()  # the calling thread takes pieces too
        finally:
            for helper in helpers:
                helper.exception()  # wait until every helper has stopped
        for helper in helpers:
            helper.result()  # raises what the step raised in a helper, if it did
    return results


def total(step, pieces):
    """Σ step(piece) over the pieces, added in order (so the result does not depend on threads)."""
    parts = run(step, pieces)
    out = np.array(parts[0], dtype=float, copy=True)
    for part in parts[1:]:
        out += part
    return out
