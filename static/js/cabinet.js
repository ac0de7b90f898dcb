// The cabinet's pages: on a phone the wide charts scroll sideways; they open at their right
// end, where the latest months and the largest departments are.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".chart-figure--wide").forEach(function (figure) {
      if (figure.scrollWidth > figure.clientWidth) figure.scrollLeft = figure.scrollWidth;
    });
  });
})();
