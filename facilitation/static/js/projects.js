// Projects: live updates for everyone viewing a project (staff pages, the projector,
// members' phones), and drag-and-drop of steps on a laptop. Every page works without
// this script: moves are plain forms with buttons (also the keyboard way).
//
// The page's root [data-project-live=<id>] joins the Socket.IO room of the project
// (namespace /projects). On "changed", the page is fetched again and each
// [data-live-region] is replaced by its new version — except a region where someone is
// typing, which is refreshed as soon as they leave it.
(function () {
  "use strict";
  var root = document.querySelector("[data-project-live]");
  if (!root) return;
  var projectId = +root.getAttribute("data-project-live");
  var version = +root.getAttribute("data-project-version");
  var pending = false, timer = null, loading = false;

  function typingIn(region) {
    var a = document.activeElement;
    return a && region.contains(a) && /INPUT|SELECT|TEXTAREA/.test(a.tagName) && a.type !== "submit";
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("[data-project-live]");
    if (fresh) version = +fresh.getAttribute("data-project-version");
    root.setAttribute("data-project-version", String(version));
    Array.prototype.forEach.call(doc.querySelectorAll("[data-live-region][id]"), function (region) {
      var old = document.getElementById(region.id);
      if (!old) return;
      if (typingIn(old)) { pending = true; return; }
      var next = document.importNode(region, true);
      old.replaceWith(next);
      if (window.htmx) window.htmx.process(next);
    });
    setupDrag();
  }

  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (loading) { pending = true; return; }
      loading = true; pending = false;
      fetch(window.location.pathname + window.location.search, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html) swap(html); })
        .catch(function () { pending = true; })
        .then(function () { loading = false; if (pending) refresh(); });
    }, 120);
  }

  document.addEventListener("focusout", function () { if (pending) setTimeout(refresh, 50); });

  if (window.io) {
    var socket = window.io("/projects", { auth: { project: projectId } });
    socket.on("connect", function () {
      root.setAttribute("data-project-socket", "connected");
      socket.emit("sync", { project: projectId }, function (ack) {
        if (ack && ack.ok && ack.version !== version) refresh();
      });
    });
    socket.on("disconnect", function () { root.setAttribute("data-project-socket", "disconnected"); });
    socket.on("changed", function (change) {
      if (!change || change.project !== projectId) return;
      if (change.version !== version || (change.what || []).indexOf("vote") >= 0) refresh();
    });
  }

  // Drag-and-drop of step cards between columns (laptop). Dropping submits the move form
  // of the card for that column: the same request as its button.
  function setupDrag() {
    var board = document.querySelector("[data-step-board]");
    if (!board || board.getAttribute("data-drag-ready")) return;
    board.setAttribute("data-drag-ready", "1");
    var dragged = null;
    board.addEventListener("dragstart", function (ev) {
      var card = ev.target.closest && ev.target.closest("[data-step]");
      if (!card) return;
      dragged = card;
      card.classList.add("dragging");
      ev.dataTransfer.effectAllowed = "move";
      ev.dataTransfer.setData("text/plain", card.getAttribute("data-step"));
    });
    board.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      dragged = null;
      Array.prototype.forEach.call(board.querySelectorAll(".drop-target"), function (c) { c.classList.remove("drop-target"); });
    });
    board.addEventListener("dragover", function (ev) {
      var column = ev.target.closest && ev.target.closest("[data-drop-state]");
      if (!column || !dragged) return;
      ev.preventDefault();
      column.classList.add("drop-target");
    });
    board.addEventListener("dragleave", function (ev) {
      var column = ev.target.closest && ev.target.closest("[data-drop-state]");
      if (column && !column.contains(ev.relatedTarget)) column.classList.remove("drop-target");
    });
    board.addEventListener("drop", function (ev) {
      var column = ev.target.closest && ev.target.closest("[data-drop-state]");
      if (!column || !dragged) return;
      ev.preventDefault();
      var form = dragged.querySelector('form[data-move="' + column.getAttribute("data-drop-state") + '"]');
      if (form) {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }
    });
  }
  // The board is replaced by htmx after a move: the new one needs its listeners.
  document.addEventListener("htmx:afterSwap", setupDrag);
  setupDrag();
})();
