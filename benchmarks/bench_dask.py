"""emlib on a Dask cluster: the client's memory and the time per EM iteration (a script that prints numbers).

    python benchmarks/bench_dask.py             # 2·10⁸ × 2 doubles (3.2 GB) on disk, then 10⁷ rows in memory
    python benchmarks/bench_dask.py --quick     # a small version, to check the script

1. Out of memory: the workers of a LocalCluster (two processes, one thread each) write the data set
   chunk by chunk as .npy files in a temporary directory (a seeded function of the chunk's index);
   the client never holds it. A GaussianMixture fits it, reading every chunk from disk in every
   iteration. Printed: the client's peak resident memory, and the seconds of every iteration (one
   task graph each: E-step and statistics on the workers, tree reduction, M-step on the client).
2. In memory: the largest size the benchmark loads whole, fitted from the same start in memory (emlib
   on both cores) and on the cluster with the chunks persisted in the workers' memory; the
   difference per iteration is what the distribution costs.

The directory is removed at the end. Run it alone: the machine's two cores are all it measures.
"""

import argparse
import os
import resource
import shutil
import tempfile
import time
import warnings

import numpy as np

import emlib
from emlib import distributed

CENTRES = np.array([[0.0, 0.0], [4.0, 4.0], [-3.0, 5.0]])


def make_chunk(index, rows, seed=0):
    """Rows of a three-component 2-D Gaussian mixture: a function of the chunk's index alone."""
    rng = np.random.default_rng([seed, index])
    return CENTRES[rng.integers(len(CENTRES), size=rows)] + rng.standard_normal((rows, 2))


def write_chunk(path, index, rows):
    np.save(path, make_chunk(index, rows))
    return path


def chunk_sizes(n_rows, chunk_rows):
    sizes = [chunk_rows] * (n_rows // chunk_rows)
    return sizes + ([n_rows % chunk_rows] if n_rows % chunk_rows else [])


def on_disk(client, directory, n_rows, chunk_rows):
    """A dask array of n_rows × 2 doubles whose chunks are .npy files written by the workers."""
    import dask
    import dask.array as da

    sizes = chunk_sizes(n_rows, chunk_rows)
    paths = [os.path.join(directory, f"chunk{i:05d}.npy") for i in range(len(sizes))]
    client.gather(client.map(write_chunk, paths, range(len(sizes)), sizes))
    return da.concatenate([da.from_delayed(dask.delayed(np.load)(path), (rows, 2), dtype=float)
                           for path, rows in zip(paths, sizes)])


def start(n_components=3):
    """A fixed start, the same for every fit: no initialisation recipe runs."""
    rng = np.random.default_rng(1)
    return dict(weights_init=np.full(n_components, 1 / n_components),
                means_init=CENTRES + rng.normal(scale=0.5, size=CENTRES.shape),
                precisions_init=np.stack([np.eye(2)] * n_components))


class GraphClock:
    """The wall-clock time at which every task graph of emlib.distributed finished."""

    def __init__(self):
        self.ends, self._original = [], distributed._map_reduce

    def __enter__(self):
        def timed(*args):
            out = self._original(*args)
            self.ends.append(time.perf_counter())
            return out

        distributed._map_reduce = timed
        return self

    def __exit__(self, *exc):
        distributed._map_reduce = self._original


def dask_fit(X, iterations):
    """Fit on the cluster; returns the model and the seconds of every iteration's graph (and M-step)."""
    model = emlib.GaussianMixture(3, max_iter=iterations, tol=0, **start())
    with GraphClock() as clock, warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        model.fit(X)
    # graphs: the pass that checks the values, the evaluation at θ₀, then one per iteration
    return model, np.diff(clock.ends[1:])


def memory_fit_seconds(X, iterations, repeats=2):
    """Seconds per iteration of the in-memory fit: (fit with m iterations − fit with 0) / m, each the
    best of ``repeats`` runs (the fit with 0 iterations evaluates the start, which both include)."""
    times = {}
    for m in (0, iterations):
        times[m] = np.inf
        for _ in range(repeats):
            model = emlib.GaussianMixture(3, max_iter=m, tol=0, **start())
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", emlib.ConvergenceWarning)
                t0 = time.perf_counter()
                model.fit(X)
                times[m] = min(times[m], time.perf_counter() - t0)
    return model, (times[iterations] - times[0]) / iterations


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=float, default=2e8, help="rows of the out-of-memory data set")
    parser.add_argument("--chunk-rows", type=float, default=1e6)
    parser.add_argument("--memory-rows", type=float, default=1e7, help="rows of the in-memory comparison")
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2·10⁶ rows on disk, 10⁶ in memory")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.chunk_rows, args.memory_rows = 2e6, 2e5, 1e6
    rows, chunk_rows, memory_rows = int(args.rows), int(args.chunk_rows), int(args.memory_rows)

    from dask.distributed import Client, LocalCluster

    print(f"load before: {os.getloadavg()}")
    directory = tempfile.mkdtemp(prefix="emlib-bench-dask-", dir=os.environ.get("TMPDIR"))
    try:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            t0 = time.perf_counter()
            X = on_disk(client, directory, rows, chunk_rows)
            written = time.perf_counter() - t0
            gb = rows * 2 * 8 / 1e9
            print(f"wrote {rows:.3g} x 2 doubles ({gb:.2f} GB) as {X.numblocks[0]} .npy chunks in {written:.1f} s")
            before = peak_mb()
            model, seconds = dask_fit(X, args.iterations)
            after = peak_mb()
            print(f"out of memory: client peak RSS {before:.0f} MB before the fit, {after:.0f} MB after it "
                  f"(data {gb * 1e3:.0f} MB); seconds per iteration: {', '.join(f'{s:.2f}' for s in seconds)}")
            print(f"  log-likelihood per sample after {args.iterations} iterations: "
                  f"{model.history_[-1].log_likelihood / rows:.6f}")
            del X
            shutil.rmtree(directory, ignore_errors=True)

            import dask
            import dask.array as da

            sizes = chunk_sizes(memory_rows, chunk_rows)
            data = np.concatenate([make_chunk(i, n) for i, n in enumerate(sizes)])
            local, local_seconds = memory_fit_seconds(data, args.iterations)
            # the same chunks, made by the workers and kept in their memory
            persisted = client.persist(da.concatenate([da.from_delayed(dask.delayed(make_chunk)(i, n), (n, 2), dtype=float)
                                                       for i, n in enumerate(sizes)]))
            cluster_model, cluster_seconds = dask_fit(persisted, args.iterations)
            agree = np.abs(cluster_model.history_.series("log_likelihood") - local.history_.series("log_likelihood"))
            print(f"in memory ({memory_rows:.3g} x 2, chunks persisted on the workers): in-memory fit "
                  f"{local_seconds:.2f} s/iteration, cluster {np.median(cluster_seconds):.2f} s/iteration "
                  f"(median of {', '.join(f'{s:.2f}' for s in cluster_seconds)}), overhead "
                  f"{np.median(cluster_seconds) - local_seconds:.2f} s/iteration; histories agree to "
                  f"{(agree / np.abs(local.history_.series('log_likelihood'))).max():.1e}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
