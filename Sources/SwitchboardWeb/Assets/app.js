// Switchboard's web UI works without this file; it adds copy buttons, show/hide of secrets, and keyboard use of the
// drawers (focus moves into an open drawer; Escape closes it).
"use strict";

document.addEventListener("click", async (event) => {
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    const input = document.getElementById(copy.dataset.copy);
    const status = copy.parentElement.querySelector(".copied");
    try {
      await navigator.clipboard.writeText(input.value);
      if (status) status.textContent = "Copied";
    } catch {
      // No clipboard permission (an http page, an old browser): select the text for Ctrl-C instead.
      input.type = "text";
      input.select();
      if (status) status.textContent = "Selected: press Ctrl-C";
    }
    return;
  }
  const reveal = event.target.closest("[data-reveal]");
  if (reveal) {
    const input = document.getElementById(reveal.dataset.reveal);
    const shown = input.type === "text";
    input.type = shown ? "password" : "text";
    reveal.textContent = shown ? "Show" : "Hide";
    reveal.setAttribute("aria-pressed", String(!shown));
  }
});

document.addEventListener("DOMContentLoaded", () => {
  const drawer = document.querySelector(".drawer");
  if (!drawer) return;
  const first = drawer.querySelector("[autofocus], .alert, input:not([type=hidden]), select, textarea, button, a[href]");
  if (first && !first.matches("[autofocus]")) {
    if (!first.hasAttribute("tabindex") && first.matches(".alert")) first.setAttribute("tabindex", "-1");
    first.focus();
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      const close = drawer.querySelector("[data-close]");
      if (close) window.location.assign(close.href);
    }
  });
});
