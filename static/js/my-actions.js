/* My actions: "Mark done" hides itself as its form opens (see app.css), which would leave the
   keyboard focus, and a screen reader, on a button that is gone. The focus goes on to the first
   box of the form that opened. Without this file the form still opens and works. */
(function () {
  "use strict";

  // "toggle" does not bubble: listen while it goes down instead.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.open || !details.classList || !details.classList.contains("action-card__update")) return;
    var first = details.querySelector("textarea, input:not([type=hidden]), button");
    if (first) first.focus();
  }, true);
})();
