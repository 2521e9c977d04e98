// Hanami Portal: toasts, focus on the first error, nothing else. No inline script anywhere (CSP).
"use strict";

(function () {
  const TOAST_SECONDS = 8;

  function dismissLater(toast) {
    if (toast.dataset.level === "error") {
      return; // errors stay until dismissed: they may need reading twice
    }
    window.setTimeout(function () {
      toast.remove();
    }, TOAST_SECONDS * 1000);
  }

  function showToast(message, level) {
    const area = document.getElementById("toasts");
    const template = document.getElementById("toast-template");
    if (!area || !template || !message) {
      return;
    }
    const toast = template.content.firstElementChild.cloneNode(true);
    const kind = ["success", "info", "warning", "error"].includes(level) ? level : "info";
    const labels = { success: "Done", info: "Info", warning: "Note", error: "Error" };
    toast.className = "toast toast--" + kind;
    toast.dataset.level = kind;
    toast.querySelector(".toast__label").textContent = labels[kind] + ":";
    toast.querySelector(".toast__text").textContent = message;
    area.appendChild(toast);
    dismissLater(toast);
  }

  function focusFirstError(root) {
    const scope = root || document;
    const target = scope.querySelector('[aria-invalid="true"], .form-errors');
    if (target) {
      target.focus();
    }
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-dismiss-toast]");
    if (button) {
      button.closest(".toast").remove();
    }
  });

  // HX-Trigger: {"toast": {"message": "...", "level": "success"}}
  document.body.addEventListener("toast", function (event) {
    showToast(event.detail.message, event.detail.level);
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    focusFirstError(event.detail.elt);
  });

  // A request that failed without an answer the page can show (network down, 5xx without toast).
  document.body.addEventListener("htmx:sendError", function () {
    showToast("The portal cannot be reached. Check your connection and try again.", "error");
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    const xhr = event.detail.xhr;
    if (!xhr.getResponseHeader("HX-Trigger")) {
      showToast("The request failed (status " + xhr.status + "). Please try again.", "error");
    }
  });

  document.querySelectorAll("#toasts .toast").forEach(dismissLater);
  focusFirstError(document);
})();
