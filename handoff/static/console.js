// Agent console. Every piece of customer or agent text is put on the page with textContent.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var me = document.getElementById("me").dataset;
  var current = null;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function api(method, path, body) {
    var options = { method: method, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" };
    if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    return fetch(path, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { throw new Error(data.error || ("HTTP " + r.status)); }
        return data;
      });
    });
  }

  function say(text) { $("live").textContent = text; }

  function ticketButton(t) {
    var item = el("li", null, t.priority === "high" ? "high" : "");
    var button = el("button", null, "ticket");
    button.type = "button";
    button.dataset.ticket = t.ticket_id;
    var label = "#" + t.ticket_id + " · " + t.status + " · " + t.priority + " · " + t.escalation_type +
      (t.assigned_agent ? " · " + t.assigned_agent : "") +
      (t.status === "waiting" ? " · place " + t.queue_position + " · waited " + Math.round(t.waited_minutes) + " min" : "");
    // Request or incident, and the customer's language when it is not English (issue 12).
    button.appendChild(el("span", t.ticket_type === "request" ? "Request" : "Incident", "badge badge-" + (t.ticket_type || "incident")));
    if (t.language) { button.appendChild(el("span", t.language.toUpperCase(), "badge badge-language")); }
    button.appendChild(el("span", label, "meta"));
    button.appendChild(el("span", t.summary || "(no summary)", "summary"));
    if (unread[t.ticket_id]) {
      item.className += " unread";
      button.appendChild(el("span", unread[t.ticket_id] + " new", "badge"));
    }
    if (current && current.ticket_id === t.ticket_id) { button.setAttribute("aria-current", "true"); }
    button.addEventListener("click", function () { openTicket(t.ticket_id); });
    item.appendChild(button);
    return item;
  }

  // "network · technical escalation": who works it, and what kind of escalation it is.
  function queueLabel(t) { return t.queue + " · " + t.escalation_type + " escalation"; }

  // Tickets arrive ordered by priority, then longest wait; they are grouped by skill queue (`queue`, not the escalation type).
  function loadQueue() {
    return api("GET", "/console/api/queue").then(function (data) {
      var list = $("queue-list");
      list.textContent = "";
      var names = data.queues.map(function (q) { return q.queue; });
      data.tickets.forEach(function (t) { if (names.indexOf(t.queue) < 0) { names.push(t.queue); } });
      addChannels(data.tickets);
      var allTickets = data.tickets;
      data = { queues: data.queues, me: data.me, tickets: data.tickets.filter(matchesFilters) };
      var waiting = 0;
      names.forEach(function (name) {
        var tickets = data.tickets.filter(function (t) { return t.queue === name; });
        var info = data.queues.filter(function (q) { return q.queue === name; })[0];
        var count = tickets.filter(function (t) { return t.status === "waiting"; }).length;
        waiting += count;
        if (!tickets.length) { return; }
        var section = el("section");
        section.dataset.queue = name;
        var online = info ? ", " + info.agents_online + (info.agents_online === 1 ? " agent" : " agents") + " online" : "";
        section.appendChild(el("h3", "Queue " + name + " (" + count + " waiting" + online + ")"));
        var ul = el("ul");
        tickets.forEach(function (t) { ul.appendChild(ticketButton(t)); });
        section.appendChild(ul);
        list.appendChild(section);
      });
      if (!data.tickets.length) {
        list.appendChild(el("p", allTickets.length ? "No ticket matches these filters." : "Nobody is waiting."));
      }
      shown = data.tickets.map(function (t) { return t.ticket_id; });
      $("queue-summary").textContent = "Your queues: " + data.me.queues.join(", ") + ". " + waiting + " waiting.";
      document.title = (waiting ? "(" + waiting + ") " : "") + "IT support console";
      if (queueFailed) { queueFailed = false; say("The queue is up to date again."); }
    }).catch(function (e) {
      // e.g. 503 while the ticket database restarts: say so, keep the last queue on screen, retry.
      queueFailed = true;
      say("The queue could not be loaded: " + e.message + " Trying again in 5 seconds.");
      clearTimeout(queueRetry);
      queueRetry = setTimeout(loadQueue, 5000);
    });
  }
  var queueFailed = false;
  var queueRetry = null;

  // A new handoff (or a transfer to me or my queue): a visible alert, the page title, a desktop
  // notification when allowed.
  var noticeTicket = null;
  function notify(text, ticketId) {
    if ($("presence").value !== "online") { say(text); return; }  // away: no alert, just the status line
    noticeTicket = ticketId;
    $("notice-text").textContent = text;
    $("notice").hidden = false;
    say(text);
    chime();
    if (window.Notification && Notification.permission === "granted") {
      try { new Notification(text, { tag: "handoff-" + ticketId }); } catch (e) { /* the alert above is enough */ }
    }
  }
  $("notice-open").addEventListener("click", function () {
    $("notice").hidden = true;
    if (noticeTicket) { openTicket(noticeTicket); }
  });
  $("notice-dismiss").addEventListener("click", function () { $("notice").hidden = true; });
  if (window.Notification && Notification.permission === "default") {
    $("enable-alerts").hidden = false;
    $("enable-alerts").addEventListener("click", function () {
      Notification.requestPermission().then(function (p) { $("enable-alerts").hidden = p !== "default"; });
    });
  }

  // A customer's file arrives as its web address (bot/channels/attachments.py): show http(s) ones as links.
  // Text stays text (textContent); only the address becomes an <a>, opened without access to this page.
  function linkified(text) {
    var span = el("span", null, "text");
    String(text).split(/(https?:\/\/[^\s\]]+)/).forEach(function (part, index) {
      if (index % 2 === 0) { if (part) { span.appendChild(document.createTextNode(part)); } return; }
      var link = el("a", part);
      link.href = part;
      link.target = "_blank";
      link.rel = "noopener noreferrer nofollow";
      span.appendChild(link);
    });
    return span;
  }

  function renderMessage(m) {
    var row = el("div", null, "msg msg-" + m.role);
    var who = m.role === "customer" ? "Customer" : m.role === "bot" ? "Bot" : (m.author || m.role);
    row.appendChild(el("span", who + " · " + new Date(m.timestamp).toLocaleTimeString() + ": ", "who"));
    row.appendChild(linkified(m.text));
    if (m.delivery_status === "failed") {
      row.appendChild(el("span", " — not delivered: " + (m.delivery_error || "unknown reason"), "not-delivered"));
    }
    $("transcript").appendChild(row);
    $("transcript").scrollTop = $("transcript").scrollHeight;
  }

  function fileSize(bytes) {
    if (bytes < 1024) { return bytes + " bytes"; }
    if (bytes < 1024 * 1024) { return (bytes / 1024).toFixed(1) + " KB"; }
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  /* A file the customer sent, stored with the ticket: a download link (the service sends it as an
     attachment, never shown inline), with its checked type and size. The name is text (textContent). */
  function renderAttachment(a) {
    var row = el("div", null, "msg msg-customer msg-file");
    row.appendChild(el("span", "Customer · " + new Date(a.received_at).toLocaleTimeString() + ": sent a file ", "who"));
    var link = el("a", a.name);
    link.href = "/console/tickets/" + a.ticket_id + "/files/" + encodeURIComponent(a.id);
    link.setAttribute("download", a.name);
    link.rel = "noopener noreferrer nofollow";
    row.appendChild(link);
    row.appendChild(el("span", " (" + a.content_type.split(";")[0] + ", " + fileSize(a.size) + ")", "file-meta"));
    $("transcript").appendChild(row);
    $("transcript").scrollTop = $("transcript").scrollHeight;
  }

  function renderTicket(t) {
    current = t;
    $("ticket-title").textContent = "Ticket #" + t.ticket_id + " (" + t.status + ")";
    $("ticket-actions").hidden = false;
    $("claim").hidden = !(t.status === "waiting" || t.status === "offline");
    $("export-html").href = "/console/tickets/" + t.ticket_id + "/transcript.html";
    $("export-json").href = "/console/tickets/" + t.ticket_id + "/transcript.json";
    var mine = t.status === "assigned" && (t.assigned_agent_id === Number(me.id) || me.role === "supervisor");
    $("reply-form").hidden = !mine;
    $("close-form").hidden = !mine;
    $("note-form").hidden = false;
    $("transcript").textContent = "";
    // Messages and files in the order they came.
    t.transcript.map(function (m) { return [m.timestamp, renderMessage, m]; })
      .concat((t.attachments || []).map(function (a) { return [a.received_at, renderAttachment, a]; }))
      .sort(function (x, y) { return new Date(x[0]) - new Date(y[0]); })
      .forEach(function (item) { item[1](item[2]); });
    var details = $("details");
    details.textContent = "";
    renderCustomer(t);
    [["Summary", t.summary], ["Category", t.category || "—"], ["Reason", t.reason],
      ["Type", t.ticket_type === "request" ? "Request: " + (t.request_type || "") + (t.due_time ? ", due " + when(t.due_time) : "") : "Incident"],
      ["Language", t.language || "en"],
      ["Queue", queueLabel(t)], ["Priority", t.priority], ["Contact time", when(t.contact_time)],
      ["Handoff time", when(t.handoff_time)], ["First response", when(t.first_agent_response_time)],
     ["Agent", t.assigned_agent || "—"], ["Resolution", t.resolution_notes || "—"],
     ["Callback", t.callback ? JSON.stringify(t.callback) : "—"],
     ["Satisfaction", t.satisfaction_rating ? t.satisfaction_rating + "/5 " + (t.satisfaction_comment || "") : "—"]
    ].forEach(function (pair) { details.appendChild(el("dt", pair[0])); details.appendChild(el("dd", pair[1])); });
    var actions = $("actions-taken");
    actions.textContent = "";
    t.actions_taken.forEach(function (a) { actions.appendChild(renderAction(a)); });
    if (!t.actions_taken.length) { actions.appendChild(el("li", "Nothing tried yet.")); }
    var notes = $("notes-list");
    notes.textContent = "";
    t.notes.forEach(function (n) { notes.appendChild(el("li", n.author + ": " + n.text)); });
  }

  function when(iso) { return iso ? new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "—"; }

  function pairs(list, into) {
    into.textContent = "";
    list.forEach(function (pair) { into.appendChild(el("dt", pair[0])); into.appendChild(el("dd", pair[1])); });
  }

  /* Who the customer is: name, email, channel and user id, their earlier tickets, a repeat-contact flag. */
  function renderCustomer(t) {
    var c = t.customer || {};
    pairs([["Name", c.name || "Not given"], ["Email", c.email || "Not given"], ["Channel", t.channel],
           ["User id", c.channel_user_id || "—"]], $("customer"));
    var flag = $("repeat-flag");
    flag.hidden = !t.repeat_of;
    flag.textContent = t.repeat_of
      ? "Repeat contact: same problem as ticket " + t.repeat_of + " in the last 30 days." : "";
    var list = $("history");
    list.textContent = "";
    (t.earlier_tickets || []).forEach(function (h) {
      var li = el("li", "");
      li.appendChild(el("strong", "#" + h.ticket_id + " · " + String(h.opened).slice(0, 10) + " · " + h.outcome));
      li.appendChild(el("div", h.summary || h.category || ""));
      if (h.resolution_notes) { li.appendChild(el("div", "Notes: " + h.resolution_notes, "muted")); }
      list.appendChild(li);
    });
    if (!list.children.length) { list.appendChild(el("li", "None: this is their first ticket.")); }
  }

  var HELPED = { "true": "helped", "false": "did not help", "null": "no answer yet" };

  function words(id) {
    var text = String(id || "").replace(/[_-]+/g, " ").trim();
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : "Step";
  }

  /* One troubleshooting entry: a script step by title with its question and the customer's answer,
     or a KB article with whether it helped. Text only (textContent), never HTML. */
  function renderAction(a) {
    var li = el("li", "");
    if (a.type === "diagnostic_step") {
      li.className = "step";
      li.appendChild(el("strong", (a.script_title || words(a.script_id)) + " — " + (a.step_title || words(a.node_id))));
      if (a.question) { li.appendChild(el("div", "Asked: " + a.question)); }
      li.appendChild(el("div", "Customer: " + (a.answer ? "\u201c" + a.answer + "\u201d" : "(no answer)") +
        " — " + (a.result_label || words(a.result))));
    } else if (a.type === "kb_article") {
      li.className = "article";
      li.appendChild(el("strong", "Help article: " + (a.title || a.doc_id || "untitled")));
      li.appendChild(el("div", "Customer said it " + HELPED[String(a.helped === undefined ? null : a.helped)]));
    } else {
      li.textContent = (a.type ? words(a.type) + ": " : "") + (a.title || a.text || JSON.stringify(a));
    }
    return li;
  }

  function openTicket(id) {
    saveDraft();
    delete unread[id];
    var switching = !current || current.ticket_id !== id;
    return api("GET", "/console/api/tickets/" + id).then(function (t) {
      renderTicket(t);
      if (switching) { restoreDraft(); loadQueue(); loadSuggestions(); }
      Array.prototype.forEach.call(document.querySelectorAll("#suggestions button, #script-suggestions button"), function (b) {
        b.hidden = $("reply-form").hidden;  // sending needs the chat to be yours
      });
    }).catch(function (e) { say(e.message); });
  }

  // One suggested article or guide: its page (new tab), a line about it, and a button that sends the
  // customer `message` followed by the page's address (only while the chat is the agent's own).
  function suggestion(title, path, detail, buttonText, buttonLabel, message, sentText) {
    var li = el("li", "", "suggestion");
    var link = el("a", title);
    link.href = path; link.target = "_blank"; link.rel = "noopener";
    li.appendChild(link);
    li.appendChild(el("div", detail, "muted"));
    var send = el("button", buttonText);
    send.type = "button";
    send.setAttribute("aria-label", buttonLabel);
    send.hidden = $("reply-form").hidden;
    send.addEventListener("click", function () {
      act("/messages", { text: message + location.origin + path },
        function (r) { say(r.delivered ? sentText : "Saved, but not delivered to the customer."); });
    });
    li.appendChild(send);
    return li;
  }

  // ---- knowledge at hand: articles that fit the conversation, sent in one click -------------------
  function loadSuggestions() {
    if (!current) { return; }
    var list = $("suggestions"), id = current.ticket_id;
    list.textContent = "";
    list.appendChild(el("li", "Looking for articles…", "muted"));
    api("GET", "/console/api/tickets/" + id + "/suggestions").then(function (data) {
      if (!current || current.ticket_id !== id) { return; }
      list.textContent = "";
      data.articles.forEach(function (a) {
        list.appendChild(suggestion(a.title, a.link, a.answer, "Send link",
          "Send the article \u201c" + a.title + "\u201d to the customer",
          "This help article explains it step by step: " + a.title + " \u2014 ", "Article sent."));
      });
      if (!data.articles.length) { list.appendChild(el("li", "No article fits yet.", "muted")); }
      showScripts(data.scripts || []);
    }).catch(function (e) {
      list.textContent = "";
      list.appendChild(el("li", e.message, "muted"));
      showScripts([]);
    });
  }
  // A script's steps as a page the customer can follow at their own pace (the bot's own wording and why).
  function showScripts(scripts) {
    var list = $("script-suggestions");
    list.textContent = "";
    scripts.forEach(function (h) {
      list.appendChild(suggestion(h.title, h.link,
        (h.tried ? "The customer was in this script with the bot. " : "") + h.steps + " steps. " + h.summary,
        "Send guide", "Send the step-by-step guide \u201c" + h.title + "\u201d to the customer",
        "Here are the steps for \u201c" + h.title + "\u201d, with why each one matters. " +
          "You can follow them at your own pace: ", "Guide sent."));
    });
    if (!scripts.length) { list.appendChild(el("li", "No guide fits yet.", "muted")); }
  }
  $("refresh-suggestions").addEventListener("click", loadSuggestions);

  // ---- working fast: filters, unread markers, drafts, sound, keyboard ------------------------------
  var unread = {};
  var shown = [];
  var DRAFTS = "console-drafts";

  function drafts() {
    try { return JSON.parse(sessionStorage.getItem(DRAFTS) || "{}"); } catch (e) { return {}; }
  }
  function saveDraft() {
    if (!current) { return; }
    var all = drafts();
    if ($("reply").value) { all[current.ticket_id] = $("reply").value; } else { delete all[current.ticket_id]; }
    sessionStorage.setItem(DRAFTS, JSON.stringify(all));
  }
  function restoreDraft() {
    if (!current) { return; }
    $("reply").value = drafts()[current.ticket_id] || "";
    $("reply-status").textContent = $("reply").value ? "Draft kept from before." : "";
  }

  function addChannels(tickets) {
    var select = $("filter-channel");
    tickets.forEach(function (t) {
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === t.channel; });
      if (!known) { var o = el("option", t.channel); o.value = t.channel; select.appendChild(o); }
    });
  }

  function matchesFilters(t) {
    var want = {
      status: $("filter-status").value, priority: $("filter-priority").value, queue: $("filter-queue").value,
      channel: $("filter-channel").value, ticket_type: $("filter-type").value
    };
    for (var key in want) {
      if (want[key] && String(t[key] || (key === "ticket_type" ? "incident" : "")) !== want[key]) { return false; }
    }
    var words = $("filter-text").value.trim().toLowerCase();
    if (!words) { return true; }
    var c = t.customer || {};
    var hay = ["#" + t.ticket_id, String(t.ticket_id), t.summary, t.category, c.name, c.email, t.assigned_agent]
      .join(" ").toLowerCase();
    // A number ("12" or "#12") finds that ticket, not every ticket whose text holds the digits.
    return words.split(/\s+/).every(function (w) {
      var id = /^#?(\d+)$/.exec(w);
      return id ? String(t.ticket_id) === id[1] : hay.indexOf(w) >= 0;
    });
  }
  ["filter-status", "filter-priority", "filter-queue", "filter-channel", "filter-type"].forEach(function (id) {
    $(id).addEventListener("change", loadQueue);
  });
  $("filter-text").addEventListener("input", loadQueue);
  $("filters").addEventListener("submit", function (e) { e.preventDefault(); });

  // A short two-tone chime made on the spot (no sound file to download).
  var audio = null;
  function chime() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [660, 880].forEach(function (freq, i) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = freq;
        gain.gain.value = 0.08;
        osc.connect(gain); gain.connect(audio.destination);
        osc.start(audio.currentTime + i * 0.15); osc.stop(audio.currentTime + i * 0.15 + 0.12);
      });
      window.__chimes = (window.__chimes || 0) + 1;
    } catch (e) { /* no sound available: the visible alert is enough */ }
  }

  function move(step) {
    if (!shown.length) { return; }
    var at = current ? shown.indexOf(current.ticket_id) : -1;
    var next = shown[(at + step + shown.length) % shown.length];
    if (at < 0 && step < 0) { next = shown[shown.length - 1]; }
    openTicket(next);
  }

  function typingInField(target) {
    return target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.tagName === "SELECT");
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && typingInField(e.target)) { e.target.blur(); return; }
    if (e.target === $("reply") && e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      $("reply-form").requestSubmit();
      return;
    }
    if (typingInField(e.target) || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var visible = function (id) { return !$(id).hidden && !$(id).closest("[hidden]"); };
    var keys = {
      j: function () { move(1); },
      k: function () { move(-1); },
      c: function () { if (visible("claim")) { $("claim").click(); } },
      r: function () { if (visible("reply-form")) { $("reply").focus(); } },
      e: function () { if (visible("close-form")) { $("resolve").click(); } },
      b: function () { if (visible("close-form")) { $("handback").click(); } },
      ";": function () { if (visible("reply-form")) { $("canned-search").focus(); } },
      "/": function () { $("filter-text").focus(); }
    };
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  });

  function act(path, body, done) {
    if (!current) { return; }
    api("POST", "/console/api/tickets/" + current.ticket_id + path, body)
      .then(function (r) { if (done) { done(r); } return openTicket(current.ticket_id); })
      .then(loadQueue)
      .catch(function (e) { say(e.message); });
  }

  $("claim").addEventListener("click", function () { act("/claim", {}, function () { say("Claimed."); }); });
  $("reply-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("reply").value;
    if (!text.trim()) { return; }
    act("/messages", { text: text }, function (r) {
      $("reply").value = "";
      saveDraft();
      $("reply-status").textContent = r.delivered ? "Sent."
        : "Saved, but not delivered to the customer" + (r.message.delivery_error ? ": " + r.message.delivery_error + "." : "'s chat.");
    });
  });
  var typingSent = 0;
  $("reply").addEventListener("input", function () {
    saveDraft();
    // Others (and the customer, once the chat is mine) see "<name> is typing…"; at most every 2.5 s.
    if (current && $("reply").value && Date.now() - typingSent > 2500) {
      typingSent = Date.now();
      api("POST", "/console/api/tickets/" + current.ticket_id + "/typing", {}).catch(function () {});
    }
  });
  $("canned-search").addEventListener("input", function () {
    var words = $("canned-search").value.trim().toLowerCase();
    Array.prototype.forEach.call($("canned").options, function (o) {
      if (!o.value) { return; }
      o.hidden = words && (o.textContent + " " + o.dataset.text).toLowerCase().indexOf(words) < 0;
    });
  });
  $("canned-search").addEventListener("keydown", function (e) {
    if (e.key !== "Enter") { return; }
    e.preventDefault();
    var first = Array.prototype.filter.call($("canned").options, function (o) { return o.value && !o.hidden; })[0];
    if (first) { $("reply").value = first.dataset.text; $("canned-search").value = ""; $("reply").focus(); }
  });
  $("canned").addEventListener("change", function () {
    var option = $("canned").selectedOptions[0];
    if (option && option.value) { $("reply").value = option.dataset.text; $("reply").focus(); }
  });
  $("note-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("note").value;
    if (text.trim()) { act("/notes", { text: text }, function () { $("note").value = ""; }); }
  });
  $("resolve").addEventListener("click", function () { act("/resolve", { notes: $("notes").value }, function () { say("Resolved."); }); });
  $("handback").addEventListener("click", function () { act("/handback", { notes: $("notes").value }, function () { say("Handed back to the bot."); }); });
  $("transfer").addEventListener("click", function () {
    var target = $("transfer-to").value;
    var body = target.indexOf("queue:") === 0 ? { queue: target.slice(6) } : { username: target.slice(6) };
    act("/transfer", body, function () { say("Transferred."); });
  });
  $("presence").addEventListener("change", function () {
    api("POST", "/console/api/presence", { presence: $("presence").value }).then(function (r) { say("You are " + r.presence + "."); });
  });

  var typingTimer = null;
  function connect() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(proto + location.host + "/console/ws");
    ws.onmessage = function (event) {
      var data = JSON.parse(event.data);
      // Several handoff processes: updates from the others stopped (say so), or flow again (re-read all).
      if (data.type === "live_interrupted") { say(data.message + " The queue may be out of date."); return; }
      if (data.type === "resync") {
        say("Live updates are back; the queue was reloaded.");
        loadQueue();
        if (current) { openTicket(current.ticket_id); }
        return;
      }
      if (data.type === "ticket_created") {
        notify("New handoff: ticket #" + data.ticket.ticket_id + " in " + queueLabel(data.ticket) + " (" + data.ticket.priority + " priority" + (data.ticket.status === "offline" ? ", nobody was online" : "") + ")", data.ticket.ticket_id);
      }
      if (data.type === "ticket_transferred") {
        notify("Ticket #" + data.ticket.ticket_id + " was passed to " + (data.ticket.status === "assigned" ? "you" : "the " + data.ticket.queue + " queue") + " by " + data.by, data.ticket.ticket_id);
      }
      if (data.type === "typing") {
        if (current && data.ticket_id === current.ticket_id && data.user !== me.name) {
          $("typing").textContent = data.user + " is typing…";
          clearTimeout(typingTimer);
          typingTimer = setTimeout(function () { $("typing").textContent = ""; }, 5000);
        }
        return;
      }
      if (data.type === "message" && current && data.ticket_id === current.ticket_id && data.message.role === "customer") {
        $("typing").textContent = "";
      }
      if (data.type === "message" && current && data.ticket_id === current.ticket_id) {
        renderMessage(data.message);
        return;
      }
      if (data.type === "attachment") {
        if (current && data.ticket_id === current.ticket_id) { renderAttachment(data.attachment); return; }
        unread[data.ticket_id] = (unread[data.ticket_id] || 0) + 1;
      }
      if (data.type === "message" && data.message.role === "customer") {
        unread[data.ticket_id] = (unread[data.ticket_id] || 0) + 1;
      }
      if (current && data.ticket && data.ticket.ticket_id === current.ticket_id) { openTicket(current.ticket_id); }
      if (current && data.type === "note" && data.ticket_id === current.ticket_id) { openTicket(current.ticket_id); }
      loadQueue();
    };
    ws.onopen = function () { document.body.dataset.live = "1"; loadQueue(); };
    ws.onclose = function () { document.body.dataset.live = "0"; setTimeout(connect, 2000); };
  }

  api("GET", "/console/api/canned").then(function (data) {
    data.canned.forEach(function (c) {
      var option = el("option", c.title);
      option.value = String(c.id);
      option.dataset.text = c.text;
      $("canned").appendChild(option);
    });
  });
  api("GET", "/console/api/queue").then(function (data) {
    data.agents.forEach(function (a) {
      if (a.username === me.user) { return; }
      var option = el("option", "Agent: " + a.display_name + " (" + a.queues.join(", ") + ")");
      option.value = "agent:" + a.username;
      $("transfer-to").appendChild(option);
    });
  });
  loadQueue();
  connect();
})();
