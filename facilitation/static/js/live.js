// Live board client: phones (participant), projector (screen), control panel.
// Everything works without this script (plain forms); with it, answers go over
// Socket.IO, are kept in an outbox until the server acknowledges them (stored),
// and the page follows the board without reloading.
(function () {
  "use strict";
  // Countdowns ([data-timer] = seconds left when the fragment was rendered): each counts
  // down on this device's clock; the server closes answers itself at the end.
  setInterval(function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-timer]"), function (el) {
      var now = Date.now();
      if (!el.hasAttribute("data-deadline")) el.setAttribute("data-deadline", now + 1000 * +el.getAttribute("data-timer"));
      var left = Math.max(0, Math.ceil((+el.getAttribute("data-deadline") - now) / 1000));
      var text = el.querySelector("[data-timer-text]");
      if (text) text.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
      el.classList.toggle("timer-ended", left === 0);
      var done = el.querySelector("[data-timer-done]");
      if (done) done.hidden = left !== 0;
    });
  }, 250);
  var root = document.querySelector("[data-live-role]");
  if (!root || !window.io) return;
  var role = root.getAttribute("data-live-role");
  var code = root.getAttribute("data-live-code");
  var fragmentUrl = root.getAttribute("data-live-fragment");
  var body = document.body;
  var t = function (k) { return body.getAttribute("data-t-" + k) || ""; };
  var $ = function (s) { return document.querySelector(s); };
  var socket = io("/live", { auth: { code: code, role: role, key: root.getAttribute("data-live-key") } });
  // Connection state on the root element (styles and browser tests can follow it):
  // "connecting" until the first connection, then "connected" / "disconnected".
  root.setAttribute("data-live-socket", "connecting");
  socket.on("connect", function () { root.setAttribute("data-live-socket", "connected"); });
  socket.on("disconnect", function () { root.setAttribute("data-live-socket", "disconnected"); });
  // A refusal by the server is final (see docs/realtime.md §4.1), except "rate_limited":
  // too many wrong codes from this network for now — try again a little later.
  socket.on("connect_error", function (err) {
    if (err && err.message === "rate_limited") setTimeout(function () { socket.connect(); }, 20000);
  });

  function reload(target) {
    if (window.htmx && $(target)) htmx.ajax("GET", fragmentUrl, { target: target, swap: "outerHTML" });
  }
  function version(sel) { var el = $(sel); return el ? +el.getAttribute("data-version") : -1; }

  if (role === "participant") {
    var key = "fac-outbox-" + code;
    var outbox = {};
    try { outbox = JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { outbox = {}; }
    // Answers queued before this page loaded: once stored, the page shows what the
    // server stored (the form rendered at load showed the older answer).
    var restored = {};
    Object.keys(outbox).forEach(function (id) { restored[id] = true; });
    var save = function () { try { localStorage.setItem(key, JSON.stringify(outbox)); } catch (e) {} };
    var uid = function () {
      var a = new Uint8Array(12);
      (window.crypto || window.msCrypto).getRandomValues(a);
      return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    };
    var say = function (text, ok) {
      var r = $("[data-receipt]");
      if (r) { r.textContent = text; r.className = "receipt" + (ok ? " receipt-ok" : ""); }
    };
    var inflight = {}; // outbox ids being sent over HTTP right now (client_id)
    var send = function (id) {
      var item = outbox[id];
      if (!item || !socket.connected || inflight[id] === item.payload.client_id) return;
      socket.timeout(8000).emit(item.event, item.payload, function (err, ack) {
        // A newer submission for the same activity replaced this one: its own ack will come.
        var current = outbox[id] && outbox[id].payload.client_id === item.payload.client_id;
        if (err) { if (current) setTimeout(function () { send(id); }, 3000); return; } // kept
        if (!current) return;
        if (ack && ack.ok) {
          delete outbox[id]; save(); say(ack.pending ? t("pending") : t("received"), true);
          if (item.event === "contribute" || restored[id]) { delete restored[id]; reload("#activity"); }
        } else if (ack && ack.error === "rate_limited") {
          setTimeout(function () { send(id); }, 1500);
        } else if (ack && ack.error === "unavailable") { // the database is restarting: kept
          say(t("sending")); setTimeout(function () { send(id); }, 3000);
        } else {
          delete outbox[id]; save(); say((ack && ack.message) || t("error"));
        }
      });
    };
    var flush = function () { Object.keys(outbox).forEach(send); };
    var line = $("[data-connection]");
    var offline = function () { return navigator.onLine === false; };
    var showLine = function (text) { if (line) { line.textContent = text; line.hidden = !text; } };
    var swap = function (html) {
      var el = $("#activity");
      if (!el) return;
      if (window.htmx && htmx.swap) htmx.swap(el, html, { swapStyle: "outerHTML" }); else el.outerHTML = html;
    };
    // The socket is not up yet (a slow network right after the page loads, or reconnecting):
    // the same fields go to the plain form's route over HTTP. Stored answers are not sent
    // twice: the server keeps one answer per client_id, and the outbox forgets it here.
    var post = function (id, url, data) {
      var item = outbox[id];
      inflight[id] = item.payload.client_id;
      var current = function () { return outbox[id] && outbox[id].payload.client_id === item.payload.client_id; };
      fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) { return r.text().then(function (html) { return { status: r.status, html: html }; }); })
        .then(function (res) {
          delete inflight[id];
          if (res.status !== 200 && res.status !== 422) { send(id); return; } // kept for the socket
          if (!current()) return;
          delete outbox[id]; save(); swap(res.html);
          if (res.status === 200) say(t("received"), true);
        }, function () {
          delete inflight[id];
          if (current()) { say(t(offline() ? "offline" : "connecting")); send(id); }
        });
    };
    document.addEventListener("submit", function (ev) {
      var form = ev.target.closest("[data-live-form]");
      if (!form) return;
      // Even offline: the answer waits in the outbox and goes when the socket is back.
      ev.preventDefault(); ev.stopImmediatePropagation();
      var data = new FormData(form), fields = {};
      data.forEach(function (v, k) { if (k !== "csrf_token") (fields[k] = fields[k] || []).push(v); });
      var kind = form.getAttribute("data-live-form");
      var payload = { activity_id: +fields.activity_id[0], client_id: fields.client_id[0] };
      if (kind === "contribute") { payload.text = (fields.text || [""])[0]; } else { payload.fields = fields; }
      var id = kind + ":" + payload.activity_id + (kind === "contribute" ? ":" + payload.client_id : "");
      outbox[id] = { event: kind, payload: payload }; save();
      form.querySelector("[name=client_id]").value = uid(); // a later change is a new submission
      if (kind === "contribute") form.reset();
      if (socket.connected) { say(t("sending")); send(id); }
      else if (offline()) { say(t("offline")); }
      else { say(t("sending")); post(id, form.action, data); }
    }, true);
    socket.on("connect", function () { showLine(""); flush(); });
    socket.on("disconnect", function () { showLine(t(offline() ? "offline" : "connecting")); });
    window.addEventListener("offline", function () { if (!socket.connected) showLine(t("offline")); });
    window.addEventListener("online", function () { if (!socket.connected) showLine(t("connecting")); });
    // A new question: refresh the list to upvote, not the form being typed in.
    var listTimer = null;
    var refreshList = function () {
      clearTimeout(listTimer);
      listTimer = setTimeout(function () {
        var a = document.activeElement, list = $("#group-questions");
        if (!list || !window.htmx) return;
        if (a && list.contains(a)) return refreshList();
        htmx.ajax("GET", fragmentUrl, { target: "#group-questions", swap: "outerHTML", select: "#group-questions" });
      }, 200);
    };
    // Results on the phone follow the answers (at most once a second).
    var resultsTimer = null;
    socket.on("results_changed", function () {
      if (!$("#phone-results") || resultsTimer) return;
      resultsTimer = setTimeout(function () {
        resultsTimer = null;
        if (window.htmx && $("#phone-results")) htmx.ajax("GET", fragmentUrl, { target: "#phone-results", swap: "outerHTML", select: "#phone-results" });
      }, 1000);
    });
    socket.on("contributions", function (c) {
      var el = $("#activity");
      if (el && c && String(c.activity_id) === el.getAttribute("data-activity")) refreshList();
    });
    var latest = -1;
    socket.on("state", function (s) {
      var el = $("#activity");
      var current = el && el.getAttribute("data-activity");
      if (typeof s.version === "number" && s.version > latest) latest = s.version;
      if (s.version !== version("#activity") || String(s.activity ? s.activity.id : "") !== (current || "")) reload("#activity");
    });
    // A reload queued on the replaced element is lost: fetch until the newest version.
    document.body.addEventListener("htmx:afterSettle", function () {
      if ($("#activity") && version("#activity") >= 0 && version("#activity") < latest) reload("#activity");
    });
  } else if (role === "screen") {
    socket.on("state", function (s) { if (s.version !== version("#screen-activity")) reload("#screen-activity"); });
    socket.on("results", function (r) {
      var box = $("#screen-results");
      if (r.version !== version("#screen-activity")) return reload("#screen-activity");
      if (box) box.innerHTML = r.html;
    });
    socket.on("presence", function (p) { var c = $("[data-connected]"); if (c) c.textContent = p.connected; });
  } else if (role === "control") {
    var timer = null;
    var refresh = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var a = document.activeElement;
        // Someone typing or choosing in the panel: not under their fingers; try again soon.
        if (a && a.closest && a.closest("#panel") && /INPUT|SELECT|TEXTAREA/.test(a.tagName)) return refresh();
        reload("#panel");
      }, 250);
    };
    socket.on("state", function (s) {
      refresh();
      var id = s.activity ? String(s.activity.id) : "";
      Array.prototype.forEach.call(document.querySelectorAll("#activities [data-activity]"), function (li) {
        li.classList.toggle("current", li.getAttribute("data-activity") === id);
      });
    });
    socket.on("results", refresh);
    // The keyboard stays where it was: after a command (or a refresh) replaces the panel,
    // focus goes back to the same command's button, or the one that replaced it (close →
    // open…), and the new state is read out once in a polite live region.
    var partner = { open: "close", close: "open", reveal: "hide", hide: "reveal" };
    var focusKey = null, announce = false;
    var keyOf = function (el) {
      var form = el && el.closest && el.closest("#panel form");
      var action = form && form.querySelector("input[name=action]");
      if (!action) return null;
      return { action: action.value, field: el.name || (el.tagName === "BUTTON" ? "" : null) };
    };
    document.body.addEventListener("htmx:beforeSwap", function (ev) {
      if (!ev.detail.target || ev.detail.target.id !== "panel") return;
      var a = document.activeElement;
      focusKey = a && a.closest && a.closest("#panel") ? keyOf(a) : null;
      announce = !!(ev.detail.requestConfig && ev.detail.requestConfig.verb === "post");
    });
    document.body.addEventListener("htmx:afterSettle", function (ev) {
      var panel = $("#panel");
      if (!panel || !ev.detail.elt || (ev.detail.elt !== panel && ev.detail.elt.id !== "panel")) return;
      if (focusKey) {
        var find = function (action) {
          var input = panel.querySelector("form input[name=action][value='" + action + "']");
          var form = input && input.closest("form");
          return form && form.querySelector(focusKey.field ? "[name='" + focusKey.field + "']" : "button[type=submit]");
        };
        var target = find(focusKey.action) || (partner[focusKey.action] && find(partner[focusKey.action])) ||
          panel.querySelector(".controls button[type=submit]");
        if (target) target.focus();
        focusKey = null;
      }
      if (announce) {
        var live = $("[data-panel-announce]");
        var parts = [".panel-prompt", ".meta", ".flash-error"].map(function (sel) {
          var el = panel.querySelector(sel); return el ? el.textContent.replace(/\s+/g, " ").trim() : "";
        }).filter(Boolean);
        if (live) live.textContent = parts.join(". ");
        announce = false;
      }
    });
    // Not the broadcast's HTML: its forms carry CSRF tokens made outside this session
    // (refused with 400). The panel, fetched in this session, has the list of people.
    socket.on("presence", refresh);
  }
})();
