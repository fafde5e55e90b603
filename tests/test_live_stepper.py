"""emlib.live: the static twin carries its model and data, and the browser's stepper refits the same fit
and draws it with the twin's panels."""

import io
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import emlib
from emlib import datasets, live, widgets


@pytest.fixture(scope="module")
def faithful():
    X, _ = datasets.load_faithful()
    return X


def test_the_twin_embeds_a_spec_that_refits_the_same_fit(faithful):
    model = emlib.GaussianMixture(3, random_state=2)
    html = widgets.animate(model, faithful, max_frames=4).data
    found = re.findall(r'<script type="application/json" class="emlib-model">(.*?)</script>', html, re.S)
    assert len(found) == 1
    again, X = live.from_spec(json.loads(found[0]))
    np.testing.assert_array_equal(X, faithful)  # exact: float64 in base64
    assert again.get_params() == model.get_params()
    again.fit(X)
    assert again.history_.series("log_likelihood").tolist() == model.history_.series("log_likelihood").tolist()


def test_initial_arrays_and_binary_data_survive_the_round_trip():
    X = (np.random.default_rng(0).random((37, 11)) < 0.3).astype(float)
    means_init = np.full((2, 11), 0.25)
    model = emlib.BernoulliMixture(2, means_init=means_init, weights_init=[0.4, 0.6], beta_prior=(2, 2),
                                   random_state=1)
    description = json.loads(json.dumps(live.spec(model, X)))
    assert "bits" in description["X"]  # 0/1 data travels as bits
    again, Y = live.from_spec(description)
    np.testing.assert_array_equal(Y, X)
    np.testing.assert_array_equal(again.means_init, means_init)
    assert again.beta_prior == (2, 2) and again.random_state == 1


def test_a_seed_that_is_a_generator_or_too_much_data_cannot_be_described(faithful):
    assert live.spec(emlib.GaussianMixture(2, random_state=np.random.default_rng(0)), faithful) is None
    assert live.spec(emlib.KMeans(2, random_state=4), faithful) is not None
    many = np.random.default_rng(0).normal(size=(live.MAX_DATA_BYTES // 16 + 1, 2))  # 3 base64 bytes per 4
    assert live.spec(emlib.KMeans(2, random_state=4), many) is None


def test_the_stepper_steps_and_refits(faithful):
    description = live.spec(emlib.GaussianMixture(3, random_state=0), faithful)
    stepper = live.LiveStepper(description)
    reference = emlib.GaussianMixture(3, random_state=0).fit(faithful)
    first, second = stepper.show(0), stepper.show(2)
    assert first["last"] == len(reference.history_) - 1 and first["next"] == "E"
    assert second["value"] == reference.history_[2].log_likelihood and second["next"] == "E"
    assert first["png"] != second["png"]
    assert stepper.show(0)["png"] == first["png"]  # a half-step looks the same however it is reached
    width, height = Image.open(io.BytesIO(first["png"])).size
    # the website's stacked panels, as wide as the twin's; their height follows the data's shape
    assert width == round(widgets.STACKED[0] * 115) and (width, height) == stepper.frames.view.fig.canvas.get_width_height()
    end = stepper.show(10_000)
    assert end["t"] == end["last"] and end["next"] is None and "converged" in end["status"]

    refit = stepper.refit(2, "diag", "random", 5)
    expected = emlib.GaussianMixture(2, covariance_type="diag", init_params="random", random_state=5).fit(faithful)
    assert refit["t"] == 0 and refit["last"] == len(expected.history_) - 1
    assert stepper.model.means_.tolist() == expected.means_.tolist()
    assert refit["message"].startswith("GaussianMixture with 2 components")
    refused = stepper.refit(0, "diag", "random", 5)
    assert refused["message"].startswith("Refit failed: n_components must be")
    assert stepper.model.n_components == 2  # the fit shown stays


def test_kmeans_shows_its_distortion(faithful):
    stepper = live.LiveStepper(live.spec(emlib.KMeans(3, random_state=0), faithful))
    reference = emlib.KMeans(3, random_state=0).fit(faithful)
    shown = stepper.show(1)
    assert shown["quantity"] == "distortion J" and shown["value"] == reference.history_[1].distortion
    assert stepper.settings() == {"K": 3, "covariance_type": None, "covariance_types": [], "init": "k-means++",
                                  "inits": ["k-means++", "random"], "seed": 0}


def test_the_page_stepper_needs_neither_scipy_nor_scikit_learn():
    # The website's "Run live" loads numpy, matplotlib and emlib only (scripts/fetch_pyodide.py):
    # with scipy and scikit-learn made unimportable, a stepper still fits, steps and draws.
    code = """
import sys
sys.modules["scipy"] = sys.modules["sklearn"] = None  # "import scipy" now raises ImportError
import numpy as np
import emlib
from emlib import live
X = np.random.default_rng(0).normal(size=(60, 2)) + np.repeat([[0, 0], [4, 4]], 30, axis=0)
stepper = live.LiveStepper(live.spec(emlib.GaussianMixture(2, random_state=0), X))
frame = stepper.show(3)
assert bytes(frame["png"])[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
print("ok", len(stepper.refit(3, "diag", "kmeans", 1)["png"]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stderr[-3000:]
