"""emlib against scikit-learn, side by side, from the same initial parameters.

Run from the repository root::

    python -m benchmarks            # the full table (a few minutes)
    python -m benchmarks --quick    # small sizes, a few seconds (what the book runs at build time)

or from Python::

    import benchmarks
    rows = benchmarks.run(quick=True)
    print(benchmarks.format_table(rows))

Every case fits both libraries from the same weights, means and precisions (or the same k-means
centres) with ``tol=0`` and a fixed number of iterations, reports the time per iteration of each,
the ratio scikit-learn / emlib (above 1: emlib is faster), the peak memory of each fit and whether
the two fits agree. The Bernoulli mixture has no scikit-learn peer; its iteration is compared with
one (N x D) @ (D x K) matrix product, the E-step's essential cost, and its fit is checked against a
short reference EM written in plain numpy/scipy (:func:`benchmarks.cases.reference_bernoulli_em`).
"""

from .cases import CASES, QUICK_CASES, format_table, machine_summary, run

__all__ = ["CASES", "QUICK_CASES", "format_table", "machine_summary", "run"]
