/*
 * IT support chat widget. Embed with one tag:
 *   <script src="https://HANDOFF-HOST/widget.js" data-rasa-url="https://RASA-HOST" defer></script>
 * Talks socket.io to Rasa (channel "socketio"), keeps the session across reloads (localStorage),
 * shows whether the bot or a named person is speaking, offers quick replies, shows typing both ways
 * while a person owns the chat, and renders every message with textContent (never as HTML); web addresses
 * in bot and agent messages become links, built as nodes.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__itSupportWidget) { return; }
  window.__itSupportWidget = true;
  var base = new URL(script.src, window.location.href);
  var rasaUrl = script.getAttribute("data-rasa-url") || base.origin;
  var title = script.getAttribute("data-title") || "IT support chat";
  var SESSION_KEY = "itsupport.session";
  var HISTORY_KEY = "itsupport.history";
  var MAX_HISTORY = 200;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // Web addresses in what the bot or a person from IT support writes (a help article, say) become links.
  // Built as nodes: the text stays textContent, and only http(s) addresses become an href.
  var LINK_RE = /https?:\/\/[^\s<>"]+/g;

  function textWithLinks(text) {
    var span = el("span", { "class": "itw-text" });
    var value = String(text === undefined || text === null ? "" : text);
    var last = 0;
    value.replace(LINK_RE, function (match, offset) {
      var url = match.replace(/[).,;:!?]+$/, "");
      span.appendChild(document.createTextNode(value.slice(last, offset)));
      var link = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url);
      span.appendChild(link);
      last = offset + url.length;
      return match;
    });
    span.appendChild(document.createTextNode(value.slice(last)));
    return span;
  }

  function loadStyles() {
    var link = el("link", { rel: "stylesheet", href: new URL("web/widget.css", base).href });
    document.head.appendChild(link);
  }

  function loadSocketIo(done) {
    if (window.io) { done(); return; }
    var tag = el("script", { src: new URL("web/vendor/socket.io.min.js", base).href });
    tag.onload = function () { done(); };
    tag.onerror = function () { done(new Error("socket.io client failed to load")); };
    document.head.appendChild(tag);
  }

  function history() {
    try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]"); } catch (e) { return []; }
  }

  function remember(entry) {
    var items = history();
    items.push(entry);
    localStorage.setItem(HISTORY_KEY, JSON.stringify(items.slice(-MAX_HISTORY)));
  }

  function build() {
    var root = el("div", { "class": "itw-root" });
    var toggle = el("button", { "class": "itw-toggle", type: "button", "aria-expanded": "false",
      "aria-controls": "itw-panel" }, "Chat with IT support");
    var panel = el("section", { "class": "itw-panel", id: "itw-panel", role: "dialog",
      "aria-label": title, hidden: "" });
    var header = el("header", { "class": "itw-header" });
    header.appendChild(el("h2", { "class": "itw-title" }, title));
    var status = el("p", { "class": "itw-status", id: "itw-status" }, "You are chatting with a bot.");
    header.appendChild(status);
    var close = el("button", { "class": "itw-close", type: "button", "aria-label": "Close chat" }, "×");
    header.appendChild(close);
    var log = el("div", { "class": "itw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      tabindex: "0", "aria-label": "Conversation" });
    var typing = el("p", { "class": "itw-typing", "aria-live": "polite" });
    var replies = el("div", { "class": "itw-replies", role: "group", "aria-label": "Suggested replies" });
    var form = el("form", { "class": "itw-form" });
    var label = el("label", { "for": "itw-input", "class": "itw-visually-hidden" }, "Type your message");
    var input = el("input", { id: "itw-input", "class": "itw-input", type: "text", autocomplete: "off",
      maxlength: "4000", placeholder: "Type your message" });
    var send = el("button", { "class": "itw-send", type: "submit" }, "Send");
    form.appendChild(label); form.appendChild(input); form.appendChild(send);
    panel.appendChild(header); panel.appendChild(log); panel.appendChild(typing);
    panel.appendChild(replies); panel.appendChild(form);
    root.appendChild(toggle); root.appendChild(panel);
    document.body.appendChild(root);
    return { root: root, toggle: toggle, panel: panel, close: close, log: log, typing: typing,
      replies: replies, form: form, input: input, status: status };
  }

  function speakerOf(entry) {
    if (entry.who === "customer") { return "You"; }
    if (entry.sender === "agent") { return (entry.agentName || "Support agent") + " (person, IT support)"; }
    if (entry.sender === "system") { return "IT support"; }
    return "IT support bot";
  }

  function start(ui, socket) {
    var sessionId = localStorage.getItem(SESSION_KEY);
    var typingTimer = null;
    var withPerson = false;  // a person from IT support owns the chat (the bot is silent)
    var typingSent = 0;
    var waiting = [];  // typed before Rasa confirmed the session: sent once it has an id

    function showTyping(text, seconds) {
      clearTimeout(typingTimer);
      ui.typing.textContent = text || "";
      if (text) { typingTimer = setTimeout(function () { showTyping(""); }, seconds * 1000); }
    }

    function updateStatus(entry) {
      if (entry.who === "customer") { return; }
      if ((entry.sender === "agent" || entry.sender === "system") && entry.agentName) {
        withPerson = true;
        ui.status.textContent = "You are chatting with " + entry.agentName + ", a person from IT support.";
      } else if (entry.sender !== "agent" && entry.sender !== "system") {
        withPerson = false;  // the bot only speaks when no person owns the chat
        ui.status.textContent = "You are chatting with a bot.";
      }
      ui.root.setAttribute("data-with-person", withPerson ? "1" : "0");
    }

    function render(entry) {
      var item = el("div", { "class": "itw-msg itw-" + (entry.who === "customer" ? "customer" : (entry.sender || "bot")) });
      item.appendChild(el("span", { "class": "itw-speaker" }, speakerOf(entry) + ": "));
      item.appendChild(entry.who === "customer" ? el("span", { "class": "itw-text" }, entry.text)
        : textWithLinks(entry.text));
      ui.log.appendChild(item);
      ui.log.scrollTop = ui.log.scrollHeight;
      updateStatus(entry);
    }

    function showReplies(buttons) {
      ui.replies.textContent = "";
      (buttons || []).forEach(function (b) {
        var button = el("button", { type: "button", "class": "itw-reply" }, b.title);
        button.addEventListener("click", function () { sendText(b.payload, b.title); });
        ui.replies.appendChild(button);
      });
    }

    function add(entry) { remember(entry); render(entry); }

    function sendText(payload, shown) {
      var text = String(payload || "").trim();
      if (!text) { return; }
      add({ who: "customer", text: shown || text });
      showReplies([]);
      if (sessionId) { socket.emit("user_uttered", { message: text, session_id: sessionId }); }
      else { waiting.push(text); }
      if (!withPerson) { showTyping("The assistant is typing…", 15); }
    }

    history().forEach(render);

    socket.on("connect", function () {
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", function (id) {
      var confirmed = typeof id === "string" ? id : (id && id.session_id);
      if (confirmed) { sessionId = confirmed; localStorage.setItem(SESSION_KEY, confirmed); }
      ui.root.setAttribute("data-session", sessionId || "");
      if (!sessionId) { return; }
      waiting.splice(0).forEach(function (text) {
        socket.emit("user_uttered", { message: text, session_id: sessionId });
      });
    });
    socket.on("bot_uttered", function (message) {
      showTyping("");
      var meta = (message && message.metadata) || {};
      if (message && message.text) {
        add({ who: "bot", text: message.text, sender: meta.sender || "bot", agentName: meta.agent_name || null });
      }
      var buttons = (message && (message.quick_replies || message.buttons)) || [];
      // A later message of the same bot turn without buttons (the privacy notice) keeps the offered
      // choices; the customer's next message or a person joining clears them.
      if (buttons.length) { showReplies(buttons); }
      else if (meta.sender && meta.sender !== "bot") { showReplies([]); }
    });
    socket.on("agent_typing", function (data) {
      var name = data && typeof data.name === "string" ? data.name : "";
      if (name && (!data || data.typing !== false)) { showTyping(name + " is typing…", 6); }
      else { showTyping(""); }
    });
    ui.input.addEventListener("input", function () {
      // Tell the agent (not the bot) that the customer is typing, at most every 2.5 seconds.
      if (withPerson && ui.input.value && Date.now() - typingSent > 2500) {
        typingSent = Date.now();
        socket.emit("user_typing", { session_id: sessionId });
      }
    });

    ui.onSubmit = function () {
      var text = ui.input.value;
      ui.input.value = "";
      sendText(text);
      ui.input.focus();
    };
  }

  function init() {
    loadStyles();
    var ui = build();
    function open(on) {
      if (on) { ui.panel.removeAttribute("hidden"); ui.input.focus(); }
      else { ui.panel.setAttribute("hidden", ""); ui.toggle.focus(); }
      ui.toggle.setAttribute("aria-expanded", on ? "true" : "false");
      sessionStorage.setItem("itsupport.open", on ? "1" : "0");
    }
    ui.toggle.addEventListener("click", function () { open(ui.panel.hasAttribute("hidden")); });
    ui.close.addEventListener("click", function () { open(false); });
    ui.panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { open(false); } });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();  // never navigate, even before the chat is connected
      if (ui.onSubmit) { ui.onSubmit(); }
    });
    if (sessionStorage.getItem("itsupport.open") === "1") { open(true); }
    loadSocketIo(function (error) {
      if (error) { ui.status.textContent = "Chat is not available right now. Please try again later."; return; }
      var socket = window.io(rasaUrl, { path: "/socket.io", transports: ["websocket"] });
      start(ui, socket);
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
