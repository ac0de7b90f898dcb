/* The intake form, enhanced: injury questions only when they apply, "use my location", photos
   kept across a validation error, and the offline queue (see intake-queue.js and /sw.js).
   Without this file the form still works as a plain multipart POST. */
(function () {
  "use strict";

  var script = document.getElementById("intake-script");
  var queueBox = document.getElementById("intake-queue");
  var stashedFiles = null;

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function intakeForm() { return document.querySelector("form[data-intake-form]"); }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* --- the form ------------------------------------------------------------------------- */

  function setUp(root, freshReport) {
    root.querySelectorAll(".js-only").forEach(function (el) { el.classList.remove("hidden"); });
    var form = root.querySelector("form.intake-form");
    if (form && freshReport) {
      // A new report gets a new number here too: the page may come from the offline cache.
      var field = form.querySelector("input[name=client_uuid]");
      if (field && !root.querySelector("#error-summary")) { field.value = newUuid(); setNow(form); }
    }
    toggleInjury();
    root.querySelectorAll(".photo-inputs").forEach(function (box) {
      box.classList.add("photo-inputs--enhanced");
      box.querySelectorAll("input[type=file][data-photo-input]").forEach(showPhotoNames);
    });
  }

  /* The photo pickers: the label is the button (see report_photos.html), so the names of the
     photos chosen are listed under it, in place of the browser's "No file chosen". */
  function showPhotoNames(input) {
    var list = document.getElementById(input.id + "-chosen");
    if (!list) return;
    list.textContent = Array.prototype.map.call(input.files || [], function (file) {
      return file.name;
    }).join(", ");
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input && input.matches && input.matches("input[type=file][data-photo-input]")) showPhotoNames(input);
  });

  function setNow(form) {
    var date = form && form.querySelector("#id_occurred_date");
    var time = form && form.querySelector("#id_occurred_time");
    if (!date || !time || !window.Intl) return;
    var parts = {};
    var zone = form.getAttribute("data-time-zone") || undefined;  // The city's, from the server.
    new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric",
      month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    date.value = parts.year + "-" + parts.month + "-" + parts.day;
    time.value = parts.hour + ":" + parts.minute;
  }

  function toggleInjury() {
    var box = document.getElementById("injury-details");
    if (!box) return;
    var types = (box.getAttribute("data-injury-types") || "").split(" ");
    var chosen = document.querySelector("input[name=incident_type]:checked");
    box.classList.toggle("hidden", !chosen || types.indexOf(chosen.value) === -1);
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "incident_type") toggleInjury();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#use-location");
    if (!button) return;
    var status = document.getElementById("location-status");
    if (!navigator.geolocation) {
      status.textContent = button.getAttribute("data-msg-failed");
      return;
    }
    status.textContent = button.getAttribute("data-msg-busy");
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
      document.getElementById("coords").open = true;
      status.textContent = button.getAttribute("data-msg-done");
    }, function () {
      status.textContent = button.getAttribute("data-msg-failed");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  /* The browser's own "Please fill out this field" speaks the phone's language, not the page's:
     a required field left empty says what the server would say, in the page's language
     (data-msg-required). The messages are cleared before every try, so a field filled in by a
     script (the unfinished report put back, "use my location") never stays marked. */
  function clearRequiredMessages(form) {
    form.querySelectorAll("[data-msg-required]").forEach(function (input) { input.setCustomValidity(""); });
  }
  document.addEventListener("invalid", function (event) {
    var input = event.target;
    var message = input.getAttribute && input.getAttribute("data-msg-required");
    if (message && input.validity.valueMissing) input.setCustomValidity(message);
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[type=submit]");
    if (button && button.form) clearRequiredMessages(button.form);
  }, true);
  ["input", "change"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var input = event.target;
      if (!input.form || !input.hasAttribute || !input.hasAttribute("data-msg-required")) return;
      if (input.type === "radio") clearRequiredMessages(input.form);
      else input.setCustomValidity("");
    });
  });

  /* One bar of signal: the phone says it is online, and the upload can stall for minutes
     without an error. The send button says it is sending, and a report not answered in time
     is saved on the phone (htmx:timeout, below) and sent from there: the server keeps one
     report per client UUID, so one that did arrive is not filed twice. Photos get longer. */
  var SEND_TIMEOUT_MS = 30000;
  var SEND_TIMEOUT_WITH_PHOTOS_MS = 180000;

  function isReportForm(elt) { return isIntake(elt) || !!(elt && elt.id === "anonymous-form"); }

  function hasPhotos(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  function showSending(form, sending) {
    var button = form && form.querySelector("button[type=submit][data-msg-sending]");
    if (!button) return;
    if (sending && !button.hasAttribute("data-label")) {
      button.setAttribute("data-label", button.textContent);
      button.textContent = button.getAttribute("data-msg-sending");
      button.setAttribute("aria-busy", "true");
    } else if (!sending && button.hasAttribute("data-label")) {
      button.textContent = button.getAttribute("data-label");
      button.removeAttribute("data-label");
      button.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!isReportForm(form) || event.detail.timeout) return;
    event.detail.timeout = hasPhotos(form) ? SEND_TIMEOUT_WITH_PHOTOS_MS : SEND_TIMEOUT_MS;
  });
  document.addEventListener("htmx:beforeSend", function (event) {
    if (isReportForm(event.detail.elt)) showSending(event.detail.elt, true);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (isReportForm(event.detail.elt)) showSending(event.detail.elt, false);
  });

  /* --- htmx: keep photos across an error, focus what changed, queue when offline -------- */

  function isIntake(elt) { return elt && elt.matches && elt.matches("form[data-intake-form]"); }

  /* The intake forms (hx-ext="photos-or-plain") send a report without photos URL-encoded: a
     smaller upload on a weak signal, and cheaper for the server to read. With photos, htmx
     sends multipart as usual. */
  if (window.htmx) {
    htmx.defineExtension("photos-or-plain", {
      encodeParameters: function (xhr, parameters) {
        var plain = new URLSearchParams();
        var photos = false;
        parameters.forEach(function (value, name) {
          if (typeof value === "string") plain.append(name, value);
          else if (value && value.size > 0) photos = true;
        });
        return photos ? null : plain;
      }
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!isIntake(event.detail.elt)) return;
    // A refusal of the last try is old news once the report is sent again.
    if (queueBox) {
      queueBox.querySelectorAll("[role=alert]").forEach(function (p) { p.remove(); });
      if (!queueBox.children.length) queueBox.classList.add("hidden");
    }
    if (navigator.onLine === false) {
      event.preventDefault();
      keepOnPhone(event.detail.elt);
    }
  });
  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (isIntake(event.detail.elt)) keepOnPhone(event.detail.elt);
    });
  });
  /* The anonymous form keeps nothing on the phone: say it was not sent, and why. */
  function notSent(event, key) {
    var form = event.detail.elt;
    if (!form || form.id !== "anonymous-form") return;
    var box = document.getElementById("send-status");
    if (box) { box.textContent = box.getAttribute(key); box.classList.remove("hidden"); }
  }
  document.addEventListener("htmx:sendError", function (e) { notSent(e, "data-msg-offline"); });
  document.addEventListener("htmx:timeout", function (e) { notSent(e, "data-msg-offline"); });
  document.addEventListener("htmx:responseError", function (e) { notSent(e, "data-msg-failed"); });

  /* The server answered but did not take the report: briefly unavailable (5xx, as during a
     database restart), signed out or the session ended (403), or another employee's form
     (409). The report goes to the queue, which sends it again shortly or says what it waits
     for. Any other refusal leaves the report in the form, with a message. */
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (!isIntake(event.detail.elt)) return;
    if (status >= 500) keepOnPhone(event.detail.elt, "data-msg-retry");
    else if (status === 403 || status === 409) {
      keepOnPhone(event.detail.elt, "data-msg-kept").then(flushNow);
    }
    else {
      // Refused as it is (a proxy's 413 for photos too large, say): it stays in the form.
      var text = status === 413 ? queueBox.getAttribute("data-msg-too-large")
        : queueBox.getAttribute("data-msg-refused").replace("{code}", String(status));
      say(text).setAttribute("role", "alert");
      queueBox.scrollIntoView({ block: "start" });
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "intake") return;
    sentDraftKey = draftKey(event.detail.target.querySelector("form[data-intake-form]"));
    stashedFiles = [];
    event.detail.target.querySelectorAll("input[type=file]").forEach(function (input) {
      if (input.files && input.files.length) stashedFiles.push([input.id, input.files]);
    });
  });

  // After the settle, not the swap: while settling, htmx gives elements that keep their id the
  // old page's attributes, then puts the server's back (the "hidden" that only scripts lift).
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = document.getElementById("intake");
    if (!root || event.detail.target !== root && !root.contains(event.detail.target)) {
      root = document.getElementById("intake");
    }
    if (!root) return;
    setUp(root, false);
    var summary = root.querySelector("#error-summary");
    if (summary) {
      (stashedFiles || []).forEach(function (pair) {
        var input = document.getElementById(pair[0]);
        if (!input || typeof DataTransfer === "undefined") return;
        var transfer = new DataTransfer();
        Array.prototype.forEach.call(pair[1], function (file) { transfer.items.add(file); });
        input.files = transfer.files;
        showPhotoNames(input);
      });
      var dropped = summary.querySelector("[data-photos-dropped]");
      if (dropped && stashedFiles && stashedFiles.length) dropped.remove();
      summary.focus();
    } else if (root.hasAttribute("data-confirmation")) {
      // Received: the copy kept while typing is done with.
      clearTimeout(draftTimer);
      draftForget(sentDraftKey);
      root.focus();
    }
    stashedFiles = null;
  });

  /* --- the unfinished report ------------------------------------------------------------ */

  /* What the employee types is kept on the phone as they type, so that a report survives the
     browser dropping the page (a call, the camera, a flat battery) and is put back when the form
     opens again. Kept for the signed-in employee only (the form's mark), for a week: the fields
     in localStorage, the photos beside the offline queue in IndexedDB. Once sent, or saved for
     sending, it is forgotten. The anonymous form keeps nothing: the next person on a shared
     phone must not find what someone wrote there. */
  var DRAFT_PREFIX = "riskcabinet-draft:";
  var DRAFT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
  var DRAFT_FIELDS = ["narrative", "location_text", "injured_name", "injured_job_title",
    "injured_employee_id", "body_part", "injury_kind", "involved_people"];
  var draftTimer = null;
  var sentDraftKey = null;

  function drafts() {
    try { return window.localStorage; } catch (e) { return null; }  // Storage may be refused.
  }

  function draftKey(form) {
    var mark = form && form.querySelector("input[name=reporter_tag]");
    return mark && mark.value ? DRAFT_PREFIX + mark.value : null;
  }

  function draftForget(key) {
    var store = drafts();
    if (store && key) store.removeItem(key);
    if (key && window.IntakeQueue) IntakeQueue.forgetDraftPhotos(key).catch(function () {});
  }

  /* Whether the report in the form has anything written (or photos chosen) worth keeping. */
  function formTyped(form) {
    return DRAFT_FIELDS.some(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      return input && input.value.trim();
    });
  }

  function formHasWriting(form) { return formTyped(form) || hasPhotos(form); }

  /* A question before what cannot be undone. A browser that shows no dialogs (Chrome told to
     stop this page's dialogs, a kiosk or an app's built-in browser) answers confirm() "no" at
     once without asking anyone (no person answers in 50 ms): then the page asks instead, and
     a second tap on the same button is yes. */
  function confirmed(button, question) {
    if (button.hasAttribute("data-asked")) return true;
    var asked = Date.now();
    if (window.confirm(question)) return true;
    if (Date.now() - asked < 50) {
      button.setAttribute("data-asked", "");
      var note = say(question);
      if (note) note.setAttribute("role", "alert");
    }
    return false;
  }

  /* Keep the fields (and, when `withPhotos`, the photos chosen now) of the report in the form. */
  function draftSave(form, withPhotos) {
    var store = drafts();
    var key = draftKey(form);
    if (!store || !key || !window.IntakeQueue) return;
    var entry = IntakeQueue.entryFromForm(form);
    if (!formTyped(form) && !entry.files.length) { draftForget(key); return; }
    // The count tells the restore whether photos were kept and have gone missing since.
    try {
      store.setItem(key, JSON.stringify({ saved_at: Date.now(), fields: entry.fields, photos: entry.files.length }));
    } catch (e) {}  // The phone's storage is full: the report is still in the form.
    if (withPhotos) {
      if (entry.files.length) askToPersist();
      IntakeQueue.keepDraftPhotos(key, entry.files).catch(function () {});
    }
  }

  function draftsExpire() {
    var store = drafts();
    if (!store) return;
    var now = Date.now();
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (!key || key.indexOf(DRAFT_PREFIX) !== 0) continue;
      var draft = null;
      try { draft = JSON.parse(store.getItem(key)); } catch (e) {}
      if (!draft || !(now - draft.saved_at < DRAFT_MAX_AGE_MS)) store.removeItem(key);
    }
    if (!window.IntakeQueue) return;
    IntakeQueue.expireDraftPhotos(DRAFT_MAX_AGE_MS, function (key) {
      return store.getItem(key) !== null;
    }).catch(function () {});
  }

  function draftRestore(root) {
    var form = root.querySelector("form[data-intake-form]");
    var store = drafts();
    var key = draftKey(form);
    // After an error the server's page already holds what was sent.
    if (!form || !store || !key || root.querySelector("#error-summary")) return;
    var draft = null;
    try { draft = JSON.parse(store.getItem(key)); } catch (e) {}
    if (!draft || !Array.isArray(draft.fields)) return;
    fillForm(form, draft.fields);
    toggleInjury();
    var wanted = draft.photos || 0;
    var photos = wanted ? IntakeQueue.draftPhotos(key).then(function (files) {
      return putPhotosBack(form, files);
    }, function () { return 0; }) : Promise.resolve(0);
    photos.then(function (restored) {
      // Photos kept but not put back (storage cleared, an old browser): the employee must know.
      var message = restored < wanted ? "data-msg-draft-photos-lost" : "data-msg-draft";
      var again = document.createElement("button");
      again.type = "button";
      again.className = "button button--small";
      again.textContent = queueBox.getAttribute("data-msg-draft-clear");
      var note = say(queueBox.getAttribute(message) + " ", again);
      note.setAttribute("data-draft", "");
      again.addEventListener("click", function () {
        // One stray tap must not throw away what was written: ask first.
        if (confirmed(again, queueBox.getAttribute("data-msg-draft-clear-confirm"))) startAgain(note);
      });
    });

    function startAgain(note) {
      draftForget(key);
      form.reset();
      form.querySelector("input[name=client_uuid]").value = newUuid();
      toggleInjury();
      note.remove();
      if (!queueBox.children.length) queueBox.classList.add("hidden");
      form.querySelector("#id_narrative").focus();
    }
  }

  ["input", "change"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var form = event.target.form;
      if (!isIntake(form)) return;
      if (event.target.type === "file") {
        // A photo is kept at once: the camera is what most often makes a phone drop the page.
        if (name === "change") { clearTimeout(draftTimer); draftSave(form, true); }
        return;
      }
      clearTimeout(draftTimer);
      draftTimer = setTimeout(function () { draftSave(form); }, 400);
    });
  });

  /* --- the offline queue ---------------------------------------------------------------- */

  function say(text, extra) {
    if (!queueBox) return;
    queueBox.classList.remove("hidden");
    var p = document.createElement("p");
    p.textContent = text;
    if (extra) p.appendChild(extra);
    queueBox.appendChild(p);
    return p;
  }

  function keepOnPhone(form, message) {
    if (!window.IntakeQueue) return Promise.resolve();
    var entry = IntakeQueue.entryFromForm(form);
    askToPersist();
    return IntakeQueue.put(entry).then(function () {
      clearTimeout(draftTimer);
      draftForget(draftKey(form));
      say(queueBox.getAttribute(message || "data-msg-saved"));
      // The send button is at the foot of the form, the news at its head: show it.
      queueBox.scrollIntoView({ block: "start" });
      form.reset();
      form.querySelector("input[name=client_uuid]").value = newUuid();
      setNow(form);
      toggleInjury();
      askForSync();
      showWaiting();
    }, function () {
      // The phone would not keep it (its storage is full, say): the report stays in the form,
      // and the employee must know it is neither sent nor saved.
      say(queueBox.getAttribute("data-msg-not-kept")).setAttribute("role", "alert");
      queueBox.scrollIntoView({ block: "start" });
    });
  }

  /* Ask the browser not to clear this site's storage when the phone runs short of space: it
     holds reports not yet sent. Chrome decides without asking; Firefox asks the employee once. */
  var persistAsked = false;
  function askToPersist() {
    var storage = navigator.storage;
    if (persistAsked || !storage || !storage.persist) return;
    persistAsked = true;
    storage.persisted().then(function (already) {
      if (!already) return storage.persist();
    }).catch(function () {});
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("intake-queue");
    }).catch(function () {});
  }

  function showWaiting() {
    if (!window.IntakeQueue || !queueBox) return;
    IntakeQueue.all().then(function (entries) {
      var old = queueBox.querySelector("[data-waiting]");
      if (old) old.remove();
      var waiting = entries.filter(function (e) { return e.state === "waiting"; }).length;
      if (waiting) {
        var p = document.createElement("p");
        p.setAttribute("data-waiting", "");
        p.textContent = queueBox.getAttribute("data-msg-pending") + " " + waiting;
        queueBox.classList.remove("hidden");
        queueBox.appendChild(p);
      }
      // A refused report is shown even when nothing else waits: it is not sent until fixed.
      entries.filter(function (e) { return e.state === "rejected" && savedByThisEmployee(e); }).forEach(showRejected);
    });
  }

  /* A refused report is shown, to fix or delete, only to the employee who saved it: the page
     carries the signed-in employee's mark (in its form, and on the queue's box for pages
     without one), and so does every report saved from it. Reports without a mark (anonymous
     ones) have no owner to protect. */
  function savedByThisEmployee(entry) {
    var mark = "";
    entry.fields.forEach(function (field) { if (field[0] === "reporter_tag") mark = field[1]; });
    if (!mark) return true;
    var input = document.querySelector("input[name=reporter_tag]");
    var mine = input ? input.value : queueBox.getAttribute("data-reporter-tag");
    return !!mine && mine === mark;
  }

  function showRejected(entry) {
    if (queueBox.querySelector('[data-rejected="' + entry.client_uuid + '"]')) return;
    var wrap = document.createElement("span");
    wrap.setAttribute("data-rejected", entry.client_uuid);
    var open = document.createElement("button");
    open.type = "button";
    open.className = "button button--small";
    open.textContent = queueBox.getAttribute("data-msg-open");
    open.addEventListener("click", function () {
      if (!formFor(entry)) {
        // Its form is not on this page ("My reports", or the confirmation that took the
        // form's place): open that form, which puts the report in once loaded. A query, not a
        // hash: a confirmation shown at the form's own address must still load the form.
        var target = new URL(entry.action, window.location.href);
        target.searchParams.set(OPEN_SAVED, entry.client_uuid);
        window.location.assign(target.href);
        return;
      }
      // Opened, it takes the form's place: what is being written there must not go unasked.
      if (formHasWriting(intakeForm())
          && !confirmed(open, queueBox.getAttribute("data-msg-open-confirm"))) return;
      restore(entry);
      wrap.parentNode.remove();
    });
    wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(open);
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button button--small";
    discard.textContent = queueBox.getAttribute("data-msg-discard");
    discard.addEventListener("click", function () {
      // It sits beside "Open it", and a report deleted here is gone for good: ask first.
      if (!confirmed(discard, queueBox.getAttribute("data-msg-discard-confirm"))) return;
      IntakeQueue.remove(entry.client_uuid).then(function () { wrap.parentNode.remove(); });
    });
    wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(discard);
    say(queueBox.getAttribute("data-msg-rejected"), wrap);
  }

  /* "Open it" on a page without the report's form comes here with the report's number in this
     query parameter; the form puts the report in as the button would have. (The service
     worker keeps pages by path, so the form opens from its copy without signal too.) */
  var OPEN_SAVED = "open-saved";

  /* The page's form if it is the one a saved report was written in (the employee's or the
     anonymous one), else null. */
  function formFor(entry) {
    var form = intakeForm();
    if (!form) return null;
    return new URL(entry.action, window.location.href).href === form.action ? form : null;
  }

  function openSavedFromLink() {
    var here = new URL(window.location.href);
    var uuid = here.searchParams.get(OPEN_SAVED);
    if (!uuid || !window.IntakeQueue) return Promise.resolve();
    here.searchParams.delete(OPEN_SAVED);  // A reload must not open it a second time.
    history.replaceState(null, "", here.pathname + here.search + here.hash);
    return IntakeQueue.all().then(function (entries) {
      var entry = entries.filter(function (e) {
        return e.client_uuid === uuid && e.state === "rejected" && savedByThisEmployee(e);
      })[0];
      if (!entry || !formFor(entry)) return;
      if (formHasWriting(intakeForm())
          && !window.confirm(queueBox.getAttribute("data-msg-open-confirm"))) return;
      restore(entry);
    }).catch(function () {});
  }

  /* Put [name, value] pairs back into a form's fields. */
  function fillForm(form, fields) {
    fields.forEach(function (field) {
      var inputs = form.querySelectorAll('[name="' + field[0] + '"]');
      inputs.forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") input.checked = input.value === field[1];
        else input.value = field[1];
      });
    });
  }

  /* Put kept photos ([{blob, filename}]) into the form's photo library field; returns how many
     went in (none where the browser cannot set a file field). */
  function putPhotosBack(form, files) {
    var photos = form.querySelector("#id_photos_library");
    if (!photos || !files.length || typeof DataTransfer === "undefined") return 0;
    var transfer = new DataTransfer();
    files.forEach(function (f) { transfer.items.add(new File([f.blob], f.filename, { type: f.blob.type })); });
    photos.files = transfer.files;
    showPhotoNames(photos);
    return photos.files.length;
  }

  /* Put a refused entry back into the form so the employee can fix and resend it. */
  function restore(entry) {
    var form = intakeForm();
    fillForm(form, entry.fields);
    putPhotosBack(form, entry.files);
    toggleInjury();
    clearTimeout(draftTimer);
    draftSave(form, true);  // Kept as the unfinished report until it is sent.
    IntakeQueue.remove(entry.client_uuid);
    // What was refused, as the server (or the proxy, by code) said it.
    Object.keys(entry.errors || {}).forEach(function (name) {
      (entry.errors[name] || []).forEach(function (problem) {
        var text = problem && problem.code === "too_large"
          ? queueBox.getAttribute("data-msg-too-large") : problem && problem.message;
        if (text) say(text).setAttribute("role", "alert");
      });
    });
    form.querySelector("#id_narrative").focus();
  }

  /* Whether the last try here left a report to the service worker, which was sending it. */
  var leftToWorker = false;

  function report(results) {
    results.forEach(function (result) {
      if (result.outcome === "sent" && result.reply) {
        // The page and the service worker may both have sent it (the server keeps one): say it once.
        if (queueBox.querySelector('[data-sent-reference="' + result.reply.reference + '"]')) return;
        var link = document.createElement("a");
        link.href = result.reply.url;
        link.textContent = " " + result.reply.reference;
        link.setAttribute("data-sent-reference", result.reply.reference);
        say(queueBox.getAttribute("data-msg-sent"), link);
        (result.reply.refused || []).forEach(function (photo) {
          say(queueBox.getAttribute("data-msg-photo-refused").replace("{name}", photo.name)
            .replace("{reason}", photo.reason)).setAttribute("role", "alert");
        });
        if (result.reply.employee_id_unmatched) {
          say(queueBox.getAttribute("data-msg-unmatched").replace("{id}", result.reply.employee_id_unmatched));
        }
      } else if (result.outcome === "signin" && !queueBox.querySelector("[data-signin]")) {
        var signIn = document.createElement("a");
        signIn.href = queueBox.getAttribute("data-signin-url");
        signIn.textContent = queueBox.getAttribute("data-msg-signin-link");
        signIn.className = "button button--small";
        signIn.setAttribute("data-signin", "");
        say(queueBox.getAttribute("data-msg-signin") + " ", signIn);
      } else if (result.outcome === "other_reporter" && !queueBox.querySelector("[data-other-reporter]")) {
        say(queueBox.getAttribute("data-msg-other-reporter")).setAttribute("data-other-reporter", "");
      }
    });
    showWaiting();
  }

  function flushNow() {
    if (!window.IntakeQueue || !queueBox || navigator.onLine === false) return;
    IntakeQueue.flush(csrfToken()).then(function (results) {
      leftToWorker = results.some(function (r) { return r.outcome === "busy"; });
      report(results);
    });
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator) || !script || !queueBox) return;
    navigator.serviceWorker.register(script.getAttribute("data-sw-url"), { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = [script.getAttribute("data-report-url")];
      document.querySelectorAll("script[src]").forEach(function (s) { urls.push(s.src); });
      document.querySelectorAll("link[rel=stylesheet], link[rel=manifest]").forEach(function (l) { urls.push(l.href); });
      if (registration.active) registration.active.postMessage({ type: "precache", urls: urls });
    }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (!event.data || event.data.type !== "intake-flushed") return;
      report(event.data.results);
      // The worker is through: what it could not send (signed out, say) is ours to try now.
      if (leftToWorker) flushNow();
    });
  }

  window.addEventListener("online", flushNow);
  // Signal in a truck comes and goes without always firing "online": try again every so often.
  window.setInterval(flushNow, 10000);

  var root = document.getElementById("intake") || document.body;
  setUp(root, true);
  draftsExpire();
  if (queueBox) draftRestore(root);
  registerWorker();
  openSavedFromLink().then(function () {
    showWaiting();
    flushNow();
  });
})();
