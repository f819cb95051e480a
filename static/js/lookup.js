/*
 * Lookups: a text input with [data-lookup-url] becomes a WAI-ARIA combobox
 * (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/, list autocomplete).
 *
 * Without this script the input is a plain text field and the server resolves
 * what was typed (an exact key or a unique name; anything else is a message on
 * the field). With it, typing asks the endpoint for the first matches and
 * shows them in the list box rendered next to the input
 * (platform/widgets/lookup.html):
 *   Down/Up    open the list, move the active option (aria-activedescendant);
 *   Enter      choose the active option (the form is not submitted then);
 *   Escape     close the list (a second Escape clears the text);
 *   click      choose an option.
 * Choosing puts the option's key (contact no., code) in the input and fires
 * "change", so htmx triggers (the wizard's defaults) see it.
 *
 * Also: after an htmx swap, an element [data-errors-for=<input id>] that
 * replaced a field's messages sets aria-invalid on that input to match.
 * No inline script or style: the page's Content-Security-Policy forbids them.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var timers = new WeakMap();
  var requests = new WeakMap();

  function listFor(input) {
    return document.getElementById(input.getAttribute("aria-controls") || "");
  }

  function statusFor(input) {
    return document.getElementById(input.id + "_lookup_status");
  }

  function enhance(root) {
    var inputs = (root.querySelectorAll ? root : document).querySelectorAll(
      "input[data-lookup-url]:not([data-lookup-ready])"
    );
    inputs.forEach(function (input) {
      var list = document.getElementById(input.id + "_listbox");
      if (!list) {
        return;
      }
      input.setAttribute("data-lookup-ready", "");
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", list.id);
    });
  }

  function options(input) {
    var list = listFor(input);
    return list ? Array.prototype.slice.call(list.querySelectorAll("[role=option]")) : [];
  }

  function isOpen(input) {
    return input.getAttribute("aria-expanded") === "true";
  }

  function close(input) {
    var list = listFor(input);
    if (list) {
      list.hidden = true;
    }
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function open(input) {
    var list = listFor(input);
    if (list && options(input).length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  }

  function activate(input, index) {
    var all = options(input);
    if (!all.length) {
      return;
    }
    index = (index + all.length) % all.length;
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", all[index].id);
    all[index].scrollIntoView({ block: "nearest" });
  }

  function activeIndex(input) {
    var id = input.getAttribute("aria-activedescendant");
    return options(input).findIndex(function (option) {
      return option.id === id;
    });
  }

  function choose(input, option) {
    input.value = option.getAttribute("data-key");
    close(input);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function render(input, results) {
    var list = listFor(input);
    var status = statusFor(input);
    if (!list) {
      return;
    }
    list.textContent = "";
    results.forEach(function (row, i) {
      var option = document.createElement("li");
      option.id = list.id + "_" + i;
      option.className = "lookup__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-key", row.key);
      var name = document.createElement("span");
      name.className = "lookup__name";
      name.textContent = row.name;
      var detail = document.createElement("span");
      detail.className = "lookup__detail";
      detail.textContent = row.detail || row.key;
      option.appendChild(name);
      option.appendChild(detail);
      list.appendChild(option);
    });
    if (status) {
      status.textContent = results.length
        ? (input.getAttribute("data-lookup-count") || "%s").replace("%s", results.length)
        : input.getAttribute("data-lookup-none") || "";
    }
    input.removeAttribute("aria-activedescendant");
    if (results.length) {
      open(input);
    } else {
      close(input);
    }
  }

  function search(input) {
    var text = input.value.trim();
    var previous = requests.get(input);
    if (previous) {
      previous.abort();
    }
    if (!text) {
      render(input, []);
      return;
    }
    var controller = new AbortController();
    requests.set(input, controller);
    var url = new URL(input.getAttribute("data-lookup-url"), window.location.href);
    url.searchParams.set("q", text);
    fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller.signal,
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("lookup " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (input.value.trim() === text) {
          render(input, data.results || []);
        }
      })
      .catch(function () {
        // Aborted or refused: the field stays a plain text input and the
        // server resolves what was typed.
      });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-lookup-ready]")) {
      return;
    }
    clearTimeout(timers.get(input));
    timers.set(
      input,
      setTimeout(function () {
        search(input);
      }, DELAY_MS)
    );
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-lookup-ready]")) {
      return;
    }
    var index = activeIndex(input);
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!isOpen(input)) {
          if (options(input).length) {
            open(input);
          } else {
            search(input);
            return;
          }
        }
        activate(input, index + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!isOpen(input)) {
          open(input);
        }
        activate(input, index < 0 ? -1 : index - 1);
        break;
      case "Enter":
        if (isOpen(input) && index >= 0) {
          event.preventDefault();
          choose(input, options(input)[index]);
        }
        break;
      case "Escape":
        if (isOpen(input)) {
          event.preventDefault();
          event.stopPropagation();
          close(input);
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
        break;
      case "Tab":
        close(input);
        break;
      default:
        break;
    }
  });

  // Pointer: mousedown keeps the focus in the input; click chooses.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest(".lookup__list [role=option]")) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest(".lookup__list [role=option]");
    if (!option) {
      return;
    }
    var list = option.closest(".lookup__list");
    var input = document.querySelector("[aria-controls='" + list.id + "']");
    if (input) {
      choose(input, option);
      input.focus();
    }
  });

  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[data-lookup-ready]")) {
      close(input);
    }
  });

  function syncInvalid(root) {
    (root.querySelectorAll ? root : document)
      .querySelectorAll("[data-errors-for]")
      .forEach(function (box) {
        var input = document.getElementById(box.getAttribute("data-errors-for"));
        if (!input) {
          return;
        }
        var invalid = box.textContent.trim() !== "";
        if (invalid) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
        var field = box.closest(".field");
        if (field) {
          field.classList.toggle("field--invalid", invalid);
        }
      });
  }

  function ready() {
    enhance(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  document.addEventListener("htmx:load", function (event) {
    enhance(event.target);
  });
  document.addEventListener("htmx:afterSettle", function () {
    syncInvalid(document);
  });
})();
