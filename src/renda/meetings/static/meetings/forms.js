// Bootstrap classes on plain Django form widgets (no inline script: the CSP forbids them).
document.querySelectorAll("form input:not([type=checkbox]):not([type=hidden]), form select, form textarea").forEach(function (el) {
  if (!el.classList.contains("form-control") && !el.classList.contains("form-select")) {
    el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control");
  }
});
document.querySelectorAll("form input[type=checkbox]").forEach(function (el) { el.classList.add("form-check-input"); });
