// The cabinet's pages: on a phone the wide charts scroll sideways. A chart over time opens at
// its right end, the latest months; the funnel opens at its left, with its scale and legend.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".chart-figure--wide[data-open-at-end]").forEach(function (figure) {
      if (figure.scrollWidth > figure.clientWidth) figure.scrollLeft = figure.scrollWidth;
    });
  });
})();
