"""The benchmark cases, the timing and memory harness, and the table.

Timing a fixed number of iterations fairly
------------------------------------------
A fit is initialisation + n iterations + a little bookkeeping at the end, and the two libraries
spend different amounts on the first and the last (scikit-learn runs one extra E-step after the
loop; emlib records its history). So every fit is timed twice, with ``max_iter = n_lo`` and with
``max_iter = n_hi``, from the same explicit initial parameters and with ``tol=0`` (no early stop),
and the time per iteration is

    (median time(n_hi) − median time(n_lo)) / (n_hi − n_lo),

in which everything outside the loop cancels. The two fits of a pair run back to back and the two
libraries alternate within every repeat, so a disturbance from other processes on the machine hits
both alike; medians over the repeats discard the rest. The window n_hi − n_lo is at least 20
iterations, and longer (up to 100) where emlib's 20 iterations take less than ``MIN_WINDOW``
seconds: a difference of two fit times of a few tens of milliseconds is mostly the clock's and the
machine's noise, which a longer window divides by more iterations. K-means stops early when no label changes
(both libraries), so its data is uniform noise, where Lloyd's algorithm moves for dozens of
iterations, and the number of iterations actually run is checked.

Peak memory is measured in a separate, untimed fit (``max_iter = n_lo``) with :mod:`tracemalloc`,
which sees every numpy allocation (numpy reports its data buffers to it); the input X, allocated
before, is not counted. The unit column divides emlib's peak by the size of N·(K + D) float64
numbers, so an N × K × D temporary would show up as a number that grows with D or K.

Threads: both libraries run under the same :func:`threadpoolctl.threadpool_limits`, which sets the
BLAS threads of numpy/scipy, the OpenMP threads of scikit-learn's compiled k-means, and with them
the threads emlib runs its blocks on. The default lets both use every core and times wall-clock
time; the peer is then timed a second time on one thread and reported at its faster setting
(plain OpenBLAS threading is slow on small products, and scikit-learn's mixture code has no other
parallelism). ``--threads 1`` measures one core of each, by CPU time.
"""

import os
import platform
import time
import tracemalloc
import warnings

import numpy as np

# (label, N, D, K) for every case. "gmm-full"/"gmm-diag": GaussianMixture; "bernoulli":
# BernoulliMixture against one matrix product; "kmeans": KMeans against scikit-learn's KMeans (the
# faster of its Lloyd and Elkan algorithms).
CASES = [
    ("gmm-full", 100_000, 2, 5),
    ("gmm-full", 20_000, 32, 10),
    ("gmm-full", 200_000, 8, 8),
    ("gmm-diag", 100_000, 2, 5),
    ("gmm-diag", 20_000, 32, 10),
    ("gmm-diag", 200_000, 8, 8),
    ("bernoulli", 60_000, 784, 10),
    ("kmeans", 100_000, 2, 8),
]

# The same kinds at sizes that run in a few seconds in total (the practice chapter's build-time run).
QUICK_CASES = [
    ("gmm-full", 10_000, 2, 5),
    ("gmm-full", 2_000, 32, 10),
    ("gmm-diag", 10_000, 2, 5),
    ("bernoulli", 6_000, 784, 10),
    ("kmeans", 10_000, 2, 8),
]


# ---- data and initial parameters ---------------------------------------------------------------
def gaussian_blobs(n_samples, n_features, n_components, rng):
    """Samples of a random Gaussian mixture whose components overlap a little."""
    means = rng.normal(scale=3.0, size=(n_components, n_features))
    labels = rng.integers(n_components, size=n_samples)
    X = np.empty((n_samples, n_features))
    for k in range(n_components):
        idx = np.flatnonzero(labels == k)
        A = rng.normal(size=(n_features, n_features)) / np.sqrt(n_features)
        cov = A @ A.T + 0.3 * np.eye(n_features)
        X[idx] = means[k] + rng.standard_normal((len(idx), n_features)) @ np.linalg.cholesky(cov).T
    return X


