/*
 * Small enhancements htmx does not cover:
 *  - buttons with [data-print] open the browser's print dialog;
 *  - Escape closes an open action drop-down (<details class="dropdown">) and
 *    returns focus to its button; opening one closes the others.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var printButton = event.target.closest("[data-print]");
    if (printButton) {
      window.print();
    }
  });

  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches("details.dropdown") || !opened.open) {
      return;
    }
    document.querySelectorAll("details.dropdown[open]").forEach(function (other) {
      if (other !== opened) {
        other.open = false;
      }
    });
    var first = opened.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = event.target.closest && event.target.closest("details.dropdown[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
})();
