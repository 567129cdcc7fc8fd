/* Kommentare widget: dependency-free, no build step (ES2020).
 *
 * Embed:  <div id="kommentare" data-article-id="ARTICLE" data-api="https://host/api/v1"></div>
 *         <script src="https://host/widget/kommentare.js" defer></script>
 * Signed-in readers: add data-reader-token="<JWT from the newsroom's login>" (sent as Authorization: Bearer),
 * or call window.Kommentare.setReaderToken(jwt) when the reader logs in; then no name is asked for.
 *
 * User content is only ever inserted as text (textContent / text nodes), never as HTML.
 */
(() => {
  "use strict";

  const root = document.querySelector("#kommentare[data-article-id][data-api]");
  if (!root) return;

  const API = root.dataset.api.replace(/\/+$/, "");
  let readerToken = root.dataset.readerToken || "";
  const COMMENTS_URL = `${API}/articles/${encodeURIComponent(root.dataset.articleId)}/comments`;
  const BODY_MAX = 5000;
  const NAME_MAX = 80;
  const REPORT_REASONS = [
    ["spam", "Spam oder Werbung"],
    ["abuse", "Beleidigung oder Belästigung"],
    ["hate", "Hassrede"],
    ["disinformation", "Desinformation"],
    ["off_topic", "Kein Bezug zum Artikel"],
    ["other", "Sonstiges"],
  ];
  const SORTS = [["newest", "Neueste"], ["oldest", "Älteste"], ["top", "Beste"], ["replies", "Meiste Antworten"]];
  const MSG = {
    network: "Keine Verbindung zum Server. Ihr Text bleibt erhalten – bitte versuchen Sie es gleich noch einmal.",
    rateLimited: "Zu viele Kommentare in kurzer Zeit. Bitte warten Sie einen Moment und versuchen Sie es dann erneut.",
    closed: "Die Kommentarfunktion für diesen Artikel ist geschlossen.",
    notFound: "Zu diesem Artikel können keine Kommentare abgegeben werden.",
    invalid: "Bitte prüfen Sie die markierten Angaben.",
    server: "Es ist ein Fehler aufgetreten. Ihr Text bleibt erhalten – bitte versuchen Sie es später erneut.",
    published: "Ihr Kommentar wurde veröffentlicht.",
    loadFailed: "Die Kommentare konnten nicht geladen werden.",
    reported: "Danke. Wir haben Ihre Meldung erhalten und prüfen den Kommentar.",
    reportFailed: "Die Meldung konnte nicht gesendet werden. Bitte versuchen Sie es erneut.",
    voteFailed: "Ihre Bewertung konnte nicht gespeichert werden.",
  };

  let uid = 0;
  const nextId = (prefix) => `kommentare-${prefix}-${++uid}`;
  const state = { sort: "newest", cursor: null, total: 0, seq: 0, name: "", email: "" };

  /** Create an element; string children become text nodes (never parsed as HTML). */
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(typeof child === "string" ? document.createTextNode(child) : child);
      }
    }
    return node;
  }

  const countText = (n) =>
    n === 0 ? "Noch keine Kommentare" : `${n.toLocaleString("de-DE")} ${n === 1 ? "Kommentar" : "Kommentare"}`;

  const fullDate = new Intl.DateTimeFormat("de-DE", { dateStyle: "long", timeStyle: "short" });
  const relative = new Intl.RelativeTimeFormat("de", { numeric: "auto" });

  function formatDate(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return { short: "", long: "" };
    const seconds = Math.round((date.getTime() - Date.now()) / 1000);
    const abs = Math.abs(seconds);
    let short;
    if (abs < 60) short = "gerade eben";
    else if (abs < 3600) short = relative.format(Math.round(seconds / 60), "minute");
    else if (abs < 86400) short = relative.format(Math.round(seconds / 3600), "hour");
    else if (abs < 7 * 86400) short = relative.format(Math.round(seconds / 86400), "day");
    else short = fullDate.format(date);
    return { short, long: fullDate.format(date) };
  }

  /** Server validation messages are English; readers get German. */
  function germanFieldError(message) {
    const max = /at most (\d+)/.exec(message);
    if (max) return `Höchstens ${max[1]} Zeichen erlaubt.`;
    if (/empty|required|null/i.test(message)) return "Bitte füllen Sie dieses Feld aus.";
    if (/email/i.test(message)) return "Bitte geben Sie eine gültige E-Mail-Adresse an.";
    if (/control character|unicode/i.test(message)) return "Der Text enthält unzulässige Zeichen.";
    if (/unknown comment|another article/i.test(message)) return "Der Kommentar, auf den Sie antworten, ist nicht mehr verfügbar.";
    return "Bitte prüfen Sie diese Angabe.";
  }

  async function request(url, options = {}) {
    const response = await fetch(url, {
      ...options,
      headers: {
        Accept: "application/json",
        ...(options.body ? { "Content-Type": "application/json" } : {}),
        ...(readerToken && options.method && options.method !== "GET" ? { Authorization: `Bearer ${readerToken}` } : {}),
      },
    });
    const data = await response.json().catch(() => ({}));
    return { status: response.status, data };
  }

  // ---- Static frame -------------------------------------------------------------------------------------------
  const announcer = el("p", { class: "kommentare-sr", role: "status", "aria-live": "polite" });
  const countEl = el("p", { class: "kommentare-count", text: "Kommentare werden geladen …" });
  const sortId = nextId("sort");
  const sortSelect = el(
    "select",
    { id: sortId, onchange: () => { state.sort = sortSelect.value; load(true); } },
    SORTS.map(([value, label]) => el("option", { value, text: label })),
  );
  const list = el("ol", { class: "kommentare-list", "aria-label": "Kommentare" });
  const listStatus = el("div", { class: "kommentare-list-status", role: "status", "aria-live": "polite" });
  const moreButton = el("button", { type: "button", class: "kommentare-more", hidden: true, onclick: () => load(false) },
    "Weitere Kommentare laden");

  const announce = (text) => { announcer.textContent = ""; setTimeout(() => { announcer.textContent = text; }, 50); };
  const setCount = (n) => { state.total = n; countEl.textContent = countText(n); };

  // ---- Comment form (top level and replies) -------------------------------------------------------------------
  function field(labelText, control, hint) {
    const errorId = nextId("error");
    control.setAttribute("aria-describedby", [hint?.id, errorId].filter(Boolean).join(" "));
    const error = el("p", { class: "kommentare-field-error", id: errorId });
    const wrapper = el("div", { class: "kommentare-field" }, el("label", { for: control.id, text: labelText }), control, hint, error);
    return { wrapper, control, error };
  }

  function commentForm({ parent = null, onCancel = null } = {}) {
    const name = field("Name", el("input", { id: nextId("name"), name: "author_name", autocomplete: "name", maxlength: NAME_MAX }));
    const emailHint = el("p", { id: nextId("hint"), class: "kommentare-hint", text: "Wird nicht veröffentlicht." });
    const email = field("E-Mail (optional)",
      el("input", { id: nextId("email"), name: "email", type: "email", autocomplete: "email" }), emailHint);
    // Readers type their name once: every form shares what was last entered.
    for (const [key, f] of [["name", name], ["email", email]]) {
      f.control.value = state[key];
      f.control.addEventListener("input", () => { state[key] = f.control.value; });
    }
    const counterId = nextId("counter");
    const counter = el("p", { id: counterId, class: "kommentare-counter", text: `0 / ${BODY_MAX} Zeichen` });
    const textarea = el("textarea", { id: nextId("body"), name: "body", rows: parent ? 4 : 5, maxlength: BODY_MAX });
    const body = field(parent ? `Ihre Antwort an ${parent.author_name}` : "Kommentar", textarea, counter);
    const fields = { author_name: name, email, body };
    const status = el("p", { class: "kommentare-status", role: "status", "aria-live": "polite" });
    const submitLabel = parent ? "Antwort senden" : "Kommentar senden";
    const submit = el("button", { type: "submit", class: "kommentare-submit" }, submitLabel);
    // Nudge mode: the server named a sentence; sending the very same text again means "send it anyway".
    let nudgedText = null;
    const cancel = onCancel && el("button", { type: "button", class: "kommentare-secondary", onclick: onCancel }, "Abbrechen");
    const form = el("form", { class: parent ? "kommentare-form kommentare-reply-form" : "kommentare-form", novalidate: true },
      readerToken ? null : el("div", { class: "kommentare-row" }, name.wrapper, email.wrapper), body.wrapper,
      el("div", { class: "kommentare-actions" }, submit, cancel), status);
    const updateCounter = () => {
      counter.textContent = `${textarea.value.length.toLocaleString("de-DE")} / ${BODY_MAX.toLocaleString("de-DE")} Zeichen`;
      counter.classList.toggle("kommentare-counter-full", textarea.value.length >= BODY_MAX);
    };
    textarea.addEventListener("input", updateCounter);
    textarea.addEventListener("input", () => {
      if (nudgedText !== null && textarea.value !== nudgedText) { nudgedText = null; submit.textContent = submitLabel; }
    });
    updateCounter();

    const say = (text, kind) => { status.textContent = text; status.dataset.kind = kind; };
    const clearErrors = () => Object.values(fields).forEach((f) => {
      f.error.textContent = ""; f.control.removeAttribute("aria-invalid");
    });
    const showErrors = (errors) => {
      let first = null;
      const other = [];
      for (const [key, messages] of Object.entries(errors)) {
        const text = germanFieldError(String((messages || [])[0] || ""));
        const target = fields[key];
        if (!target) { other.push(text); continue; }
        target.error.textContent = text;
        target.control.setAttribute("aria-invalid", "true");
        first = first || target.control;
      }
      say(other.length ? other.join(" ") : MSG.invalid, "error");
      (first || textarea).focus();
    };

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      clearErrors();
      const payload = readerToken ? { body: textarea.value } : { author_name: name.control.value.trim(), body: textarea.value };
      if (!readerToken && email.control.value.trim()) payload.email = email.control.value.trim();
      if (parent) payload.parent_id = parent.id;
      if (nudgedText !== null && payload.body === nudgedText) payload.nudge_acknowledged = true;
      const missing = {};
      if (!readerToken && !payload.author_name) missing.author_name = ["Must not be empty."];
      if (!payload.body.trim()) missing.body = ["Must not be empty."];
      if (Object.keys(missing).length) { showErrors(missing); return; }

      submit.disabled = true;
      form.setAttribute("aria-busy", "true");
      say("Wird gesendet …", "info");
      let result;
      try {
        result = await request(COMMENTS_URL, { method: "POST", body: JSON.stringify(payload) });
      } catch {
        say(MSG.network, "error");
        return;
      } finally {
        submit.disabled = false;
        form.removeAttribute("aria-busy");
      }
      const { status: code, data } = result;
      if (code === 201 || code === 202) { nudgedText = null; submit.textContent = submitLabel; }
      if (code === 201) {
        textarea.value = "";
        updateCounter();
        say(data.message || MSG.published, "success");
        setCount(state.total + 1);
        const node = insertComment({ ...data, depth: data.depth ?? (parent ? parent.depth + 1 : 0), replies: [] }, parent);
        if (parent) { announce(data.message || MSG.published); onCancel?.(); node.focus(); }
      } else if (code === 202) {
        textarea.value = "";
        updateCounter();
        say(data.message || "Ihr Kommentar wird vor der Veröffentlichung von unserer Moderation geprüft.", "info");
      } else if (code === 422 && data.nudge) {
        nudgedText = payload.body;
        submit.textContent = "Trotzdem senden";
        say(`${data.detail} „${data.nudge.sentence}“`, "warning");
        textarea.focus();
        textarea.setSelectionRange(data.nudge.start, data.nudge.end);
      } else if (code === 422) {
        say(data.detail || "Ihr Kommentar verstößt gegen unsere Diskussionsregeln.", "error");
        textarea.focus();
      } else if (code === 400 && data.errors) {
        showErrors(data.errors);
      } else if (code === 429) {
        say(MSG.rateLimited, "error");
      } else if (code === 409) {
        say(MSG.closed, "error");
      } else if (code === 404) {
        say(MSG.notFound, "error");
      } else {
        say(MSG.server, "error");
      }
    });
    return { form, focus: () => textarea.focus() };
  }

  // ---- Report form --------------------------------------------------------------------------------------------
  function reportForm(comment, onClose) {
    const selectId = nextId("reason");
    const textId = nextId("report-text");
    const select = el("select", { id: selectId, name: "reason" },
      REPORT_REASONS.map(([value, label]) => el("option", { value, text: label })));
    const note = el("input", { id: textId, name: "text", maxlength: 1000 });
    const status = el("p", { class: "kommentare-status", role: "status", "aria-live": "polite" });
    const send = el("button", { type: "submit", class: "kommentare-submit" }, "Meldung senden");
    const form = el("form", { class: "kommentare-report-form", "aria-label": `Kommentar von ${comment.author_name} melden` },
      el("div", { class: "kommentare-field" }, el("label", { for: selectId, text: "Grund" }), select),
      el("div", { class: "kommentare-field" }, el("label", { for: textId, text: "Anmerkung (optional)" }), note),
      el("div", { class: "kommentare-actions" }, send,
        el("button", { type: "button", class: "kommentare-secondary", onclick: onClose }, "Abbrechen")),
      status);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      send.disabled = true;
      try {
        const payload = { reason: select.value, ...(note.value.trim() ? { text: note.value.trim() } : {}) };
        const { status: code } = await request(`${API}/comments/${comment.id}/reports`, {
          method: "POST", body: JSON.stringify(payload),
        });
        if (code === 201) {
          for (const child of [...form.children]) if (child !== status) child.remove();
          status.textContent = MSG.reported;
          status.dataset.kind = "success";
          status.tabIndex = -1;
          status.focus();
          return;
        }
        status.textContent = code === 429 ? MSG.rateLimited : MSG.reportFailed;
      } catch {
        status.textContent = MSG.reportFailed;
      }
      status.dataset.kind = "error";
      send.disabled = false;
    });
    return { form, focus: () => select.focus() };
  }

  // ---- Thread rendering ---------------------------------------------------------------------------------------
  function renderComment(comment) {
    const when = formatDate(comment.created_at);
    const panel = el("div", { class: "kommentare-panel" });
    const replies = el("ol", { class: "kommentare-replies" });
    const authorId = nextId("author");
    const node = el("article", { class: "kommentar", "data-comment-id": comment.id, tabindex: "-1", "aria-labelledby": authorId });
    let open = null;

    function toggle(button, build) {
      const wasOpen = open?.button === button;
      if (open) { open.button.setAttribute("aria-expanded", "false"); panel.replaceChildren(); open = null; }
      if (wasOpen) { button.focus(); return; }
      const close = () => toggle(button, build);
      const { form, focus } = build(close);
      panel.replaceChildren(form);
      button.setAttribute("aria-expanded", "true");
      open = { button };
      focus();
    }

    const replyButton = el("button", { type: "button", class: "kommentare-link", "aria-expanded": "false" }, "Antworten");
    replyButton.addEventListener("click", () => toggle(replyButton, (close) => commentForm({ parent: comment, onCancel: close })));
    const reportButton = el("button", { type: "button", class: "kommentare-link", "aria-expanded": "false" }, "Melden");
    reportButton.addEventListener("click", () => toggle(reportButton, (close) => reportForm(comment, close)));
    replyButton.setAttribute("aria-label", `Auf Kommentar von ${comment.author_name} antworten`);
    reportButton.setAttribute("aria-label", `Kommentar von ${comment.author_name} melden`);

    const votes = comment.deleted ? null : voteButtons(comment);

    node.append(
      el("header", { class: "kommentar-meta" },
        el("span", { class: "kommentar-author", id: authorId, text: comment.author_name }),
        el("time", { datetime: comment.created_at, title: when.long, text: when.short })),
      el("p", { class: comment.deleted ? "kommentar-body kommentar-deleted" : "kommentar-body", text: comment.body }),
      comment.deleted ? null : el("div", { class: "kommentar-actions" }, votes, replyButton, reportButton),
      panel,
    );
    const item = el("li", { class: "kommentare-item" }, node, replies);
    for (const reply of comment.replies || []) replies.append(renderComment(reply));
    return item;
  }

  /** Up and down buttons (aria-pressed shows the reader's vote); a second press withdraws the vote. */
  function voteButtons(comment) {
    const counts = { up: comment.up || 0, down: comment.down || 0 };
    let mine = 0;
    const up = el("button", { type: "button", class: "kommentare-vote kommentare-vote-up", "aria-pressed": "false" });
    const down = el("button", { type: "button", class: "kommentare-vote kommentare-vote-down", "aria-pressed": "false" });
    const draw = () => {
      up.textContent = `▲ ${counts.up}`;
      down.textContent = `▼ ${counts.down}`;
      up.setAttribute("aria-label", `Gefällt mir (${counts.up})`);
      down.setAttribute("aria-label", `Gefällt mir nicht (${counts.down})`);
      up.setAttribute("aria-pressed", String(mine === 1));
      down.setAttribute("aria-pressed", String(mine === -1));
    };
    const send = async (value) => {
      up.disabled = down.disabled = true;
      try {
        const { status, data } = await request(`${API}/comments/${comment.id}/vote`, {
          method: "PUT", body: JSON.stringify({ value }),
        });
        if (status === 200) { counts.up = data.up; counts.down = data.down; mine = data.mine; draw(); }
        else announce(status === 429 ? MSG.rateLimited : MSG.voteFailed);
      } catch {
        announce(MSG.network);
      } finally {
        up.disabled = down.disabled = false;
      }
    };
    up.addEventListener("click", () => send(mine === 1 ? 0 : 1));
    down.addEventListener("click", () => send(mine === -1 ? 0 : -1));
    draw();
    return el("span", { class: "kommentare-votes", role: "group", "aria-label": "Bewertung" }, up, down);
  }

  const findComment = (id) => list.querySelector(`[data-comment-id="${Number(id)}"]`);

  /** Show a comment the reader just published: replies at the end of their parent's replies, others on top. */
  function insertComment(comment, parent) {
    const item = renderComment(comment);
    const parentNode = parent && findComment(parent.id);
    if (parentNode) parentNode.parentElement.querySelector(":scope > .kommentare-replies").append(item);
    else if (state.sort === "oldest" && !state.cursor) list.append(item);
    else list.prepend(item);
    listStatus.replaceChildren();
    return item.querySelector(".kommentar");
  }

  async function load(reset) {
    const seq = ++state.seq;  // a newer load (e.g. another sort) makes older answers stale
    moreButton.disabled = true;
    list.setAttribute("aria-busy", "true");
    const params = new URLSearchParams({ sort: state.sort });
    if (!reset && state.cursor) params.set("cursor", state.cursor);
    try {
      const { status, data } = await request(`${COMMENTS_URL}?${params}`);
      if (seq !== state.seq) return;
      if (status !== 200) throw new Error(`HTTP ${status}`);
      if (reset) list.replaceChildren();
      let firstNew = null;
      for (const thread of data.threads) {
        if (findComment(thread.id)) continue;  // already shown (e.g. the reader's own new comment)
        const item = renderComment(thread);
        list.append(item);
        firstNew = firstNew || item.querySelector(".kommentar");
      }
      state.cursor = data.next_cursor;
      setCount(data.total);
      listStatus.replaceChildren();
      moreButton.hidden = !data.next_cursor;
      if (!reset && firstNew) firstNew.focus();
    } catch {
      if (seq !== state.seq) return;
      const retry = el("button", { type: "button", class: "kommentare-secondary", onclick: () => load(reset) }, "Erneut versuchen");
      listStatus.replaceChildren(el("p", { text: MSG.loadFailed }), retry);
      if (reset) countEl.textContent = "Kommentare";
    } finally {
      if (seq === state.seq) {
        moreButton.disabled = false;
        list.removeAttribute("aria-busy");
      }
    }
  }

  // ---- Mount ---------------------------------------------------------------------------------------------------
  const compose = el("section", { class: "kommentare-compose", "aria-label": "Kommentar schreiben" }, commentForm().form);
  // The page tells the widget when its reader logs in or out (the newsroom's token, or "" for a guest again).
  window.Kommentare = Object.freeze({
    setReaderToken(token) {
      readerToken = String(token || "");
      compose.replaceChildren(commentForm().form);
    },
  });
  root.replaceChildren(
    compose,
    el("div", { class: "kommentare-toolbar" }, countEl,
      el("div", { class: "kommentare-sort" }, el("label", { for: sortId, text: "Sortieren" }), sortSelect)),
    list, listStatus, moreButton, announcer,
  );
  root.classList.add("kommentare-ready");
  load(true);
})();
