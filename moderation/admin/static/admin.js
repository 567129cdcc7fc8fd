// The moderators' queue by keyboard: j/k move, a approves, r rejects with a reason, ? shows the keys.
// Forms work without this script; with it, a decision is sent with fetch, the item leaves the list, the focus
// moves to the next one and the tab counts follow (also polled, so new comments show up without a reload).
(function () {
  "use strict";
  var list = document.getElementById("items");
  if (!list) return;
  var csrf = list.getAttribute("data-csrf");
  var state = list.getAttribute("data-state");
  var rejectDialog = document.getElementById("reject-dialog");
  var keysDialog = document.getElementById("keys-dialog");
  var status = document.createElement("p");
  status.className = "status";
  status.setAttribute("role", "status");
  list.parentNode.insertBefore(status, list);

  function items() { return Array.prototype.slice.call(list.querySelectorAll(".item")); }
  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest(".item") : null;
  }
  function move(step) {
    var all = items();
    if (!all.length) return;
    var index = all.indexOf(current());
    var next = all[Math.max(0, Math.min(all.length - 1, index < 0 ? 0 : index + step))];
    next.focus();
    next.scrollIntoView({block: "nearest"});
  }
  function setCount(name, value) {
    var badge = document.querySelector('[data-count="' + name + '"]');
    if (badge) badge.textContent = String(value);
  }
  function refreshCounts() {
    var url = document.querySelector(".tabs").getAttribute("data-counts-url");
    fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) { if (counts) Object.keys(counts).forEach(function (k) { setCount(k, counts[k]); }); })
      .catch(function () {});
  }
  function decide(item, action, reason) {
    var form = item.querySelector("form." + action);
    var body = new URLSearchParams({action: action, csrf_token: csrf});
    if (reason) body.set("reason", reason);
    return fetch(form.getAttribute("action"), {  // not form.action: an input is named "action"
      method: "POST", body: body, credentials: "same-origin",
      headers: {Accept: "application/json", "X-CSRF-Token": csrf}
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      var all = items();
      var next = all[all.indexOf(item) + 1] || all[all.indexOf(item) - 1];
      item.remove();
      status.textContent = "#" + item.getAttribute("data-comment-id") + ": " + (action === "approve" ? "✓" : "✗");
      refreshCounts();
      if (next) next.focus(); else document.getElementById("main").focus();
    }).catch(function (error) { status.textContent = "⚠ " + error.message; });
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
  list.addEventListener("submit", function (event) {
    var form = event.target;
    var item = form.closest(".item");
    if (!item) return;
    event.preventDefault();
    var select = form.querySelector("select[name=reason]");
    decide(item, form.classList.contains("approve") ? "approve" : "reject", select ? select.value : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target.closest && target.closest("dialog"))) return;
    var item = current();
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "a" && item) { decide(item, "approve"); event.preventDefault(); }
    else if (event.key === "r" && item) { askReason(item); event.preventDefault(); }
    else if (event.key === "?") { keysDialog.showModal(); event.preventDefault(); }
  });
  if (state) window.setInterval(refreshCounts, 15000);
})();
