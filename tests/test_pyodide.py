"""emlib's own tests, run again under Pyodide (CPython in WebAssembly) in Node, as the browser runs emlib.

Needs Node.js and the files of ``python scripts/fetch_pyodide.py`` (scripts/build.sh fetches them);
without them this test fails and says so. Left out under Pyodide, each for its reason:

- the two tests of threads (tests/test_parallel.py): a browser's Python has none; that emlib then
  runs on one thread is tests/test_browser_runtime.py's;
- the save hook for a Jupyter server (tests/test_widgets.py): it needs nbformat, whose validator
  needs a compiled package that no registry publishes for Pyodide 0.27, and no Jupyter server
  runs in a browser;
- the test that the page's stepper runs with scipy and scikit-learn unimportable
  (tests/test_live_stepper.py): it starts a second Python, which a browser cannot;
- tests/test_sklearn.py: scikit-learn's estimator checks need scikit-learn 1.7, and Pyodide 0.27
  has 1.6.1.
"""

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ["test_bernoulli.py", "test_browser_runtime.py", "test_checks.py", "test_datasets.py", "test_em.py",
         "test_figures_early.py", "test_figures_late.py", "test_gmm.py", "test_history.py", "test_kmeans.py",
         "test_live_stepper.py", "test_parallel.py", "test_plotting.py", "test_validation.py", "test_widgets.py"]
LEFT_OUT = ["test_parallel.py::test_run_keeps_the_order_and_raises_what_a_step_raises",
            "test_parallel.py::test_threads_follow_the_blas_limit",
            "test_widgets.py::test_a_saved_notebook_keeps_the_picture_not_the_widget_reference",
            "test_live_stepper.py::test_the_page_stepper_needs_neither_scipy_nor_scikit_learn"]


def test_emlib_passes_its_tests_under_pyodide():
    assert shutil.which("node"), "Node.js is needed to run emlib's tests under Pyodide"
    for folder in ("_offline/pyodide", "_build/pyodide-tests"):
        assert (ROOT / folder).is_dir(), f"{folder} is missing: run python scripts/fetch_pyodide.py"
    deselect = [arg for test in LEFT_OUT for arg in ("--deselect", f"tests/{test}")]
    result = subprocess.run(["node", "tests/pyodide/run_tests.mjs", "-q", "-p", "no:warnings",
                             *[f"tests/{name}" for name in FILES], *deselect],
                            cwd=ROOT, capture_output=True, text=True, timeout=1200)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    passed = int(re.search(r"(\d+) passed", summary).group(1))
    assert passed > 240 and "skipped" not in summary and "deselected" in summary, summary
