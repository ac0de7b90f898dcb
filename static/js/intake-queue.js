/* The offline queue: reports kept in IndexedDB until the server has acknowledged them.
   Loaded by the intake pages and by the service worker (importScripts), so it uses only what
   both have: IndexedDB, fetch, FormData, URLSearchParams and promises. A report leaves the
   queue only after the server answered that it holds it; the server stores one incident per
   client UUID, so sending the same entry twice (a lost answer) is harmless. The page and the
   service worker each send what waits once the signal returns; each entry is sent under a Web
   Lock, so the other leaves it alone instead of uploading it (and its photos) a second time
   over a weak signal. The same database keeps the photos of an unfinished report (see
   intake.js), too big for the page's other storage. */
(function (scope) {
  "use strict";

  var DB_NAME = "riskcabinet-intake";
  var STORE = "reports";
  var DRAFT_PHOTOS = "draft-photos";
  var flushing = null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 2);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "client_uuid" });
        if (!db.objectStoreNames.contains(DRAFT_PHOTOS)) db.createObjectStore(DRAFT_PHOTOS, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work, name) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name || STORE, mode);
        var request = work(tx.objectStore(name || STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function put(entry) { return withStore("readwrite", function (s) { return s.put(entry); }); }
  function all() { return withStore("readonly", function (s) { return s.getAll(); }); }
  function get(key) { return withStore("readonly", function (s) { return s.get(key); }); }
  function remove(key) { return withStore("readwrite", function (s) { return s.delete(key); }); }

  /* The photos of an unfinished report, kept under the report's draft key: [{name, blob,
     filename}] as in a queue entry. Keeping none forgets them. */
  function keepDraftPhotos(key, files) {
    return withStore("readwrite", function (s) {
      return files.length ? s.put({ key: key, files: files, saved_at: Date.now() }) : s.delete(key);
    }, DRAFT_PHOTOS);
  }
  function draftPhotos(key) {
    return withStore("readonly", function (s) { return s.get(key); }, DRAFT_PHOTOS).then(function (kept) {
      return kept ? kept.files : [];
    });
  }
  function forgetDraftPhotos(key) {
    return withStore("readwrite", function (s) { return s.delete(key); }, DRAFT_PHOTOS);
  }
  /* Forget the photos of unfinished reports kept longer than maxAge milliseconds, and those
     whose report `stillKept(key)` no longer holds (a forgetting cut short by the page going). */
  function expireDraftPhotos(maxAge, stillKept) {
    var now = Date.now();
    return withStore("readwrite", function (s) {
      s.openCursor().onsuccess = function (event) {
        var cursor = event.target.result;
        if (!cursor) return;
        if (!(now - cursor.value.saved_at < maxAge) || !stillKept(cursor.value.key)) cursor.delete();
        cursor.continue();
      };
    }, DRAFT_PHOTOS);
  }

  /* A form's fields and photos, as an entry for the queue. */
  function entryFromForm(form) {
    var data = new FormData(form);
    var fields = [];
    var files = [];
    data.forEach(function (value, name) {
      if (typeof value === "string") {
        if (name !== "csrfmiddlewaretoken") fields.push([name, value]);
      } else if (value && value.size > 0) {
        files.push({ name: name, blob: value, filename: value.name || "photo.jpg" });
      }
    });
    return {
      client_uuid: String(data.get("client_uuid")),
      action: form.action,
      csrf: String(data.get("csrfmiddlewaretoken") || ""),
      fields: fields,
      files: files,
      saved_at: Date.now(),
      state: "waiting",
      errors: null,
    };
  }

  /* Send one entry; resolves to {outcome, entry, reply}, never rejects. Without photos it goes
     URL-encoded: a smaller upload on a weak signal, and cheaper for the server to read. */
  function send(entry, csrfToken) {
    var body = entry.files.length ? new FormData() : new URLSearchParams();
    entry.fields.forEach(function (field) { body.append(field[0], field[1]); });
    entry.files.forEach(function (file) { body.append(file.name, file.blob, file.filename); });
    return fetch(entry.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken || entry.csrf },
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (reply) {
          return { outcome: "sent", entry: entry, reply: reply };
        });
      }
      if (response.status === 409) {
        return response.json().then(function (reply) {
          // Written while another employee was signed in: it waits for them.
          if (reply && reply.other_reporter) return { outcome: "other_reporter", entry: entry };
          return { outcome: "later", entry: entry };
        }, function () {
          return { outcome: "later", entry: entry };
        });
      }
      // Refused as it is: it waits to be fixed, and the reports saved after it go on. A proxy's
      // 413 (photos too large together) says so by code; the page words it.
      if (response.status === 413) {
        return { outcome: "rejected", entry: entry,
                 reply: { errors: { photos: [{ message: "", code: "too_large" }] } } };
      }
      if (response.status === 400) {
        return response.json().then(function (reply) {
          return { outcome: "rejected", entry: entry, reply: reply };
        }, function () {
          return { outcome: "rejected", entry: entry, reply: null };
        });
      }
      if (response.type === "opaqueredirect" || response.status === 403) {
        return { outcome: "signin", entry: entry };
      }
      return { outcome: "later", entry: entry };
    }, function () {
      return { outcome: "offline", entry: entry };
    });
  }

  /* Run `work` holding this entry's send lock, or resolve to null at once when another sender
     (the page or the service worker) holds it. The browser releases a lock when its holder
     goes, a page that navigated away mid-send included. Without Web Locks both may send, and
     the server keeps one. */
  function withSendLock(key, work) {
    var locks = scope.navigator && scope.navigator.locks;
    if (!locks) return work();
    return locks.request("riskcabinet-intake-send:" + key, { ifAvailable: true }, function (lock) {
      return lock ? work() : null;
    });
  }

  /* Send one waiting entry and file the answer; resolves to the result, or to null when the
     entry is gone or no longer waiting (the other sender got there first). */
  function sendOne(key, csrfToken) {
    return get(key).then(function (entry) {
      if (!entry || entry.state !== "waiting") return null;
      return send(entry, csrfToken).then(function (result) {
        if (result.outcome === "sent") return remove(key).then(function () { return result; });
        if (result.outcome === "rejected") {
          entry.state = "rejected";
          entry.errors = result.reply && result.reply.errors;
          return put(entry).then(function () { return result; });
        }
        return result;
      });
    });
  }

  /* Send every waiting entry, one at a time. Concurrent calls share one run. */
  function flush(csrfToken) {
    if (flushing) return flushing;
    var results = [];
    flushing = all().then(function (entries) {
      var waiting = entries.filter(function (e) { return e.state === "waiting"; });
      return waiting.reduce(function (chain, entry) {
        return chain.then(function (stop) {
          if (stop) return true;
          return withSendLock(entry.client_uuid, function () {
            return sendOne(entry.client_uuid, csrfToken).then(function (result) {
              return result || { outcome: "gone", entry: entry };
            });
          }).then(function (result) {
            // The other sender has it; it tells the pages how it went.
            if (!result) result = { outcome: "busy", entry: entry };
            results.push(result);
            // Offline, signed out or a server hiccup: stop, and try again later. The rest
            // (sent, refused, kept for another employee, busy, gone): go on with the others.
            return result.outcome === "offline" || result.outcome === "later" || result.outcome === "signin";
          });
        });
      }, Promise.resolve(false));
    }).then(function () {
      return results;
    }, function () {
      return results;
    }).then(function (done) {
      flushing = null;
      return done;
    });
    return flushing;
  }

  scope.IntakeQueue = {
    put: put, all: all, get: get, remove: remove, entryFromForm: entryFromForm, flush: flush,
    keepDraftPhotos: keepDraftPhotos, draftPhotos: draftPhotos, forgetDraftPhotos: forgetDraftPhotos,
    expireDraftPhotos: expireDraftPhotos,
  };
})(self);
