/* Game Djinn — the little JavaScript the pages need. Everything structural is rendered by the
   server; this file adds toasts, the live sync socket, countdowns, quick-search keys and copy
   buttons. htmx and its WebSocket extension come from django-htmx. */
(function () {
  "use strict";

  const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  /* ---- toasts ------------------------------------------------------------------------------ */
  const ICONS = { success: "i-check-circle", error: "i-alert", warning: "i-alert", info: "i-info" };

  function dismiss(toast) {
    toast.classList.add("leaving");
    setTimeout(() => toast.remove(), 220);
  }

  function armToast(toast) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = "1";
    if (toast.hasAttribute("data-autodismiss")) {
      setTimeout(() => dismiss(toast), toast.classList.contains("error") ? 12000 : 6000);
    }
  }

  function toast(kind, title, body) {
    const region = $("#toasts");
    if (!region) return;
    const el = document.createElement("div");
    el.className = "toast " + kind;
    el.setAttribute("data-autodismiss", "");
    const svg = `<svg class="icon"><use href="#${ICONS[kind] || "i-info"}"/></svg>`;
    el.innerHTML = svg + '<div class="toast-body"></div>' +
      '<button type="button" data-dismiss aria-label="Dismiss"><svg class="icon"><use href="#i-x"/></svg></button>';
    const bodyEl = el.querySelector(".toast-body");
    const strong = document.createElement("strong");
    strong.textContent = title; // textContent: names from Steam are never markup
    bodyEl.appendChild(strong);
    if (body) bodyEl.appendChild(document.createTextNode(body));
    region.appendChild(el);
    armToast(el);
  }

  // Views answer htmx requests with `HX-Trigger: {"gd:toast": {...}}` to confirm an action.
  document.addEventListener("gd:toast", (event) => {
    const detail = event.detail || {};
    toast(detail.kind || "success", detail.title || "Done", detail.body || "");
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-dismiss]");
    if (button) dismiss(button.closest(".toast"));
  });

  /* ---- images: fade in when loaded; a failed one leaves its placeholder (fixed aspect box) --- */
  const FRAMED = ".cover, .ach-icon, .avatar";
  document.addEventListener("load", (event) => {
    if (event.target.tagName === "IMG") event.target.classList.add("loaded");
  }, true);
  document.addEventListener("error", (event) => {
    const img = event.target;
    if (img.tagName === "IMG" && img.closest(FRAMED)) img.remove();
  }, true);
  function markLoaded(root) {
    for (const img of $$("img", root)) if (img.complete && img.naturalWidth) img.classList.add("loaded");
  }

  /* ---- quick search ---------------------------------------------------------------------------- */
  document.addEventListener("keydown", (event) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) || document.activeElement.isContentEditable;
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey) {
      const input = $("#library-q") || $("#quick-search");
      if (input) { event.preventDefault(); input.focus(); input.select(); }
    }
    const inSearch = event.target.closest && event.target.closest("[data-quick-search]");
    if (!inSearch) return;
    const items = $$(".suggestion, .suggestions .all", inSearch);
    const index = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      items[Math.min(index + 1, items.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      event.preventDefault();
      (index === 0 ? $("input", inSearch) : items[index - 1]).focus();
    } else if (event.key === "Escape") {
      $("#suggestions").innerHTML = "";
      $("input", inSearch).focus();
    }
  });
  // A search box searches as you type from its data-type-ahead-from letters (the server's
  // games.search.MIN_TRIGRAM_LENGTH: the title index works on trigrams).
  const tooShortToType = (input) =>
    input.dataset.typeAheadFrom !== undefined && input.value.trim().length < Number(input.dataset.typeAheadFrom);
  document.addEventListener("htmx:confirm", (event) => {
    // Clearing the library search shows everything again. (Here rather than in hx-trigger
    // filters, which htmx evaluates as code: the Content-Security-Policy allows no eval.)
    const typed = event.detail.triggeringEvent;
    if (!typed || typed.type !== "input" || !tooShortToType(typed.target)) return;
    if (typed.target.id === "quick-search" || typed.target.value.length > 0) event.preventDefault();
  });
  document.addEventListener("input", (event) => {
    // Shorter input than that clears the old suggestions.
    if (event.target.id === "quick-search" && tooShortToType(event.target)) $("#suggestions").innerHTML = "";
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest("[data-quick-search]")) {
      const box = $("#suggestions");
      if (box) box.innerHTML = "";
    }
  });

  /* ---- copy buttons ------------------------------------------------------------------------- */
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      toast("success", "Copied to the clipboard");
    } catch (_) {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      toast("info", "Selected — press Ctrl+C to copy");
    }
  });

  /* ---- slow submits: say what is happening and stop double submits ---------------------------- */
  document.addEventListener("submit", (event) => {
    const button = event.target.querySelector("button[data-busy-text]");
    if (!button || event.defaultPrevented) return;
    button.disabled = true;
    button.innerHTML = '<span class="spinner" aria-hidden="true"></span>';
    button.append(document.createTextNode(button.dataset.busyText));
  });

  /* ---- theme: apply a choice at once, before the form round-trip -------------------------------- */
  document.addEventListener("change", (event) => {
    if (event.target.matches("input[name=theme]")) document.documentElement.dataset.theme = event.target.value;
  });

  /* ---- countdowns (rate-limit banner) -------------------------------------------------------- */
  function tickCountdowns() {
    for (const el of $$("[data-countdown]")) {
      const left = Math.max(0, Math.round((Date.parse(el.dataset.countdown) - Date.now()) / 1000));
      el.textContent = left > 0 ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` : "now";
    }
  }
  setInterval(tickCountdowns, 1000);

  /* ---- live sync progress ------------------------------------------------------------------------
     The server renders every sync fragment from its SyncRun row. Socket messages are hints: they
     move a progress bar in place, and when the status, phase or run changes the fragment is
     re-fetched. Every (re)connect re-fetches all fragments, so nothing missed while offline stays
     wrong. */
  const lastSeq = new Map();
  const announced = new Set();

  function etaText(seconds) {
    if (seconds === null || seconds === undefined) return "";
    if (seconds < 60) return "less than a minute left";
    let minutes = Math.round(seconds / 60);
    if (minutes < 60) return `about ${minutes} min left`;
    const hours = Math.floor(minutes / 60);
    minutes %= 60;
    return minutes ? `about ${hours} h ${minutes} min left` : `about ${hours} h left`;
  }

  function refresh(el) {
    if (window.htmx && el.isConnected) window.htmx.trigger(el, "gd:refresh");
  }

  function refreshAll() {
    $$("[data-sync-library]").forEach(refresh);
  }

  function setIndicator(state) {
    const el = $("#live-indicator");
    if (!el) return;
    el.dataset.state = state;
    const text = { open: "Live", connecting: "Connecting…", closed: "Offline — reconnecting" }[state];
    el.title = state === "open" ? "Live updates are on" : text;
    $(".live-text", el).textContent = text;
  }

  function announce(msg) {
    const key = `${msg.run_id}:${msg.status}`;
    if (announced.has(key)) return;
    announced.add(key);
    const el = $(`[data-sync-library="${msg.library_id}"]`);
    const name = el ? el.dataset.libraryName : "Your library";
    const counts = msg.counts || {};
    if (msg.status === "succeeded") {
      const parts = [];
      const n = (value) => value.toLocaleString();
      if (counts.added) parts.push(`${n(counts.added)} new games`);
      if (counts.updated) parts.push(`${n(counts.updated)} updated`);
      if (counts.details) parts.push(`store details for ${n(counts.details)}`);
      if (counts.achievements) parts.push(`achievements for ${n(counts.achievements)}`);
      const body = parts.join(", ");
      toast("success", `${name} is up to date`, body ? body[0].toUpperCase() + body.slice(1) + "." : "");
    } else if (msg.status === "failed") {
      toast("error", `Sync of ${name} failed`, msg.error_message || "");
    } else if (msg.status === "rate_limited") {
      toast("warning", "Steam asked us to slow down", "The sync pauses and retries by itself.");
    }
    document.body.dispatchEvent(new CustomEvent("gd:library-changed", { detail: msg }));
  }

  function applyProgress(msg) {
    const seq = lastSeq.get(msg.run_id) || -1;
    if (typeof msg.seq === "number") {
      if (msg.seq <= seq) return;
      lastSeq.set(msg.run_id, msg.seq);
    }
    if (TERMINAL.has(msg.status) || msg.status === "rate_limited") announce(msg);
    for (const el of $$(`[data-sync-library="${msg.library_id}"]`)) {
      if (el.dataset.run !== String(msg.run_id) || el.dataset.status !== msg.status || el.dataset.phase !== msg.phase) {
        refresh(el);
        continue;
      }
      const phase = $(`[data-phase-name="${msg.phase}"]`, el) || el;
      const bar = $("progress", phase);
      if (bar) { bar.max = Math.max(msg.total, 1); bar.value = msg.done; }
      for (const field of $$("[data-field]", phase)) {
        const name = field.dataset.field;
        if (name === "done") field.textContent = msg.done.toLocaleString();
        else if (name === "total") field.textContent = msg.total.toLocaleString();
        else if (name === "percent") field.textContent = `${msg.percent}%`;
        else if (name === "eta") field.textContent = etaText(msg.eta_seconds);
      }
      // A phase running alongside (achievements beside details) has its own count.
      for (const [code, side] of Object.entries(msg.alongside || {})) {
        const row = $(`[data-phase-name="${code}"]`, el);
        const sideBar = row && $("progress", row);
        if (!row || !sideBar || row.dataset.state !== "current") continue;
        sideBar.max = Math.max(side.total, 1); sideBar.value = side.done;
        for (const field of $$("[data-field]", row)) {
          if (field.dataset.field === "done") field.textContent = side.done.toLocaleString();
          else if (field.dataset.field === "total") field.textContent = side.total.toLocaleString();
          else if (field.dataset.field === "percent") field.textContent = `${side.total ? Math.min(100, Math.floor(side.done * 100 / side.total)) : 0}%`;
        }
      }
    }
  }

  document.addEventListener("htmx:wsConnecting", () => setIndicator("connecting"));
  document.addEventListener("htmx:wsOpen", () => { setIndicator("open"); refreshAll(); });
  document.addEventListener("htmx:wsClose", () => setIndicator("closed"));
  document.addEventListener("htmx:wsBeforeMessage", (event) => {
    event.preventDefault(); // JSON, not HTML: never let htmx swap it
    let msg;
    try { msg = JSON.parse(event.detail.message); } catch (_) { return; }
    if (msg && msg.type === "sync.progress") applyProgress(msg);
  });

  /* ---- boot ------------------------------------------------------------------------------- */
  function boot(root) {
    markLoaded(root);
    $$(".toast", root).forEach(armToast);
    tickCountdowns();
  }
  document.addEventListener("DOMContentLoaded", () => boot(document));
  document.addEventListener("htmx:load", (event) => boot(event.target));
  window.GameDjinn = { toast, refreshAll };
})();
