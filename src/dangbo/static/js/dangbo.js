// Behaviour of dangbo's screens, bound from data attributes. No template carries inline
// script or on…= handlers: the Content-Security-Policy (script-src 'self') forbids them.
// Listeners sit on the document, so content swapped in by htmx works without rebinding.
(function () {
  "use strict";

  // Org tree: opening a node lets htmx load its children; closing it empties them without a
  // request. Capture phase, so that closing stops htmx's own click listener on the button.
  document.addEventListener(
    "click",
    function (event) {
      var toggle = event.target.closest("[data-tree-toggle]");
      if (!toggle) return;
      var children = document.getElementById(toggle.dataset.treeToggle);
      toggle.closest("li").classList.toggle("open");
      if (toggle.getAttribute("aria-expanded") === "true") {
        children.innerHTML = "";
        toggle.setAttribute("aria-expanded", "false");
        toggle.textContent = "+";
        event.preventDefault();
        event.stopImmediatePropagation();
      } else {
        toggle.setAttribute("aria-expanded", "true");
        toggle.textContent = "\u2212";
      }
    },
    true
  );

  // Pickers (org, member, cell): a result fills the hidden field, shows the choice and closes
  // the list.
  document.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-pick-field]");
    if (!choice) return;
    var field = choice.dataset.pickField;
    document.getElementById(field).value = choice.dataset.pickValue;
    document.getElementById(field + "_chosen").textContent = "Đã chọn: " + choice.dataset.name;
    choice.parentElement.innerHTML = "";
  });

  // "All present" and the like: set every matching control to one value.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-set-all]");
    if (!button) return;
    document.querySelectorAll(button.dataset.setAll).forEach(function (control) {
      control.value = button.dataset.value;
    });
  });

  // "Hủy" on a form reached from another page: back to it.
  document.addEventListener("click", function (event) {
    if (!event.target.closest("a[data-history-back]")) return;
    event.preventDefault();
    history.back();
  });

  // A filter select that applies itself when changed.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });

  // A table wider than a phone scrolls sideways in its own box (static/css/dangbo.css): such a
  // box takes the keyboard focus, so it can be scrolled without a mouse (WCAG 2.1.1).
  function focusScrollables(root) {
    root.querySelectorAll("main table, .table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusScrollables(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    focusScrollables(event.target);
  });
})();
