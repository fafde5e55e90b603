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
      { rootMargin: "100% 0px" }
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
