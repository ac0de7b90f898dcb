// Triage workspace enhancements. Every form works without this file; it only saves clicks.
(function () {
  "use strict";

  // --- OIICS pickers: a click on a search result fills the code input. ---
  document.addEventListener("click", function (event) {
    var pick = event.target.closest(".oiics-pick");
    if (!pick) return;
    var results = pick.closest(".oiics-results");
    var input = results && document.getElementById(results.dataset.input);
    if (!input) return;
    input.value = pick.dataset.code;
    var current = document.getElementById("oiics-current-" + pick.dataset.family);
    if (current) current.textContent = pick.dataset.code + " · " + pick.dataset.title + " (not saved yet)";
    results.innerHTML = "";
    input.focus();
  });

  // Escape closes an open list of results.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target.classList.contains("oiics-input")) {
      var results = document.querySelector('.oiics-results[data-input="' + event.target.id + '"]');
      if (results) results.innerHTML = "";
    }
    // "/" jumps to the queue search, as in most web tools.
    if (event.key === "/" && !/INPUT|TEXTAREA|SELECT/.test(event.target.tagName)) {
      var search = document.getElementById("id_q");
      if (search) { event.preventDefault(); search.focus(); }
    }
  });

  // --- Recordability guide: show one question at a time, stop when the rule is settled. ---
  var GATES = ["work_related", "new_case"];
  function answerOf(step) {
    var checked = step.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  }
  // `changed`: the officer has just answered. On load the page keeps the decision the server
  // wrote (a recorded one must not read "Record the decision to save it").
  function guide(form, changed) {
    var steps = Array.prototype.slice.call(form.querySelectorAll(".guide__step"));
    var outcome = document.getElementById("recordability-outcome");
    var settled = null, reason = "Not decided yet.";
    steps.forEach(function (step) {
      var key = step.dataset.question;
      if (settled !== null) { step.classList.add("hidden"); return; }
      step.classList.remove("hidden");
      var answer = answerOf(step);
      if (!answer) { settled = "open"; return; }
      if (GATES.indexOf(key) >= 0 && answer === "no") {
        settled = "no";
        reason = key === "work_related" ? "Not recordable: not work-related."
          : "Not recordable as a new case: update the existing case on the log instead.";
      } else if (GATES.indexOf(key) < 0 && answer === "yes") {
        settled = "yes";
        reason = "Recordable: " + (step.dataset.criterion || step.querySelector("legend").textContent.trim()) + ".";
      }
    });
    if (settled === null) { settled = "no"; reason = "Not recordable: no general recording criterion or special case is met (first aid only)."; }
    if (changed && outcome && settled !== "open") {
      outcome.textContent = reason + " Record the decision to save it.";
      outcome.className = "decision decision--" + settled;
    }
  }
  function initGuides(root) {
    (root || document).querySelectorAll("form[data-guide]").forEach(function (form) {
      guide(form, false);
      if (form.dataset.guideReady) return;
      form.dataset.guideReady = "1";
      form.addEventListener("change", function () { guide(form, true); });
    });
  }

  // --- Queue: keep the CSV link on the same filters as the rows. ---
  function syncExport() {
    var link = document.getElementById("export-link");
    if (link) link.href = link.href.split("?")[0] + window.location.search;
  }

  // --- Queue: one box ticks every case on the page (the rows are swapped in by htmx). ---
  function initPickAll() {
    var all = document.getElementById("pick-all");
    if (!all) return;
    all.closest("label").hidden = false;
    all.addEventListener("change", function () {
      document.querySelectorAll('input[name="cases"][form="bulk-assign"]').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }

  // New rows come in unticked: so does the box that ticks them all.
  function resetPickAll() {
    var all = document.getElementById("pick-all");
    if (all) all.checked = false;
  }

  // --- Queue: the filters fold away on a phone only; a wider screen has room for them. ---
  function openWhereWide() {
    if (!window.matchMedia("(min-width: 51rem)").matches) return;
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) { details.open = true; });
  }

  // --- Case page: after a save swaps the case in, keyboard focus goes back to the part saved
  // (its first field in error, else its heading) instead of falling to the top of the page. ---
  var savedSection = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    // Only a save counts: the history's own load (a GET) fires before the case settles.
    if (event.detail.requestConfig.verb !== "post") return;
    var form = event.detail.elt.closest && event.detail.elt.closest("form");
    var section = form && form.closest("#case section[id]");
    savedSection = section ? section.id : null;
  });
  // The case's messages come in with the case: said again from the live region kept outside it.
  function announceSaved(event) {
    if (!event.detail.target || event.detail.target.id !== "case") return;
    announce("case-announcer", document.querySelector("#case > .messages"));
  }
  /* Say the text of `source` from the live region `regionId`, which stays on the page while
     htmx swaps what is around it. Emptied first, so the same words after a second save or
     search are still a change to announce. */
  function announce(regionId, source) {
    var region = document.getElementById(regionId);
    if (!region) return;
    var text = source ? source.textContent.replace(/\s+/g, " ").trim() : "";
    region.textContent = "";
    if (text) window.setTimeout(function () { region.textContent = text; }, 50);
  }
  function refocusSaved(event) {
    if (!savedSection || !event.detail.target || event.detail.target.id !== "case") return;
    var section = document.getElementById(savedSection);
    savedSection = null;
    if (!section) return;
    var target = section.querySelector(".field--error input, .field--error select, .field--error textarea");
    if (!target) {
      target = section.querySelector("h2");
      if (target) target.setAttribute("tabindex", "-1");
    }
    if (target) target.focus({ preventScroll: true });
  }

  // --- Queue: "Previous" and "Next" are swapped out with the rows they sit under; the focus
  // goes to the top of the new page (the count, which names the page), not to the document. ---
  var pagedQueue = false;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    pagedQueue = !!(elt && elt.closest && elt.closest("#queue-rows .pager"));
  });
  function refocusPaged(event) {
    if (!pagedQueue || !event.detail.target || event.detail.target.id !== "queue-rows") return;
    pagedQueue = false;
    var count = document.querySelector("#queue-rows .queue-count");
    if (!count) return;
    count.setAttribute("tabindex", "-1");
    count.focus({ preventScroll: true });
    count.scrollIntoView({ block: "start" });
  }

  // --- Queue: a search or a filter swaps the rows and their count in; the count is said again
  // from the live region kept outside them. Not after paging: the focus goes to the count,
  // and a screen reader reads it from there. ---
  function announceCount(event) {
    if (pagedQueue || !event.detail.target || event.detail.target.id !== "queue-rows") return;
    announce("queue-announcer", document.querySelector("#queue-rows .queue-count"));
  }

  document.addEventListener("DOMContentLoaded", function () { initGuides(document); openWhereWide(); initPickAll(); });
  document.addEventListener("htmx:afterSettle", function (event) { initGuides(document); resetPickAll(); refocusSaved(event); announceSaved(event); announceCount(event); refocusPaged(event); });
  document.addEventListener("htmx:pushedIntoHistory", syncExport);
  document.addEventListener("htmx:historyRestore", syncExport);
})();
