// Live meeting pages: member (phone), hall screen and staff console. State comes over a WebSocket;
// on every (re)connect the server sends the whole state recomputed from the database.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root) return;
  var view = root.dataset.live;
  var L = JSON.parse(document.getElementById("live-labels").textContent);
  var state = JSON.parse(document.getElementById("live-state").textContent);
  var socket = null, retry = 0, pending = {}, draft = {}, confirmStep = null, clockSkew = 0;
  var MARKS = ["yes", "no", "abstain"];

  function $(sel) { return root.querySelector(sel); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function setText(sel, text) { root.querySelectorAll(sel).forEach(function (n) { n.textContent = text; }); }

  function connect() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(proto + location.host + root.dataset.ws);
    socket.onopen = function () { retry = 0; root.dataset.connected = "1"; setText("[data-conn]", L.online); };
    socket.onclose = function () {
      root.dataset.connected = "0"; setText("[data-conn]", L.offline);
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 300 * retry);
    };
    socket.onmessage = function (e) { handle(JSON.parse(e.data)); };
  }

  function handle(msg) {
    if (msg.type === "state") {
      var me = state.me;
      state = msg.state;
      if (!state.me && me) {
        // Broadcasts carry the public state; keep this member's own part unless the poll changed.
        state.me = me;
        var pollId = state.poll && state.poll.id;
        if (me.poll_id !== pollId) { state.me.voted = false; state.me.receipt = null; }
      }
      if (state.me) state.me.poll_id = state.poll && state.poll.id;
      if (state.server_time) clockSkew = Date.parse(state.server_time) - Date.now();
      render();
    } else if (msg.type === "progress") {
      if (msg.attendance) state.attendance = msg.attendance;
      if (msg.poll && state.poll && state.poll.id === msg.poll.id) state.poll.voted = msg.poll.voted;
      renderCounters();
    } else if (msg.type === "ack") {
      delete pending[msg.key];
      state.me.voted = true; state.me.receipt = msg.receipt; confirmStep = null;
      render();
    } else if (msg.type === "error") {
      delete pending[msg.key];
      var box = $("[data-error]");
      if (box) { box.textContent = msg.message; box.hidden = false; }
      confirmStep = null; renderPoll();
    }
  }

  function renderCounters() {
    var a = state.attendance;
    if (a) {
      setText("[data-count=entitled]", a.entitled);
      setText("[data-count=present]", a.present);
      setText("[data-count=leave]", a.leave);
      setText("[data-count=absent]", a.absent);
    }
    if (state.quorum) setText("[data-quorum]", state.quorum.message);
    var p = state.poll;
    setText("[data-voted]", p && p.voted !== undefined ? L.voted.replace("%(x)s", p.voted).replace("%(y)s", p.entitled) : "");
  }

  function resultNode(p, big) {
    var r = p.result;
    var box = el("div", { class: "renda-result" + (big ? " renda-result-big" : "") });
    var passed = r.kind === "motion" || r.kind === "list" ? r.passed : null;
    var head = el("div", { class: "renda-outcome " + (r.void ? "bad" : passed === false ? "bad" : "good"),
                           "data-outcome": "1", text: p.outcome });
    box.appendChild(head);
    var table = el("table", { class: "table table-sm renda-result-table" });
    var thead = el("tr", {}, [el("th", { text: r.kind === "motion" ? "" : L.option }),
      el("th", { text: L.yes }), el("th", { text: L.no }), el("th", { text: L.abstain })]);
    table.appendChild(el("thead", {}, [thead]));
    var tbody = el("tbody");
    r.options.forEach(function (o) {
      tbody.appendChild(el("tr", {}, [el("td", { text: o.label || p.title }), el("td", { text: String(o.yes) }),
        el("td", { text: String(o.no) }), el("td", { text: String(o.abstain) })]));
    });
    table.appendChild(tbody);
    box.appendChild(table);
    box.appendChild(el("p", { class: "renda-basis", text: L.basis.replace("%(base)s", r.base)
      .replace("%(ballots)s", r.ballots).replace("%(not_voted)s", r.not_voted).replace("%(threshold)s", r.threshold || "—") }));
    box.appendChild(el("p", { class: "renda-basis", text: r.rule.text + "（" + r.rule.source + "）" }));
    (r.notes || []).forEach(function (n) { box.appendChild(el("p", { class: "renda-basis", text: n })); });
    return box;
  }

  function countdownText(p) {
    if (!p || p.status !== "open" || !p.closes_at) return "";
    var left = Math.max(0, Math.round((Date.parse(p.closes_at) - (Date.now() + clockSkew)) / 1000));
    return L.countdown.replace("%(s)s", left);
  }

  function tickCountdown() { setText("[data-countdown]", countdownText(state.poll)); }

  function render() {
    setText("[data-item]", state.item ? state.item.order + ". " + state.item.title : L.no_item);
    setText("[data-sitting]", state.sitting ? state.sitting.title + " · " + state.sitting.status_label : "");
    renderCounters();
    renderPoll();
    tickCountdown();
  }

  function renderPoll() {
    var area = $("[data-poll]");
    if (!area) return;
    area.innerHTML = "";
    var p = state.poll;
    if (!p) { area.appendChild(el("p", { class: "renda-empty", text: L.no_poll })); return; }
    area.appendChild(el("h2", { class: "renda-poll-title", text: p.title }));
    area.appendChild(el("p", { class: "renda-poll-meta", text: p.kind_label + (p.secret ? " · " + L.secret : "") +
      (p.kind === "election" || p.kind === "choice" ? " · " + L.seats.replace("%(n)s", p.seats) : "") + " · " + p.status_label }));
    if (p.status === "open") {
      area.appendChild(el("p", { class: "renda-countdown", "data-countdown": "1" }));
      if (view !== "member") {
        area.appendChild(el("p", { class: "renda-voted", "data-voted": "1" }));
      } else if (state.me && state.me.voting && !state.me.voted) {
        area.appendChild(ballotForm(p));
      } else if (state.me && state.me.voted) {
        area.appendChild(el("div", { class: "alert alert-success renda-receipt", "data-receipt": state.me.receipt || "",
          text: L.receipt.replace("%(code)s", state.me.receipt || "") }));
      }
    } else if (p.result) {
      area.appendChild(resultNode(p, view === "screen"));
      if (view === "member" && state.me && state.me.receipt) {
        area.appendChild(el("p", { class: "small text-muted", text: L.receipt.replace("%(code)s", state.me.receipt) }));
      }
      if (root.dataset.receipts) {
        area.appendChild(el("a", { class: "btn btn-outline-secondary renda-touch", href: root.dataset.receipts.replace("0", p.id), text: L.receipts }));
      }
    }
    renderCounters();
  }

  function markButtons(key, current, onPick) {
    var group = el("div", { class: "renda-marks", role: "group" });
    MARKS.forEach(function (m) {
      var b = el("button", { type: "button", class: "btn renda-vote renda-vote-" + m + (current === m ? " active" : ""),
        "data-mark": m, "data-key": key, "aria-pressed": current === m ? "true" : "false", text: L[m] });
      b.addEventListener("click", function () { onPick(m); });
      group.appendChild(b);
    });
    return group;
  }

  function ballotForm(p) {
    var box = el("div", { class: "renda-ballot" });
    if (!draft.poll || draft.poll !== p.id) draft = { poll: p.id, m: {}, w: [], p: [] };
    var err = el("div", { class: "alert alert-danger", "data-error": "1", hidden: "hidden" });
    box.appendChild(err);
    if (confirmStep) {
      box.appendChild(el("p", { class: "renda-confirm-text", text: L.confirm_q }));
      box.appendChild(el("p", { class: "renda-confirm-choice", "data-confirm-choice": "1", text: describe(p) }));
      var ok = el("button", { type: "button", class: "btn btn-renda btn-lg w-100 renda-touch mb-2", "data-action": "confirm", text: L.confirm });
      ok.addEventListener("click", function () { send(p); });
      var back = el("button", { type: "button", class: "btn btn-outline-secondary btn-lg w-100 renda-touch", "data-action": "back", text: L.back });
      back.addEventListener("click", function () { confirmStep = null; renderPoll(); });
      box.appendChild(ok); box.appendChild(back);
      return box;
    }
    if (p.kind === "motion") {
      box.appendChild(markButtons("v", null, function (m) { draft.v = m; confirmStep = true; renderPoll(); }));
      return box;
    }
    if (p.kind === "choice") {
      box.appendChild(el("p", { class: "small", text: L.pick.replace("%(n)s", p.seats) }));
      p.options.forEach(function (o) {
        var on = draft.p.indexOf(o.key) >= 0;
        var b = el("button", { type: "button", class: "btn renda-pick w-100 mb-2" + (on ? " active" : ""), "aria-pressed": on ? "true" : "false", "data-option": o.key, text: (on ? "✓ " : "") + o.label });
        b.addEventListener("click", function () {
          var i = draft.p.indexOf(o.key);
          if (i >= 0) draft.p.splice(i, 1); else if (draft.p.length < p.seats) draft.p.push(o.key);
          renderPoll();
        });
        box.appendChild(b);
      });
    } else {
      p.options.forEach(function (o) {
        box.appendChild(el("div", { class: "renda-option-label", text: o.label }));
        box.appendChild(markButtons(o.key, draft.m[o.key], function (m) { draft.m[o.key] = m; renderPoll(); }));
      });
      if (p.kind === "election") {
        var wi = el("input", { type: "text", class: "form-control form-control-lg mt-2", maxlength: "30", placeholder: L.write_in, "aria-label": L.write_in, "data-write-in": "1" });
        wi.value = draft.w[0] || "";
        wi.addEventListener("input", function () { draft.w = wi.value.trim() ? [wi.value.trim()] : []; });
        box.appendChild(wi);
      }
    }
    var next = el("button", { type: "button", class: "btn btn-renda btn-lg w-100 renda-touch mt-3", "data-action": "next", text: L.next });
    next.addEventListener("click", function () {
      if (p.kind !== "choice" && Object.keys(draft.m).length !== p.options.length) { err.textContent = L.incomplete; err.hidden = false; return; }
      if (p.kind === "choice" && !draft.p.length) { err.textContent = L.incomplete; err.hidden = false; return; }
      confirmStep = true; renderPoll();
    });
    box.appendChild(next);
    return box;
  }

  function describe(p) {
    if (p.kind === "motion") return L[draft.v];
    var label = {};
    p.options.forEach(function (o) { label[o.key] = o.label; });
    if (p.kind === "choice") return draft.p.map(function (k) { return label[k]; }).join("、");
    var parts = p.options.map(function (o) { return o.label + "：" + L[draft.m[o.key]]; });
    if (draft.w.length) parts.push(L.write_in + "：" + draft.w.join("、"));
    return parts.join("；");
  }

  function send(p) {
    var choice = p.kind === "motion" ? { v: draft.v } : p.kind === "choice" ? { p: draft.p } : { m: draft.m, w: draft.w };
    var key = draft.key || (draft.key = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2));
    pending[key] = true;
    if (socket && socket.readyState === 1) {
      socket.send(JSON.stringify({ action: "cast", poll: p.id, choice: choice, key: key }));
    } else {
      // Without the socket, the same cast goes through the API (same idempotency key).
      fetch(root.dataset.api.replace("0", p.id), { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
        body: JSON.stringify({ choice: choice, idempotency_key: key }) })
        .then(function (r) { return r.json().then(function (d) { return [r.ok, d]; }); })
        .then(function (x) { handle(x[0] ? { type: "ack", key: key, receipt: x[1].receipt } : { type: "error", key: key, message: x[1].detail }); });
    }
  }

  render();
  connect();
  setInterval(tickCountdown, 1000);
})();
