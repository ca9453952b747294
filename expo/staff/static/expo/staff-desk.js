/* The expo staff's desk: fresh occupancy figures without a reload (the focus after a post
   is expo/core/static/expo/focus.js's). Polling, not a held connection: see
   expo/staff/views.py. */
(function () {
  "use strict";

  function setText(root, field, value) {
    var node = root.querySelector('[data-field="' + field + '"]');
    if (node && value !== null && value !== undefined && node.textContent !== String(value)) {
      node.textContent = String(value);
    }
  }

  function applyVenue(venue) {
    var card = document.querySelector('[data-venue="' + CSS.escape(venue.slug) + '"]');
    if (!card) return;
    setText(card, "inside", venue.inside);
    setText(card, "limit", venue.limit);
    setText(card, "level_text", venue.level_text);
    ["ok", "near", "full"].forEach(function (level) {
      card.classList.toggle("occupancy--" + level, level === venue.level);
    });
    venue.entrances.forEach(function (entrance) {
      var row = card.querySelector('[data-entrance="' + entrance.id + '"]');
      if (!row) return;
      setText(row, "entries", entrance.entries);
      if (row.querySelector('[data-field="exits"]').textContent !== "–") {
        setText(row, "exits", entrance.exits);
      }
    });
  }

  function startPolling(section) {
    var url = section.getAttribute("data-occupancy-url");
    var every = (parseInt(section.getAttribute("data-poll-seconds"), 10) || 3) * 1000;
    var error = section.querySelector("[data-live-error]");
    var busy = false;

    function poll() {
      if (busy || document.hidden) return;
      busy = true;
      fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          // A lapsed log-in is redirected to the login page: not figures.
          if (!response.ok || response.redirected) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          data.venues.forEach(applyVenue);
          error.hidden = true;
        })
        .catch(function () {
          error.hidden = false;
        })
        .then(function () {
          busy = false;
        });
    }

    window.setInterval(poll, every);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) poll();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-occupancy-url]");
    if (section) startPolling(section);
  });
})();
