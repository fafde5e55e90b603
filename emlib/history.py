"""The record of a fit: EM, half-step by half-step.

Entry 0 holds the initial parameters; then every iteration adds an "E" entry (new responsibilities q,
same parameters θ) and an "M" entry (same q, new θ); every entry names its phase. Each mixture
entry carries the three quantities of the decomposition

    log p(X | θ) = L(q, θ) + KL(q || p(Z | X, θ))

so a plot or a test reads them directly: ``log_likelihood``, ``elbo`` (L) and ``kl``. Each is
computed from its own definition (the KL as Σ_nk q_nk (log q_nk − log p(z_n = k | x_n, θ))), so the
identity is a check, not a rearrangement. K-means entries carry the distortion J instead, and a
k-means history ends with the E-step that gave ``labels_`` (its J is ``inertia_``).

Responsibilities are not stored (they are N × K); they are recomputed from the parameters of the
latest E entry by the model module's pure E-step, so the history's memory does not grow with N.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

PHASES = ("init", "E", "M")


@dataclass(frozen=True)
class Step:
    """One half-step of EM: its phase ("init", "E" or "M"), iteration number and parameters.

    Parameters
    ----------
    phase : {"init", "E", "M"}
    iteration : int
        0 for the initial entry, then the iteration the half-step belongs to.
    params : NamedTuple
        θ after the half-step (an E-step keeps the θ before it).
    log_likelihood, elbo, kl : float, optional
        log p(X | θ), L(q, θ) and KL(q ‖ p(Z | X, θ)) (mixtures; the initial entry has no q).
    distortion : float, optional
        J (k-means).
    """

    phase: str
    iteration: int
    params: Any
    log_likelihood: float | None = None
    elbo: float | None = None
    kl: float | None = None
    distortion: float | None = None

    def __post_init__(self):
        if self.phase not in PHASES:
            raise ValueError(f"phase must be one of {PHASES}, got {self.phase!r}.")


class History(Sequence):
    """A read-only sequence of :class:`Step` entries, with helpers to read it as arrays.

    Parameters
    ----------
    responsibilities : callable
        ``responsibilities(X, params)``: the model module's pure E-step as a function returning the
        (N, K) responsibilities (one-hot rows for k-means), such as ``emlib.gmm.responsibilities``.
    """

    def __init__(self, responsibilities: Callable):
        self._steps = []
        self._responsibilities = responsibilities

    def _append(self, step):
        self._steps.append(step)

    def __len__(self):
        return len(self._steps)

    def __getitem__(self, index):
        return self._steps[index]

    def __repr__(self):
        n_iter = self._steps[-1].iteration if self._steps else 0
        return f"History({len(self)} half-steps, {n_iter} iterations)"

    @property
    def phases(self):
        """The phase of every entry, e.g. ['init', 'E', 'M', 'E', 'M', ...]."""
        return [step.phase for step in self._steps]

    def series(self, name):
        """One field over all entries as a float array (NaN where the entry has no value)."""
        if name not in ("log_likelihood", "elbo", "kl", "distortion", "iteration"):
            raise ValueError(f"name must be a recorded quantity such as 'log_likelihood', got {name!r}.")
        values = [getattr(step, name) for step in self._steps]
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    def responsibilities(self, X, t):
        """The responsibilities q of entry t (shape (N, K)), or None for the initial entry.

        After an E-step q is the posterior under that entry's parameters; an M-step keeps the q of
        the E-step before it (it changes θ, not q). The initial entry has no q yet.
        """
        t = range(len(self))[t]  # accepts negative indices, raises IndexError when out of range
        while self._steps[t].phase == "M":
            t -= 1
        if self._steps[t].phase == "init":
            return None
        return self._responsibilities(X, self._steps[t].params)
