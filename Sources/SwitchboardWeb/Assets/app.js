// Switchboard's web UI works without this file; it adds copy buttons, show/hide of secrets, keyboard use of the
// drawers (focus moves into an open drawer; Escape closes it) and live job progress.
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
  }
});

document.addEventListener("DOMContentLoaded", () => {
  const drawer = document.querySelector(".drawer");
  if (!drawer) return;
  // Focus goes where the person's attention should: an error (read out), what an action did, a test's result, the
  // section a status's fix links to, the field marked autofocus, else the drawer's first control.
  const target = location.hash.length > 1 ? drawer.querySelector(location.hash) : null;
  const first = drawer.querySelector(".alert") || drawer.querySelector(".flash") || drawer.querySelector("#test-result")
    || target || drawer.querySelector("[autofocus]")
    || drawer.querySelector("input:not([type=hidden]), select, textarea, button, a[href]");
  if (first) {
    if (!first.matches("input, select, textarea, button, a[href]")) first.setAttribute("tabindex", "-1");
    first.focus({ preventScroll: first !== target });
  }
  // Escape closes the drawer, asking first when a form in it has changes that would be lost.
  let changed = false;
  drawer.addEventListener("input", () => { changed = true; });
  drawer.addEventListener("submit", () => { changed = false; });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const close = drawer.querySelector("[data-close]");
    if (close && (!changed || window.confirm("Close without saving your changes?"))) window.location.assign(close.href);
  });
});

// A running job's page: poll its progress once a second and move the bar; reload once it has ended, so that the
// errors and the final figures show.
document.addEventListener("DOMContentLoaded", () => {
  const job = document.querySelector("[data-job]");
  if (!job || !job.hasAttribute("data-job-running")) return;
  const set = (name, value) => { const element = job.querySelector(`[data-job-${name}]`); if (element) element.textContent = value; };
  const poll = async () => {
    try {
      const response = await fetch(job.dataset.job, { headers: { accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return setTimeout(poll, 2000);
      const progress = await response.json();
      job.querySelector("[data-job-bar]").value = progress.percent;
      set("percent", progress.percent); set("done", progress.done); set("total", progress.total);
      set("failed", progress.failed);
      // The status line is the live region: it changes, and is announced, only when the status does.
      if (job.querySelector("[data-job-status]").textContent !== progress.status) set("status", progress.status);
      if (progress.running) return setTimeout(poll, 1000);
      window.location.reload();
    } catch {
      setTimeout(poll, 2000);
    }
  };
  setTimeout(poll, 1000);
});
