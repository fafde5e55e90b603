/* The Web Worker behind "Run live" (live.js starts it when the reader asks): Pyodide from the
   site's pyodide/ folder, numpy, matplotlib and emlib's wheel from there too (the lock
   lists only what the site serves, so nothing is fetched from elsewhere), then one
   emlib.live stepper per animation (LiveStepper, or LiveAnnealing for the ε sweep). Messages are
   handled one at a time, in order. */
"use strict";
var ready = null;
var queue = Promise.resolve();

function progress(text) {
  postMessage({ type: "progress", text: text });
}

function start(root) {
  var base = root + "pyodide/";
  importScripts(base + "pyodide.js");
  return (async function () {
    progress("Loading Python (Pyodide)…");
    var manifest = fetch(base + "emlib-live.json").then(function (response) { return response.json(); });
    var pyodide = await loadPyodide({ indexURL: base, env: { MPLBACKEND: "Agg", HOME: "/home/pyodide" } });
    manifest = await manifest;
    progress("Loading " + manifest.packages.join(", ") + " and emlib…");
    // one call: every file is fetched at once
    await pyodide.loadPackage(manifest.packages.concat([base + manifest.emlib_wheel]), { messageCallback: function () {} });
    // one import after another, each named in the progress line (benchmarks/bench_live.py times them)
    var imports = { numpy: "import numpy",
                    matplotlib: "import matplotlib.figure, matplotlib.backends.backend_agg" };
    for (var i = 0; i < manifest.packages.length; i++) {
      var name = manifest.packages[i];
      progress("Importing " + name + "…");
      await pyodide.runPythonAsync(imports[name] || "import " + name);
    }
    progress("Importing emlib…");
    await pyodide.runPythonAsync([
      "import json",
      "from emlib import live",
      "steppers = {}",
      "def reply(result, settings=None):",
      "    return dict(result, png=bytes(result['png']), settings=settings)",
      "def open_(key, spec):",
      "    steppers[key] = live.stepper(json.loads(spec))",
      "    return reply(steppers[key].show(0), steppers[key].settings())",
      "def show(key, t):",
      "    return reply(steppers[key].show(t))",
      "def refit(key, settings):",
      "    return reply(steppers[key].refit(**json.loads(settings)), steppers[key].settings())",
    ].join("\n"));
    return pyodide;
  })();
}

async function handle(message) {
  var pyodide = await ready;
  if (message.type === "open") {
    progress(message.spec.kind === "annealing" ? "Drawing the first picture…"
                                               : "Fitting the model and drawing its first half-step…");
  }
  var call = {
    open: function () { return pyodide.globals.get("open_")(message.id, JSON.stringify(message.spec)); },
    show: function () { return pyodide.globals.get("show")(message.id, message.t); },
    refit: function () { return pyodide.globals.get("refit")(message.id, JSON.stringify(message.settings)); }
  }[message.type];
  var result = call();
  var data = result.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  result.destroy();
  data.id = message.id;
  data.type = "frame";
  postMessage(data, [data.png.buffer]);
}

onmessage = function (event) {
  var message = event.data;
  if (message.type === "start") {
    ready = start(message.root);
    ready.catch(function () {});  // each waiting message reports the failure to its stepper
    return;
  }
  queue = queue.then(function () { return handle(message); }).catch(function (error) {
    var text = String(error && error.message || error).trim().split("\n").pop();
    postMessage({ type: "error", id: message.id, text: text });
  });
};
