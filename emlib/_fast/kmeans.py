"""k-means' fast hard E-step (Hamerly's bounds) and M-step (tallies updated by the points that moved).

Every point keeps a lower bound on how much nearer its nearest centre is than the second-nearest
(Hamerly, 2010). While the centres' moves since the point was last examined cannot have used up
that margin, its label stands without a distance computed. The distances are computed around the
data's mean x̄ (scikit-learn does the same), so the expansion |x|² − 2 xᵀμ + |μ|² loses no digits to a
large common offset of x and μ.
"""

from typing import NamedTuple

import numpy as np

from ..kmeans import KMeansParams


class KMeansData(NamedTuple):
    """What the steps need from X alone, computed once per fit."""

    XT1: np.ndarray  # (D + 1, N): columns [x_n − x̄; 1]
    squares: np.ndarray  # |x_n − x̄|², shape (N,)
    radius: float  # max_n |x_n − x̄|, the scale of the rounding errors below
    mean: np.ndarray  # x̄, shape (D,)
    total: float  # Σ_n |x_n − x̄|²


class Assignment(NamedTuple):
    """q of k-means after a hard E-step: labels z_n and their tallies, for the M-step and for J."""

    labels: np.ndarray  # z_n, shape (N,)
    margins: np.ndarray  # a lower bound on d(x_n, 2nd nearest centre) − d(x_n, nearest), shape (N,)
    counts: np.ndarray  # N_k = #{n : z_n = k}
    sums: np.ndarray  # S_k = Σ_{n : z_n = k} (x_n − x̄), shape (K, D)
    centers: np.ndarray  # the centres the assignment was made to
    changed: int  # how many labels this E-step changed (all N in the first)


def prepare(X):
    """:class:`KMeansData` for X: the centred columns [x̃_n; 1] and their squared norms."""
    mean = X.mean(axis=0)
    XT1 = np.empty((X.shape[1] + 1, X.shape[0]))
    np.subtract(X.T, mean[:, None], out=XT1[:-1])  # rows x̃_d = x_d − x̄_d, contiguous
    XT1[-1] = 1.0  # a row of ones carries |μ_k|² inside the matrix product
    squares = np.einsum("dn,dn->n", XT1[:-1], XT1[:-1])  # |x̃_n|²
    return KMeansData(XT1, squares, float(np.sqrt(squares.max())), mean, float(squares.sum()))


def nearest(distances):
    """For a (K, N) array of distances (up to a constant per sample): the index of the nearest
    centre of every sample, as ``argmin`` over k would give it (the first k among ties), and the
    minimum distance.

    numpy's ``argmin`` over the short first axis of a (K, N) array works sample by sample; here the
    work is K vectorised passes over rows of length N instead.
    """
    best = distances.min(axis=0)  # min_k d_nk, one pass over K contiguous rows
    is_best = distances == best  # (K, N): True where centre k is a nearest one
    labels = np.zeros(distances.shape[1], dtype=np.min_scalar_type(len(distances)))
    before = np.ones(distances.shape[1], dtype=bool)  # "no nearest centre among 0, …, k yet"
    for k in range(len(distances) - 1):
        np.greater(before, is_best[k], out=before)  # before and not is_best[k]
        labels += before  # the label is the number of centres before the first nearest one
    return labels.astype(np.intp), best


def _error_bound(data, centered):
    """(R, η): the numbers in the distance computations are at most R = max|x̃| + max|μ̃| in size,
    and η = 2 (D + 2) ε R bounds their rounding errors with room to spare: η R that of a squared
    distance (a dot product of length D + 1), η that of a distance or a difference of distances."""
    R = data.radius + np.sqrt((centered**2).sum(axis=1).max())
    return R, 2 * (len(data.XT1) + 1) * np.finfo(float).eps * R


def _nearest_with_margins(data, centered, examine):
    """Labels of the samples ``examine`` and a lower bound on their margins d₂ − d₁, the distance
    to the second-nearest centre minus that to the nearest, rounding errors included."""
    coef = np.hstack([-2 * centered, (centered**2).sum(axis=1)[:, None]])  # [−2 μ̃_k, |μ̃_k|²]
    # g_kn = |μ̃_k|² − 2 μ̃_kᵀ x̃_n = |x_n − μ_k|² − |x̃_n|²: the distances up to a term that does
    # not depend on k, for all k by one (K, D + 1) @ (D + 1, n) product
    g = np.dot(coef, data.XT1.take(examine, axis=1))
    labels, best = nearest(g)
    g.reshape(-1)[labels * g.shape[1] + np.arange(g.shape[1])] = np.inf  # hide each nearest centre
    second = g.min(axis=0)  # a tie for nearest leaves second = best, a margin of zero
    squares, (R, eta) = data.squares.take(examine), _error_bound(data, centered)
    # the largest d₁ and the smallest d₂ the rounding errors allow
    d1 = np.sqrt(np.maximum(best + squares, 0) + eta * R)
    d2 = np.sqrt(np.maximum(second + squares - eta * R, 0))
    return labels, d2 - d1


