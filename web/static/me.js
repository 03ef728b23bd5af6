// "My entries": each entry's status, what it means, why, and what to do
// next, kept current while anything is still being processed.
import { call, say } from "/static/api.js";
import { formatLocal } from "/static/localtime.js";
import { t } from "/static/i18n.js";

const list = document.getElementById("entries");
const inbox = document.getElementById("messages");
const waiting = new Set(["received", "processing"]);

function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
  for (const c of children) n.append(c);
  return n;
}

// primary is the one next thing to do at each status, as a link.
function primary(e) {
  const page = `/e/${encodeURIComponent(e.id)}`;
  const enter = e.campaign ? `/c/${encodeURIComponent(e.campaign.slug)}?entry=${encodeURIComponent(e.id)}` : "";
  const campaign = e.campaign ? `/c/${encodeURIComponent(e.campaign.slug)}` : "/";
  switch (e.status) {
    case "draft": return enter && [t("Upload your video"), enter];
    case "uploading": return enter && [t("Resume the upload"), enter];
    case "needs_changes": case "failed": return enter && [t("Upload a new video"), enter];
    case "live": return [t("View and share it"), page];
    case "received": case "processing": case "in_review": return [t("Open your entry"), page];
    default: return [t("See the campaign"), campaign];
  }
}

function render(entries) {
  list.replaceChildren();
  if (entries.length === 0) {
    list.append(el("p", { class: "muted" }, t("No entries yet.") + " ", el("a", { href: "/" }, t("Find a campaign to enter")), "."));
    return;
  }
  for (const e of entries) {
    const page = `/e/${encodeURIComponent(e.id)}`;
    const card = el("article", { class: "card entry-summary", "data-entry": e.id, "data-status": e.status },
      el("h2", {}, el("a", { href: page, class: "entry-link" }, e.title || t("Untitled entry"))),
      el("p", { class: "muted" }, e.campaign ? e.campaign.name : ""),
      el("p", {}, el("span", { class: `status status-${e.status}` }, e.status_label)),
      el("p", {}, e.status_message));
    if (e.status === "processing" && e.progress) card.append(el("progress", { max: "100", value: String(e.progress), "aria-label": t("Processing") }));
    if (e.reason) card.append(el("p", { class: "reason" }, e.reason));
    if (e.waiting_for && e.waiting_for !== e.reason) card.append(el("p", { class: "reason" }, e.waiting_for));
    for (const n of e.notices || []) card.append(el("p", { class: "notice" }, n));
    if (e.next_step) card.append(el("p", { class: "muted" }, e.next_step));
    const held = e.votes_under_review;
    if (held) {
      card.append(el("p", { class: "notice under-review" },
        el("strong", {}, t("%s under review.", held.count === 1 ? t("1 vote") : t("%d votes", held.count))),
        ` ${held.note}`));
    }
    const actions = el("div", { class: "row actions" });
    const next = primary(e);
    if (next) actions.append(el("a", { class: "button next-action", href: next[1] }, next[0]));
    if (e.can_appeal) {
      const b = el("button", { type: "button", class: e.status === "failed" ? "appeal quiet" : "appeal" }, t("Ask a person to look"));
      b.addEventListener("click", async () => {
        b.disabled = true;
        try { await call("POST", `/api/entries/${e.id}/appeal`); load(); } catch (err) { b.disabled = false; alert(err.message); }
      });
      actions.append(b);
    }
    if (!["withdrawn", "rejected", "removed"].includes(e.status)) {
      const b = el("button", { type: "button", class: "secondary" }, t("Withdraw"));
      b.addEventListener("click", async () => {
        if (!confirm(t("Withdraw “%s”? This cannot be undone.", e.title))) return;
        try { await call("POST", `/api/entries/${e.id}/withdraw`); load(); } catch (err) { alert(err.message); }
      });
      actions.append(b);
    }
    card.append(actions);
    if (["live", "removed"].includes(e.status)) card.append(statsFor(e));
    list.append(card);
  }
}

// linked writes a message's text with its web addresses as links (sign-in
// links are never in the inbox; these are the brand's links and ours).
const urlRE = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;
function linked(text) {
  const out = [];
  let at = 0;
  for (const m of text.matchAll(urlRE)) {
    out.push(text.slice(at, m.index));
    let href = m[0];
    try {
      const u = new URL(href);
      if (u.origin === location.origin) href = u.pathname + u.search + u.hash; // ours: stay on this site
    } catch { out.push(m[0]); at = m.index + m[0].length; continue; }
    const a = el("a", { href }, m[0]);
    if (!href.startsWith("/")) a.setAttribute("rel", "noopener noreferrer");
    out.push(a);
    at = m.index + m[0].length;
  }
  out.push(text.slice(at));
  return out;
}

// The entry over time: views and votes per day for the last two weeks,
// with share-link clicks and what they brought. Fetched at most once a
// minute (the list redraws while other entries process).
const statsCache = new Map();
const svgNS = "http://www.w3.org/2000/svg";
function statsFor(e) {
  const box = el("section", { class: "stats", "aria-label": t("How it is doing") });
  const draw = (days) => box.replaceChildren(...statsView(days));
  const cached = statsCache.get(e.id);
  if (cached) draw(cached.days);
  if (!cached || Date.now() - cached.at > 60000) {
    call("GET", `/api/me/entries/${e.id}/stats?days=14`).then(({ days }) => {
      statsCache.set(e.id, { at: Date.now(), days });
      draw(days);
    }, () => {});
  }
  return box;
}

