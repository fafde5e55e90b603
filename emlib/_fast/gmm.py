"""The Gaussian mixture's fast E- and M-steps: matrix products over blocks of features.

Every block of samples is stored once per fit as a contiguous array whose columns are [1; x̃_n]
(full and tied covariances) or [1; x̃_n; x̃_n²] (diag and spherical), with x̃_n = x_n − x̄ around
the data's mean. Contiguous blocks make faster matrix products than slices of one big array, and
separate blocks run on separate cores.

Why centred: the steps expand squares, such as Σ_n r_nk (x_n − μ_k)² = Σ_n r_nk x_n² − N_k μ_k² in
the diagonal M-step. Far from the origin both terms are huge and nearly equal, and their difference
loses the digits the variance needs (at an offset of 10⁷, a variance of 0.912 came out as 0.922).
Around x̄ the terms are of the size of the data's spread.
"""

from typing import NamedTuple

import numpy as np

from ..gmm import GaussianParams, full_covariances, log_det_precision_cholesky, precision_cholesky
from . import parallel
from .mixture import MixtureEngine, log_weights

_LOG_2PI = np.log(2 * np.pi)


class GaussianData(NamedTuple):
    """X's mean x̄ and its blocks ``(cols, F)``: a slice of consecutive samples and their features."""

    origin: np.ndarray
    blocks: list


def prepare(X, n_components, covariance_type="full"):
    """:class:`GaussianData` for X: the rows [1; x̃] (and x̃² for diag/spherical), computed once per fit.

    The blocks are sized for the steps' (K, B) work arrays (log p(x_n, k), responsibilities), which
    are read and written several times each. The features are read only by the two matrix products
    per block, and with D ≤ a few dozen a block of them stays in the processor's last-level cache;
    sizing the blocks by them too made more, smaller blocks, and (measured) slower iterations.
    """
    N, D = X.shape
    rows = D + 1 if covariance_type in ("full", "tied") else 2 * D + 1
    origin = X.mean(axis=0)
    pieces = []
    for cols in parallel.split(N, n_components):
        F = np.empty((rows, cols.stop - cols.start))
        F[0] = 1.0  # the row of ones carries the constant terms inside the matrix products
        np.subtract(X[cols].T, origin[:, None], out=F[1:D + 1])  # x̃_n = x_n − x̄
        if rows > D + 1:
            np.square(F[1:D + 1], out=F[D + 1:])
        pieces.append((cols, F))
    return GaussianData(origin, pieces)