def _tallies(labels, XT, K):
    """N_k and S_k = Σ_{n : z_n = k} x_n for labels z and the (D, n) columns XT (bincount is a
    grouped sum: out[z_n] += w_n for every n)."""
    counts = np.bincount(labels, minlength=K).astype(float)
    return counts, np.stack([np.bincount(labels, weights=row, minlength=K) for row in XT], axis=1)


def _far_points(data, labels, centered, n):
    """The n samples farthest from their centres (centred coordinates, farthest first): where an
    empty cluster's centre goes, as in scikit-learn."""
    residual = data.XT1[:-1] - centered[labels].T  # (D, N): x̃_n − μ̃_{z_n}
    far = np.argsort(-np.einsum("dn,dn->n", residual, residual), kind="stable")[:n]
    return data.XT1[:-1, far].T


class KMeansEngine:
    """k-means' fit: X prepared once, then ``e_step(params, before)`` and ``m_step(q)``."""

    def __init__(self, X):
        self.data = prepare(X)
        self.mean_variance = X.var(axis=0).mean()  # scikit-learn's scale for tol

    def scores(self, q):
        """The E entry's J(q, μ), at the centres q was assigned to."""
        return {"distortion": self.distortion(q, q.centers)}

    def distortion(self, q, centers):
        """J(q, μ) = Σ_k Σ_{n in k} |x̃_n − μ̃_k|² = Σ_n |x̃_n|² − 2 Σ_k μ̃_kᵀ S_k + Σ_k N_k |μ̃_k|², from the
        tallies N_k, S_k = Σ_{n in k} x̃_n of the assignment: no pass over the data."""
        centered = centers - self.data.mean
        J = self.data.total - 2 * np.vdot(centered, q.sums) + np.dot(q.counts, (centered**2).sum(axis=1))
        return float(max(J, 0.0))

    def e_step(self, params, before=None):
        """The hard E-step at the centres: ``(q, scores)``, q an :class:`Assignment` (starting from the
        assignment ``before``, if any) and ``scores`` the J of ``before`` at these centres (the M entry
        after it)."""
        data, centers = self.data, params.centers
        N = len(data.squares)
        centered = centers - data.mean  # μ̃_k = μ_k − x̄
        if before is None:  # the first E-step: every point is examined
            labels, margins = _nearest_with_margins(data, centered, np.arange(N))
            counts, sums = _tallies(labels, data.XT1[:-1], len(centered))
            return Assignment(labels, margins, counts, sums, centers, N), {}
        scores = {"distortion": self.distortion(before, centers)}
        # A centre that moves by δ_k changes every distance to it by at most δ_k (triangle
        # inequality), so the gap between a point's nearest and second-nearest centre shrinks by at
        # most 2 max_k δ_k; only the points whose margin may have run out are examined again.
        # (δ_k from the centred coordinates the distances are computed in, rounding included)
        shift = np.sqrt(((centered - (before.centers - data.mean)) ** 2).sum(axis=1)).max()
        margins = before.margins - 2 * (shift + _error_bound(data, centered)[1])
        examine = np.flatnonzero(margins <= 0)
        new_labels, margins[examine] = _nearest_with_margins(data, centered, examine)
        moved = new_labels != before.labels[examine]
        if not moved.any():
            return before._replace(margins=margins, centers=centers, changed=0), scores
        moved_idx, to, away = examine[moved], new_labels[moved], before.labels[examine[moved]]
        labels = before.labels.copy()
        labels[moved_idx] = to
        # The tallies change only by the points that moved: added to their new cluster, taken from
        # their old one.
        K, X_moved = len(centered), data.XT1[:-1].take(moved_idx, axis=1)
        (gained_n, gained_s), (lost_n, lost_s) = _tallies(to, X_moved, K), _tallies(away, X_moved, K)
        q = Assignment(labels, margins, before.counts + gained_n - lost_n, before.sums + gained_s - lost_s,
                       centers, len(moved_idx))
        return q, scores

    def m_step(self, q):
        """μ_k = S_k / N_k + x̄: every centre moves to the mean of its points. An empty cluster's centre
        moves onto the sample farthest from its own new centre, as in scikit-learn (see emlib.kmeans)."""
        mean = self.data.mean
        new = np.array(q.centers, dtype=float, copy=True)
        full = q.counts > 0
        new[full] = q.sums[full] / q.counts[full, None] + mean
        if not full.all():
            new[~full] = _far_points(self.data, q.labels, new - mean, np.count_nonzero(~full)) + mean
        return KMeansParams(new)
