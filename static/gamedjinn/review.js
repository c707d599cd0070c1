/* The matches page from the keyboard: j/k move between suggestions, a accepts, r rejects,
   u undoes the latest decision. Each key clicks a button of a plain form, so the page works the
   same without this script. */
(() => {
  "use strict";
  const items = () => Array.from(document.querySelectorAll("[data-review-list] .match"));

  function current() {
    const focused = document.activeElement && document.activeElement.closest(".match");
    return focused || items()[0];
  }

  function move(step) {
    const all = items();
    if (!all.length) return;
    const index = all.indexOf(current());
    const next = all[Math.max(0, Math.min(all.length - 1, index + step))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const active = document.activeElement;
    if (active && (/^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) || active.isContentEditable)) return;
    let button = null;
    if (event.key === "j") { event.preventDefault(); move(1); return; }
    if (event.key === "k") { event.preventDefault(); move(-1); return; }
    if (event.key === "a" || event.key === "r") {
      const match = current();
      button = match && match.querySelector(`[data-key="${event.key}"]`);
    } else if (event.key === "u") {
      button = document.querySelector('#changes [data-key="u"]');
    }
    if (button) { event.preventDefault(); button.click(); }
  });

  document.addEventListener("DOMContentLoaded", () => {
    const first = items()[0];
    if (first && !document.querySelector("input:focus")) first.focus({ preventScroll: true });
  });
})();
