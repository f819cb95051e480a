/*
 * Small enhancements htmx does not cover (base.html loads this on every page;
 * a page that also loads it gets it once):
 *  - the navigation menu button on narrow screens (a disclosure: the button's
 *    aria-expanded opens and closes #site-menu; Escape closes it);
 *  - table cells are labelled with their column header (data-label), so that
 *    on a narrow screen app.css can show each row as a stacked card;
 *  - buttons with [data-print] open the browser's print dialog;
 *  - Escape closes an open action drop-down (<details class="dropdown">) and
 *    returns focus to its button; opening one closes the others; its first
 *    field gets the focus, also when htmx fetches its form as it opens.
 */
(function () {
  "use strict";

  if (window.crmApp) {
    return;
  }
  window.crmApp = true;

  // --- navigation menu (disclosure) ----------------------------------------
  function menuToggle() {
    return document.querySelector(".navtoggle");
  }

  function setMenuOpen(toggle, open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function initMenu() {
    var toggle = menuToggle();
    if (toggle) {
      toggle.hidden = false;
    }
  }

  // --- tables as stacked rows: each cell names its column ------------------
  function headerText(th) {
    var copy = th.cloneNode(true);
    copy.querySelectorAll("input, select, button, [aria-hidden=true]").forEach(function (node) {
      node.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function labelTable(table) {
    var headerRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headerRow) {
      return;
    }
    var labels = [];
    Array.prototype.forEach.call(headerRow.cells, function (th) {
      var text = headerText(th);
      for (var span = 0; span < (th.colSpan || 1); span += 1) {
        labels.push(text);
      }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var label = labels[column];
          if (label && (cell.colSpan || 1) === 1 && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", label);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  function labelTables(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("table.table")) {
      labelTable(scope);
    }
    scope.querySelectorAll("table.table").forEach(labelTable);
    var table = scope.closest && scope.closest("table.table");
    if (table) {
      labelTable(table);
    }
  }

  function init() {
    initMenu();
    labelTables(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // Rows htmx swaps in (filters, "show more") are labelled too.
  document.addEventListener("htmx:load", function (event) {
    labelTables(event.target);
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".navtoggle");
    if (toggle) {
      setMenuOpen(toggle, toggle.getAttribute("aria-expanded") !== "true");
      return;
    }
    var printButton = event.target.closest("[data-print]");
    if (printButton) {
      window.print();
    }
  });

  function focusFirstField(container) {
    var first = container.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  }

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
    focusFirstField(opened);
  }, true);

  // A drop-down's form that htmx fetched as it opened (the contact card's
  // actions): its first field gets the focus once it has arrived.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    var opened = target && target.closest && target.closest("details.dropdown[open]");
    if (opened) {
      focusFirstField(opened);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = event.target.closest && event.target.closest("details.dropdown[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
      return;
    }
    var toggle = menuToggle();
    if (toggle && toggle.getAttribute("aria-expanded") === "true") {
      setMenuOpen(toggle, false);
      toggle.focus();
    }
  });
})();
