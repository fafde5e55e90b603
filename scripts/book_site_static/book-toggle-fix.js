/* Added by scripts/book_site.py to every page.
   sphinx-togglebutton makes the title of a dropdown admonition (an exercise's solution)
   clickable, but its handler only knows clicks on the title itself or on its chevron: a
   click on anything else inside the title -- the link to the exercise that
   sphinx-exercise puts there ("Solution to Exercise 4.2"), a word in <em>, an equation --
   throws "ReferenceError: button is not defined" and the solution stays shut. This listener
   runs first (capture phase): any click on the title, its link or its chevron opens or closes
   the solution. The link would only scroll to the exercise, which sits right above; a reader
   clicking "Solution to ..." wants the solution. */
document.addEventListener(
  "click",
  function (event) {
    var title = event.target.closest && event.target.closest(".admonition.toggle > .admonition-title");
    if (!title) return;
    event.stopPropagation(); // keep sphinx-togglebutton's own handler out of it
    if (event.target.closest("a")) event.preventDefault();
    var button = title.querySelector(".toggle-button");
    if (button && typeof toggleHidden === "function") toggleHidden(button);
  },
  true
);
