/* Kommentare widget: dependency-free, no build step (ES2020).
 *
 * Embed:  <div id="kommentare" data-article-id="ARTICLE" data-api="https://host/api/v1"></div>
 *         <script src="https://host/widget/kommentare.js" defer></script>
 * Language: data-lang="en" for English (German is the default).
 * Signed-in readers: add data-reader-token="<JWT from the newsroom's login>" (sent as Authorization: Bearer),
 * or call window.Kommentare.setReaderToken(jwt) when the reader logs in; then no name is asked for.
 * Readers can edit or delete their own comments while the server's edit window lasts; the edit tokens and their own
 * votes are kept in this browser's localStorage, so a reload keeps both.
 *
 * User content is only ever inserted as text (textContent / text nodes), never as HTML.
 */
(() => {
  "use strict";

  const root = document.querySelector("#kommentare[data-article-id][data-api]");
  if (!root) return;

  const API = root.dataset.api.replace(/\/+$/, "");
  const ARTICLE_ID = root.dataset.articleId;
  let readerToken = root.dataset.readerToken || "";
  const COMMENTS_URL = `${API}/articles/${encodeURIComponent(ARTICLE_ID)}/comments`;
  const BODY_MAX = 5000;
  const NAME_MAX = 80;
  const LANG = root.dataset.lang === "en" ? "en" : "de";
  const LOCALE = LANG === "en" ? "en-GB" : "de-DE";

  /** Every word the widget shows, per language; {0}, {1} are filled in by fmt(). */
  const WORDS = {
    de: {
      loading: "Kommentare werden geladen …", none: "Noch keine Kommentare", one: "Kommentar", many: "Kommentare",
      sort: "Sortieren", newest: "Neueste", oldest: "Älteste", top: "Beste", replies: "Meiste Antworten",
      list: "Kommentare", more: "Weitere Kommentare laden", retry: "Erneut versuchen", compose: "Kommentar schreiben",
      name: "Name", email: "E-Mail (optional)", emailHint: "Wird nicht veröffentlicht.", comment: "Kommentar",
      notify: "Bei Antworten per E-Mail benachrichtigen",
      notifyConfirm: "Falls noch nicht geschehen: Bitte bestätigen Sie die Benachrichtigungen über den Link in der E-Mail, die wir Ihnen geschickt haben.",
      replyTo: "Ihre Antwort an {0}", chars: "{0} / {1} Zeichen", send: "Kommentar senden", sendReply: "Antwort senden",
      sendAnyway: "Trotzdem senden", cancel: "Abbrechen", sending: "Wird gesendet …", reply: "Antworten",
      replyLabel: "Auf Kommentar von {0} antworten", report: "Melden", reportLabel: "Kommentar von {0} melden",
      reason: "Grund", note: "Anmerkung (optional)", sendReport: "Meldung senden", votes: "Bewertung",
      up: "Gefällt mir ({0})", down: "Gefällt mir nicht ({0})", edit: "Bearbeiten", remove: "Löschen",
      editLabel: "Ihren Kommentar bearbeiten", removeLabel: "Ihren Kommentar löschen", editBody: "Neuer Text",
      save: "Speichern", reallyDelete: "Wirklich löschen?",
      yesDelete: "Ja, löschen", keep: "Behalten", edited: "bearbeitet", deleted: "[gelöscht]",
      signedInAs: "Angemeldet als {0}", signedIn: "Angemeldet",
      guestsHeld: "Kommentare ohne Anmeldung werden vor der Veröffentlichung geprüft.",
      loginRequired: "Bitte melden Sie sich an, um diesen Artikel zu kommentieren.",
      closed: "Die Kommentarfunktion für diesen Artikel ist geschlossen.",
      network: "Keine Verbindung zum Server. Ihr Text bleibt erhalten – bitte versuchen Sie es gleich noch einmal.",
      rateLimited: "Zu viele Anfragen in kurzer Zeit. Bitte warten Sie einen Moment und versuchen Sie es dann erneut.",
      notFound: "Zu diesem Artikel können keine Kommentare abgegeben werden.",
      invalid: "Bitte prüfen Sie die markierten Angaben.",
      server: "Es ist ein Fehler aufgetreten. Ihr Text bleibt erhalten – bitte versuchen Sie es später erneut.",
      published: "Ihr Kommentar wurde veröffentlicht.",
      held: "Ihr Kommentar wird vor der Veröffentlichung von unserer Moderation geprüft.",
      rejected: "Ihr Kommentar verstößt gegen unsere Diskussionsregeln und kann nicht veröffentlicht werden.",
      banned: "Ihr Konto ist für Kommentare gesperrt.",
      editSaved: "Ihre Änderung wurde gespeichert.",
      editHeld: "Ihre Änderung wird vor der Veröffentlichung von unserer Moderation geprüft.",
      editRejected: "Ihre Änderung verstößt gegen unsere Diskussionsregeln; der Kommentar ist nicht mehr sichtbar.",
      tooLate: "Die Zeit zum Bearbeiten ist abgelaufen.", removed: "Ihr Kommentar wurde gelöscht.",
      loadFailed: "Die Kommentare konnten nicht geladen werden.",
      reported: "Danke. Wir haben Ihre Meldung erhalten und prüfen den Kommentar.",
      reportFailed: "Die Meldung konnte nicht gesendet werden. Bitte versuchen Sie es erneut.",
      voteFailed: "Ihre Bewertung konnte nicht gespeichert werden.",
      justNow: "gerade eben",
      reasons: [["spam", "Spam oder Werbung"], ["abuse", "Beleidigung oder Belästigung"], ["hate", "Hassrede"],
        ["disinformation", "Desinformation"], ["off_topic", "Kein Bezug zum Artikel"], ["other", "Sonstiges"]],
      fields: {
        required: "Bitte füllen Sie dieses Feld aus.", blank: "Bitte füllen Sie dieses Feld aus.",
        null: "Bitte füllen Sie dieses Feld aus.", too_long: "Höchstens {max} Zeichen erlaubt.",
        invalid_email: "Bitte geben Sie eine gültige E-Mail-Adresse an.",
        needs_email: "Für Benachrichtigungen brauchen wir Ihre E-Mail-Adresse.",
        mail_off: "E-Mail-Benachrichtigungen sind auf dieser Seite nicht eingerichtet.",
        invalid_characters: "Der Text enthält unzulässige Zeichen.",
        reserved_name: "Dieser Name ist der Redaktion vorbehalten. Bitte wählen Sie einen anderen.",
        unknown_parent: "Der Kommentar, auf den Sie antworten, ist nicht mehr verfügbar.",
        other_article: "Der Kommentar, auf den Sie antworten, ist nicht mehr verfügbar.",
        other: "Bitte prüfen Sie diese Angabe.",
      },
    },
    en: {
      loading: "Loading comments …", none: "No comments yet", one: "comment", many: "comments",
      sort: "Sort", newest: "Newest", oldest: "Oldest", top: "Best", replies: "Most replies",
      list: "Comments", more: "Load more comments", retry: "Try again", compose: "Write a comment",
      name: "Name", email: "Email (optional)", emailHint: "Never published.", comment: "Comment",
      notify: "Email me when someone replies",
      notifyConfirm: "If you have not done so yet: please confirm the notifications with the link in the email we sent you.",
      replyTo: "Your reply to {0}", chars: "{0} / {1} characters", send: "Post comment", sendReply: "Post reply",
      sendAnyway: "Post anyway", cancel: "Cancel", sending: "Sending …", reply: "Reply",
      replyLabel: "Reply to {0}'s comment", report: "Report", reportLabel: "Report {0}'s comment",
      reason: "Reason", note: "Note (optional)", sendReport: "Send report", votes: "Rating",
      up: "Like ({0})", down: "Dislike ({0})", edit: "Edit", remove: "Delete",
      editLabel: "Edit your comment", removeLabel: "Delete your comment", editBody: "New text", save: "Save", reallyDelete: "Delete for good?",
      yesDelete: "Yes, delete", keep: "Keep it", edited: "edited", deleted: "[deleted]",
      signedInAs: "Signed in as {0}", signedIn: "Signed in",
      guestsHeld: "Comments without signing in are reviewed before they are published.",
      loginRequired: "Please sign in to comment on this article.",
      closed: "Comments on this article are closed.",
      network: "No connection to the server. Your text is kept – please try again in a moment.",
      rateLimited: "Too many requests in a short time. Please wait a moment, then try again.",
      notFound: "Comments cannot be posted on this article.",
      invalid: "Please check the marked fields.",
      server: "Something went wrong. Your text is kept – please try again later.",
      published: "Your comment has been published.",
      held: "Your comment will be reviewed by our moderators before it is published.",
      rejected: "Your comment breaks our discussion rules and cannot be published.",
      banned: "Your account is blocked from commenting.",
      editSaved: "Your change has been saved.",
      editHeld: "Your change will be reviewed by our moderators before it is published.",
      editRejected: "Your change breaks our discussion rules; the comment is no longer shown.",
      tooLate: "The time for editing is over.", removed: "Your comment has been deleted.",
      loadFailed: "The comments could not be loaded.",
      reported: "Thank you. We have received your report and will review the comment.",
      reportFailed: "The report could not be sent. Please try again.",
      voteFailed: "Your rating could not be saved.",
      justNow: "just now",
      reasons: [["spam", "Spam or advertising"], ["abuse", "Insult or harassment"], ["hate", "Hate speech"],
        ["disinformation", "Disinformation"], ["off_topic", "Not about the article"], ["other", "Other"]],
      fields: {
        required: "Please fill in this field.", blank: "Please fill in this field.", null: "Please fill in this field.",
        too_long: "At most {max} characters.", invalid_email: "Please enter a valid email address.",
        needs_email: "Notifications need your email address.",
        mail_off: "Email notifications are not set up on this site.",
        invalid_characters: "The text contains characters that are not allowed.",
        reserved_name: "This name is reserved for the newsroom. Please choose another one.",
        unknown_parent: "The comment you are replying to is no longer available.",
        other_article: "The comment you are replying to is no longer available.",
        other: "Please check this field.",
      },
    },
  }[LANG];
  const fmt = (text, ...values) => text.replace(/\{(\d)\}/g, (_, i) => String(values[Number(i)]));
  const number = (n) => n.toLocaleString(LOCALE);
  /** The server's words for an outcome or a refusal come in the widget's language (it asks with Accept-Language),
   *  so an English reader learns the specific reason too; the widget's own words only when the server sent none. */
  const outcomeText = (text, fallback) => text || fallback;

  /** This browser's memory: edit tokens of the reader's own comments and their votes, per article. */
  const memory = (() => {
    const key = `kommentare:${ARTICLE_ID}`;
    let data = { own: {}, votes: {} };
    try { data = { ...data, ...JSON.parse(localStorage.getItem(key) || "{}") }; } catch { /* private mode */ }
    const save = () => { try { localStorage.setItem(key, JSON.stringify(data)); } catch { /* full or blocked */ } };
    const now = Date.now();
    for (const [id, own] of Object.entries(data.own)) if (Date.parse(own.until) <= now) delete data.own[id];
    return {
      own: (id) => data.own[id] || null,
      remember(id, token, until) { data.own[id] = { token, until }; save(); },
      forget(id) { delete data.own[id]; save(); },
      vote: (id) => data.votes[id] || 0,
      setVote(id, value) { if (value) data.votes[id] = value; else delete data.votes[id]; save(); },
    };
  })();

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

  const countText = (n) => (n === 0 ? WORDS.none : `${number(n)} ${n === 1 ? WORDS.one : WORDS.many}`);

  const fullDate = new Intl.DateTimeFormat(LOCALE, { dateStyle: "long", timeStyle: "short" });
  const relative = new Intl.RelativeTimeFormat(LANG, { numeric: "auto" });

  function formatDate(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return { short: "", long: "" };
    const seconds = Math.round((date.getTime() - Date.now()) / 1000);
    const abs = Math.abs(seconds);
    let short;
    if (abs < 60) short = WORDS.justNow;
    else if (abs < 3600) short = relative.format(Math.round(seconds / 60), "minute");
    else if (abs < 86400) short = relative.format(Math.round(seconds / 3600), "hour");
    else if (abs < 7 * 86400) short = relative.format(Math.round(seconds / 86400), "day");
    else short = fullDate.format(date);
    return { short, long: fullDate.format(date) };
  }

  /** A field error in the reader's language, by the server's machine code (``error_codes``). */
  function fieldError(code) {
    if (code === "too_long") return WORDS.fields.too_long;
    return WORDS.fields[code] || WORDS.fields.other;
  }

  /** JSON over fetch; writes carry the reader's token, or ``options.token`` (an edit token) when given. */
  async function request(url, options = {}) {
    const { token, ...rest } = options;
    const bearer = token || (options.method && options.method !== "GET" ? readerToken : "");
    const response = await fetch(url, {
      ...rest,
      headers: {
        Accept: "application/json",
        "Accept-Language": LANG,
        ...(options.body ? { "Content-Type": "application/json" } : {}),
        ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
      },
    });
    const data = await response.json().catch(() => ({}));
    return { status: response.status, data };
  }

  // ---- Static frame -------------------------------------------------------------------------------------------
  const announcer = el("p", { class: "kommentare-sr", role: "status", "aria-live": "polite" });
  const countEl = el("p", { class: "kommentare-count", text: WORDS.loading });
  const sortId = nextId("sort");
  const sortSelect = el(
    "select",
    { id: sortId, onchange: () => { state.sort = sortSelect.value; load(true); } },
    ["newest", "oldest", "top", "replies"].map((value) => el("option", { value, text: WORDS[value] })),
  );
  const list = el("ol", { class: "kommentare-list", "aria-label": WORDS.list });
  const listStatus = el("div", { class: "kommentare-list-status", role: "status", "aria-live": "polite" });
  const moreButton = el("button", { type: "button", class: "kommentare-more", hidden: true, onclick: () => load(false) },
    WORDS.more);

  const announce = (text) => { announcer.textContent = ""; setTimeout(() => { announcer.textContent = text; }, 50); };
  const setCount = (n) => { state.total = n; countEl.textContent = countText(n); };

  /** The signed-in reader's name from their token's claims (shown only; the server verifies the token). */
  function readerName(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      const json = decodeURIComponent([...atob(part)].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""));
      return String(JSON.parse(json).name || "");
    } catch {
      return "";
    }
  }

  // ---- Comment form (top level and replies) -------------------------------------------------------------------
  function field(labelText, control, hint) {
    const errorId = nextId("error");
    control.setAttribute("aria-describedby", [hint?.id, errorId].filter(Boolean).join(" "));
    const error = el("p", { class: "kommentare-field-error", id: errorId });
    const wrapper = el("div", { class: "kommentare-field" }, el("label", { for: control.id, text: labelText }), control, hint, error);
    return { wrapper, control, error };
  }

  /** A textarea with its live character counter. */
  function bodyField(labelText, rows, value = "") {
    const counter = el("p", { id: nextId("counter"), class: "kommentare-counter" });
    const textarea = el("textarea", { id: nextId("body"), name: "body", rows, maxlength: BODY_MAX });
    textarea.value = value;
    const update = () => {
      counter.textContent = fmt(WORDS.chars, number(textarea.value.length), number(BODY_MAX));
      counter.classList.toggle("kommentare-counter-full", textarea.value.length >= BODY_MAX);
    };
    textarea.addEventListener("input", update);
    update();
    return { ...field(labelText, textarea, counter), update };
  }

  /** Show field errors (by code) next to their fields; the rest in the status line. */
  function showFieldErrors(fields, codes, say, fallbackFocus) {
    let first = null;
    const other = [];
    for (const [key, list_] of Object.entries(codes)) {
      const text = fieldError(String((list_ || [])[0] || "")).replace("{max}", number(key === "author_name" ? NAME_MAX : BODY_MAX));
      const target = fields[key];
      if (!target) { other.push(text); continue; }
      target.error.textContent = text;
      target.control.setAttribute("aria-invalid", "true");
      first = first || target.control;
    }
    say(other.length ? other.join(" ") : WORDS.invalid, "error");
    (first || fallbackFocus).focus();
  }

  function commentForm({ parent = null, onCancel = null } = {}) {
    const name = field(WORDS.name, el("input", { id: nextId("name"), name: "author_name", autocomplete: "name", maxlength: NAME_MAX }));
    const emailHint = el("p", { id: nextId("hint"), class: "kommentare-hint", text: WORDS.emailHint });
    const email = field(WORDS.email,
      el("input", { id: nextId("email"), name: "email", type: "email", autocomplete: "email" }), emailHint);
    // Readers type their name once: every form shares what was last entered.
    for (const [key, f] of [["name", name], ["email", email]]) {
      f.control.value = state[key];
      f.control.addEventListener("input", () => { state[key] = f.control.value; });
    }
    const body = bodyField(parent ? fmt(WORDS.replyTo, parent.author_name) : WORDS.comment, parent ? 4 : 5);
    const textarea = body.control;
    // Reply notifications, where the site sends mail (the article says so): a plain labelled checkbox.
    const notifyBox = article.notifications ? el("input", { id: nextId("notify"), type: "checkbox", name: "notify_replies" }) : null;
    const notify = notifyBox && el("p", { class: "kommentare-notify" }, notifyBox, " ", el("label", { for: notifyBox.id, text: WORDS.notify }));
    const fields = { author_name: name, email, body };
    const status = el("p", { class: "kommentare-status", role: "status", "aria-live": "polite" });
    const submitLabel = parent ? WORDS.sendReply : WORDS.send;
    const submit = el("button", { type: "submit", class: "kommentare-submit" }, submitLabel);
    // Nudge mode: the server named a sentence; sending the very same text again means "send it anyway".
    let nudgedText = null;
    const cancel = onCancel && el("button", { type: "button", class: "kommentare-secondary", onclick: onCancel }, WORDS.cancel);
    const who = readerToken
      ? el("p", { class: "kommentare-signed-in", text: readerName(readerToken) ? fmt(WORDS.signedInAs, readerName(readerToken)) : WORDS.signedIn })
      : null;
    const guestNote = !readerToken && article.guests === "premoderated" ? el("p", { class: "kommentare-hint", text: WORDS.guestsHeld }) : null;
    const form = el("form", { class: parent ? "kommentare-form kommentare-reply-form" : "kommentare-form", novalidate: true },
      who, guestNote, readerToken ? null : el("div", { class: "kommentare-row" }, name.wrapper, email.wrapper), body.wrapper, notify,
      el("div", { class: "kommentare-actions" }, submit, cancel), status);
    textarea.addEventListener("input", () => {
      if (nudgedText !== null && textarea.value !== nudgedText) { nudgedText = null; submit.textContent = submitLabel; }
    });

    const say = (text, kind) => { status.textContent = text; status.dataset.kind = kind; };
    const clearErrors = () => Object.values(fields).forEach((f) => {
      f.error.textContent = ""; f.control.removeAttribute("aria-invalid");
    });
    const showErrors = (codes) => showFieldErrors(fields, codes, say, textarea);

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      clearErrors();
      const payload = readerToken ? { body: textarea.value } : { author_name: name.control.value.trim(), body: textarea.value };
      if (!readerToken && email.control.value.trim()) payload.email = email.control.value.trim();
      if (parent) payload.parent_id = parent.id;
      if (notifyBox?.checked) payload.notify_replies = true;
      if (nudgedText !== null && payload.body === nudgedText) payload.nudge_acknowledged = true;
      const missing = {};
      if (!readerToken && !payload.author_name) missing.author_name = ["blank"];
      if (!payload.body.trim()) missing.body = ["blank"];
      if (Object.keys(missing).length) { showErrors(missing); return; }

      submit.disabled = true;
      form.setAttribute("aria-busy", "true");
      say(WORDS.sending, "info");
      let result;
      try {
        result = await request(COMMENTS_URL, { method: "POST", body: JSON.stringify(payload) });
      } catch {
        say(WORDS.network, "error");
        return;
      } finally {
        submit.disabled = false;
        form.removeAttribute("aria-busy");
      }
      const { status: code, data } = result;
      if (code === 201 || code === 202) {
        nudgedText = null;
        submit.textContent = submitLabel;
        textarea.value = "";
        body.update();
        if (data.edit_token) memory.remember(data.id, data.edit_token, data.editable_until);
      }
      const confirmHint = payload.notify_replies ? ` ${WORDS.notifyConfirm}` : "";
      if (code === 201) {
        const message = outcomeText(data.message, WORDS.published);
        say(message + confirmHint, "success");
        setCount(state.total + 1);
        const node = insertComment({ ...data, depth: data.depth ?? (parent ? parent.depth + 1 : 0), replies: [] }, parent);
        if (parent) { announce(message); onCancel?.(); node.focus(); }
      } else if (code === 202) {
        say(outcomeText(data.message, WORDS.held) + confirmHint, "info");
      } else if (code === 422 && data.nudge) {
        nudgedText = payload.body;
        submit.textContent = WORDS.sendAnyway;
        say(`${outcomeText(data.detail, WORDS.rejected)} „${data.nudge.sentence}“`, "warning");
        textarea.focus();
        textarea.setSelectionRange(data.nudge.start, data.nudge.end);
      } else if (code === 422) {
        say(outcomeText(data.detail, WORDS.rejected), "error");
        textarea.focus();
      } else {
        failure(code, data, say, showErrors);
      }
    });
    return { form, focus: () => textarea.focus() };
  }

  /** The reader's words for a failed write (field errors go next to their fields). */
  function failure(code, data, say, showErrors) {
    if (code === 400 && data.error_codes) showErrors(data.error_codes);
    else if (code === 401 && String(data.type || "").endsWith("login-required")) say(WORDS.loginRequired, "error");
    else if (code === 403 && String(data.type || "").endsWith("banned")) say(outcomeText(data.detail, WORDS.banned), "error");
    else if (code === 403) say(WORDS.tooLate, "error");
    else if (code === 429) say(WORDS.rateLimited, "error");
    else if (code === 409) say(WORDS.closed, "error");
    else if (code === 404) say(WORDS.notFound, "error");
    else say(WORDS.server, "error");
  }

  // ---- Report form --------------------------------------------------------------------------------------------
  function reportForm(comment, onClose) {
    const selectId = nextId("reason");
    const textId = nextId("report-text");
    const select = el("select", { id: selectId, name: "reason" },
      WORDS.reasons.map(([value, label]) => el("option", { value, text: label })));
    const note = el("input", { id: textId, name: "text", maxlength: 1000 });
    const status = el("p", { class: "kommentare-status", role: "status", "aria-live": "polite" });
    const send = el("button", { type: "submit", class: "kommentare-submit" }, WORDS.sendReport);
    const form = el("form", { class: "kommentare-report-form", "aria-label": fmt(WORDS.reportLabel, comment.author_name) },
      el("div", { class: "kommentare-field" }, el("label", { for: selectId, text: WORDS.reason }), select),
      el("div", { class: "kommentare-field" }, el("label", { for: textId, text: WORDS.note }), note),
      el("div", { class: "kommentare-actions" }, send,
        el("button", { type: "button", class: "kommentare-secondary", onclick: onClose }, WORDS.cancel)),
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
          status.textContent = WORDS.reported;
          status.dataset.kind = "success";
          status.tabIndex = -1;
          status.focus();
          return;
        }
        status.textContent = code === 429 ? WORDS.rateLimited : WORDS.reportFailed;
      } catch {
        status.textContent = WORDS.reportFailed;
      }
      status.dataset.kind = "error";
      send.disabled = false;
    });
    return { form, focus: () => select.focus() };
  }

  // ---- Own comments: edit and delete within the edit window ----------------------------------------------------
  function editForm(comment, view, onClose) {
    const own = memory.own(comment.id);
    const body = bodyField(WORDS.editBody, 4, view.bodyEl.textContent);
    const status = el("p", { class: "kommentare-status", role: "status", "aria-live": "polite" });
    const save = el("button", { type: "submit", class: "kommentare-submit" }, WORDS.save);
    const say = (text, kind) => { status.textContent = text; status.dataset.kind = kind; };
    const form = el("form", { class: "kommentare-form kommentare-edit-form", novalidate: true },
      body.wrapper,
      el("div", { class: "kommentare-actions" }, save,
        el("button", { type: "button", class: "kommentare-secondary", onclick: onClose }, WORDS.cancel)),
      status);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      body.error.textContent = "";
      body.control.removeAttribute("aria-invalid");
      if (!body.control.value.trim()) { showFieldErrors({ body }, { body: ["blank"] }, say, body.control); return; }
      save.disabled = true;
      let result;
      try {
        result = await request(`${API}/comments/${comment.id}`, {
          method: "PATCH", body: JSON.stringify({ body: body.control.value }), token: own?.token,
        });
      } catch {
        say(WORDS.network, "error");
        return;
      } finally {
        save.disabled = false;
      }
      const { status: code, data } = result;
      if (code === 200) {
        view.edited(data);
        onClose();
        return;
      }
      if (code === 403 || code === 409) view.lock();
      failure(code, data, say, (codes) => showFieldErrors({ body }, codes, say, body.control));
    });
    return { form, focus: () => body.control.focus() };
  }

  function deleteConfirm(comment, view, onClose) {
    const own = memory.own(comment.id);
    const status = el("p", { class: "kommentare-status", role: "status", "aria-live": "polite" });
    const yes = el("button", { type: "button", class: "kommentare-submit" }, WORDS.yesDelete);
    const box = el("div", { class: "kommentare-confirm", role: "group", "aria-label": WORDS.reallyDelete },
      el("p", { text: WORDS.reallyDelete }),
      el("div", { class: "kommentare-actions" }, yes,
        el("button", { type: "button", class: "kommentare-secondary", onclick: onClose }, WORDS.keep)),
      status);
    const say = (text, kind) => { status.textContent = text; status.dataset.kind = kind; };
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try {
        const { status: code, data } = await request(`${API}/comments/${comment.id}`, { method: "DELETE", token: own?.token });
        if (code === 204) { view.removed(); return; }
        if (code === 403 || code === 409) view.lock();
        failure(code, data, say, () => say(WORDS.server, "error"));
      } catch {
        say(WORDS.network, "error");
      } finally {
        yes.disabled = false;
      }
    });
    return { form: box, focus: () => yes.focus() };
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

    const actionButton = (label, ariaLabel, build) => {
      const button = el("button", { type: "button", class: "kommentare-link", "aria-expanded": "false", "aria-label": ariaLabel }, label);
      button.addEventListener("click", () => toggle(button, build));
      return button;
    };
    const bodyEl = el("p", { class: comment.deleted ? "kommentar-body kommentar-deleted" : "kommentar-body", text: comment.deleted ? WORDS.deleted : comment.body });
    const editedEl = el("span", { class: "kommentar-edited", text: WORDS.edited, hidden: !comment.edited_at });
    const actions = el("div", { class: "kommentar-actions" });
    const view = {
      bodyEl,
      lock() { memory.forget(comment.id); for (const b of actions.querySelectorAll(".kommentare-own")) b.remove(); },
      edited(data) {
        const visible = data.status === "published";
        if (visible) { bodyEl.textContent = data.body; editedEl.hidden = false; }
        else { bodyEl.textContent = data.status === "rejected" ? WORDS.editRejected : WORDS.editHeld; bodyEl.classList.add("kommentar-deleted"); view.lock(); }
        announce(visible ? WORDS.editSaved : bodyEl.textContent);
        node.focus();
      },
      removed() {
        view.lock();
        panel.replaceChildren();
        actions.remove();
        bodyEl.textContent = WORDS.deleted;
        bodyEl.classList.add("kommentar-deleted");
        author.textContent = "";
        announce(WORDS.removed);
        node.focus();
      },
    };
    if (!comment.deleted) {
      actions.append(
        voteButtons(comment),
        actionButton(WORDS.reply, fmt(WORDS.replyLabel, comment.author_name), (close) => commentForm({ parent: comment, onCancel: close })),
        actionButton(WORDS.report, fmt(WORDS.reportLabel, comment.author_name), (close) => reportForm(comment, close)),
      );
      const own = memory.own(comment.id);
      if (own && Date.parse(own.until) > Date.now()) {
        const edit = actionButton(WORDS.edit, WORDS.editLabel, (close) => editForm(comment, view, close));
        const remove = actionButton(WORDS.remove, WORDS.removeLabel, (close) => deleteConfirm(comment, view, close));
        for (const b of [edit, remove]) b.classList.add("kommentare-own");
        actions.append(edit, remove);
        setTimeout(() => { if (!panel.querySelector(".kommentare-edit-form, .kommentare-confirm")) view.lock(); },
          Math.min(Date.parse(own.until) - Date.now(), 2 ** 31 - 1));
      }
    }
    const author = el("span", { class: "kommentar-author", id: authorId, text: comment.author_name });
    node.append(
      el("header", { class: "kommentar-meta" }, author,
        el("time", { datetime: comment.created_at, title: when.long, text: when.short }), editedEl),
      bodyEl,
      comment.deleted ? null : actions,
      panel,
    );
    const item = el("li", { class: "kommentare-item" }, node, replies);
    for (const reply of comment.replies || []) replies.append(renderComment(reply));
    return item;
  }

  /** Up and down buttons (aria-pressed shows the reader's vote, remembered in this browser); a second press
   * withdraws the vote. */
  function voteButtons(comment) {
    const counts = { up: comment.up || 0, down: comment.down || 0 };
    let mine = memory.vote(comment.id);
    const up = el("button", { type: "button", class: "kommentare-vote kommentare-vote-up", "aria-pressed": "false" });
    const down = el("button", { type: "button", class: "kommentare-vote kommentare-vote-down", "aria-pressed": "false" });
    const draw = () => {
      up.textContent = `▲ ${counts.up}`;
      down.textContent = `▼ ${counts.down}`;
      up.setAttribute("aria-label", fmt(WORDS.up, counts.up));
      down.setAttribute("aria-label", fmt(WORDS.down, counts.down));
      up.setAttribute("aria-pressed", String(mine === 1));
      down.setAttribute("aria-pressed", String(mine === -1));
    };
    const send = async (value) => {
      up.disabled = down.disabled = true;
      try {
        const { status, data } = await request(`${API}/comments/${comment.id}/vote`, {
          method: "PUT", body: JSON.stringify({ value }),
        });
        if (status === 200) {
          counts.up = data.up; counts.down = data.down; mine = data.mine;
          memory.setVote(comment.id, mine);
          draw();
        } else announce(status === 429 ? WORDS.rateLimited : WORDS.voteFailed);
      } catch {
        announce(WORDS.network);
      } finally {
        up.disabled = down.disabled = false;
      }
    };
    up.addEventListener("click", () => send(mine === 1 ? 0 : 1));
    down.addEventListener("click", () => send(mine === -1 ? 0 : -1));
    draw();
    return el("span", { class: "kommentare-votes", role: "group", "aria-label": WORDS.votes }, up, down);
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
      const retry = el("button", { type: "button", class: "kommentare-secondary", onclick: () => load(reset) }, WORDS.retry);
      listStatus.replaceChildren(el("p", { text: WORDS.loadFailed }), retry);
      if (reset) countEl.textContent = WORDS.list;
    } finally {
      if (seq === state.seq) {
        moreButton.disabled = false;
        list.removeAttribute("aria-busy");
      }
    }
  }

  // ---- Mount ---------------------------------------------------------------------------------------------------
  /** What the story allows (closed, guests), read once; an unreadable answer leaves the form as it is. */
  const article = { accepting: true, guests: "allowed" };
  const compose = el("section", { class: "kommentare-compose", "aria-label": WORDS.compose });
  function drawCompose() {
    if (!article.accepting) compose.replaceChildren(el("p", { class: "kommentare-notice", text: WORDS.closed }));
    else if (!readerToken && article.guests === "off") compose.replaceChildren(el("p", { class: "kommentare-notice", text: WORDS.loginRequired }));
    else compose.replaceChildren(commentForm().form);
  }
  // The page tells the widget when its reader logs in or out (the newsroom's token, or "" for a guest again).
  window.Kommentare = Object.freeze({
    setReaderToken(token) {
      readerToken = String(token || "");
      drawCompose();
    },
  });
  drawCompose();
  root.replaceChildren(
    compose,
    el("div", { class: "kommentare-toolbar" }, countEl,
      el("div", { class: "kommentare-sort" }, el("label", { for: sortId, text: WORDS.sort }), sortSelect)),
    list, listStatus, moreButton, announcer,
  );
  root.classList.add("kommentare-ready");
  request(`${API}/articles/${encodeURIComponent(ARTICLE_ID)}`).then(({ status, data }) => {
    if (status !== 200) return;
    article.accepting = data.accepting_comments !== false;
    article.guests = data.guests || "allowed";
    article.notifications = data.notifications === true;
    if (!article.accepting || article.guests !== "allowed" || article.notifications) drawCompose();
  }).catch(() => { /* the form stays; the server still refuses what it must */ });
  load(true);
})();
