/* Service worker for the gate page (/gate/), so a reload with no network still opens it.
 *
 * gate.js already scans offline from what it keeps in localStorage (keys, revocations,
 * sessions, the queue), but a page reloaded or a tab restored without network used to be
 * gone. This worker keeps a copy of the page and of what it loads: its static files (the
 * QR reader's WebAssembly among them) and its texts in each language (Django's JavaScript
 * catalogue):
 *
 * - the page: network first, so an online gate always gets the current page, the current
 *   login state and a fresh CSRF cookie; the copy is used only when the network fails
 *   (or is too slow, or a proxy answers 5xx). A redirect to the log-in page or a 403 is
 *   passed on as it is and drops the copy: a logged-out user must log in again.
 * - the files and texts: from the copy at once (a gate must not wait for a slow
 *   network), refreshed in the background.
 * - the API (/api/): never touched. gate.js sees failures itself and goes offline; a
 *   stored API answer would hide that the server is unreachable.
 *
 * Served by expo/scanning/views.py at /gate/sw.js, which puts `self.GATE_SW` above
 * this text: the cache name (a hash of these files and texts, so a deploy brings a new
 * worker and a new cache), the page's path and the URLs as the page writes them.
 */
"use strict";

const CONFIG = self.GATE_SW;
const CACHE = CONFIG.cacheName;
const PAGE = CONFIG.page;
const ASSETS = CONFIG.assets;
const API_PREFIX = "/api/";
// The gate falls back to its copy this long after asking: a venue's Wi-Fi often "works"
// without carrying anything, and staff cannot wait for the browser's own timeout.
const PAGE_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload`: past the HTTP cache, so this cache holds what the server has now.
      await cache.addAll(ASSETS.map((url) => new Request(url, { cache: "reload" })));
      // The page that registered this worker was not served through it: fetch a copy.
      // Without one the install fails, and the browser tries again on the next visit;
      // so a worker that controls the page can always bring it back offline.
      const page = await fetch(PAGE, { cache: "reload", credentials: "same-origin" });
      if (!isGatePage(page)) throw new Error("gate page not cached: HTTP " + page.status);
      await cache.put(PAGE, page);
      // One worker at a time is all this needs: take over without waiting for tabs.
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // The previous deploy's files.
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CONFIG.cachePrefix) && name !== CACHE)
          .map((name) => caches.delete(name))
      );
      // Control the page that registered us now, not after its next reload: that reload
      // may be the one without network.
      await self.clients.claim();
    })()
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(API_PREFIX)) return; // the browser's own fetch, always
  if (request.mode === "navigate" && url.pathname === PAGE) {
    servePage(event);
  } else if (ASSETS.includes(url.pathname)) {
    serveAsset(event, url.pathname);
  }
  // Anything else (the log-in page, the language switch...) goes to the network as usual.
});

/** A 200 of the gate page itself: not a redirect to log in, not a 403 page. */
function isGatePage(response) {
  return response.status === 200 && response.type === "basic" && !response.redirected;
}

function servePage(event) {
  const fromNetwork = fetch(event.request);
  // Keep the copy in step with whatever the server answers, even when it answers after
  // the copy was shown. (Cloned before anyone reads the body.)
  event.waitUntil(fromNetwork.then((response) => rememberPage(response.clone())).catch(() => {}));
  event.respondWith(
    (async () => {
      try {
        const response = await within(PAGE_TIMEOUT_MS, fromNetwork);
        // Redirects (to log in) and 4xx are answers about this user: pass them on.
        if (response.status < 500) return response;
      } catch (error) {
        // no network, or none worth waiting for
      }
      const cache = await caches.open(CACHE);
      // ignoreVary: Django varies the page on Cookie, which a stored request cannot carry.
      const copy = await cache.match(PAGE, { ignoreVary: true });
      return copy || fromNetwork; // no copy: the browser shows its own error
    })()
  );
}

async function rememberPage(response) {
  const cache = await caches.open(CACHE);
  if (isGatePage(response)) {
    await cache.put(PAGE, response);
  } else if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
    // Logged out, or someone who is not gate staff: the copy must not outlive the login.
    await cache.delete(PAGE);
  }
}

function serveAsset(event, path) {
  const fresh = fetch(event.request);
  // Refresh the copy in the background (cloned before anyone reads the body).
  event.waitUntil(
    fresh
      .then(async (response) => {
        if (response.status !== 200) return;
        const copy = response.clone();
        const cache = await caches.open(CACHE);
        await cache.put(path, copy);
      })
      .catch(() => {})
  );
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const copy = await cache.match(path, { ignoreVary: true });
      return copy || fresh;
    })()
  );
}

function within(ms, promise) {
  return Promise.race([
    promise,
    new Promise((resolve, reject) => setTimeout(() => reject(new Error("timeout")), ms)),
  ]);
}
