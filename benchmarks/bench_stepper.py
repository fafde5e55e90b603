"""The live stepper's speed: median time of one ``EMStepper.goto(t)`` for a 2-D Gaussian mixture.

500 points, K = 3, full covariances; a goto recomputes q at that half-step, updates every panel and
renders the figure to the PNG that the widget shows (exactly what a click costs in class, minus the
browser). The target is under 100 ms. Run it (from the repository root) with

    MPLBACKEND=Agg python benchmarks/bench_stepper.py [--repeats 200] [--dpi 112]

It also reports the two parts of a goto, the panel update (Panels.draw) and the PNG rendering
(at twice the screen's pixels, as the stepper renders for a projector or a 2x screen).
"""

import argparse
import os
import statistics
import time
import warnings

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

import emlib  # noqa: E402
from emlib import datasets, widgets  # noqa: E402

TARGET_MS = 100.0


def make_stepper(n_samples=500, n_components=3, dpi=112, seed=0):
    means = np.array([[0.0, 0.0], [4.0, 0.5], [1.5, 4.0]])
    covariances = np.array([[[1.0, 0.5], [0.5, 1.0]], [[0.6, -0.2], [-0.2, 0.4]], [[1.2, 0.0], [0.0, 0.5]]])
    X, _ = datasets.blobs(means, covariances, n_samples, random_state=seed)
    model = emlib.GaussianMixture(n_components, init_params="random", random_state=seed, tol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        model.fit(X)
    return widgets.EMStepper(model, X, dpi=dpi)


def time_gotos(stepper, repeats):
    """Seconds per goto, visiting half-steps in a fixed shuffled order (every goto changes t)."""
    n = len(stepper.history)
    order = np.random.default_rng(0).permutation(np.resize(np.arange(n), repeats + 1))
    stepper.goto(int(order[0]))  # warm-up
    times = []
    for a, b in zip(order[:-1], order[1:]):
        t = int(b) if b != a else (int(b) + 1) % n
        start = time.perf_counter()
        stepper.goto(t)
        times.append(time.perf_counter() - start)
    return times


def time_parts(stepper, repeats):
    """Seconds for the panel update alone and for the (blitted) PNG rendering alone."""
    n = len(stepper.history)
    draws, renders = [], []
    for i in range(repeats):
        start = time.perf_counter()
        stepper.view.draw(i % n)
        middle = time.perf_counter()
        stepper._renderer.png()
        end = time.perf_counter()
        draws.append(middle - start)
        renders.append(end - middle)
    return draws, renders


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100, help="number of timed gotos (default 100)")
    parser.add_argument("--dpi", type=int, default=112, help="the stepper's dpi (default 112, its default)")
    args = parser.parse_args(argv)

    stepper = make_stepper(dpi=args.dpi)
    ms = 1000 * statistics.median(time_gotos(stepper, args.repeats))
    draws, renders = time_parts(stepper, max(20, args.repeats // 2))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    width, height = stepper.fig.canvas.get_width_height()
    print(f"EMStepper.goto, 500 points, K=3, 2-D GMM, {len(stepper.history)} half-steps, dpi {args.dpi} "
          f"({width}x{height} pixels), "
          f"{os.cpu_count()} CPUs (load {load:.1f}):")
    print(f"  median goto: {ms:.1f} ms  (target < {TARGET_MS:.0f} ms: {'met' if ms < TARGET_MS else 'NOT met'})")
    print(f"  of which panel update {1000 * statistics.median(draws):.1f} ms, "
          f"PNG rendering {1000 * statistics.median(renders):.1f} ms")
    return ms


if __name__ == "__main__":
    main()
