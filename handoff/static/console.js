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
      var shown = $("type-filter") ? $("type-filter").value : "all";
      data.tickets = data.tickets.filter(function (t) { return shown === "all" || (t.ticket_type || "incident") === shown; });
      data.tickets.forEach(function (t) { if (names.indexOf(t.queue) < 0) { names.push(t.queue); } });
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
      if (!data.tickets.length) { list.appendChild(el("p", "Nobody is waiting.")); }
      $("queue-summary").textContent = "Your queues: " + data.me.queues.join(", ") + ". " + waiting + " waiting.";
      document.title = (waiting ? "(" + waiting + ") " : "") + "IT support console";
    });
  }

  // A new handoff (or a transfer to me or my queue): a visible alert, the page title, a desktop
  // notification when allowed.
  var noticeTicket = null;
  function notify(text, ticketId) {
    if ($("presence").value !== "online") { say(text); return; }  // away: no alert, just the status line
    noticeTicket = ticketId;
    $("notice-text").textContent = text;
    $("notice").hidden = false;
    say(text);
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

  function renderMessage(m) {
    var row = el("div", null, "msg msg-" + m.role);
    var who = m.role === "customer" ? "Customer" : m.role === "bot" ? "Bot" : (m.author || m.role);
    row.appendChild(el("span", who + " · " + new Date(m.timestamp).toLocaleTimeString() + ": ", "who"));
    row.appendChild(el("span", m.text, "text"));
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
    t.transcript.forEach(renderMessage);
    var details = $("details");
    details.textContent = "";
    [["Customer", (t.customer.name || "") + " " + (t.customer.email || "") + " (" + t.channel + ")"],
     ["Summary", t.summary], ["Category", t.category || "—"], ["Reason", t.reason],
     ["Type", t.ticket_type === "request" ? "Request: " + (t.request_type || "") + (t.due_time ? ", due " + t.due_time : "") : "Incident"],
     ["Language", t.language || "en"],
     ["Queue", queueLabel(t)], ["Priority", t.priority], ["Contact time", t.contact_time || "—"],
     ["Handoff time", t.handoff_time], ["First response", t.first_agent_response_time || "—"],
     ["Agent", t.assigned_agent || "—"], ["Resolution", t.resolution_notes || "—"],
     ["Callback", t.callback ? JSON.stringify(t.callback) : "—"],
     ["Satisfaction", t.satisfaction_rating ? t.satisfaction_rating + "/5 " + (t.satisfaction_comment || "") : "—"]
    ].forEach(function (pair) { details.appendChild(el("dt", pair[0])); details.appendChild(el("dd", pair[1])); });
    var actions = $("actions-taken");
    actions.textContent = "";
    t.actions_taken.forEach(function (a) {
      var text = a.type === "kb_article"
        ? "KB article: " + (a.title || a.doc_id || "?") + (a.helped === true ? " (helped)" : a.helped === false ? " (did not help)" : "")
        : a.type === "diagnostic_step" ? "Diagnostic step: " + (a.title || a.step || a.step_id || "?") + (a.result ? " → " + a.result : "")
        : JSON.stringify(a);
      actions.appendChild(el("li", text));
    });
    if (!t.actions_taken.length) { actions.appendChild(el("li", "Nothing tried yet.")); }
    var notes = $("notes-list");
    notes.textContent = "";
    t.notes.forEach(function (n) { notes.appendChild(el("li", n.author + ": " + n.text)); });
  }

  function openTicket(id) {
    return api("GET", "/console/api/tickets/" + id).then(renderTicket).catch(function (e) { say(e.message); });
  }

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
      $("reply-status").textContent = r.delivered ? "Sent." : "Saved, but not delivered to the customer's chat.";
    });
  });
  var typingSent = 0;
  $("reply").addEventListener("input", function () {
    // Others (and the customer, once the chat is mine) see "<name> is typing…"; at most every 2.5 s.
    if (current && $("reply").value && Date.now() - typingSent > 2500) {
      typingSent = Date.now();
      api("POST", "/console/api/tickets/" + current.ticket_id + "/typing", {}).catch(function () {});
    }
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
      if (current && data.ticket && data.ticket.ticket_id === current.ticket_id) { openTicket(current.ticket_id); }
      if (current && data.type === "note" && data.ticket_id === current.ticket_id) { openTicket(current.ticket_id); }
      loadQueue();
    };
    ws.onopen = function () { document.body.dataset.live = "1"; loadQueue(); };
    if ($("type-filter") && !$("type-filter").dataset.bound) {
      $("type-filter").dataset.bound = "1";
      $("type-filter").addEventListener("change", loadQueue);
    }
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
