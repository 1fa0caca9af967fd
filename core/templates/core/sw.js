{% autoescape off %}/* Cảnh Giác's service worker (docs/pwa.md): the app shell and the offline page, report drafts
   sent when the network returns, and Web Push notifications. Served at /sw.js so that it
   controls every page of the site. */
"use strict";
const VERSION = "{{ version }}";
const SHELL_CACHE = "canhgiac-shell-" + VERSION;
const PAGES_CACHE = "canhgiac-pages";
const SHELL = {{ shell_json }};
const OFFLINE_URL = "{{ offline_url }}";
const KEPT_PAGES = {{ kept_pages_json }};
const ICON = "{{ icon }}";
const ACK_LABEL = "{{ ack_label|escapejs }}";

importScripts("{{ outbox_js }}");

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("canhgiac-shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

function isKept(url) {
  return KEPT_PAGES.includes(new URL(url).pathname);
}

async function navigate(request) {
  try {
    const response = await fetch(request);
    if (response.ok && isKept(request.url)) {
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(new URL(request.url).pathname, response.clone());
    }
    return response;
  } catch (error) {
    const kept = isKept(request.url) && (await caches.match(new URL(request.url).pathname, { cacheName: PAGES_CACHE }));
    return kept || (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

/* A form posted while the network drops on the way: keep it on the phone and send it later (the
   page's own script does so before posting when it already knows it is offline). */
async function postOrKeep(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    if (!isKept(request.url)) throw error;
    await CanhGiacOutbox.add(copy.url, await copy.formData());
    if (self.registration.sync) await self.registration.sync.register(CanhGiacOutbox.SYNC_TAG).catch(() => {});
    return Response.redirect(OFFLINE_URL + "?draft=1", 303);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate" && request.method === "GET") {
    event.respondWith(navigate(request));
  } else if (request.mode === "navigate" && request.method === "POST") {
    event.respondWith(postOrKeep(request));
  } else if (request.method === "GET" && SHELL.includes(new URL(request.url).pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === CanhGiacOutbox.SYNC_TAG) event.waitUntil(CanhGiacOutbox.flush());
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const options = {
    body: data.body || "",
    icon: ICON,
    badge: ICON,
    tag: data.tag || undefined,
    requireInteraction: Boolean(data.urgent),
    data: { url: data.url || "/", ack_url: data.ack_url || "" },
    actions: data.ack_url ? [{ action: "ack", title: ACK_LABEL }] : [],
  };
  event.waitUntil(self.registration.showNotification(data.title || "Cảnh Giác", options));
});

async function openUrl(url) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    if (client.url === url && "focus" in client) return client.focus();
  }
  return self.clients.openWindow(url);
}

self.addEventListener("notificationclick", (event) => {
  const { url, ack_url: ackUrl } = event.notification.data || {};
  event.notification.close();
  const acknowledged = event.action === "ack" && ackUrl
    ? fetch(ackUrl, { method: "POST", credentials: "include" }).catch(() => null)
    : Promise.resolve();
  event.waitUntil(acknowledged.then(() => openUrl(url || "/")));
});
{% endautoescape %}
