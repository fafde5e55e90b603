/* Added by scripts/book_site.py to every page.
   sphinx-togglebutton makes the title of a dropdown admonition (an exercise's solution)
   clickable, but its handler only knows clicks on the title itself or on its chevron: a
   click on anything else inside the title -- the link to the exercise that
   sphinx-exercise puts there, a word in <em>, an equation -- throws
   "ReferenceError: button is not defined" and the solution stays shut. This listener runs
   first (capture phase): a click on the title's link just follows the link; any other click
   on the title or its chevron opens or closes the solution. */
document.addEventListener(
  "click",
  function (event) {
    var title = event.target.closest && event.target.closest(".admonition.toggle > .admonition-title");
    if (!title) return;
    event.stopPropagation(); // keep sphinx-togglebutton's own handler out of it
    if (event.target.closest("a")) return;
    var button = title.querySelector(".toggle-button");
    if (button && typeof toggleHidden === "function") toggleHidden(button);
  },
  true
);
