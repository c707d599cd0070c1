/* Game Djinn assistant: the chat page and the panel on every page share this file.
   Every [data-chat] element is one chat: it opens a WebSocket to /ws/assistant/, sends
   {type: "ask"} and {type: "stop"}, and renders the events the server streams back:
   start → token / tool_start / tool_end … → error? → done. Answers are plain text; only links of
   the form [Title](/games/ID/) become links (the same rule as the answer_html template filter). */
(function () {
  "use strict";

  const GAME_LINK = /\[([^\]\n]{1,200})\]\((\/games\/\d+\/)\)/g;
  const STORAGE_KEY = "gd-assistant-conversation";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function icon(name) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "icon");
    const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
    use.setAttribute("href", "#i-" + name);
    svg.appendChild(use);
    return svg;
  }

  function renderAnswer(node, text) {
    node.replaceChildren();
    let last = 0;
    for (const match of text.matchAll(GAME_LINK)) {
      node.append(document.createTextNode(text.slice(last, match.index)));
      const link = el("a", "", match[1]);
      link.href = match[2];
      node.append(link);
      last = match.index + match[0].length;
    }
    node.append(document.createTextNode(text.slice(last)));
  }

  function banner(kind, message, code) {
    const box = el("div", "banner banner-" + kind);
    box.setAttribute("role", "alert");
    if (code) box.dataset.error = code;
    box.append(icon("alert"), el("div", "banner-body", message));
    return box;
  }

  function gameChips(games) {
    const chips = el("div", "chips msg-games");
    for (const game of games) {
      const chip = el("a", "chip");
      chip.href = "/games/" + game.id + "/";
      chip.append(icon("gamepad"), document.createTextNode(game.title));
      chips.append(chip);
    }
    return chips;
  }

  function Chat(root) {
    const log = root.querySelector("[data-log]");
    const form = root.querySelector("[data-compose]");
    const input = form.querySelector("textarea");
    const send = form.querySelector("[data-send]");
    const stop = form.querySelector("[data-stop]");
    const picker = root.querySelector("[data-model]");
    const statusBadge = root.querySelector("[data-ollama-status]");
    const title = root.querySelector("[data-title]");
    let conversation = root.dataset.conversation || "";
    let socket = null;
    let pending = null; // a question waiting for the socket to open
    let answer = null; // {box, text, body, tools}
    let retry = 0;
    let statusLoaded = false;

    if (root.hasAttribute("data-remember") && !conversation) {
      conversation = localStorage.getItem(STORAGE_KEY) || "";
    }

    function scroll() {
      log.scrollTop = log.scrollHeight;
    }

    function busy(on) {
      send.hidden = on;
      stop.hidden = !on;
      root.toggleAttribute("data-busy", on);
    }

    function connect() {
      if (socket && socket.readyState <= WebSocket.OPEN) return socket;
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(scheme + "://" + location.host + root.dataset.socket);
      socket.addEventListener("open", () => {
        retry = 0;
        if (pending) {
          socket.send(JSON.stringify(pending));
          pending = null;
        }
      });
      socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
      socket.addEventListener("close", () => {
        socket = null;
        if (answer) {
          finish({ reason: "error", games: [] });
          log.append(banner("danger", "The connection to Game Djinn was lost. Your conversation is saved; ask again."));
        }
        if (pending) setTimeout(connect, Math.min(5000, 500 * 2 ** retry++));
      });
      return socket;
    }

    function remember(id) {
      conversation = String(id);
      root.dataset.conversation = conversation;
      if (root.hasAttribute("data-remember")) localStorage.setItem(STORAGE_KEY, conversation);
      if (root.dataset.pageUrl && location.pathname !== root.dataset.pageUrl.replace("ID", conversation)) {
        history.replaceState(null, "", root.dataset.pageUrl.replace("ID", conversation));
      }
    }

    function startAnswer() {
      const box = el("div", "msg msg-assistant pending");
      const tools = el("div", "msg-tools");
      const body = el("div", "msg-text");
      box.append(tools, body);
      log.append(box);
      answer = { box, body, tools, text: "", activity: {} };
      scroll();
    }

    function finish(event) {
      if (!answer) return;
      answer.box.classList.remove("pending");
      if (event.games && event.games.length) answer.box.append(gameChips(event.games));
      if (event.reason === "stopped") answer.box.append(el("p", "msg-note muted", "Stopped."));
      answer = null;
      busy(false);
      scroll();
    }

    function handle(event) {
      switch (event.type) {
        case "start":
          remember(event.conversation);
          if (title && event.title) title.textContent = event.title;
          if (!answer) startAnswer();
          break;
        case "token":
          if (!answer) startAnswer();
          answer.text += event.text;
          renderAnswer(answer.body, answer.text);
          scroll();
          break;
        case "tool_start": {
          if (!answer) startAnswer();
          const line = el("div", "msg-tool running");
          line.append(el("span", "spinner"), document.createTextNode(event.label));
          answer.activity[event.id] = line;
          answer.tools.append(line);
          scroll();
          break;
        }
        case "tool_end": {
          const line = answer && answer.activity[event.id];
          if (!line) break;
          line.classList.remove("running");
          line.classList.toggle("failed", !event.ok);
          line.firstChild.replaceWith(icon(event.ok ? "check" : "x"));
          if (event.note) line.append(el("span", "muted", " (" + event.note + ")"));
          break;
        }
        case "error":
          if (answer) {
            answer.box.append(banner(event.code === "truncated" ? "warning" : "danger", event.message, event.code));
          } else {
            log.append(banner("danger", event.message, event.code));
            busy(false);
          }
          scroll();
          break;
        case "done":
          finish(event);
          break;
      }
    }

    function ask(text) {
      const empty = log.querySelector("[data-empty]");
      if (empty) empty.remove();
      log.append(el("div", "msg msg-user", text));
      startAnswer();
      busy(true);
      const message = { type: "ask", text, conversation: conversation || null, model: picker ? picker.value : "" };
      const open = connect();
      if (open.readyState === WebSocket.OPEN) open.send(JSON.stringify(message));
      else pending = message;
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text || answer) return;
      input.value = "";
      ask(text);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    stop.addEventListener("click", () => {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "stop" }));
    });

    async function loadStatus() {
      if (statusLoaded || !root.dataset.statusUrl) return;
      statusLoaded = true;
      try {
        const response = await fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" } });
        const status = await response.json();
        showStatus(status);
      } catch (error) {
        statusLoaded = false;
      }
    }

    function showStatus(status) {
      if (statusBadge) {
        statusBadge.className = "badge " + (status.reachable ? (status.outdated ? "badge-warning" : "badge-success") : "badge-danger");
        statusBadge.textContent = status.reachable
          ? "Ollama " + status.version + (status.outdated ? " (update to 0.9+)" : "")
          : "Ollama unreachable";
        statusBadge.title = status.reachable ? status.url : status.url + ": " + status.error;
      }
      if (!picker) return;
      const current = picker.value || status.model || status.default_model;
      picker.replaceChildren();
      let found = false;
      for (const model of status.models) {
        const option = el("option", "", model.name + " · " + model.size_label + (model.parameter_size ? " · " + model.parameter_size : ""));
        option.value = model.name;
        if (model.name === current || model.name === current + ":latest") {
          option.selected = true;
          found = true;
        }
        picker.append(option);
      }
      if (current && !found) {
        const option = el("option", "", current + (status.reachable ? " · not installed" : ""));
        option.value = current;
        option.selected = true;
        picker.prepend(option);
      }
    }

    async function loadTranscript() {
      if (!conversation || !root.dataset.transcriptUrl || log.dataset.loaded) return;
      log.dataset.loaded = "1";
      const response = await fetch(root.dataset.transcriptUrl.replace("ID", conversation));
      if (!response.ok) {
        conversation = "";
        localStorage.removeItem(STORAGE_KEY);
        return;
      }
      const data = await response.json();
      if (picker && data.model) picker.value = data.model;
      for (const message of data.messages) {
        if (message.role === "user") log.append(el("div", "msg msg-user", message.content));
        if (message.role !== "assistant") continue;
        const box = el("div", "msg msg-assistant");
        const body = el("div", "msg-text");
        renderAnswer(body, message.content);
        box.append(body);
        if (message.games.length) box.append(gameChips(message.games));
        if (message.error_code === "stopped") box.append(el("p", "msg-note muted", "Stopped."));
        else if (message.error) box.append(banner(message.error_code === "truncated" ? "warning" : "danger", message.error, message.error_code));
        log.append(box);
      }
      if (data.messages.length) {
        const empty = log.querySelector("[data-empty]");
        if (empty) empty.remove();
      }
      scroll();
    }

    root.chat = {
      open() {
        loadStatus();
        loadTranscript();
        input.focus();
      },
      reset() {
        conversation = "";
        localStorage.removeItem(STORAGE_KEY);
        log.replaceChildren();
        delete log.dataset.loaded;
      },
    };
    if (!root.hidden) {
      loadStatus();
      scroll();
    }
  }

  function init() {
    document.querySelectorAll("[data-chat]").forEach((root) => Chat(root));
    document.querySelectorAll("form[data-confirm]").forEach((form) => {
      form.addEventListener("submit", (event) => {
        if (!confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
    const panel = document.getElementById("assistant-panel");
    const opener = document.querySelector("[data-panel-open]");
    if (!panel || !opener) return;
    function toggle(open) {
      panel.hidden = !open;
      opener.setAttribute("aria-expanded", String(open));
      if (open) panel.chat.open();
      else opener.focus();
    }
    opener.addEventListener("click", () => toggle(panel.hidden));
    panel.querySelector("[data-panel-close]").addEventListener("click", () => toggle(false));
    panel.querySelector("[data-panel-new]").addEventListener("click", () => {
      panel.chat.reset();
      panel.chat.open();
    });
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") toggle(false);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
