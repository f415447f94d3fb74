// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.querySelector(button.getAttribute("data-copy"));
    if (!input) return;
    input.select();
    var done = function () { button.textContent = button.getAttribute("data-copied"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
  // Activity form: only the chosen type's settings (the server renders them so too).
  var showKind = function (select) {
    var form = select.closest("form");
    if (!form) return;
    Array.prototype.forEach.call(form.querySelectorAll("[data-kinds]"), function (group) {
      group.hidden = group.getAttribute("data-kinds").split(" ").indexOf(select.value) === -1;
    });
  };
  document.addEventListener("change", function (event) {
    if (event.target.matches(".activity-form select[name=kind]")) showKind(event.target);
  });
  var hideForJs = function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-js-hide]"), function (el) { el.hidden = true; });
  };
  hideForJs();
  document.addEventListener("htmx:afterSettle", hideForJs);
  // "Start the workshop": the screen opens in its own window (for the projector) while
  // this tab goes to the control page; without script, the control page offers the link.
  document.addEventListener("click", function (event) {
    var start = event.target.closest("[data-start-screen]");
    if (start) window.open(start.getAttribute("data-start-screen"), "facilitation-screen");
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) event.target.select();
  });
})();
