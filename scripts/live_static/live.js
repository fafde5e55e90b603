/* "Run live": added by scripts/live_site.py to the pages whose animations carry their model
   (<script type="application/json" class="emlib-model"> inside figure.emlib-animation).
   Each such animation gets a "Run live" button. Nothing else is loaded until the reader presses
   it: then one Web Worker for the page (live-worker.js) starts Python (Pyodide, served from the
   site's pyodide/ folder), fits the animation's model with emlib, and the animation is replaced
   by a live stepper whose pictures the worker draws with emlib's own panels. The ε sweep's
   animation (kind "annealing") gets the same stepper without the E- and M-step buttons, over
   ε steps instead of half-steps, and with K and seed alone for its refit. */
(function () {
  "use strict";
  var here = document.currentScript ? document.currentScript.src : "";
  var root = here.slice(0, here.lastIndexOf("/_static/") + 1);
  var worker = null;
  var steppers = {};
  var next = 0;

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function supported() {
    return typeof Worker === "function" && typeof WebAssembly === "object" && typeof Promise === "function";
  }

  function startWorker() {
    if (worker) return worker;
    worker = new Worker(root + "_static/live-worker.js");
    worker.onmessage = function (event) {
      var data = event.data, stepper = steppers[data.id];
      if (data.type === "progress") {
        Object.keys(steppers).forEach(function (id) { steppers[id].progress(data.text); });
      } else if (stepper) {
        stepper.receive(data);
      }
    };
    worker.onerror = function (event) {
      Object.keys(steppers).forEach(function (id) {
        steppers[id].fail("Python could not start in this browser (" + (event.message || "an error") + ").");
      });
    };
    worker.postMessage({ type: "start", root: root });
    return worker;
  }

  function Stepper(figure, spec, button) {
    var self = this;
    this.id = "s" + next++;
    this.figure = figure;
    this.busy = false;
    var annealing = spec.kind === "annealing";
    this.unit = annealing ? "ε step" : "half-step";
    this.box = el("div", { class: "emlib-live", hidden: "hidden" });
    this.line = el("p", { class: "emlib-live-progress", role: "status", "aria-live": "polite" });
    button.insertAdjacentElement("afterend", this.line);
    this.button = button;

    var row = "display:flex;flex-wrap:wrap;gap:0.4em;align-items:center;margin:0.3em 0";
    var steps = el("div", { class: "emlib-live-row", style: row });
    this.buttons = {};
    var names = [["previous", "Previous"], ["next", "Next"]].concat(
      annealing ? [] : [["E", "E-step"], ["M", "M-step"]], [["reset", "Reset"]]);
    names.forEach(
      function (pair) {
        var b = el("button", { type: "button" }, pair[1]);
        b.onclick = function () { self.step(pair[0]); };
        self.buttons[pair[0]] = b;
        steps.appendChild(b);
      });
    this.slider = el("input", { type: "range", min: "0", max: "0", value: "0", step: "1", "aria-label": this.unit,
      style: "flex:1 1 8em;min-width:8em;margin:0" });
    this.pending = null;  // a half-step the slider reached while the worker was busy
    this.slider.oninput = function () {
      var t = parseInt(self.slider.value, 10);
      if (self.busy) self.pending = t;
      else self.send({ type: "show", t: t });
    };
    steps.appendChild(this.slider);
    // as wide as the animation it replaces
    this.image = el("img", { alt: "", width: "460", height: "483",
      style: "width:100%;max-width:" + (figure.style.maxWidth || "460px") + ";height:auto;display:block" });
    this.status = el("p", { class: "emlib-live-status", "aria-live": "polite" });
    this.value = el("p", { class: "emlib-live-value" });

    var refit = el("div", { class: "emlib-live-row", style: row });
    function labelled(text, control) {
      // a label beside its control (one wrapped around a select would take in the options' text)
      var id = "emlib-live-" + self.id + "-" + text.replace(/ /g, "-");
      var pair = el("span");
      control.id = id;
      pair.appendChild(el("label", { for: id }, text + " "));
      pair.appendChild(control);
      refit.appendChild(pair);
      return control;
    }
    var c = this.controls = {};
    c.K = labelled("K", el("input", { type: "number", min: "1", max: "20", step: "1", style: "width:4em" }));
    if (!annealing) {
      c.covariance = labelled("covariance type", el("select"));
      c.init = labelled("initialisation", el("select"));
    }
    c.seed = labelled("seed", el("input", { type: "number", step: "1", style: "width:5em" }));
    this.refitButton = el("button", { type: "button" }, "Refit");
    this.refitButton.onclick = function () {
      var settings = { K: parseInt(c.K.value, 10), seed: parseInt(c.seed.value, 10) || 0 };
      if (c.init) {
        settings.covariance_type = c.covariance.value || null;
        settings.init = c.init.value;
      }
      self.send({ type: "refit", settings: settings });
    };
    refit.appendChild(this.refitButton);
    this.message = el("p", { class: "emlib-live-message", "aria-live": "polite" });
    var credit = el("p", { style: "font-size:0.85em" }, "Python runs in this page: emlib on Pyodide (CPython in WebAssembly); ");
    credit.appendChild(el("a", { href: root + "pyodide/PROVENANCE.txt" }, "its files' sources and licences"));
    credit.appendChild(document.createTextNode("."));
    [steps, this.image, this.status, this.value, refit, this.message, credit].forEach(function (node) { self.box.appendChild(node); });
    figure.insertAdjacentElement("afterend", this.box);
    steppers[this.id] = this;
    this.progress("Starting Python in this page (Python and its packages are a large download: this takes a while)…");
    this.send({ type: "open", spec: spec });
  }

  Stepper.prototype.send = function (message) {
    if (this.busy && message.type !== "open") return;
    this.busy = true;
    message.id = this.id;
    startWorker().postMessage(message);
  };

  Stepper.prototype.progress = function (text) {
    if (this.box.hidden) this.line.textContent = text;
  };

  Stepper.prototype.fail = function (text) {
    this.line.textContent = text + " The animation above still works.";
    this.button.disabled = true;
  };

  Stepper.prototype.step = function (which) {
    var t = parseInt(this.slider.value, 10);
    var to = { previous: t - 1, next: t + 1, E: t + 1, M: t + 1, reset: 0 }[which];
    this.send({ type: "show", t: Math.max(0, to) });
  };

  function fill(select, options, value) {
    select.textContent = "";
    options.forEach(function (option) { select.appendChild(el("option", { value: option }, option)); });
    select.value = value;
  }

  Stepper.prototype.receive = function (data) {
    this.busy = false;
    if (data.type === "error") {
      if (this.box.hidden) this.fail("Python could not run here: " + data.text + ".");
      else this.message.textContent = data.text;
      return;
    }
    if (data.settings) {
      var s = data.settings, c = this.controls;
      c.K.value = s.K;
      c.seed.value = s.seed;
      if (c.init) {
        fill(c.init, s.inits, s.init);
        fill(c.covariance, s.covariance_types, s.covariance_type || "");
        c.covariance.parentNode.hidden = !s.covariance_types.length;
      }
    }
    var url = URL.createObjectURL(new Blob([data.png], { type: "image/png" }));
    var old = this.image.src;
    this.image.src = url;
    if (old) URL.revokeObjectURL(old);
    this.image.alt = data.alt;
    this.slider.max = String(data.last);
    this.slider.value = String(data.t);
    this.slider.setAttribute("aria-valuetext", this.unit + " " + data.t + " of " + data.last);
    this.status.textContent = data.status;
    this.value.textContent = data.value == null ? "" : data.quantity + ": " + data.value.toFixed(4);
    this.message.textContent = data.message;
    this.buttons.previous.disabled = this.buttons.reset.disabled = data.t === 0;
    this.buttons.next.disabled = data.t === data.last;
    if (this.buttons.E) {
      this.buttons.E.disabled = data.next !== "E";
      this.buttons.M.disabled = data.next !== "M";
    }
    if (this.pending !== null) {
      var t = this.pending;
      this.pending = null;
      if (t !== data.t) this.send({ type: "show", t: t });
    }
    if (this.box.hidden) {
      // the first frame: the live stepper takes the animation's place
      this.box.hidden = false;
      this.figure.hidden = true;
      this.line.textContent = "";
      this.button.hidden = true;
      (this.buttons.next.disabled ? this.slider : this.buttons.next).focus();
    }
  };

  function init() {
    Array.prototype.slice.call(document.querySelectorAll("figure.emlib-animation")).forEach(function (figure) {
      var script = figure.querySelector("script.emlib-model");
      if (!script) return;
      var button = el("button", { type: "button", class: "emlib-run-live" }, "Run live");
      button.title = "Step EM yourself, with Python running in this page";
      figure.insertAdjacentElement("afterend", button);
      button.onclick = function () {
        button.disabled = true;
        if (!supported()) {
          var line = el("p", { class: "emlib-live-progress", role: "status" },
            "This browser cannot run Python in the page (it needs WebAssembly and Web Workers). The animation above still works.");
          button.insertAdjacentElement("afterend", line);
          return;
        }
        new Stepper(figure, JSON.parse(script.textContent), button);
      };
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
