/* Service worker of the portal. Pages: network first, the offline page when the network is gone.
   Static files: cache first (their URLs carry a content hash). Pages are never cached, so no
   company data stays on the device. */
const VERSION = "{{ version }}";
const SHELL_CACHE = "shell-" + VERSION;
const STATIC_CACHE = "static-" + VERSION;
const PRECACHE = {{ precache|tojson }};
const OFFLINE_URL = "{{ offline_url }}";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key !== SHELL_CACHE && key !== STATIC_CACHE).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

/* The offline page under the address that was asked for: the cached response itself carries
   the URL /offline, which htmx (a boosted link) would push into the address bar and keep there
   after the connection comes back. A new Response has no URL of its own. */
function offlineResponse() {
  return caches.match(OFFLINE_URL).then((cached) => cached
    ? cached.text().then((body) => new Response(body, {
      status: 200, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } }))
    : new Response(
      "オフラインです。通信環境を確認してください。",
      { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } }
    ));
}

function cacheFirst(request) {
  return caches.match(request).then((cached) => {
    if (cached) {
      return cached;
    }
    return fetch(request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(STATIC_CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    });
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
    return;
  }
  /* Whole pages only: navigations, boosted htmx requests and htmx history restores. An htmx
     request for one region (a search result list, a button) must not get the whole offline page
     swapped into that region; it fails instead, and app.js tells the user. */
  const isPage = request.mode === "navigate"
    || request.headers.get("HX-Boosted") === "true"
    || request.headers.get("HX-History-Restore-Request") === "true";
  if (isPage) {
    event.respondWith(fetch(request).catch(offlineResponse));
  }
});

/* Web Push (portal/notify/push.py sends {"title", "body", "url", "tag"}, encrypted for this
   subscription). The notification opens the portal page it is about. */
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const title = data.title || "新しいお知らせがあります";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || "portal",
    lang: "ja",
    icon: PRECACHE.find((url) => url.includes("icon-192")) || undefined,
    data: { url: data.url || "/inbox" }
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/inbox", self.location.origin);
  if (target.origin !== self.location.origin) {
    return;
  }
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target.href && "focus" in client) {
          return client.focus();
        }
      }
      return self.clients.openWindow(target.href);
    })
  );
});
