// Keeps the entry status card current by polling the public entry API
// until the entry reaches a status that needs no more waiting.
import { lang } from "/static/i18n.js";

const card = document.getElementById("status");
const waiting = new Set(["draft", "uploading", "received", "processing"]);

async function refresh() {
  const res = await fetch(`/api/entries/${card.dataset.entry}`, { headers: { Accept: "application/json", "Accept-Language": lang } });
  if (!res.ok) return;
  const e = await res.json();
  card.dataset.status = e.status;
  const name = document.getElementById("status-name");
  name.textContent = e.status_label;
  name.className = `status status-${e.status}`;
  document.getElementById("status-meaning").textContent = e.status_message;
  document.getElementById("status-next").textContent = e.next_step || "";
  const reason = document.getElementById("status-reason");
  reason.textContent = e.reason || "";
  reason.hidden = !e.reason;
  // Something became playable while the page was open: show it.
  if (e.playback && !document.getElementById("player")) location.reload();
}

async function loop() {
  while (waiting.has(card.dataset.status)) {
    await new Promise((r) => setTimeout(r, 2000));
    try { await refresh(); } catch { /* offline: try again next tick */ }
  }
}
loop();
