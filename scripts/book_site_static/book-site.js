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
/* Wide content. (1) A formula wider than its room (a display equation's line, or the line of
   text an inline formula sits in) is drawn smaller, down to MIN_SCALE of its size, which keeps it
   legible; at 1280 px every equation of the book fits that way. (2) What still does not fit (a
   long formula, a table or a line of code on a phone) scrolls sideways inside a frame that shows a "scroll →"
   marker while there is more to the right (a tap on it scrolls). (3) A figure is drawn at the
   column's width at most, whole, and a tap opens it at full size. */
(function () {
  var MIN_SCALE = 0.75;
  var DISPLAY = '.bd-article mjx-container[display="true"]';
  var INLINE = '.bd-article mjx-container:not([display="true"])';
  var TABLES = ".bd-article .pst-scrollable-table-container";
  var CODE = ".bd-article div.highlight pre";

  function figures() {
    document.querySelectorAll(".bd-article .cell_output img").forEach(function (img) {
      if (img.closest("a, figure.emlib-animation")) return;
      var link = document.createElement("a");
      link.className = "book-figure-link";
      link.href = img.getAttribute("src");
      link.target = "_blank";
      link.title = "Open the figure at full size";
      img.parentNode.insertBefore(link, img);
      link.appendChild(img);
    });
  }

  // The width a box has for its content (without padding).
  function room(box) {
    var s = getComputedStyle(box);
    return box.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  }
  // Draw a formula at its own size again (MathJax sets its font size inline).
  function reset(math) {
    if (math.dataset.bookFont === undefined) math.dataset.bookFont = math.style.fontSize || "";
    math.style.fontSize = math.dataset.bookFont;
    math.classList.remove("book-wide-inline", "book-scaled");
  }
  // Scale a formula down until its content (width `need`) fits `have`, but not below MIN_SCALE.
  function shrink(math, need, have) {
    if (need <= have + 1) return;
    var base = parseFloat(math.dataset.bookFont) || 100;
    var scale = Math.max(MIN_SCALE, Math.floor((have / need) * 1000) / 1000);
    math.style.fontSize = (base * scale).toFixed(2) + "%";
    math.classList.add("book-scaled");
  }
  // Each pass reads every size first and then writes, so the page is laid out once per pass
  // rather than once per formula.
  function displayMath() {
    var all = Array.prototype.slice.call(document.querySelectorAll(DISPLAY));
    all.forEach(reset);
    all.map(function (math) { return [math, math.scrollWidth, math.clientWidth]; })
      .forEach(function (m) { shrink(m[0], m[1], m[2]); });
  }
  function inlineMath() {
    var all = Array.prototype.slice.call(document.querySelectorAll(INLINE));
    all.forEach(reset);
    all.map(function (math) {
      var block = math.parentElement.closest("p, li, dd, td, th, div, section") || math.parentElement;
      return [math, math.getBoundingClientRect().width, room(block)];
    }).forEach(function (m) {
      if (m[1] <= m[2] + 1) return;
      m[0].classList.add("book-wide-inline"); // on a line of its own, scrolling if need be
      shrink(m[0], m[1], m[2]);
    });
  }

  // The frame around a scrolling box, holding its "scroll →" marker.
  function frame(box) {
    var parent = box.parentElement;
    if (parent.classList.contains("book-scroll-frame")) return parent;
    var wrap = document.createElement(box.matches(INLINE) ? "span" : "div");
    wrap.className = "book-scroll-frame";
    var cue = document.createElement("span");
    cue.className = "book-scroll-cue";
    cue.setAttribute("aria-hidden", "true");
    cue.textContent = "scroll →";
    cue.addEventListener("click", function () {
      box.scrollBy({ left: 0.8 * box.clientWidth, behavior: "smooth" });
    });
    parent.insertBefore(wrap, box);
    wrap.appendChild(box);
    wrap.appendChild(cue);
    box.addEventListener("scroll", function () { edges(box); }, { passive: true });
    return wrap;
  }
  function edges(box) {
    var wrap = box.parentElement;
    var more = box.scrollWidth - box.clientWidth > 1;
    wrap.classList.toggle("book-scrolls", more);
    wrap.classList.toggle("book-more-right", more && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
  }
  // The colour behind a box, its ancestors' backgrounds composed (a tint may be translucent),
  // for the marker, which hides what it covers.
  function background(el) {
    var layers = [];
    for (; el && el.nodeType === 1; el = el.parentElement) {
      var c = getComputedStyle(el).backgroundColor.match(/[\d.]+/g);
      if (!c) continue;
      var alpha = c.length > 3 ? parseFloat(c[3]) : 1;
      if (alpha > 0) layers.push([+c[0], +c[1], +c[2], alpha]);
      if (alpha >= 1) break;
    }
    var rgb = [255, 255, 255];
    layers.reverse().forEach(function (l) {
      for (var i = 0; i < 3; i++) rgb[i] = l[3] * l[i] + (1 - l[3]) * rgb[i];
    });
    return "rgb(" + rgb.map(Math.round).join(",") + ")";
  }
  function scrollers() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll([DISPLAY, INLINE, TABLES, CODE].join(", ")));
    boxes.filter(function (box) {
      if (box.parentElement.classList.contains("book-scroll-frame")) return true;
      return /auto|scroll/.test(getComputedStyle(box).overflowX) && box.scrollWidth - box.clientWidth > 1;
    }).map(function (box) {
      frame(box);
      return [box, background(box)];
    }).forEach(function (b) {
      b[0].parentElement.style.setProperty("--book-cue-bg", b[1]);
    });
    document.querySelectorAll(".book-scroll-frame").forEach(function (wrap) {
      var box = wrap.firstElementChild;
      var more = box.scrollWidth - box.clientWidth > 1;
      var right = more && box.scrollLeft + box.clientWidth < box.scrollWidth - 1;
      wrap._bookEdges = [more, right];
    });
    document.querySelectorAll(".book-scroll-frame").forEach(function (wrap) {
      wrap.classList.toggle("book-scrolls", wrap._bookEdges[0]);
      wrap.classList.toggle("book-more-right", wrap._bookEdges[1]);
    });
  }
  function layout() {
    displayMath();
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
    // the column also changes width without the window (☰ hides the chapter list, the
    // theme's sidebars slide): measure again once it has settled
    var article = document.querySelector(".bd-article");
    var width = 0;
    if (article && window.ResizeObserver) {
      new ResizeObserver(function (entries) {
        var now = Math.round(entries[0].contentRect.width);
        if (now !== width) {
          width = now;
          later();
        }
      }).observe(article);
    }
    window.addEventListener("load", later);
    // a formula in a solution or proof that opens is measured once it shows
    document.addEventListener("click", later);
    document.addEventListener("toggle", later, true);
    // the marker's background follows the colour mode
    new MutationObserver(later).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
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
