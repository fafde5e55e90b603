"""python -m benchmarks.parity: emlib against scikit-learn from the same start, quickly, on a few shapes.

A smoke check to run after touching emlib's numerics (the test suite has the full version):
GaussianMixture for all four covariance types from the same weights_init/means_init/precisions_init
with tol=0 and max_iter=20 (parameters equal to 1e-8 relative), and KMeans against scikit-learn's
Lloyd from the same centres (centres to 1e-8, identical labels, inertia to 1e-8).
"""

import warnings

import numpy as np

from .cases import gaussian_blobs

RTOL = 1e-8


def _rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b))))


def _precisions(X, K, covariance_type, rng):
    D = X.shape[1]
    if covariance_type == "full":
        return np.stack([np.linalg.inv(np.cov(X.T).reshape(D, D)) * rng.uniform(0.5, 2) for _ in range(K)])
    if covariance_type == "tied":
        return np.linalg.inv(np.cov(X.T).reshape(D, D))
    if covariance_type == "diag":
        return rng.uniform(0.5, 2, size=(K, D)) / X.var(axis=0)
    return rng.uniform(0.5, 2, size=K) / X.var(axis=0).mean()


def main():
    from sklearn.cluster import KMeans as SkKMeans
    from sklearn.mixture import GaussianMixture as SkGaussianMixture

    import emlib

    failures = 0
    for seed, (N, D, K) in enumerate([(500, 1, 2), (2000, 2, 5), (1000, 5, 3), (3000, 8, 4)]):
        rng = np.random.default_rng(seed)
        X = gaussian_blobs(N, D, K, rng)
        for kind in ("full", "tied", "diag", "spherical"):
            kw = dict(n_components=K, covariance_type=kind, tol=0.0, max_iter=20,
                      weights_init=rng.dirichlet(np.ones(K)), means_init=X[rng.choice(N, K, replace=False)],
                      precisions_init=_precisions(X, K, kind, rng))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ours = emlib.GaussianMixture(**kw).fit(X)
                theirs = SkGaussianMixture(**kw).fit(X)
            diff = max(_rel(getattr(ours, a), getattr(theirs, a))
                       for a in ("weights_", "means_", "covariances_", "precisions_cholesky_"))
            diff = max(diff, _rel(ours.lower_bound_, theirs.lower_bound_))
            ok = diff <= RTOL
            failures += not ok
            print(f"GaussianMixture {kind:9s} N={N} D={D} K={K}: max rel. diff {diff:.1e} {'ok' if ok else 'FAIL'}")
        centers = X[rng.choice(N, K, replace=False)]
        ours = emlib.KMeans(K, init=centers, max_iter=50).fit(X)
        theirs = SkKMeans(K, init=centers, n_init=1, max_iter=50, algorithm="lloyd").fit(X)
        diff = max(_rel(ours.cluster_centers_, theirs.cluster_centers_), _rel(ours.inertia_, theirs.inertia_))
        ok = diff <= RTOL and np.array_equal(ours.labels_, theirs.labels_) and ours.n_iter_ == theirs.n_iter_
        failures += not ok
        print(f"KMeans                    N={N} D={D} K={K}: max rel. diff {diff:.1e}, "
              f"labels {'equal' if np.array_equal(ours.labels_, theirs.labels_) else 'DIFFER'}, "
              f"n_iter {ours.n_iter_}/{theirs.n_iter_} {'ok' if ok else 'FAIL'}")
    print("all agree" if not failures else f"{failures} FAILED")
    return failures


if __name__ == "__main__":
    raise SystemExit(main())
