/*
 * Row selection on the list pages with bulk actions (interaction log,
 * postponed interactions, logged segments): "select all" and a live count of
 * the selected rows. Everything works without it; it only
 * saves clicks.
 */
(function () {
  "use strict";

  function boxes(form) {
    return form.querySelectorAll('input[type="checkbox"][data-selectable]');
  }

  function updateCount(form) {
    var label = form.querySelector("[data-selected-count]");
    if (!label) {
      return;
    }
    var selected = Array.prototype.filter.call(boxes(form), function (box) {
      return box.checked;
    }).length;
    label.textContent = selected
      ? label.dataset.some.replace("%(n)s", selected)
      : label.dataset.none;
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest("[data-bulk-form]");
    if (!form) {
      return;
    }
    if (event.target.matches("[data-select-all]")) {
      boxes(form).forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    updateCount(form);
  });
})();
