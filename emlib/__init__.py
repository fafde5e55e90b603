"""emlib: the EM algorithm, step by step.

Gaussian mixtures, Bernoulli mixtures and k-means as hard EM, each fit recording its history
half-step by half-step. The pure E- and M-steps live at module level in :mod:`emlib.gmm`,
:mod:`emlib.bernoulli` and :mod:`emlib.kmeans`, written as the chapters' equations; the classes are
full scikit-learn estimators (scikit-learn itself stays optional) whose fits run one EM loop
(:mod:`emlib.em`) over a private engine, ``emlib._fast``, that computes the same steps faster.
"""

from . import _validation
from .bernoulli import BernoulliMixture
from .gmm import GaussianMixture
from .history import History, Step
from .kmeans import KMeans

__all__ = [
    "BernoulliMixture",
    "ConvergenceWarning",
    "GaussianMixture",
    "History",
    "KMeans",
    "NotFittedError",
    "Step",
]
__version__ = "0.1.0"


def __getattr__(name):
    # NotFittedError and ConvergenceWarning are made on first use (see emlib._validation), so that
    # importing emlib does not import scikit-learn
    if name in ("NotFittedError", "ConvergenceWarning"):
        return getattr(_validation, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