def _strips(PT):
    """Split the rows of P_kᵀ into strips, each with the number of leading features x_0, x_1, … it needs.

    P_k = L_k⁻ᵀ is upper triangular, so row d of P_kᵀ is zero beyond column d: a strip of rows needs
    only x_0 … x_d. With four strips this skips over a third of the E-step's multiplications. The
    widths are read from the entries, so any factor (for example one given through
    ``precisions_init``) is multiplied correctly.
    """
    K, D, _ = PT.shape
    height = max(4, -(-D // 4))
    used = np.any(PT != 0, axis=0)  # (D, D): row d of some P_kᵀ uses column c
    last = np.array([np.flatnonzero(row).max(initial=0) for row in used])
    return [(slice(top, top + height), 1 + last[top:top + height].max()) for top in range(0, D, height)]


def block_log_joint(params, origin):
    """The E-step's work on one block: a function from ``(cols, F)`` to the (K, B) array of
    log π_k + log N(x_n | μ_k, Σ_k) for the block's samples.

    log N(x | μ_k, Σ_k) = −D/2 log 2π + Σ_d log (P_k)_dd − ½ |P_kᵀ (x − μ_k)|², with x − μ_k
    computed as x̃ − μ̃_k around the data's ``origin``.
    """
    P, kind = params.precisions_cholesky, params.covariance_type
    means = params.means - origin  # μ̃_k
    K, D = means.shape
    # the part that does not depend on x: log π_k − D/2 log 2π + log|Σ_k|^{-1/2}
    const = log_weights(params.weights) - 0.5 * D * _LOG_2PI + log_det_precision_cholesky(params)
    if kind in ("diag", "spherical"):
        # Expand the square, so that one matrix product with the rows [1; x; x²] gives everything:
        # −½ Σ_d p_kd² (x_d − μ_kd)² = −½ Σ_d p_kd² μ_kd² + Σ_d (p_kd² μ_kd) x_d + Σ_d (−½ p_kd²) x_d²
        prec = P**2 if kind == "diag" else np.repeat((P**2)[:, None], D, axis=1)
        coef = np.hstack([(const - 0.5 * (prec * means**2).sum(axis=1))[:, None], prec * means, -0.5 * prec])
        return lambda piece: np.dot(coef, piece[1])  # (K, 2D+1) @ (2D+1, B)
    PT = np.transpose(full_covariances(P, kind, K, D), (0, 2, 1))  # P_kᵀ, shape (K, D, D)
    shift = (PT @ means[:, :, None])[:, :, 0]  # P_kᵀ μ_k, shape (K, D)
    # one strip of rows of all the P_kᵀ is one matrix, with the matching entries of the shifts
    strips = [(np.ascontiguousarray(PT[:, rows, :width]).reshape(-1, width),
               np.ascontiguousarray(shift[:, rows]).reshape(-1, 1), width) for rows, width in _strips(PT)]
    tallest = max(len(matrix) for matrix, _, _ in strips)  # K·h, h the rows of the tallest strip

    def block(piece):
        F = piece[1]
        out = np.empty((K, F.shape[1]))
        # a strip of y_kn = P_kᵀ (x_n − μ_k) has K·h numbers per sample: sub-blocks keep it in the cache
        for sub in parallel.split(F.shape[1], tallest):
            squares = np.zeros((K, sub.stop - sub.start))
            for matrix, strip_shift, width in strips:  # (K·h, width) @ (width, B) products
                y = np.dot(matrix, F[1:1 + width, sub])  # P_kᵀ x_n, strip by strip
                # then − P_kᵀ μ_k, after the product: a sample at a component's mean gives exactly 0
                # there (inside the product, fused multiply-adds would leave the rounding error of
                # P_kᵀ μ_k, and a collapsing component has huge P_k)
                y -= strip_shift
                y = y.reshape(K, -1, sub.stop - sub.start)
                squares += np.einsum("kdn,kdn->kn", y, y)  # |y_kn|² = (x_n − μ_k)ᵀ Σ_k⁻¹ (x_n − μ_k)
            out[:, sub] = const[:, None] - 0.5 * squares
        return out

    return block


def m_step(data, resp, covariance_type, reg_covar, moments):
    """The M-step from the E-step's ``moments``: the sums over the blocks of N_k, Σ_n r_nk x̃_n (and
    Σ_n r_nk x̃_n²), an array of shape (rows, K); the full scatter takes one more pass over the blocks."""
    R = resp.T  # (K, N), contiguous: resp is an (N, K) view of a (K, N) buffer
    moments = np.ascontiguousarray(moments.T)  # (K, rows), sums of x̃ = x − x̄
    D = (moments.shape[1] - 1) if covariance_type in ("full", "tied") else (moments.shape[1] - 1) // 2
    nk = moments[:, 0] + 10 * np.finfo(float).eps  # N_k, kept > 0 as scikit-learn does
    means = moments[:, 1:D + 1] / nk[:, None]  # μ̃_k = Σ_n r_nk x̃_n / N_k, and μ_k = μ̃_k + x̄
    K = len(means)
    if covariance_type == "full":

        def scatter(piece):  # Σ_n r_nk (x_n − μ_k)(x_n − μ_k)ᵀ over one block, for every k
            cols, F = piece
            weight = np.sqrt(R[:, cols])
            diff = np.empty((D, cols.stop - cols.start))
            out = np.empty((K, D, D))
            for k in range(K):
                np.subtract(F[1:], means[k][:, None], out=diff)  # x̃_n − μ̃_k = x_n − μ_k, the NEW mean
                diff *= weight[k]  # √r_nk (x_n − μ_k): then one product A Aᵀ (BLAS syrk)
                np.dot(diff, diff.T, out=out[k])
            return out

        covariances = parallel.total(scatter, data.blocks)
        covariances /= nk[:, None, None]
        covariances[:, np.arange(D), np.arange(D)] += reg_covar
    elif covariance_type == "tied":
        # one Σ for all: Σ_n x̃_n x̃_nᵀ / N − Σ_k N_k μ̃_k μ̃_kᵀ / N (the pooled scatter, centred)
        second = parallel.total(lambda piece: np.dot(piece[1][1:], piece[1][1:].T), data.blocks)
        covariances = (second - (nk * means.T) @ means) / nk.sum()
        covariances.flat[:: D + 1] += reg_covar
    else:
        # per-feature variances: E_r[x̃²] − μ̃², with Σ_n r_nk x̃_n² from the rows x̃² of the features
        variances = moments[:, D + 1:] / nk[:, None] - means**2 + reg_covar
        covariances = variances if covariance_type == "diag" else variances.mean(axis=1)
    weights = nk / nk.sum()
    return GaussianParams(weights, means + data.origin, covariances, precision_cholesky(covariances, covariance_type),
                          covariance_type)


class GaussianEngine(MixtureEngine):
    """A Gaussian mixture's fit: X prepared once, then ``e_step(params, before)`` and ``m_step(q)``."""

    def __init__(self, X, n_components, covariance_type, reg_covar):
        self.data = prepare(X, n_components, covariance_type)
        self.blocks, self.n_samples = self.data.blocks, len(X)
        self.covariance_type, self.reg_covar = covariance_type, reg_covar

    def block_log_joint(self, params):
        return block_log_joint(params, self.data.origin)

    @staticmethod
    def block_statistics(piece, resp_block):
        """One block's share of N_k, Σ_n r_nk x̃_n (and Σ_n r_nk x̃_n²), as a (rows, K) array: one
        product with the rows [1; x̃] (and x̃²). Computed as (K, B) @ (B, rows) and returned as the
        transpose, a view: that order of the product is the faster one (measured about 15 %)."""
        return np.dot(resp_block, piece[1].T).T

    def m_step(self, q):
        return m_step(self.data, q.resp, self.covariance_type, self.reg_covar, q.statistics)
