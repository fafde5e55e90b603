/* Added by scripts/book_site.py to pages that show ipywidgets snapshots.
   ipywidgets 8 typesets widget labels with MathJax 2's API,
   MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the book runs MathJax 3, where that
   call throws "Cannot read properties of undefined (reading 'Queue')". Loaded with defer
   right after MathJax, before the widgets render. */
(function () {
  var mj = window.MathJax;
  if (!mj || mj.Hub || !mj.startup) return;
  mj.Hub = {
    Queue: function (job) {
      var element = Array.isArray(job) ? job[2] : null;
      if (!element) return;
      mj.startup.promise
        .then(function () { return mj.typesetPromise([element]); })
        .catch(function (err) { console.warn("MathJax could not typeset a widget label:", err); });
    }
  };
})();
