/* Added by scripts/book_site.py to every page. */

/* Navigation buttons. A page has two "☰" buttons (.primary-toggle) and two "Contents"
   buttons (.secondary-toggle): pydata-sphinx-theme's in its top bar, which
   sphinx-book-theme hides, and sphinx-book-theme's in the article header, the ones a reader
   sees. Both themes' scripts bind document.querySelector(...), the first, hidden one, so the
   visible buttons did nothing: below 992 px the chapter list and the page contents could not
   be opened, and at 1280 px ☰ did not hide the sidebar. A click on a visible button is
   handed to the first button of its kind, where the themes' handlers are: they hide the
   sidebar on wide screens and open it as a dialog on narrow ones. */
(function () {
  function forward(selector) {
    var buttons = document.querySelectorAll(selector);
    var bound = buttons[0];
    Array.prototype.slice.call(buttons, 1).forEach(function (button) {
      button.addEventListener(
        "click",
        function (event) {
          event.preventDefault();
          event.stopImmediatePropagation();
          button.blur();
          bound.click();
        },
        true
      );
    });
  }
  function init() {
    forward(".primary-toggle");
    forward(".secondary-toggle");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

/* Animations. scripts/book_site.py moves each animation's frames into image files and turns
   the script that loads them into <script type="text/x-book-deferred">: it runs here when
   its animation comes within a screen of the viewport, so a page loads no frame before the
   reader gets near it. window.bookRunDeferred() runs them all (the PDF does, to print). */
(function () {
  var TYPE = "text/x-book-deferred";
  function run(old) {
    if (!old.parentNode) return;
    var script = document.createElement("script");
    script.textContent = old.textContent;
    old.parentNode.replaceChild(script, old);
  }
  function all() {
    return Array.prototype.slice.call(document.querySelectorAll('script[type="' + TYPE + '"]'));
  }
  window.bookRunDeferred = function () {
    all().forEach(run);
  };
  function init() {
    var scripts = all();
    if (!scripts.length) return;
    if (!("IntersectionObserver" in window)) return scripts.forEach(run);
    var observer = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) return;
          observer.unobserve(entry.target);
          entry.target.__bookScripts.forEach(run);
        });
      },
      { rootMargin: "25% 0px" }
    );
    scripts.forEach(function (script) {
      // A script has no box of its own: watch the output it belongs to.
      var box = script.closest(".cell_output, .output") || script.parentElement;
      if (!box.__bookScripts) observer.observe(box);
      box.__bookScripts = (box.__bookScripts || []).concat(script);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

/* Wide content on narrow screens. (1) A figure keeps at least 60% of its own width
   (book-site.css lets it scroll sideways on a phone instead of shrinking its labels away):
   --book-min-width holds that width. (2) An inline formula wider than the line it sits in gets
   the class book-wide-inline, which lets it scroll instead of running past the column. */
(function () {
  function figures() {
    document.querySelectorAll(".bd-article .cell_output img").forEach(function (img) {
      var width = parseFloat(img.style.width || img.getAttribute("width") || "0");
      if (width > 0) img.style.setProperty("--book-min-width", Math.round(0.6 * width) + "px");
    });
  }
  function inlineMath() {
    document.querySelectorAll('.bd-article mjx-container:not([display="true"])').forEach(function (math) {
      math.classList.remove("book-wide-inline");
      var block = math.parentElement.closest("p, li, dd, td, div, section") || math.parentElement;
      var room = block.getBoundingClientRect();
      var box = math.getBoundingClientRect();
      if (box.width > room.width || box.right > room.right + 1) math.classList.add("book-wide-inline");
    });
  }
  var pending = null;
  function later() {
    clearTimeout(pending);
    pending = setTimeout(inlineMath, 150);
  }
  function init() {
    figures();
    var mj = window.MathJax;
    var typeset = mj && mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
    typeset.then(inlineMath);
    window.addEventListener("resize", later);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

/* Search results. Sphinx fetches each result's page to show a snippet of it: from file:// the
   browser refuses those requests (one console error per result), so there the results are
   listed without snippets; over http, formulas in a snippet, which would show as LaTeX
   source, are shown as plain text when they are simple (r_{nk} as r_nk) and as "…" otherwise. */
(function () {
  function plain(tex) {
    tex = tex.replace(/^\s*(\\\(|\\\[|\$\$?)/, "").replace(/(\\\)|\\\]|\$\$?)\s*$/, "").trim();
    return /\\/.test(tex) ? "…" : tex.replace(/[{}]/g, "");
  }
  // Both are top-level consts of Sphinx's scripts, not properties of window.
  if (typeof DOCUMENTATION_OPTIONS !== "undefined" && location.protocol === "file:") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof Search === "undefined" || !Search.htmlToText) return;
    var search = Search;
    var toText = search.htmlToText;
    search.htmlToText = function (html, anchor) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      doc.querySelectorAll(".math, mjx-container, script").forEach(function (el) {
        el.replaceWith(doc.createTextNode(plain(el.textContent)));
      });
      return toText(doc.documentElement.outerHTML, anchor);
    };
  });
})();
