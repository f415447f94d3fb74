// The "Print" button of a session sheet: without JavaScript it is a plain link to the
// same page, and the hint next to it tells to use the browser's Print command.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-print]");
    if (!link) return;
    event.preventDefault();
    window.print();
  });
})();