def gaussian_init(X, n_components, covariance_type, rng):
    """Equal weights, K distinct samples as means, the data's own (co)variance for every component."""
    K, D = n_components, X.shape[1]
    weights = np.full(K, 1.0 / K)
    means = X[rng.choice(len(X), size=K, replace=False)].copy()
    if covariance_type == "full":
        precisions = np.repeat(np.linalg.inv(np.cov(X.T).reshape(D, D))[None], K, axis=0)
    else:
        precisions = np.repeat((1.0 / X.var(axis=0))[None], K, axis=0)
    return weights, means, precisions


def binary_data(n_samples, n_features, n_components, rng):
    """Binary 'images': every sample flips D coins with the probabilities of one of K prototypes."""
    prototypes = rng.beta(0.4, 0.4, size=(n_components, n_features))
    labels = rng.integers(n_components, size=n_samples)
    X = np.empty((n_samples, n_features))
    for k in range(n_components):  # by component, so no (N, D) random temporary beyond X itself
        idx = np.flatnonzero(labels == k)
        X[idx] = rng.random((len(idx), n_features)) < prototypes[k]
    return X


def reference_bernoulli_em(X, weights, means, n_iter):
    """A plain EM for a Bernoulli mixture, written as in a textbook, to check emlib's fit against."""
    from scipy.special import logsumexp

    for _ in range(n_iter):
        log_joint = X @ np.log(means).T + (1 - X) @ np.log1p(-means).T + np.log(weights)
        resp = np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))
        nk = resp.sum(axis=0) + 10 * np.finfo(float).eps
        weights = nk / nk.sum()
        means = np.clip(resp.T @ X / nk[:, None], 1e-10, 1 - 1e-10)
    return weights, means


# ---- measuring --------------------------------------------------------------------------------
_CLOCK = {"cpu": time.process_time, "wall": time.perf_counter}
_clock = time.process_time  # set by run()


def _timed(fit, max_iter):
    start = _clock()
    model = fit(max_iter)
    return _clock() - start, model