function statsView(days) {
  const sum = (k) => days.reduce((n, d) => n + d[k], 0);
  const top = Math.max(1, ...days.map((d) => Math.max(d.views, d.votes)));
  const svg = document.createElementNS(svgNS, "svg");
  svg.setAttribute("viewBox", `0 0 ${days.length * 20} 64`);
  svg.setAttribute("class", "chart");
  svg.setAttribute("aria-hidden", "true");
  days.forEach((d, i) => {
    [["views", 1], ["votes", 10]].forEach(([k, dx]) => {
      const h = Math.round((d[k] / top) * 60);
      const r = document.createElementNS(svgNS, "rect");
      r.setAttribute("x", String(i * 20 + dx));
      r.setAttribute("y", String(62 - h));
      r.setAttribute("width", "8");
      r.setAttribute("height", String(Math.max(h, 1)));
      r.setAttribute("class", k);
      const title = document.createElementNS(svgNS, "title");
      title.textContent = `${d.date}: ${d[k]} ${k === "views" ? t("views") : t("votes")}`;
      r.append(title);
      svg.append(r);
    });
  });
  return [
    el("h3", {}, t("Last 14 days")),
    svg,
    el("p", { class: "muted" }, t("%s to %s (UTC days)", days[0].date, days[days.length - 1].date)),
    el("p", { class: "legend" }, el("span", { class: "key views" }), ` ${sum("views")} ${t("views")} `, el("span", { class: "key votes" }), ` ${sum("votes")} ${t("votes")}`),
    el("p", { class: "muted" }, t("Your share links were opened %d times and brought %d new entries and votes.", sum("shares"), sum("conversions"))),
  ];
}

// The inbox: every message, newest first, with the entrant's replies
// under it and a form to reply (staff read replies on the entrant's page).
function renderMessages(messages) {
  // Never wipe a reply being written: the list refreshes while videos process.
  if ([...inbox.querySelectorAll("textarea")].some((t) => t.value.trim() !== "")) return;
  inbox.replaceChildren();
  if (messages.length === 0) { inbox.append(el("p", { class: "muted" }, t("No messages yet."))); return; }
  for (const m of messages) {
    const replies = el("div", { class: "replies" });
    const addReply = (r) => replies.append(el("p", { class: "pre reply" }, el("strong", {}, t("You replied:") + " "), r.text));
    m.replies.forEach(addReply);
    const box = el("textarea", { name: "text", rows: "3", maxlength: "4000", required: "", "aria-label": t("Your reply to: %s", m.subject) });
    const status = el("p", { class: "message", role: "status" });
    const form = el("form", { class: "reply-form stack" }, box, el("button", { type: "submit" }, t("Send reply")), status);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        addReply(await call("POST", `/api/me/messages/${m.id}/replies`, { text: box.value }));
        box.value = "";
        say(status, t("Sent. The campaign team reads replies here."));
      } catch (err) { say(status, err.message, true); }
    });
    inbox.append(el("article", { class: "card message-card", "data-id": m.id },
      el("h3", {}, m.subject),
      el("p", { class: "muted" }, el("time", { datetime: m.at }, formatLocal(m.at))),
      el("p", { class: "pre" }, ...linked(m.text)),
      replies,
      el("details", {}, el("summary", {}, t("Reply")), form)));
  }
}

// Perk codes the brand handed out: shown only when there are some.
async function loadPerks() {
  try {
    const { perks } = await call("GET", "/api/me/perks");
    const ul = document.getElementById("perk-list");
    ul.replaceChildren(...perks.map((p) => el("li", {}, p.campaign.name + ": ", el("code", { class: "perk-code" }, p.code))));
    document.getElementById("perks").hidden = perks.length === 0;
  } catch { /* the rest of the page still works */ }
}
loadPerks();

let timer = null;
async function load() {
  try {
    const [{ entries }, { messages }] = await Promise.all([call("GET", "/api/me/entries"), call("GET", "/api/me/messages")]);
    render(entries);
    renderMessages(messages);
    clearTimeout(timer);
    if (entries.some((e) => waiting.has(e.status))) timer = setTimeout(load, 2000);
  } catch (e) {
    say(list, e.message, true);
    timer = setTimeout(load, 5000);
  }
}

// Email preferences: one checkbox per kind of message, and "none at all".
const prefsForm = document.getElementById("prefs");
const prefsKinds = document.getElementById("prefs-kinds");
const prefsAll = document.getElementById("prefs-all");
const prefsStatus = document.getElementById("prefs-status");

function renderPrefs(p) {
  prefsKinds.replaceChildren();
  for (const k of p.kinds) {
    const box = el("input", { type: "checkbox", name: "kind", value: k.kind });
    box.checked = k.on;
    prefsKinds.append(el("label", { class: "check" }, box, " " + k.label));
  }
  prefsAll.checked = p.all_off;
}

async function loadPrefs() {
  try { renderPrefs(await call("GET", "/api/me/preferences")); } catch (e) { say(prefsStatus, e.message, true); }
}

prefsForm.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const off = [...prefsKinds.querySelectorAll("input[name=kind]")].filter((b) => !b.checked).map((b) => b.value);
  try {
    renderPrefs(await call("PUT", "/api/me/preferences", { off, all_off: prefsAll.checked }));
    say(prefsStatus, t("Saved."));
  } catch (e) { say(prefsStatus, e.message, true); }
});


load();
loadPrefs();
