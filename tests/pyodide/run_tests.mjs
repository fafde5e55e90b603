// emlib's tests under Pyodide in Node: node tests/pyodide/run_tests.mjs [pytest arguments]
// Loads Pyodide and its packages from _offline/pyodide and the test-only wheels from
// _build/pyodide-tests (both written by scripts/fetch_pyodide.py), mounts this repository at
// /repo and runs pytest there on emlib's sources. Exits with pytest's status.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const dist = path.join(repo, "_offline", "pyodide");
const extra = path.join(repo, "_build", "pyodide-tests");
for (const dir of [dist, extra]) {
  if (!fs.existsSync(dir)) {
    console.error(`run_tests: ${dir} is missing; run python scripts/fetch_pyodide.py first`);
    process.exit(3);
  }
}
const { loadPyodide } = await import(pathToFileURL(path.join(dist, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: dist + "/" });
await pyodide.loadPackage(["numpy", "scipy", "matplotlib", "threadpoolctl"], { messageCallback: () => {} });
const wheels = JSON.parse(fs.readFileSync(path.join(extra, "files.json"), "utf8"));
await pyodide.loadPackage(wheels.map((name) => path.join(extra, name)), { messageCallback: () => {} });

pyodide.FS.mkdir("/repo");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: repo }, "/repo");
pyodide.setStdout({ batched: (line) => console.log(line) });
pyodide.setStderr({ batched: (line) => console.error(line) });
const args = process.argv.slice(2);
// pytest's default capture (by file descriptor) needs fstat on a deleted temporary file, which
// Pyodide's file system does not have; capturing sys.stdout and sys.stderr works.
const status = await pyodide.runPythonAsync(`
import os, sys
os.chdir("/repo")
sys.path.insert(0, "/repo")
os.environ["MPLBACKEND"] = "Agg"
import pytest
int(pytest.main(${JSON.stringify(["-p", "no:cacheprovider", "--capture=sys", ...args])}))
`);
process.exit(status);
