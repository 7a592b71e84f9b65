// Cơ Sở: behaviour that needs script, kept out of the pages (the Content Security Policy forbids inline script).
document.addEventListener("DOMContentLoaded", function () {
  // Auto-submit filter forms on change (select boxes); text inputs use htmx triggers.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (el) {
    el.addEventListener("change", function () { el.form.requestSubmit(); });
  });
  // Confirm before destructive actions.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
});
