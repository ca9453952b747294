/**
 * The gate's walk-ins and booking references (templates/gate/_walk_ins.html; the API in
 * docs/api.md, "Walk-ins and booking references at the gate").
 *
 * Beside gate.js, not inside it: it reads the entrance gate.js keeps in localStorage, and
 * admits a booking's tickets by putting each ticket's code in the code field and sending
 * the scan form, so every admission is gate.js's ordinary scan (offline queue included).
 * Both need the network; offline they say so.
 */
(function () {
  "use strict";

  var REFERENCE = /^\s*(H22-[A-Z0-9]{7})\s*$/i;
  var REFRESH_MS = 20000;

  var panel = document.getElementById("walk-ins");
  var bookingPanel = document.getElementById("booking-panel");
  var form = document.getElementById("scan-form");
  var code = document.getElementById("code");
  if (!panel || !bookingPanel || !form || !code) return;

  var walkInForm = document.getElementById("walk-in-form");
  var sessionSelect = document.getElementById("walk-in-session");
  var sessionList = document.getElementById("walk-ins-sessions");
  var offlineNote = document.getElementById("walk-ins-offline");
  var result = document.getElementById("walk-in-result");
  var bookingTitle = document.getElementById("booking-title");
  var bookingStatus = document.getElementById("booking-status");
  var bookingTickets = document.getElementById("booking-tickets");

  function t(element, key) {
    return element.getAttribute("data-t-" + key) || "";
  }

  function entrance() {
    try {
      return JSON.parse(localStorage.getItem("h22gate.v1.entrance"));
    } catch (error) {
      return null;
    }
  }

  function offline() {
    var banner = document.getElementById("offline-banner");
    return navigator.onLine === false || (banner && !banner.hidden);
  }

  function csrfToken() {
    var config = JSON.parse(document.getElementById("gate-config").textContent);
    var name = config.csrfCookieName + "=";
    var found = document.cookie.split("; ").filter(function (part) {
      return part.indexOf(name) === 0;
    })[0];
    return found ? decodeURIComponent(found.slice(name.length)) : "";
  }

  function call(method, url, body) {
    var headers = { Accept: "application/json" };
    if (body) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrfToken();
    }
    return fetch(url, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin",
      cache: "no-store",
    }).then(function (response) {
      return response.json().then(
        function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: null }; }
      );
    });
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString(document.documentElement.lang, {
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  // --- Walk-ins ----------------------------------------------------------------------

  function walkInsUrl(id) {
    return panel.getAttribute("data-url").replace("/0/", "/" + id + "/");
  }

  function seatsText(row) {
    if (!row.walk_ins_open) return t(panel, "opens").replace("__T__", clock(row.walk_ins_open_at));
    if (row.seats_free_now === 0) return t(panel, "none");
    if (row.seats_free_now === 1) return t(panel, "one");
    return t(panel, "many").replace("__N__", String(row.seats_free_now));
  }

  function showSessions(rows) {
    sessionList.textContent = "";
    var chosen = sessionSelect.value;
    sessionSelect.textContent = "";
    rows.forEach(function (row) {
      var item = document.createElement("li");
      var title = document.createElement("strong");
      title.textContent = row.title + " " + clock(row.starts_at);
      var seats = document.createElement("span");
      seats.className = "gate-walkin__seats";
      seats.setAttribute("data-session", String(row.id));
      seats.textContent = seatsText(row);
      item.appendChild(title);
      item.appendChild(document.createTextNode(" · "));
      item.appendChild(seats);
      sessionList.appendChild(item);
      if (row.walk_ins_open && row.seats_free_now > 0) {
        var option = document.createElement("option");
        option.value = String(row.id);
        option.textContent = row.title;
        sessionSelect.appendChild(option);
      }
    });
    if (chosen) sessionSelect.value = chosen;
    walkInForm.hidden = sessionSelect.options.length === 0;
    panel.hidden = rows.length === 0;
  }

  function showOffline(element, text) {
    element.textContent = text;
    element.hidden = false;
  }

  function refresh() {
    var current = entrance();
    if (!current) {
      panel.hidden = true;
      return Promise.resolve();
    }
    if (offline()) {
      walkInForm.hidden = true;
      showOffline(offlineNote, t(panel, "offline"));
      return Promise.resolve();
    }
    return call("GET", walkInsUrl(current.id)).then(
      function (answer) {
        if (answer.status !== 200 || !answer.data) return;
        offlineNote.hidden = true;
        showSessions(answer.data.sessions);
      },
      function () {
        walkInForm.hidden = true;
        showOffline(offlineNote, t(panel, "offline"));
      }
    );
  }

  walkInForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var current = entrance();
    if (!current) return;
    if (offline()) {
      result.textContent = t(panel, "offline");
      result.focus();
      return;
    }
    var body = {
      session: Number(sessionSelect.value),
      name: walkInForm.elements.name.value,
      email: walkInForm.elements.email.value,
    };
    call("POST", walkInsUrl(current.id), body).then(
      function (answer) {
        if (answer.status === 201) {
          result.textContent = t(panel, "issued").replace("__N__", answer.data.ticket.attendee_name);
          walkInForm.elements.name.value = "";
          walkInForm.elements.email.value = "";
        } else {
          var detail = answer.data && answer.data.detail ? " " + answer.data.detail : "";
          result.textContent = t(panel, "failed") + detail;
        }
        result.focus();
        refresh();
      },
      function () {
        result.textContent = t(panel, "offline");
        result.focus();
      }
    );
  });

  // --- Booking references ------------------------------------------------------------

  function ticketLine(ticket) {
    var item = document.createElement("li");
    var name = document.createElement("span");
    name.textContent = ticket.attendee_name || "#" + ticket.id;
    item.appendChild(name);
    item.appendChild(document.createTextNode(" "));
    if (ticket.status !== "valid") {
      item.appendChild(document.createTextNode(t(bookingPanel, "not-valid")));
    } else if (ticket.checked_in) {
      item.appendChild(document.createTextNode(t(bookingPanel, "inside")));
    } else {
      var admit = document.createElement("button");
      admit.type = "button";
      admit.className = "gate-button";
      admit.textContent = t(bookingPanel, "admit") + " " + (ticket.attendee_name || "");
      admit.addEventListener("click", function () {
        admit.disabled = true;
        code.value = ticket.code;
        form.requestSubmit();
        setTimeout(lookUp.bind(null, bookingTitle.textContent), 1500);
      });
      item.appendChild(admit);
    }
    return item;
  }

  function lookUp(reference) {
    var current = entrance();
    bookingPanel.hidden = false;
    bookingTitle.textContent = reference;
    bookingTickets.textContent = "";
    if (!current) return;
    if (offline()) {
      bookingStatus.textContent = t(bookingPanel, "offline");
      bookingTitle.focus();
      return;
    }
    var url = bookingPanel.getAttribute("data-url").replace("H22-REFERENCE", encodeURIComponent(reference));
    call("GET", url + "?entrance=" + current.id).then(
      function (answer) {
        if (answer.status !== 200 || !answer.data) {
          bookingStatus.textContent = t(bookingPanel, "unknown");
        } else {
          var booking = answer.data;
          bookingStatus.textContent = booking.at_this_entrance
            ? booking.session.title + " " + clock(booking.session.starts_at)
            : t(bookingPanel, "elsewhere");
          booking.tickets.forEach(function (ticket) {
            bookingTickets.appendChild(ticketLine(ticket));
          });
        }
        var first = bookingTickets.querySelector("button:not([disabled])");
        (first || bookingTitle).focus();
      },
      function () {
        bookingStatus.textContent = t(bookingPanel, "offline");
        bookingTitle.focus();
      }
    );
  }

  // Capture phase: a reference never reaches gate.js, which would refuse it as a code.
  form.addEventListener(
    "submit",
    function (event) {
      var match = REFERENCE.exec(code.value);
      if (!match) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      code.value = "";
      lookUp(match[1].toUpperCase());
    },
    true
  );

  document.getElementById("booking-close").addEventListener("click", function () {
    bookingPanel.hidden = true;
    code.focus();
  });

  // gate.js shows the scanner once an entrance is picked (or picked again).
  var scanner = document.getElementById("scanner");
  new MutationObserver(function () {
    if (!scanner.hidden) refresh();
  }).observe(scanner, { attributes: true, attributeFilter: ["hidden"] });
  refresh();
  setInterval(refresh, REFRESH_MS);
  window.addEventListener("online", refresh);
  window.addEventListener("offline", refresh);
})();