def _peak_memory(fit, max_iter):
    """Peak bytes allocated during one fit, by tracemalloc (numpy's buffers included)."""
    tracemalloc.start()
    try:
        fit(max_iter)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _rel_diff(a, b):
    """max |a − b| / max |b|: a relative difference that ignores the size of near-zero entries."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), np.finfo(float).tiny))


def _single_threaded(fit):
    """``fit`` with every BLAS and OpenMP pool held to one thread."""
    from threadpoolctl import threadpool_limits

    def fit_1(max_iter):
        with threadpool_limits(limits=1):
            return fit(max_iter)

    return fit_1


def _with_peer_settings(fits, name, threads):
    """Add the peer's single-threaded variant when the run allows several threads.

    The peer is then reported at its better setting: on a machine whose BLAS threads wait for each
    other (a small VM, or one shared with other work) a library can be faster on one thread.

    Order matters: after a call on several threads, OpenBLAS's helper threads spin for about 0.1 s
    before they sleep, and a fit started meanwhile shares its cores with them. The peer's
    single-threaded fits therefore come last in every round, so that emlib's fits, which come first
    in the next round, never follow a multi-threaded one (emlib's own BLAS calls run on one thread).
    """
    if threads > 1:
        fits[f"{name}, {threads} threads"] = fits.pop(name)
        fits[f"{name}, 1 thread"] = _single_threaded(fits[f"{name}, {threads} threads"])
    return fits


def _best_peer(per_iter, name):
    """(seconds per iteration, label) of the peer's fastest setting."""
    label = min((key for key in per_iter if key.startswith(name)), key=per_iter.get)
    return per_iter[label], label


MIN_WINDOW = 0.25  # seconds: the shortest window of emlib's iterations that is timed
LONGEST_WINDOW = 100  # iterations


def _window(fit, n_lo, n_hi):
    """n_hi, lengthened so that the iterations between n_lo and n_hi take ``MIN_WINDOW`` seconds of
    ``fit``'s (one untimed pair of fits estimates the time per iteration)."""
    seconds = _timed(fit, n_hi)[0] - _timed(fit, n_lo)[0]
    per_iteration = max(seconds, 1e-9) / (n_hi - n_lo)
    return n_lo + int(np.clip(np.ceil(MIN_WINDOW / per_iteration), n_hi - n_lo, LONGEST_WINDOW))


def _per_iteration(fits, n_lo, n_hi, repeats):
    """Time per iteration of every fit in ``fits`` (a dict name -> fit(max_iter); emlib's first),
    interleaved, over a window of at least n_hi − n_lo iterations (see :func:`_window`).

    Returns ``(seconds per iteration by name, the models fitted with n_hi, iterations run)``.
    """
    n_hi = _window(next(iter(fits.values())), n_lo, n_hi)
    times = {name: ([], []) for name in fits}
    models, iterations = {}, {}
    for _ in range(repeats):
        for name, fit in fits.items():
            t_lo, m_lo = _timed(fit, n_lo)
            t_hi, models[name] = _timed(fit, n_hi)
            times[name][0].append(t_lo)
            times[name][1].append(t_hi)
            iterations[name] = (m_lo.n_iter_, models[name].n_iter_)
    per_iter = {}
    for name, (lo, hi) in times.items():
        done_lo, done_hi = iterations[name]
        per_iter[name] = (np.median(hi) - np.median(lo)) / (done_hi - done_lo)
    return per_iter, models, iterations


# ---- the cases --------------------------------------------------------------------------------
def _gmm_case(kind, N, D, K, n_lo, n_hi, repeats, rng, threads):
    from sklearn.mixture import GaussianMixture as SkGaussianMixture

    import emlib

    covariance_type = kind.split("-")[1]
    X = gaussian_blobs(N, D, K, rng)
    weights, means, precisions = gaussian_init(X, K, covariance_type, rng)
    common = dict(n_components=K, covariance_type=covariance_type, tol=0.0, reg_covar=1e-6,
                  weights_init=weights, means_init=means, precisions_init=precisions)

    def fit_emlib(max_iter):
        # init_params only shapes the (overridden) starting point; "random_from_data" is the cheapest
        return emlib.GaussianMixture(**common, max_iter=max_iter, init_params="random_from_data",
                                     random_state=0).fit(X)

    def fit_sklearn(max_iter):
        return SkGaussianMixture(**common, max_iter=max_iter, init_params="random_from_data",
                                 random_state=0).fit(X)

    fits = _with_peer_settings({"emlib": fit_emlib, "sklearn": fit_sklearn}, "sklearn", threads)
    per_iter, models, iterations = _per_iteration(fits, n_lo, n_hi, repeats)
    peer_s, peer = _best_peer(per_iter, "sklearn")
    ours, theirs = models["emlib"], models[peer]
    diff = max(_rel_diff(getattr(ours, a), getattr(theirs, a))
               for a in ("weights_", "means_", "covariances_"))
    return {
        "emlib_s": per_iter["emlib"],
        "peer_s": peer_s,
        "peer": peer,
        "emlib_peak": _peak_memory(fit_emlib, n_lo),
        "peer_peak": _peak_memory(fit_sklearn, n_lo),
        "agree": diff,
        "iterations": iterations,
    }


def _bernoulli_case(kind, N, D, K, n_lo, n_hi, repeats, rng, threads):
    import emlib

    X = binary_data(N, D, K, rng)
    weights = np.full(K, 1.0 / K)
    means = rng.uniform(0.25, 0.75, size=(K, D))

    def fit_emlib(max_iter):
        return emlib.BernoulliMixture(K, tol=0.0, max_iter=max_iter, weights_init=weights,
                                      means_init=means, random_state=0).fit(X)

    W = np.ascontiguousarray(means.T)  # (D, K)
    product = np.empty((N, K))

    def matmul():
        np.dot(X, W, out=product)  # the E-step's essential cost: one (N x D) @ (D x K) product

    per_iter, models, iterations = _per_iteration({"emlib": fit_emlib}, n_lo, n_hi, repeats)
    matmuls = _with_peer_settings({"1 matmul": lambda _: matmul()}, "1 matmul", threads)
    best = {}
    for name, run_matmul in matmuls.items():
        times = []
        for _ in range(max(5, repeats)):
            start = _clock()
            run_matmul(None)
            times.append(_clock() - start)
        best[name] = float(np.median(times))
    peer_s, peer = _best_peer(best, "1 matmul")
    ref_weights, ref_means = reference_bernoulli_em(X, weights, means, models["emlib"].n_iter_)
    diff = max(_rel_diff(models["emlib"].weights_, ref_weights), _rel_diff(models["emlib"].means_, ref_means))
    return {
        "emlib_s": per_iter["emlib"],
        "peer_s": peer_s,
        "peer": peer,
        "emlib_peak": _peak_memory(fit_emlib, n_lo),
        "peer_peak": None,
        "agree": diff,
        "iterations": iterations,
    }


def _kmeans_case(kind, N, D, K, n_lo, n_hi, repeats, rng, threads):
    from sklearn.cluster import KMeans as SkKMeans

    import emlib

    X = rng.uniform(size=(N, D))  # no cluster structure: Lloyd keeps moving, no early stop
    centers = X[rng.choice(N, size=K, replace=False)].copy()

    def fit_emlib(max_iter):
        return emlib.KMeans(K, init=centers, n_init=1, max_iter=max_iter, tol=0.0).fit(X)

    def fit_sklearn(algorithm):
        return lambda max_iter: SkKMeans(K, init=centers, n_init=1, max_iter=max_iter, tol=0.0,
                                         algorithm=algorithm).fit(X)

    # emlib's E-step skips points by bounds (Hamerly's algorithm); scikit-learn's "elkan" does the
    # same with more bounds. The peer is the faster of the two algorithms.
    fits = {"emlib": fit_emlib}
    for algorithm in ("lloyd", "elkan"):
        name = f"sklearn {algorithm}"
        fits.update(_with_peer_settings({name: fit_sklearn(algorithm)}, name, threads))
    per_iter, models, iterations = _per_iteration(fits, n_lo, n_hi, repeats)
    peer_s, peer = _best_peer(per_iter, "sklearn")
    ours, theirs = models["emlib"], models[peer]
    diff = max(_rel_diff(ours.cluster_centers_, theirs.cluster_centers_),
               _rel_diff(ours.inertia_, theirs.inertia_),
               float(np.mean(ours.labels_ != theirs.labels_)))
    return {
        "emlib_s": per_iter["emlib"],
        "peer_s": peer_s,
        "peer": peer,
        "emlib_peak": _peak_memory(fit_emlib, n_lo),
        "peer_peak": _peak_memory(fits[peer], n_lo),
        "agree": diff,
        "iterations": iterations,
    }


_RUNNERS = {"gmm-full": _gmm_case, "gmm-diag": _gmm_case, "bernoulli": _bernoulli_case,
            "kmeans": _kmeans_case}


def run(quick=False, *, cases=None, repeats=None, n_iter=None, threads=None, clock=None, seed=0, verbose=False):
    """Run every case and return one dict per case (see :func:`format_table` for the columns).

    quick: the small sizes of ``QUICK_CASES`` and fewer repeats (seconds instead of minutes).
    n_iter: ``(n_lo, n_hi)``: the fits timed run n_lo and n_hi iterations (n_hi lengthened by :func:`_window`).
    threads: threads both libraries may use (default: every core).
    clock: "cpu" (process time) or "wall"; default "cpu" with one thread, "wall" otherwise.

    With one thread, CPU time is what a fit costs whatever else runs on the machine; with several,
    only wall time shows the gain, and it is disturbed by any other work on the machine.
    """
    # Load every library before limiting threads: threadpoolctl limits the thread pools (OpenBLAS,
    # scikit-learn's OpenMP) that are loaded when it is entered; one loaded later keeps its default.
    import sklearn.cluster  # noqa: F401
    import sklearn.mixture  # noqa: F401
    from threadpoolctl import threadpool_limits

    import emlib  # noqa: F401

    global _clock
    cases = cases if cases is not None else (QUICK_CASES if quick else CASES)
    repeats = repeats if repeats is not None else (3 if quick else 5)
    # n_lo = 13: the timed window starts once a fit is under way (threads awake, caches warm)
    n_lo, n_hi = n_iter if n_iter is not None else ((2, 7) if quick else (13, 33))
    threads = threads or os.cpu_count()
    clock = clock or ("cpu" if threads == 1 else "wall")
    _clock = _CLOCK[clock]
    rows = []
    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tol=0 never converges: both libraries warn, by design
        for kind, N, D, K in cases:
            rng = np.random.default_rng([seed, N, D, K])
            row = _RUNNERS[kind](kind, N, D, K, n_lo, n_hi, repeats, rng, threads)
            row.update(case=kind, N=N, D=D, K=K, threads=threads, clock=clock)
            rows.append(row)
            if verbose:
                print(format_table([row], header=not rows[:-1]), flush=True)
    return rows


# ---- output -----------------------------------------------------------------------------------
# The targets, as a lower bound on peer time / emlib time: GaussianMixture at least 3x faster
# than scikit-learn; one Bernoulli iteration within 3x of one matrix product; k-means within 1.5x of
# scikit-learn's Lloyd (measured here against the faster of its Lloyd and Elkan, which is stricter).
TARGETS = {"gmm-full": 3.0, "gmm-diag": 3.0, "bernoulli": 1 / 3, "kmeans": 1 / 1.5}

_COLUMNS = ("| case | N | D | K | emlib ms/iter | peer | peer ms/iter | peer / emlib | target | "
            "emlib peak MB | peak / N(K+D) floats | peer peak MB | agree (max rel. diff) |")


def format_table(rows, header=True):
    """The rows as a Markdown table; ``peer / emlib`` above 1 means emlib is faster."""
    lines = [_COLUMNS, "|" + "---|" * (_COLUMNS.count("|") - 1)] if header else []
    for r in rows:
        unit = 8 * r["N"] * (r["K"] + r["D"])
        # a difference of two medians that is not positive is noise (a loaded machine, a tiny case)
        measured = r["peer_s"] > 0 and r["emlib_s"] > 0
        ratio = r["peer_s"] / r["emlib_s"] if measured else float("nan")
        if not measured:
            target = "— (timing noise: run again)"
        elif (r["case"], r["N"], r["D"], r["K"]) in CASES:  # the targets are set for the full sizes
            target = f"≥ {TARGETS[r['case']]:.2f} {'met' if ratio >= TARGETS[r['case']] else 'MISSED'}"
        else:
            target = "—"
        peer_peak = "—" if r["peer_peak"] is None else f"{r['peer_peak'] / 2**20:.1f}"
        agree = ("yes" if r["agree"] <= 1e-6 else "NO") + f" ({r['agree']:.0e})"
        lines.append(
            f"| {r['case']} | {r['N']} | {r['D']} | {r['K']} | {1e3 * r['emlib_s']:.2f} | {r['peer']} | "
            f"{1e3 * r['peer_s']:.2f} | {'—' if not measured else f'{ratio:.2f}'} | {target} | "
            f"{r['emlib_peak'] / 2**20:.1f} | {r['emlib_peak'] / unit:.1f} | {peer_peak} | {agree} |"
        )
    return "\n".join(lines)


def machine_summary(threads=1, clock=None):
    """The CPU, core count, numpy/scipy/scikit-learn versions and the BLAS in use."""
    import scipy
    import sklearn
    from threadpoolctl import threadpool_info

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            info = dict(line.split(":", 1) for line in f if ":" in line)
        info = {key.strip(): value.strip() for key, value in info.items()}
        cpu = f"{info['model name']} (cpu family {info.get('cpu family', '?')}, model {info.get('model', '?')})"
    except (OSError, KeyError, ValueError):
        pass
    blas = sorted({f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')})"
                   for p in threadpool_info() if p.get("user_api") == "blas"})
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}; BLAS: {', '.join(blas)}; "
        f"threads for both libraries: {threads or os.cpu_count()}; "
        f"clock: {clock or ('cpu' if threads == 1 else 'wall')} time"
    )
