/* The intake service worker: keeps the report form and its files for use without signal, and
   sends the reports saved on the phone when the connection returns (Background Sync). */
importScripts("__INTAKE_QUEUE_URL__");

var CACHE = "riskcabinet-intake-v1";
var STATIC_PREFIX = "__STATIC_URL__";
var OFFLINE_PAGES = ["/report/", "/report/anonymous/", "/my-reports/"];

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
      return Promise.all(data.urls.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
        }).catch(function () {});
      }));
    }));
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && OFFLINE_PAGES.indexOf(url.pathname) !== -1) {
    event.respondWith(networkFirst(request, url.pathname));
  } else if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(staleWhileRevalidate(request));
  }
});

function networkFirst(request, key) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (cached) {
      return cached || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
    });
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
      var unsent = results.some(function (r) { return r.outcome === "offline" || r.outcome === "later"; });
      // Rejecting asks the browser to try the sync again later.
      if (unsent) throw new Error("Reports still waiting");
    });
  }));
});
