/* The intake service worker: keeps the report form and its files for use without signal, and
   sends the reports saved on the phone when the connection returns (Background Sync). */
importScripts("__INTAKE_QUEUE_URL__");

var CACHE = "riskcabinet-intake-v1";
var STATIC_PREFIX = "__STATIC_URL__";
var OFFLINE_PAGES = ["/report/", "/report/anonymous/", "/my-reports/"];
/* Signing in or out changes whose pages these are: the report form carries the signed-in
   employee's mark and "My reports" lists their reports. */
var SESSION_URLS = __SESSION_URLS__;
/* The pages that belong to whoever is signed in. "My reports" lists an employee's reports, so
   its copy is served without signal only while the session it was read in could still be open:
   a shared phone whose session simply ran out (no sign-out) must not show it to the next
   person. The form stays usable: it names whom it reports as, and its reports are sent only
   under that employee's session. */
var SIGNED_IN_PAGES = ["/report/", "/my-reports/"];
var PRIVATE_PAGES = ["/my-reports/"];
var SESSION_SECONDS = __SESSION_SECONDS__;
var KEPT_AT = "X-Riskcabinet-Kept-At";
/* Counts the session changes this worker has seen (a sign-in or sign-out, a page sent to the
   sign-in page). A page is kept only if no change came between its fetch and its keeping: a
   form fetched for the session that just ended, and answered after its pages were dropped, must
   not come back. */
var sessionChanges = 0;
/* The worker's own fetches of pages to keep do not follow a redirect to the sign-in page: the
   page would set a new CSRF cookie behind the back of a sign-in form open at that moment, whose
   token would then be refused. */
var KEEP_FETCH = { credentials: "same-origin", redirect: "manual" };

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) {
        return caches.delete(key);
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

/* The page lists what it needs offline: itself, its scripts and its stylesheet. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "precache" && Array.isArray(data.urls)) {
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      var seen = sessionChanges;
      return Promise.all(data.urls.map(function (url) {
        return fetch(url, KEEP_FETCH).then(function (response) {
          if (response.ok && !response.redirected) return keep(cache, url, response, seen);
        }).catch(function () {});
      }));
    }));
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && SESSION_URLS.indexOf(url.pathname) !== -1) {
    event.respondWith(fetch(request).then(function (response) {
      event.waitUntil(pagesRenew());
      return response;
    }));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && OFFLINE_PAGES.indexOf(url.pathname) !== -1) {
    // Kept under its path, so only the page itself is kept: "My reports" from its first page,
    // the newest reports. Its later pages (?page=2) are read with signal and are not kept, or
    // they would take the first page's place; without signal they get the first page.
    event.respondWith(networkFirst(request, url.pathname, url.search === ""));
  } else if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(staleWhileRevalidate(request));
  }
});

function networkFirst(request, key, keepIt) {
  var seen = sessionChanges;
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      if (!keepIt) return response;
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { keep(cache, key, copy, seen); });
    } else if (SIGNED_IN_PAGES.indexOf(key) !== -1 &&
               (response.type === "opaqueredirect" || response.redirected)) {
      // Sent to the sign-in page (a navigation sees the redirect itself, unfollowed): the
      // session is over, and so are its pages.
      sessionChanges += 1;
      caches.open(CACHE).then(function (cache) {
        SIGNED_IN_PAGES.forEach(function (path) { cache.delete(path); });
      });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(key).then(function (cached) {
        if (cached && PRIVATE_PAGES.indexOf(key) !== -1 && !stillPrivate(cached)) {
          return cache.delete(key).then(offlinePage);
        }
        return cached || offlinePage();
      });
    });
  });
}

/* A page is kept with the time it was read, so that a private page outlives its session by no
   more than the session's own length; not at all when the session changed since `seen`. */
function keep(cache, key, response, seen) {
  return response.blob().then(function (body) {
    if (seen !== sessionChanges) return undefined;
    var headers = new Headers(response.headers);
    headers.set(KEPT_AT, String(Date.now()));
    return cache.put(key, new Response(body, {
      status: response.status, statusText: response.statusText, headers: headers
    }));
  });
}

function stillPrivate(cached) {
  var keptAt = Number(cached.headers.get(KEPT_AT));
  return keptAt > 0 && Date.now() - keptAt < SESSION_SECONDS * 1000;
}

/* Without signal and with no kept copy (after a sign-out, or before the first page loaded with
   signal): say so in both languages the forms speak, rather than show the browser's error. */
function offlinePage() {
  var body = '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>No signal</title>' +
    '<style>body{font:1.125rem/1.5 system-ui,sans-serif;margin:0 auto;max-width:32rem;padding:1.5rem}</style>' +
    '</head><body><h1>No signal</h1>' +
    '<p>This phone has no copy of this page yet. Open it once with signal (signed in, ' +
    'except the anonymous near-miss form); after that it works without signal too.</p>' +
    '<h1 lang="es">Sin señal</h1><p lang="es">Este teléfono aún no tiene una copia de esta ' +
    'página. Ábrala una vez con señal (con su sesión iniciada, salvo el formulario anónimo de ' +
    'casi accidente); después funciona también sin señal.</p>' +
    '</body></html>';
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

/* After a sign-in or sign-out, the kept pages belong to whoever was signed in before: drop
   them, so that nobody offline sees another employee's reports or files a report under their
   mark, and keep the pages of whoever is signed in now. Signed out, the pages redirect to the
   sign-in page and are not kept. The reports saved on the phone (IndexedDB) are not touched. */
function pagesRenew() {
  sessionChanges += 1;
  var seen = sessionChanges;
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(OFFLINE_PAGES.map(function (path) {
      return cache.delete(path).then(function () {
        return fetch(path, KEEP_FETCH);
      }).then(function (response) {
        if (response.ok && !response.redirected) return keep(cache, path, response, seen);
      }).catch(function () {});
    }));
  });
}

function staleWhileRevalidate(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      if (cached) {
        fresh.catch(function () {});
        return cached;
      }
      return fresh;
    });
  });
}

function tellPages(results) {
  return self.clients.matchAll({ type: "window" }).then(function (clients) {
    clients.forEach(function (client) {
      client.postMessage({ type: "intake-flushed", results: results.map(function (r) {
        return { outcome: r.outcome, client_uuid: r.entry.client_uuid, reply: r.reply || null };
      }) });
    });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== "intake-queue") return;
  event.waitUntil(self.IntakeQueue.flush().then(function (results) {
    return tellPages(results).then(function () {
      // "busy": the page is sending it; should that fail, a later sync tries again.
      var unsent = results.some(function (r) {
        return r.outcome === "offline" || r.outcome === "later" || r.outcome === "busy";
      });
      // Rejecting asks the browser to try the sync again later.
      if (unsent) throw new Error("Reports still waiting");
    });
  }));
});
