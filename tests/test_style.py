"""The code style pyproject.toml configures for ruff holds everywhere: emlib, the scripts, the
tests, the benchmarks and the chapters' code cells."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", "."],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"ruff check . found:\n{done.stdout}{done.stderr}\n(`ruff check --fix .` fixes some)"
