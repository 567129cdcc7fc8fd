// The moderators' queue by keyboard: j/k move, a approves, r rejects with a reason, x selects, u undoes, ? helps.
// Forms work without this script. With it, a decision hides the item at once and is sent after a few seconds,
// so "u" (or the Undo button) can take it back; focus moves to the next item; the item being looked at is
// soft-claimed so colleagues see it; new items, counts and colleagues' claims arrive by polling.
(function () {
  "use strict";
  var list = document.getElementById("items");
  if (!list) return;
  var data = function (name) { return list.getAttribute("data-" + name); };
  var csrf = data("csrf");
  var who = document.querySelector(".who");
  var me = who ? who.getAttribute("data-name") : "";
  var undoMs = Math.max(0, parseInt(data("undo-seconds"), 10) || 0) * 1000;
  var archive = data("state") === "rejected" || data("state") === "published";
  var newest = parseInt(data("newest"), 10) || 0;
  var rejectDialog = document.getElementById("reject-dialog");
  var keysDialog = document.getElementById("keys-dialog");
  var bulkForm = document.getElementById("bulk-form");
  var status = document.createElement("div");
  status.className = "status";
  status.setAttribute("role", "status");
  list.parentNode.insertBefore(status, list);
  var pending = [];  // decisions not sent yet: {items, url, body, timer}
  var claimedAt = {};

  function items() { return Array.prototype.slice.call(list.querySelectorAll(".item:not([hidden])")); }
  function current() {
    var active = document.activeElement;
    var item = active && active.closest ? active.closest(".item") : null;
    return item && !item.hidden ? item : null;
  }
  function focusItem(item) {
    if (!item) { document.getElementById("main").focus(); return; }
    item.focus();
    item.scrollIntoView({block: "nearest"});
  }
  function move(step) {
    var all = items();
    if (!all.length) return;
    var index = all.indexOf(current());
    focusItem(all[Math.max(0, Math.min(all.length - 1, index < 0 ? 0 : index + step))]);
  }
  function post(url, body) {
    body.set("csrf_token", csrf);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin", keepalive: true,
      headers: {Accept: "application/json", "X-CSRF-Token": csrf}
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }
  function say(text, withUndo) {
    status.textContent = text + " ";
    if (withUndo) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = data("undo-label") + " (u)";
      button.addEventListener("click", undo);
      status.appendChild(button);
    }
  }
  function send(entry) {
    pending.splice(pending.indexOf(entry), 1);
    window.clearTimeout(entry.timer);
    return post(entry.url, entry.body).then(function () {
      entry.items.forEach(function (item) { item.remove(); });
      refresh();
    }).catch(function (error) {
      entry.items.forEach(function (item) { item.hidden = false; });
      say("⚠ " + error.message, false);
    });
  }
  function schedule(chosen, url, body, label) {
    var all = items();
    var next = all[all.indexOf(chosen[chosen.length - 1]) + 1] || all[all.indexOf(chosen[0]) - 1];
    chosen.forEach(function (item) { item.hidden = true; });
    var entry = {items: chosen, url: url, body: body};
    pending.push(entry);
    focusItem(next);
    say(data("done-label") + ": " + label, undoMs > 0);
    if (undoMs > 0) entry.timer = window.setTimeout(function () { send(entry); }, undoMs);
    else send(entry);
  }
  function undo() {
    var entry = pending.pop();
    if (!entry) return;
    window.clearTimeout(entry.timer);
    entry.items.forEach(function (item) { item.hidden = false; });
    say(data("undone-label") + ": " + entry.items.map(idOf).join(", "), false);
    focusItem(entry.items[0]);
  }
  function idOf(item) { return "#" + item.getAttribute("data-comment-id"); }
  function decide(item, action, reason) {
    var body = new URLSearchParams({action: action});
    if (reason) body.set("reason", reason);
    var url = item.querySelector("form." + action).getAttribute("action");  // not form.action: an input is named so
    schedule([item], url, body, idOf(item) + " " + (action === "approve" ? "✓" : "✗"));
  }
  function decideSelected(action, reason) {
    var chosen = items().filter(function (item) { return item.querySelector("input[name=ids]").checked; });
    if (!chosen.length) { say(data("none-label"), false); return; }
    var body = new URLSearchParams({action: action});
    if (reason) body.set("reason", reason);
    chosen.forEach(function (item) { body.append("ids", item.getAttribute("data-comment-id")); });
    schedule(chosen, bulkForm.getAttribute("action"), body, chosen.map(idOf).join(", ") + " " + (action === "approve" ? "✓" : "✗"));
  }
  function askReason(item) {
    rejectDialog.returnValue = "";
    rejectDialog.showModal();
    rejectDialog.addEventListener("close", function onClose() {
      rejectDialog.removeEventListener("close", onClose);
      if (rejectDialog.returnValue !== "reject") { item.focus(); return; }
      var chosen = rejectDialog.querySelector("input[name=dialog-reason]:checked");
      decide(item, "reject", chosen ? chosen.value : "other");
    });
  }
  function toggle(item) {
    var box = item.querySelector("input[name=ids]");
    box.checked = !box.checked;
  }
  function claim(item) {
    var id = item.getAttribute("data-comment-id");
    if (claimedAt[id] && Date.now() - claimedAt[id] < 60000) return;
    claimedAt[id] = Date.now();
    post(data("claim-url").replace("/0/", "/" + id + "/"), new URLSearchParams())
      .then(function (claim) { showClaim(item, claim.claimed_by); })
      .catch(function () {});
  }
  function showClaim(item, name) {
    var badge = item.querySelector("[data-claim]");
    if (!badge) return;
    badge.hidden = !name || name === me;
    badge.querySelector(".claimer").textContent = name || "";
  }
  function refresh() {
    var url = data("live-url") + (data("live-url").indexOf("?") < 0 ? "?" : "&") + "newer_than=" + newest;
    fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (live) { if (live) apply(live); })
      .catch(function () {});
  }
  function apply(live) {
    Object.keys(live.counts).forEach(function (name) {
      var badge = document.querySelector('[data-count="' + name + '"]');
      if (badge) badge.textContent = String(live.counts[name]);
    });
    list.querySelectorAll(".item").forEach(function (item) {
      showClaim(item, live.claims[item.getAttribute("data-comment-id")]);
    });
    if (!live["new"].length) return;
    var fragment = document.createRange().createContextualFragment(live.html);
    Array.prototype.slice.call(fragment.querySelectorAll(".item")).forEach(function (item) {
      if (list.querySelector('[data-comment-id="' + item.getAttribute("data-comment-id") + '"]')) return;
      if (archive) list.insertBefore(item, list.firstChild); else list.appendChild(item);
    });
    newest = Math.max.apply(null, [newest].concat(live["new"]));
    var empty = list.querySelector(".empty");
    if (empty) empty.remove();
    say(live["new"].length + " " + data("new-label"), pending.length > 0 && undoMs > 0);
  }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    var item = form.closest(".item");
    if (!item) return;
    event.preventDefault();
    var select = form.querySelector("select[name=reason]");
    decide(item, form.classList.contains("approve") ? "approve" : "reject", select ? select.value : null);
  });
  bulkForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var action = event.submitter ? event.submitter.value : "approve";
    decideSelected(action, action === "reject" ? document.getElementById("bulk-reason").value : null);
  });
  document.getElementById("select-all").addEventListener("change", function (event) {
    items().forEach(function (item) { item.querySelector("input[name=ids]").checked = event.target.checked; });
  });
  list.addEventListener("focusin", function (event) {
    var item = event.target.closest ? event.target.closest(".item") : null;
    if (item) claim(item);
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target.closest && target.closest("dialog"))) return;
    var item = current();
    var handled = true;
    if (event.key === "j") move(1);
    else if (event.key === "k") move(-1);
    else if (event.key === "a" && item) decide(item, "approve");
    else if (event.key === "r" && item) askReason(item);
    else if (event.key === "x" && item) toggle(item);
    else if (event.key === "u") undo();
    else if (event.key === "?") keysDialog.showModal();
    else handled = false;
    if (handled) event.preventDefault();
  });
  window.addEventListener("pagehide", function () { pending.slice().forEach(send); });
  window.setInterval(refresh, 10000);
})();
