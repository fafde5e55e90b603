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
  function forward(selector, act) {
    var buttons = document.querySelectorAll(selector);
    var bound = buttons[0];
    Array.prototype.slice.call(buttons, 1).forEach(function (button) {
      button.addEventListener(
        "click",
        function (event) {
          event.preventDefault();
          event.stopImmediatePropagation();
          button.blur();
          act(bound);
        },
        true
      );
    });
  }
  // Where the chapter list stands beside the page (from 960 px; sphinx-book-theme only
  // handles it from 992 px), ☰ hides or shows it; elsewhere it opens as a dialog.
  function primary(bound) {
    var sidebar = document.getElementById("pst-primary-sidebar");
    if (sidebar && !sidebar.closest("dialog") && window.matchMedia("(min-width: 960px)").matches) {
      sidebar.classList.toggle("pst-sidebar-hidden");
    } else {
      bound.click();
    }
  }
  function init() {
    forward(".primary-toggle", primary);
    forward(".secondary-toggle", function (bound) { bound.click(); });
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
      img.addEventListener("load", later); // a lazy figure has its size once loaded
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
  /* (3) A box that scrolls sideways fades out on the side where there is more to see
     (classes book-more-left and book-more-right, styled in book-site.css). */
  var SCROLLERS = '.bd-article mjx-container[display="true"], .bd-article mjx-container.book-wide-inline, ' +
    ".bd-article .cell_output a.image-reference, .bd-article .cell_output";
  function edges(box) {
    var scrolls = /auto|scroll/.test(getComputedStyle(box).overflowX);
    var more = scrolls && box.scrollWidth - box.clientWidth > 1;
    box.classList.toggle("book-more-left", more && box.scrollLeft > 1);
    box.classList.toggle("book-more-right", more && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
  }
  function scrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      if (!box.__bookEdges) {
        box.__bookEdges = true;
        box.addEventListener("scroll", function () { edges(box); }, { passive: true });
      }
      edges(box);
    });
  }
  function layout() {
    inlineMath();
    scrollers();
  }
  var pending = null;
  function later() {
    clearTimeout(pending);
    pending = setTimeout(layout, 150);
  }
  function init() {
    figures();
    var mj = window.MathJax;
    var typeset = mj && mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
    typeset.then(layout);
    window.addEventListener("resize", later);
    window.addEventListener("load", later); // figures have their size once loaded
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
