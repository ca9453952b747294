/* Gate scanner for H22 City Expo (expo/scanning/templates/gate/scan.html, expo/scanning/views.py).
 *
 * Online, the server judges every scan (POST /api/v1/scans/). When a request fails —
 * no network, no answer within SCAN_TIMEOUT_MS, a 5xx from a proxy, a lost login — the
 * page switches to offline mode by itself and judges codes here: the Ed25519 signature
 * (WebCrypto), the revocation list, the sessions at this venue and the tickets this
 * device has let in. Admissions made offline wait in localStorage and go up to
 * POST /api/v1/scans/batch/ as soon as a probe reaches the server again; the server
 * replays each scan at its `scanned_at` and the page lists the scans it judged
 * differently.
 *
 * The verifier (`H22Gate.parseTicketCode`, `H22Gate.Keyring`, `H22Gate.decideOffline`)
 * touches no DOM, so bench/offline_verify.py times exactly the code the gate runs.
 */
(function () {
  "use strict";

  // --- Ticket codes (format version 1, documented in expo/bookings/ticket_codes.py) ---

  var MAX_CODE_LENGTH = 200;
  var CODE_V1 = /^H221([A-Z0-9]{1,8})\.([A-Z2-7]{128})$/;
  var PAYLOAD_BYTES = 16; // ticket id u64 BE + session id u64 BE; the signature follows
  var BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  var BASE32_VALUE = new Int8Array(128).fill(-1);
  for (var b32 = 0; b32 < BASE32_ALPHABET.length; b32++) {
    BASE32_VALUE[BASE32_ALPHABET.charCodeAt(b32)] = b32;
  }

  /** RFC 4648 base32 without padding; the caller has checked alphabet and length. */
  function base32Decode(text) {
    var out = new Uint8Array(Math.floor((text.length * 5) / 8));
    var buffer = 0;
    var bits = 0;
    var index = 0;
    for (var i = 0; i < text.length; i++) {
      buffer = (buffer << 5) | BASE32_VALUE[text.charCodeAt(i)];
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out[index++] = (buffer >>> bits) & 0xff;
        buffer &= (1 << bits) - 1;
      }
    }
    return out;
  }

  /** The parts of a code, or `{error}`; the same checks, in the same order, as the server. */
  function parseTicketCode(raw) {
    if (typeof raw !== "string") return { error: "malformed" };
    // Length before anything else: scanner input is untrusted.
    if (raw.length > MAX_CODE_LENGTH) return { error: "too_long" };
    // Before upper-casing: some non-ASCII letters upper-case to ASCII ones.
    if (!/^[\x00-\x7F]*$/.test(raw)) return { error: "malformed" };
    var text = raw.trim().toUpperCase();
    var match = CODE_V1.exec(text);
    if (!match) return { error: /^H22[02-9]/.test(text) ? "unsupported_version" : "malformed" };
    var keyId = match[1];
    var body = base32Decode(match[2]);
    // Signed message: the ASCII header up to and including the dot, then the 16 id bytes.
    var headerLength = 5 + keyId.length;
    var message = new Uint8Array(headerLength + PAYLOAD_BYTES);
    for (var i = 0; i < headerLength; i++) message[i] = text.charCodeAt(i);
    message.set(body.subarray(0, PAYLOAD_BYTES), headerLength);
    var ids = new DataView(body.buffer, body.byteOffset, PAYLOAD_BYTES);
    return {
      keyId: keyId,
      message: message,
      signature: body.subarray(PAYLOAD_BYTES),
      // Strings: ids are u64 on the wire, and the caches below key on String(id).
      ticketId: ids.getBigUint64(0).toString(),
      sessionId: ids.getBigUint64(8).toString(),
    };
  }

  function base64Bytes(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /**
   * The published verifying keys, each imported into WebCrypto once per key id and
   * public key: importing costs far more than verifying, so it never happens per scan.
   */
  function Keyring() {
    this.entries = new Map(); // key id -> {publicKey: base64, key: CryptoKey|null, ready: Promise}
  }

  Keyring.prototype.load = function (published) {
    var next = new Map();
    (published || []).forEach(function (item) {
      if (item.algorithm && item.algorithm !== "Ed25519") return;
      var keyId = String(item.key_id).toUpperCase();
      var known = this.entries.get(keyId);
      if (known && known.publicKey === item.public_key) {
        next.set(keyId, known);
        return;
      }
      var entry = { publicKey: item.public_key, key: null, ready: null };
      entry.ready = crypto.subtle
        .importKey("raw", base64Bytes(item.public_key), { name: "Ed25519" }, false, ["verify"])
        .then(function (key) {
          entry.key = key;
          return key;
        })
        .catch(function () {
          return null; // no Ed25519 in this browser's WebCrypto
        });
      next.set(keyId, entry);
    }, this);
    this.entries = next;
    return this;
  };

  Object.defineProperty(Keyring.prototype, "size", {
    get: function () {
      return this.entries.size;
    },
  });

  /** A CryptoKey (or a promise of one), null when unusable, undefined when unknown. */
  Keyring.prototype.key = function (keyId) {
    var entry = this.entries.get(keyId);
    if (!entry) return undefined;
    return entry.key || entry.ready;
  };

  Keyring.prototype.ready = function () {
    var all = [];
    this.entries.forEach(function (entry) {
      all.push(entry.ready);
    });
    return Promise.all(all);
  };

  function verdict(status, reason, ticket, extra) {
    var result = { status: status, reason: reason || null, ticket: ticket || null, offline: true };
    if (extra) Object.keys(extra).forEach(function (name) { result[name] = extra[name]; });
    return result;
  }

  /**
   * Judge one code without the server, mirroring expo/scanning/services.py.
   *
   * `facts`: {keyring, revoked: Set of ticket id strings, sessions: Map of session id
   * string -> {id, title, starts_at, ends_at, status} at this venue (null when not
   * downloaded), inside: Map of ticket id string -> {at} admitted by this device,
   * direction: "in"|"out", entranceMode, now: Date, opensMinutes}.
   * Reasons beyond the server's: `not_here` (the session is not at this venue within the
   * downloaded window: another venue or another day), `offline_data_missing`,
   * `offline_unsupported` (no Ed25519 in this browser).
   */
  async function decideOffline(raw, facts) {
    var parsed = parseTicketCode(raw);
    if (parsed.error) return verdict("rejected", "invalid_signature");
    if (!facts.keyring.size) return verdict("rejected", "offline_data_missing");
    var key = facts.keyring.key(parsed.keyId);
    if (key === undefined) return verdict("rejected", "invalid_signature"); // unknown key id
    if (typeof key.then === "function") key = await key;
    if (!key) return verdict("rejected", "offline_unsupported");
    var genuine = await crypto.subtle.verify(
      { name: "Ed25519" },
      key,
      parsed.signature,
      parsed.message
    );
    if (!genuine) return verdict("rejected", "invalid_signature");

    var ticket = { id: Number(parsed.ticketId), attendee_name: null, booking_reference: null, session: null };
    if (facts.revoked.has(parsed.ticketId)) return verdict("rejected", "cancelled", ticket);
    if (!facts.sessions) return verdict("rejected", "offline_data_missing", ticket);
    var session = facts.sessions.get(parsed.sessionId);
    if (!session) return verdict("rejected", "not_here", ticket);
    ticket.session = { id: session.id, title: session.title, starts_at: session.starts_at };
    if (session.status === "cancelled") return verdict("rejected", "cancelled", ticket);

    if (facts.direction === "out") {
      if (facts.entranceMode !== "entry_exit") {
        return verdict("rejected", "exit_not_allowed", ticket);
      }
      // Nobody is held inside because this device did not see them come in; the server
      // settles the head count when the exit is uploaded.
      return verdict("accepted", null, ticket);
    }
    var now = facts.now.getTime();
    var opens = Date.parse(session.starts_at) - facts.opensMinutes * 60000;
    if (now < opens) return verdict("rejected", "too_early", ticket);
    if (now > Date.parse(session.ends_at)) return verdict("rejected", "too_late", ticket);
    var inside = facts.inside.get(parsed.ticketId);
    if (inside) {
      return verdict("rejected", "already_checked_in", ticket, { first_checked_in_at: inside.at });
    }
    return verdict("accepted", null, ticket);
  }

  // --- The page -----------------------------------------------------------------------

  function startGate(config) {
    var SCAN_TIMEOUT_MS = 2500;
    var PROBE_TIMEOUT_MS = 2500;
    var DATA_TIMEOUT_MS = 8000;
    var BATCH_TIMEOUT_MS = 20000;
    var BATCH_SIZE = 500;
    var REFRESH_EVERY_MS = 30000;
    var OCCUPANCY_EVERY_MS = 10000;
    var PROBE_EVERY_MS = 5000;
    // Sessions cached around "now": a ticket for tomorrow morning is "too early", not
    // "not here", and a late session running past midnight is still known.
    var SESSIONS_BEHIND_MS = 24 * 3600 * 1000;
    var SESSIONS_AHEAD_MS = 36 * 3600 * 1000;
    // Re-ask for revocations a little before the newest one seen: a cancellation whose
    // transaction committed late carries an older `revoked_at` than one already fetched.
    var REVOKED_OVERLAP_MS = 5 * 60 * 1000;
    var INSIDE_FORGET_MS = 36 * 3600 * 1000;
    var RESULT_STALE_MS = 8000;
    var CLOCK_SKEW_IGNORED_MS = 3000;

    var lang = (document.documentElement.lang || "en").slice(0, 2) === "sv" ? "sv" : "en";
    var t = translator();
    var timeFormat = new Intl.DateTimeFormat(lang === "sv" ? "sv-SE" : "en-GB", {
      timeZone: config.timeZone,
      hour: "2-digit",
      minute: "2-digit",
    });
    var dayFormat = new Intl.DateTimeFormat(lang === "sv" ? "sv-SE" : "en-GB", {
      timeZone: config.timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
    });
    /** "14:05" today, "Fri 27 Nov 14:05" on any other day (in the expo's time zone). */
    function clock(iso) {
      var when = iso instanceof Date ? iso : new Date(iso);
      if (isNaN(when)) return "";
      var day = dayFormat.format(when);
      var time = timeFormat.format(when);
      return day === dayFormat.format(serverNow()) ? time : day + " " + time;
    }

    // --- Storage ------------------------------------------------------------------------

    var PREFIX = "h22gate.v1.";
    var storageFull = false;
    function load(name, fallback) {
      try {
        var text = localStorage.getItem(PREFIX + name);
        return text === null ? fallback : JSON.parse(text);
      } catch (error) {
        return fallback;
      }
    }
    function save(name, value) {
      try {
        localStorage.setItem(PREFIX + name, JSON.stringify(value));
        storageFull = false;
        return true;
      } catch (error) {
        storageFull = true; // quota: scans still work, but say so
        return false;
      }
    }

    /**
     * A Map mirrored into localStorage one key per entry, so recording a scan costs the
     * same with 5 or 5 000 scans waiting (one JSON blob would be rewritten every time).
     */
    function StoredMap(name, keep) {
      this.prefix = PREFIX + name + ".";
      this.map = new Map();
      var entries = [];
      try {
        for (var i = 0; i < localStorage.length; i++) {
          var key = localStorage.key(i);
          if (key && key.indexOf(this.prefix) === 0) {
            entries.push([key.slice(this.prefix.length), JSON.parse(localStorage.getItem(key))]);
          }
        }
      } catch (error) {
        // storage unavailable or a damaged entry: start from what could be read
      }
      entries.forEach(function (entry) {
        if (!keep || keep(entry[1])) this.map.set(entry[0], entry[1]);
        else this.delete(entry[0]);
      }, this);
    }
    StoredMap.prototype.get = function (id) { return this.map.get(id); };
    StoredMap.prototype.has = function (id) { return this.map.has(id); };
    StoredMap.prototype.values = function () { return Array.from(this.map.values()); };
    StoredMap.prototype.set = function (id, value) {
      this.map.set(id, value);
      try {
        localStorage.setItem(this.prefix + id, JSON.stringify(value));
        storageFull = false;
      } catch (error) {
        storageFull = true;
      }
      return this;
    };
    StoredMap.prototype.delete = function (id) {
      this.map.delete(id);
      try {
        localStorage.removeItem(this.prefix + id);
      } catch (error) {
        // nothing to free
      }
    };
    Object.defineProperty(StoredMap.prototype, "size", {
      get: function () { return this.map.size; },
    });

    var keyring = new Keyring();
    var insideCutoff = Date.now() - INSIDE_FORGET_MS;
    var state = {
      mode: "online",
      authLost: false,
      entrance: load("entrance", null),
      direction: load("direction", "in"),
      entrances: load("entrances", []),
      keys: load("keys", []),
      revoked: loadRevoked(),
      sessions: load("sessions", null),
      sessionMap: null,
      // Tickets this device saw go in (ticket id -> {at, seen}), for "already checked in".
      inside: new StoredMap("inside", function (entry) { return Date.parse(entry.seen) > insideCutoff; }),
      // Scans decided offline and not yet uploaded (nonce -> scan).
      queue: new StoredMap("queue"),
      dataUpdatedAt: load("dataUpdatedAt", null),
      clockOffset: load("clockOffset", 0),
      refreshing: false,
      refreshAgain: false,
      syncing: false,
      probing: false,
      recent: [],
    };
    keyring.load(state.keys);
    indexSessions();

    function loadRevoked() {
      var stored = load("revoked", null) || {};
      return {
        cursor: stored.cursor || null,
        newest: stored.newest || 0,
        ids: new Set(stored.ids || []),
      };
    }
    function saveRevoked() {
      save("revoked", {
        cursor: state.revoked.cursor,
        newest: state.revoked.newest,
        ids: Array.from(state.revoked.ids),
      });
    }
    /** Waiting scans, oldest first. */
    function queuedScans() {
      return state.queue.values().sort(function (a, b) {
        return a.scanned_at < b.scanned_at ? -1 : a.scanned_at > b.scanned_at ? 1 : 0;
      });
    }
    function indexSessions() {
      var cache = state.sessions;
      state.sessionMap = null;
      if (!cache || !state.entrance || cache.venue !== state.entrance.venue.slug) return;
      var map = new Map();
      cache.items.forEach(function (session) { map.set(String(session.id), session); });
      state.sessionMap = map;
    }
    function sessionsUsable() {
      var cache = state.sessions;
      return Boolean(
        state.sessionMap && cache && serverNow().getTime() < Date.parse(cache.coversUntil)
      );
    }

    function serverNow() {
      return new Date(Date.now() + state.clockOffset);
    }

    // --- Elements -------------------------------------------------------------------------

    function $(id) { return document.getElementById(id); }
    var el = {
      net: $("net-status"),
      netText: $("net-text"),
      occupancy: $("occupancy"),
      entranceBar: $("entrance-bar"),
      entranceName: $("entrance-name"),
      venueName: $("venue-name"),
      changeEntrance: $("change-entrance"),
      offlineBanner: $("offline-banner"),
      queueCount: $("queue-count"),
      authBanner: $("auth-banner"),
      picker: $("entrance-picker"),
      pickStatus: $("pick-status"),
      entranceList: $("entrance-list"),
      scanner: $("scanner"),
      direction: $("direction"),
      form: $("scan-form"),
      code: $("code"),
      codeLabel: $("code-label"),
      cameraButton: $("camera-button"),
      camera: $("camera"),
      cameraVideo: $("camera-video"),
      cameraStop: $("camera-stop"),
      cameraProblem: $("camera-problem"),
      result: $("result"),
      resultWord: $("result-word"),
      resultReason: $("result-reason"),
      resultWho: $("result-who"),
      resultWhat: $("result-what"),
      resultTag: $("result-tag"),
      resultAge: $("result-age"),
      syncSummary: $("sync-summary"),
      syncText: $("sync-text"),
      syncConflicts: $("sync-conflicts"),
      syncDismiss: $("sync-dismiss"),
      recentList: $("recent-list"),
      dataStatus: $("data-status"),
      refreshNow: $("refresh-now"),
    };

    document.querySelectorAll("[data-t]").forEach(function (node) {
      node.textContent = t(node.getAttribute("data-t"));
    });
    document.title = t("title") + " · H22 City Expo";

    // --- HTTP -------------------------------------------------------------------------------

    function csrfToken() {
      var name = config.csrfCookieName + "=";
      var found = document.cookie.split("; ").filter(function (part) {
        return part.indexOf(name) === 0;
      })[0];
      return found ? decodeURIComponent(found.slice(name.length)) : "";
    }

    /**
     * One API call with a deadline. Resolves `{status, data}` for any HTTP answer;
     * rejects when there is no answer in time (the caller then goes offline).
     */
    function request(method, url, body, timeoutMs) {
      var controller = new AbortController();
      var timer = setTimeout(function () { controller.abort(); }, timeoutMs);
      var headers = { Accept: "application/json" };
      if (body !== undefined && body !== null) {
        headers["Content-Type"] = "application/json";
        headers["X-CSRFToken"] = csrfToken();
      }
      var sentAt = Date.now();
      return fetch(url, {
        method: method,
        headers: headers,
        body: body === undefined || body === null ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
        signal: controller.signal,
      })
        .then(function (response) {
          noteServerClock(response, sentAt);
          return response.text().then(function (text) {
            var data = null;
            try {
              data = text ? JSON.parse(text) : null;
            } catch (error) {
              data = null; // an HTML error page from a proxy
            }
            return { status: response.status, data: data };
          });
        })
        .finally(function () { clearTimeout(timer); });
    }

    /** The device clock may be wrong; offline time windows use the server's. */
    function noteServerClock(response, sentAt) {
      var header = response.headers.get("Date");
      if (!header) return;
      var server = Date.parse(header);
      if (isNaN(server)) return;
      // The header has whole seconds; take the middle of that second and of the trip.
      var offset = server + 500 - (sentAt + Date.now()) / 2;
      var next = Math.abs(offset) < CLOCK_SKEW_IGNORED_MS ? 0 : Math.round(offset);
      if (next !== state.clockOffset) {
        state.clockOffset = next;
        save("clockOffset", next);
      }
    }

    /** What a failed answer means for the page: offline, logged out, or a plain error. */
    function failureOf(response) {
      if (response.status === 401 || response.status === 403) return "auth";
      if (response.status >= 500 || response.status === 408 || response.status === 429) {
        return "server";
      }
      return null;
    }

    function getJSON(url, timeoutMs) {
      return request("GET", url, null, timeoutMs || DATA_TIMEOUT_MS).then(
        function (response) {
          if (response.status === 200 && response.data) return response.data;
          var failure = failureOf(response);
          throw Object.assign(new Error("GET " + url + ": " + response.status), {
            failure: failure,
          });
        },
        function (error) {
          throw Object.assign(error, { failure: "network" });
        }
      );
    }

    function samePath(url) {
      var parsed = new URL(url, location.href);
      return parsed.pathname + parsed.search;
    }

    async function getAllPages(url) {
      var items = [];
      var next = url;
      while (next) {
        var page = await getJSON(next);
        items = items.concat(page.results || []);
        next = page.next ? samePath(page.next) : null;
      }
      return items;
    }

    // --- Online / offline ------------------------------------------------------------------

    function goOffline(why) {
      if (why === "auth") setAuthLost(true);
      if (state.mode === "offline") return;
      state.mode = "offline";
      renderNet();
    }

    function goOnline() {
      if (state.mode === "online") return;
      state.mode = "online";
      renderNet();
      syncQueue().then(refreshData);
      refreshOccupancy();
    }

    function setAuthLost(lost) {
      state.authLost = lost;
      el.authBanner.hidden = !lost;
    }

    async function probe() {
      if (state.mode !== "offline" || state.probing || navigator.onLine === false) return;
      state.probing = true;
      try {
        var response = await request("GET", config.urls.keys, null, PROBE_TIMEOUT_MS);
        if (response.status === 200 && response.data) {
          applyKeys(response.data);
          setAuthLost(false);
          goOnline();
        } else if (failureOf(response) === "auth") {
          setAuthLost(true);
        }
      } catch (error) {
        // still offline
      } finally {
        state.probing = false;
      }
    }

    function handleBackgroundFailure(error) {
      if (error && error.failure) {
        goOffline(error.failure);
      } else if (window.console) {
        console.error(error);
      }
    }

    // --- Offline data: keys, revocations, sessions ---------------------------------------

    function applyKeys(data) {
      state.keys = data.keys || [];
      save("keys", state.keys);
      keyring.load(state.keys);
    }

    async function refreshRevoked() {
      var revoked = state.revoked;
      var url = config.urls.revoked + "?page_size=200";
      if (revoked.cursor) url += "&since=" + encodeURIComponent(revoked.cursor);
      var items = await getAllPages(url);
      items.forEach(function (item) {
        revoked.ids.add(String(item.id));
        var at = Date.parse(item.revoked_at);
        if (at > revoked.newest) revoked.newest = at;
      });
      if (revoked.newest) {
        revoked.cursor = new Date(revoked.newest - REVOKED_OVERLAP_MS).toISOString();
      }
      saveRevoked();
    }

    async function refreshSessions() {
      if (!state.entrance) return;
      var now = serverNow().getTime();
      var coversUntil = new Date(now + SESSIONS_AHEAD_MS).toISOString();
      var url =
        config.urls.sessions +
        "?page_size=200&venue=" + encodeURIComponent(state.entrance.venue.slug) +
        "&starts_after=" + encodeURIComponent(new Date(now - SESSIONS_BEHIND_MS).toISOString()) +
        "&starts_before=" + encodeURIComponent(coversUntil);
      var items = await getAllPages(url);
      state.sessions = {
        venue: state.entrance.venue.slug,
        // A session that starts after this is not in the cache: past it, the cache is
        // not evidence that a ticket is "not here".
        coversUntil: coversUntil,
        items: items.map(function (session) {
          return {
            id: session.id,
            title: session.title,
            starts_at: session.starts_at,
            ends_at: session.ends_at,
            status: session.status,
          };
        }),
      };
      save("sessions", state.sessions);
      indexSessions();
    }

    async function refreshData() {
      if (state.mode !== "online") return;
      if (state.refreshing) {
        state.refreshAgain = true; // e.g. another entrance was picked meanwhile
        return;
      }
      state.refreshing = true;
      state.refreshAgain = false;
      try {
        applyKeys(await getJSON(config.urls.keys));
        await refreshRevoked();
        await refreshSessions();
        state.dataUpdatedAt = new Date().toISOString();
        save("dataUpdatedAt", state.dataUpdatedAt);
        setAuthLost(false);
      } catch (error) {
        handleBackgroundFailure(error);
      } finally {
        state.refreshing = false;
        renderDataStatus();
      }
      if (state.refreshAgain) return refreshData();
      if (state.queue.size) syncQueue();
    }

    async function refreshOccupancy() {
      if (state.mode !== "online" || !state.entrance) return;
      var url = config.urls.occupancy.replace(
        config.venueSlugPlaceholder,
        encodeURIComponent(state.entrance.venue.slug)
      );
      try {
        var data = await getJSON(url, SCAN_TIMEOUT_MS);
        el.occupancy.textContent =
          data.capacity === null || data.capacity === undefined
            ? t("inside", { inside: data.inside })
            : t("inside_of", { inside: data.inside, capacity: data.capacity });
        el.occupancy.hidden = false;
        el.occupancy.classList.remove("is-stale");
      } catch (error) {
        handleBackgroundFailure(error);
      }
    }

    var occupancySoon = null;
    function refreshOccupancySoon() {
      clearTimeout(occupancySoon);
      occupancySoon = setTimeout(refreshOccupancy, 800);
    }

    // --- The offline queue ------------------------------------------------------------------

    function enqueue(scan, result) {
      state.queue.set(scan.nonce, {
        code: scan.code,
        entrance: scan.entrance,
        direction: scan.direction,
        nonce: scan.nonce,
        scanned_at: scan.scanned_at,
        decided: result.status,
        ticket: result.ticket ? result.ticket.id : null,
      });
      renderQueue();
    }

    function dropFromQueue(items) {
      items.forEach(function (item) { state.queue.delete(item.nonce); });
      renderQueue();
    }

    /** Upload what was decided offline; the server replays each at its `scanned_at`. */
    async function syncQueue() {
      if (state.syncing || state.mode !== "online" || !state.queue.size) return;
      state.syncing = true;
      var synced = 0;
      var parked = 0;
      var conflicts = [];
      try {
        while (state.queue.size && state.mode === "online") {
          var chunk = queuedScans().slice(0, BATCH_SIZE);
          var body = {
            device: deviceId(),
            scans: chunk.map(function (item) {
              return {
                code: item.code,
                entrance: item.entrance,
                direction: item.direction,
                nonce: item.nonce,
                scanned_at: item.scanned_at,
              };
            }),
          };
          var response;
          try {
            response = await request("POST", config.urls.batch, body, BATCH_TIMEOUT_MS);
          } catch (error) {
            goOffline("network");
            break;
          }
          if (response.status === 200 && response.data && response.data.results) {
            response.data.results.forEach(function (result, index) {
              var item = chunk[index];
              learnFromServer(result, item.direction, item.scanned_at);
              if (result.status !== item.decided) conflicts.push({ item: item, result: result });
            });
            synced += chunk.length;
            dropFromQueue(chunk);
            continue;
          }
          var failure = failureOf(response);
          if (failure) {
            goOffline(failure);
            break;
          }
          // The server refuses the batch itself (an entrance since deleted...): keep it
          // aside for support instead of retrying it forever ahead of the good ones.
          var shelf = load("unsyncable", []);
          save("unsyncable", shelf.concat(chunk.map(function (item) {
            return Object.assign({ error: response.data }, item);
          })));
          parked += chunk.length;
          dropFromQueue(chunk);
        }
      } finally {
        state.syncing = false;
      }
      if (synced || parked) {
        renderSyncSummary(synced, conflicts, parked);
        refreshOccupancySoon();
      }
    }

    /** What a server answer tells this device about who is inside or cancelled. */
    function learnFromServer(result, direction, scannedAt) {
      var ticket = result.ticket;
      if (!ticket) return;
      var id = String(ticket.id);
      var now = new Date().toISOString();
      if (result.status === "accepted") {
        if (direction === "out") state.inside.delete(id);
        else state.inside.set(id, { at: scannedAt || serverNow().toISOString(), seen: now });
      } else if (result.reason === "already_checked_in") {
        state.inside.set(id, { at: result.first_checked_in_at || now, seen: now });
      } else if (result.reason === "not_checked_in") {
        state.inside.delete(id);
      } else if (result.reason === "cancelled") {
        state.revoked.ids.add(id);
        saveRevoked();
      }
    }

    // --- Scanning ---------------------------------------------------------------------------

    function newNonce() {
      if (crypto.randomUUID) return crypto.randomUUID();
      var bytes = crypto.getRandomValues(new Uint8Array(16));
      return Array.from(bytes, function (byte) { return byte.toString(16).padStart(2, "0"); }).join("");
    }

    // A stable random id for this browser: the server bounds how old the scans it
    // uploads may be by when it last uploaded (docs/api.md).
    function deviceId() {
      var id = load("device", null);
      if (typeof id !== "string" || !/^[A-Za-z0-9_.:-]{8,64}$/.test(id)) {
        id = newNonce();
        save("device", id);
      }
      return id;
    }

    function offlineFacts(direction) {
      return {
        keyring: keyring,
        revoked: state.revoked.ids,
        sessions: sessionsUsable() ? state.sessionMap : null,
        inside: state.inside,
        direction: direction,
        entranceMode: state.entrance.mode,
        now: serverNow(),
        opensMinutes: config.scanOpensMinutes,
      };
    }

    async function scanOnline(scan) {
      var response;
      try {
        response = await request(
          "POST",
          config.urls.scan,
          { code: scan.code, entrance: scan.entrance, direction: scan.direction, nonce: scan.nonce },
          SCAN_TIMEOUT_MS
        );
      } catch (error) {
        return { failure: "network" };
      }
      if (response.status === 200 && response.data && response.data.status) {
        return { result: response.data };
      }
      var failure = failureOf(response);
      if (failure) return { failure: failure };
      var error = response.data || {};
      return {
        result: { status: "rejected", reason: error.code || "malformed", detail: error.detail, ticket: null },
      };
    }

    async function scanOne(raw) {
      var code = raw.trim();
      if (!code || !state.entrance) return;
      var scan = {
        code: code,
        entrance: state.entrance.id,
        direction: state.direction,
        nonce: newNonce(),
        scanned_at: serverNow().toISOString(),
      };
      if (state.mode === "online" && navigator.onLine === false) goOffline("network");
      if (state.mode === "online") {
        var slow = setTimeout(showChecking, 300);
        var outcome = await scanOnline(scan);
        clearTimeout(slow);
        if (outcome.result) {
          learnFromServer(outcome.result, scan.direction);
          present(outcome.result, scan);
          if (outcome.result.status === "accepted") refreshOccupancySoon();
          return;
        }
        // The request may have reached the server: the queued scan keeps its nonce, so
        // the upload replays the server's result instead of scanning twice.
        goOffline(outcome.failure);
      }
      var decision = await decideOffline(code, offlineFacts(scan.direction));
      if (decision.status === "accepted") {
        var id = String(decision.ticket.id);
        if (scan.direction === "out") state.inside.delete(id);
        else state.inside.set(id, { at: scan.scanned_at, seen: new Date().toISOString() });
        // Only what the gate let through is uploaded: a refusal changed nothing, and a
        // server judging it later must not admit someone who was turned away.
        enqueue(scan, decision);
      }
      present(decision, scan);
    }

    var scanning = Promise.resolve();
    function submitCode(code) {
      // One at a time and in order, however fast the hand scanner types.
      scanning = scanning.then(function () { return scanOne(code); }).catch(function (error) {
        if (window.console) console.error(error);
      });
      return scanning;
    }

    // --- Showing results ---------------------------------------------------------------------

    // After a few seconds the answer on screen may be an old one: its age is written under
    // it, every second (the answer itself stays as readable as when it came).
    var ageTimer = null;
    function trackAge() {
      forgetAge();
      var shownAt = Date.now();
      function tick() {
        var seconds = Math.floor((Date.now() - shownAt) / 1000);
        el.resultAge.textContent =
          seconds < 60
            ? t("age_seconds", { count: seconds })
            : t("age_minutes", { count: Math.floor(seconds / 60) });
        el.resultAge.hidden = false;
        ageTimer = setTimeout(tick, 1000);
      }
      ageTimer = setTimeout(tick, RESULT_STALE_MS);
    }

    function forgetAge() {
      clearTimeout(ageTimer);
      el.resultAge.hidden = true;
    }

    function showChecking() {
      forgetAge();
      el.result.className = "gate-result gate-result--checking";
      el.resultWord.textContent = t("checking");
      el.resultReason.textContent = "";
      el.resultWho.textContent = "";
      el.resultWhat.textContent = "";
      el.resultTag.hidden = true;
    }

    function reasonText(result, direction) {
      if (result.status === "accepted") {
        return direction === "out" ? t("accepted_out") : t("accepted_in");
      }
      var ticket = result.ticket;
      var session = ticket && ticket.session;
      if (result.reason === "too_early" && session) {
        var opens = new Date(Date.parse(session.starts_at) - config.scanOpensMinutes * 60000);
        return t("too_early_at", { time: clock(opens) });
      }
      if (result.reason === "already_checked_in" && result.first_checked_in_at) {
        return t("already_checked_in_at", { time: clock(result.first_checked_in_at) });
      }
      if (t.has("reason_" + result.reason)) return t("reason_" + result.reason);
      return result.detail || result.reason || "";
    }

    function ticketWho(ticket) {
      if (!ticket) return "";
      var name = ticket.attendee_name || t("ticket_number", { id: ticket.id });
      return ticket.booking_reference ? name + " · " + ticket.booking_reference : name;
    }

    function ticketWhat(ticket) {
      var session = ticket && ticket.session;
      if (!session) return "";
      return session.title + " · " + clock(session.starts_at);
    }

    function present(result, scan) {
      var accepted = result.status === "accepted";
      var exit = scan.direction === "out";
      el.result.className =
        "gate-result " +
        (accepted ? "gate-result--accepted" : "gate-result--rejected") +
        (result.offline ? " gate-result--offline" : "");
      el.resultWord.textContent = accepted ? t(exit ? "accepted_exit" : "accepted") : t("rejected");
      el.resultReason.textContent = reasonText(result, scan.direction);
      el.resultWho.textContent = ticketWho(result.ticket);
      el.resultWhat.textContent = ticketWhat(result.ticket);
      el.resultTag.hidden = !result.offline;
      trackAge();
      signal(accepted);
      addRecent(result, scan);
    }

    var audio = null;
    function signal(accepted) {
      if (navigator.vibrate) {
        try { navigator.vibrate(accepted ? 80 : [120, 60, 120]); } catch (error) { /* optional */ }
      }
      try {
        var AudioContext = window.AudioContext || window.webkitAudioContext;
        if (!AudioContext) return;
        audio = audio || new AudioContext();
        if (audio.state === "suspended") audio.resume();
        var start = audio.currentTime;
        var tones = accepted ? [[1046, 0, 0.12]] : [[220, 0, 0.16], [220, 0.22, 0.16]];
        tones.forEach(function (tone) {
          var oscillator = audio.createOscillator();
          var gain = audio.createGain();
          oscillator.type = accepted ? "sine" : "square";
          oscillator.frequency.value = tone[0];
          var at = start + tone[1];
          gain.gain.setValueAtTime(0.0001, at);
          gain.gain.exponentialRampToValueAtTime(0.25, at + 0.01);
          gain.gain.exponentialRampToValueAtTime(0.0001, at + tone[2]);
          oscillator.connect(gain).connect(audio.destination);
          oscillator.start(at);
          oscillator.stop(at + tone[2] + 0.02);
        });
      } catch (error) {
        // sound is a nicety; the panel is the answer
      }
    }

    function addRecent(result, scan) {
      state.recent.unshift({ result: result, scan: scan, at: new Date() });
      state.recent.length = Math.min(state.recent.length, 8);
      el.recentList.textContent = "";
      state.recent.forEach(function (entry) {
        var item = document.createElement("li");
        item.className = entry.result.status === "accepted" ? "is-accepted" : "is-rejected";
        var time = document.createElement("span");
        time.className = "gate-recent__time";
        time.textContent = clock(entry.at);
        var what = document.createElement("span");
        what.className = "gate-recent__what";
        var label = entry.result.status === "accepted"
          ? t(entry.scan.direction === "out" ? "accepted_exit" : "accepted")
          : reasonText(entry.result, entry.scan.direction);
        var who = entry.result.ticket
          ? entry.result.ticket.attendee_name || t("ticket_number", { id: entry.result.ticket.id })
          : "";
        what.textContent = who ? label + " — " + who : label;
        item.appendChild(time);
        item.appendChild(what);
        if (entry.result.offline) {
          var tag = document.createElement("span");
          tag.className = "gate-recent__offline";
          tag.textContent = t("offline_short");
          item.appendChild(tag);
        }
        el.recentList.appendChild(item);
      });
    }

    function renderSyncSummary(synced, conflicts, parked) {
      el.syncText.textContent =
        t("synced", { count: synced }) +
        (conflicts.length ? " " + t("conflicts", { count: conflicts.length }) : "") +
        (parked ? " " + t("parked", { count: parked }) : "");
      el.syncConflicts.textContent = "";
      conflicts.forEach(function (conflict) {
        var item = document.createElement("li");
        var result = conflict.result;
        var who = result.ticket
          ? result.ticket.attendee_name || t("ticket_number", { id: result.ticket.id })
          : t("ticket_number", { id: conflict.item.ticket });
        item.textContent = t("conflict_line", {
          time: clock(conflict.item.scanned_at),
          who: who,
          server: result.status === "accepted" ? t("accepted") : reasonText(result, conflict.item.direction),
        });
        el.syncConflicts.appendChild(item);
      });
      el.syncSummary.className = "gate-sync" + (conflicts.length || parked ? " gate-sync--warn" : "");
      el.syncSummary.hidden = false;
    }

    function renderNet() {
      var offline = state.mode === "offline";
      el.net.classList.toggle("is-offline", offline);
      el.netText.textContent = offline ? t("offline") : t("online");
      el.offlineBanner.hidden = !offline;
      document.body.classList.toggle("is-offline", offline);
      if (offline) el.occupancy.classList.add("is-stale");
      renderQueue();
    }

    function renderQueue() {
      var count = state.queue.size;
      el.queueCount.textContent = count ? t("waiting", { count: count }) : "";
      renderDataStatus();
    }

    function renderDataStatus() {
      var parts = [
        t("data_keys", { count: keyring.size }),
        t("data_revoked", { count: state.revoked.ids.size }),
        t("data_sessions", { count: state.sessionMap && sessionsUsable() ? state.sessionMap.size : 0 }),
      ];
      var text = t("data_title") + ": " + parts.join(" · ");
      text += state.dataUpdatedAt ? " · " + t("data_updated", { time: clock(state.dataUpdatedAt) }) : "";
      if (state.queue.size && state.mode === "online") text += " · " + t("waiting", { count: state.queue.size });
      if (storageFull) text += " · " + t("storage_full");
      el.dataStatus.textContent = text;
    }

    // --- Entrance and direction ------------------------------------------------------------

    async function loadEntrances() {
      el.pickStatus.hidden = false;
      el.pickStatus.textContent = t("loading");
      try {
        state.entrances = await getAllPages(config.urls.entrances + "?page_size=200");
        save("entrances", state.entrances);
      } catch (error) {
        handleBackgroundFailure(error);
      }
      renderEntranceList();
    }

    function renderEntranceList() {
      el.entranceList.textContent = "";
      if (!state.entrances.length) {
        el.pickStatus.textContent = state.mode === "offline" ? t("offline_no_entrances") : t("no_entrances");
        return;
      }
      el.pickStatus.hidden = true;
      var byVenue = new Map();
      state.entrances.forEach(function (entrance) {
        var venue = entrance.venue;
        if (!byVenue.has(venue.slug)) byVenue.set(venue.slug, { venue: venue, entrances: [] });
        byVenue.get(venue.slug).entrances.push(entrance);
      });
      Array.from(byVenue.values())
        .sort(function (a, b) { return a.venue.name.localeCompare(b.venue.name); })
        .forEach(function (group) {
          var section = document.createElement("section");
          section.className = "gate-pick__venue";
          var heading = document.createElement("h2");
          heading.textContent = group.venue.name;
          section.appendChild(heading);
          group.entrances.forEach(function (entrance) {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "gate-pick__entrance";
            if (state.entrance && state.entrance.id === entrance.id) button.setAttribute("aria-current", "true");
            var name = document.createElement("span");
            name.textContent = entrance.name;
            var mode = document.createElement("small");
            mode.textContent = entrance.mode === "entry_exit" ? t("mode_entry_exit") : t("mode_entry");
            button.appendChild(name);
            button.appendChild(mode);
            button.addEventListener("click", function () { pickEntrance(entrance); });
            section.appendChild(button);
          });
          el.entranceList.appendChild(section);
        });
    }

    function pickEntrance(entrance) {
      var venueChanged = !state.entrance || state.entrance.venue.slug !== entrance.venue.slug;
      state.entrance = entrance;
      save("entrance", entrance);
      if (entrance.mode !== "entry_exit") setDirection("in");
      if (venueChanged) {
        state.sessions = null;
        indexSessions();
        el.occupancy.hidden = true;
      } else {
        indexSessions();
      }
      showScanner();
      refreshData();
      refreshOccupancy();
    }

    function showPicker() {
      stopCamera();
      el.scanner.hidden = true;
      el.entranceBar.hidden = !state.entrance;
      el.picker.hidden = false;
      renderEntranceList();
      if (state.mode === "online") loadEntrances();
    }

    function showScanner() {
      el.picker.hidden = true;
      el.scanner.hidden = false;
      el.entranceBar.hidden = false;
      el.entranceName.textContent = state.entrance.name;
      el.venueName.textContent = state.entrance.venue.name;
      el.direction.hidden = state.entrance.mode !== "entry_exit";
      renderDirection();
      renderDataStatus();
      el.code.focus();
    }

    function setDirection(direction) {
      state.direction = direction === "out" ? "out" : "in";
      save("direction", state.direction);
      renderDirection();
    }

    function renderDirection() {
      el.direction.querySelectorAll("input").forEach(function (input) {
        input.checked = input.value === state.direction;
      });
      var out = state.direction === "out";
      document.body.classList.toggle("is-exit", out);
      el.codeLabel.textContent = t(out ? "code_label_out" : "code_label");
    }

    // --- Camera (static/expo/qr-camera.js: the native detector, or ZXing in WebAssembly) ----

    var camera = window.H22QrCamera ? new window.H22QrCamera.Reader(el.cameraVideo, submitCode) : null;

    async function offerCamera() {
      if (camera && (await window.H22QrCamera.supported())) el.cameraButton.hidden = false;
    }

    async function startCamera() {
      el.cameraProblem.hidden = true;
      try {
        await camera.start();
      } catch (error) {
        // The device, not a ticket: no answer, no buzz, nothing in the list of scans; the
        // code field still takes a hand scanner or typing.
        el.cameraProblem.hidden = false;
        el.code.focus();
        return;
      }
      el.camera.hidden = false;
      el.cameraButton.hidden = true;
    }

    function stopCamera() {
      if (!camera || !camera.running()) return;
      camera.stop();
      el.camera.hidden = true;
      el.cameraButton.hidden = false;
    }

    // --- Reloads without network (static/expo/gate-sw.js) ------------------------------------

    /**
     * The worker keeps a copy of this page and its files, so a reload or a restored tab
     * opens even offline; everything else (entrance, keys, queue) is in localStorage.
     */
    function registerServiceWorker() {
      if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
      navigator.serviceWorker
        .register(config.urls.serviceWorker, { scope: config.urls.page })
        .catch(function (error) {
          // Offline (the copy keeps working) or no worker support: the page runs anyway.
          if (window.console) console.warn("gate service worker:", error);
        });
    }

    function offlineReloadWorks() {
      return Boolean(navigator.serviceWorker && navigator.serviceWorker.controller);
    }

    /** The page's copies of itself, in whatever worker cache holds them. */
    function forgetCachedPage() {
      if (!window.caches) return Promise.resolve();
      return caches.keys().then(function (names) {
        return Promise.all(
          names
            .filter(function (name) { return name.indexOf(config.swCachePrefix) === 0; })
            .map(function (name) {
              return caches.open(name).then(function (cache) { return cache.delete(config.urls.page); });
            })
        );
      });
    }

    /**
     * The page may come from the worker's copy, written before the CSRF cookie was last
     * rotated (a log-in elsewhere): give the plain forms (language, log out) the cookie's
     * current token when they are sent; Django takes the cookie's value as it is. And on
     * log-out, drop the copy first, so the next person on this device logs in.
     */
    function keepFormsUsable() {
      document.addEventListener("submit", function (event) {
        var field = event.target.elements && event.target.elements.csrfmiddlewaretoken;
        var token = csrfToken();
        if (field && token) field.value = token;
      }, true);
      var logout = $("logout-form");
      if (!logout) return;
      var leaving = false;
      logout.addEventListener("submit", function (event) {
        if (leaving || !window.caches) return;
        event.preventDefault();
        leaving = true;
        var send = function () { logout.submit(); };
        forgetCachedPage().then(send, send);
      });
    }

    // --- Wiring ---------------------------------------------------------------------------

    el.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var code = el.code.value;
      el.code.value = "";
      el.code.focus();
      submitCode(code);
    });
    el.direction.addEventListener("change", function (event) {
      setDirection(event.target.value);
      el.code.focus();
    });
    el.changeEntrance.addEventListener("click", showPicker);
    el.cameraButton.addEventListener("click", startCamera);
    el.cameraStop.addEventListener("click", stopCamera);
    el.syncDismiss.addEventListener("click", function () {
      el.syncSummary.hidden = true;
      el.code.focus();
    });
    el.refreshNow.addEventListener("click", function () {
      if (state.mode === "offline") probe();
      else refreshData().then(refreshOccupancy);
    });

    // A hand scanner types wherever the focus is: send stray keystrokes to the code field.
    document.addEventListener("keydown", function (event) {
      if (el.scanner.hidden || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
      if (!typing && event.key && event.key.length === 1) el.code.focus();
    });
    if (window.matchMedia && window.matchMedia("(pointer: fine)").matches) {
      // On a desk with a scanner, keep the field focused; phones keep their keyboard shut.
      el.code.addEventListener("blur", function () {
        setTimeout(function () {
          if (!el.scanner.hidden && document.activeElement === document.body) el.code.focus();
        }, 400);
      });
    }

    window.addEventListener("offline", function () { goOffline("network"); });
    window.addEventListener("beforeunload", function (event) {
      // Without network and without the service worker's copy the page would not come
      // back (the waiting scans would: storage). With the worker in control it does.
      if (state.mode === "offline" && !offlineReloadWorks()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    window.addEventListener("online", probe);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "visible") return;
      if (state.mode === "offline") probe();
      else refreshData();
    });
    setInterval(function () {
      if (state.mode === "online") refreshData();
    }, REFRESH_EVERY_MS);
    setInterval(refreshOccupancy, OCCUPANCY_EVERY_MS);
    setInterval(probe, PROBE_EVERY_MS);

    if (navigator.onLine === false) goOffline("network");
    renderNet();
    offerCamera();
    refreshData();
    if (state.entrance) {
      showScanner();
      refreshOccupancy();
      // Entrances may have been renamed or removed since they were remembered.
      if (state.mode === "online") {
        getAllPages(config.urls.entrances + "?page_size=200").then(function (entrances) {
          state.entrances = entrances;
          save("entrances", entrances);
          var current = entrances.filter(function (entrance) { return entrance.id === state.entrance.id; })[0];
          if (!current) {
            state.entrance = null;
            save("entrance", null);
            showPicker();
          } else if (JSON.stringify(current) !== JSON.stringify(state.entrance)) {
            pickEntrance(current);
          }
        }, handleBackgroundFailure);
      }
    } else {
      showPicker();
    }

    keepFormsUsable();
    registerServiceWorker();

    window.H22Gate.page = { state: state, sync: syncQueue, refresh: refreshData, probe: probe };
  }

  // --- Words -------------------------------------------------------------------------------

  // The English texts, translated by Django's JavaScript catalogue (gate_catalogue in
  // expo/scanning/views.py; locale/sv/LC_MESSAGES/djangojs.po), which the page loads before
  // this file. `{name}` is filled in by `t()`; a function takes the count of a plural.
  function texts() {
    return {
      title: gettext("Scan tickets"),
      gate: gettext("Gate"),
      online: gettext("Online"),
      offline: gettext("Offline"),
      offline_title: gettext("OFFLINE"),
      offline_text: gettext("Tickets are checked on this device and sent when the network is back."),
      offline_short: gettext("offline"),
      offline_tag: gettext("Checked offline on this device"),
      waiting: function (count) {
        return ngettext(
          "{count} scan waiting to be sent.",
          "{count} scans waiting to be sent.",
          count
        );
      },
      logged_out: gettext("You are logged out, so scans are checked on this device."),
      log_in_again: gettext("Log in again"),
      change: gettext("Change"),
      pick_entrance: gettext("Pick your entrance"),
      loading: gettext("Loading…"),
      no_entrances: gettext("No entrances are set up yet."),
      offline_no_entrances: gettext("Offline: the entrances cannot be loaded."),
      mode_entry: gettext("Entry only"),
      mode_entry_exit: gettext("Entry and exit"),
      direction: gettext("Direction"),
      dir_in: gettext("In"),
      dir_out: gettext("Out"),
      code_label: gettext("Scan or type the ticket code"),
      code_label_out: gettext("EXIT: scan tickets of people leaving"),
      check: gettext("Check"),
      camera: gettext("Scan with camera"),
      camera_stop: gettext("Stop camera"),
      ready: gettext("Ready"),
      ready_text: gettext("Scan a ticket."),
      checking: gettext("Checking…"),
      accepted: gettext("ACCEPTED"),
      accepted_exit: gettext("EXIT OK"),
      rejected: gettext("REJECTED"),
      accepted_in: gettext("Let them in."),
      accepted_out: gettext("Exit recorded."),
      reason_invalid_signature: gettext("Not a valid ticket: the code is damaged or fake."),
      reason_unknown_ticket: gettext("No such ticket."),
      reason_cancelled: gettext("This ticket has been cancelled."),
      reason_already_checked_in: gettext("Already checked in."),
      already_checked_in_at: gettext("Already checked in at {time}."),
      reason_wrong_venue: gettext("This ticket is for another venue."),
      reason_not_here: gettext("Not for this venue today (another venue or another day)."),
      reason_too_early: gettext("Too early: doors are not open yet for this session."),
      too_early_at: gettext("Too early: doors open at {time}."),
      reason_too_late: gettext("Too late: the session has ended."),
      reason_venue_full: gettext("The venue is full. Wait until someone leaves."),
      reason_not_checked_in: gettext("Not checked in, so it cannot be scanned out."),
      reason_exit_not_allowed: gettext("This entrance does not scan exits."),
      reason_offline_data_missing: gettext("Cannot check offline: this device has not downloaded the gate data yet."),
      reason_offline_unsupported: gettext("This browser cannot check tickets offline."),
      camera_problem: gettext(
        "The camera could not be started. Allow the camera in the browser, or scan or type the code."
      ),
      age_seconds: function (count) {
        return ngettext("{count} second ago", "{count} seconds ago", count);
      },
      age_minutes: function (count) {
        return ngettext("{count} minute ago", "{count} minutes ago", count);
      },
      reason_malformed: gettext("The code could not be read."),
      reason_invalid: gettext("The code could not be read."),
      ticket_number: gettext("Ticket #{id}"),
      recent: gettext("Recent scans"),
      synced: function (count) {
        return ngettext(
          "{count} offline scan sent to the server.",
          "{count} offline scans sent to the server.",
          count
        );
      },
      conflicts: function (count) {
        return ngettext(
          "{count} was judged differently by the server:",
          "{count} were judged differently by the server:",
          count
        );
      },
      conflict_line: gettext("{time} {who}: server says {server}"),
      parked: function (count) {
        return ngettext(
          "{count} could not be sent and was set aside.",
          "{count} could not be sent and were set aside.",
          count
        );
      },
      dismiss: gettext("Dismiss"),
      inside: gettext("{inside} inside"),
      inside_of: gettext("{inside} / {capacity} inside"),
      data_title: gettext("Offline data"),
      data_keys: function (count) {
        return ngettext("{count} key", "{count} keys", count);
      },
      data_revoked: gettext("{count} cancelled"),
      data_sessions: function (count) {
        return ngettext("{count} session", "{count} sessions", count);
      },
      data_updated: gettext("updated {time}"),
      storage_full: gettext("device storage full!"),
      update_now: gettext("Update now"),
      log_out: gettext("Log out"),
    };
  }

  function translator() {
    var words = texts();
    function t(key, values) {
      var text = words[key];
      if (typeof text === "function") text = text(values ? values.count : 1);
      if (text === undefined) text = key;
      if (values) {
        text = text.replace(/\{(\w+)\}/g, function (all, name) {
          return values[name] !== undefined ? values[name] : all;
        });
      }
      return text;
    }
    t.has = function (key) { return words[key] !== undefined; };
    return t;
  }

  window.H22Gate = {
    parseTicketCode: parseTicketCode,
    base32Decode: base32Decode,
    Keyring: Keyring,
    decideOffline: decideOffline,
  };

  var configNode = document.getElementById("gate-config");
  // Loaded on its own (the benchmark), the verifier is all there is.
  if (configNode) startGate(JSON.parse(configNode.textContent));
})();
