// Adds a live "in 2 days 4 h" after each deadline marked data-until (the
// deadline itself is written next to it, so it is there without
// JavaScript and after the moment passes).
import { t } from "/static/i18n.js";

const units = [["day", 86400], ["h", 3600], ["min", 60], ["s", 1]];

function left(ms) {
  let s = Math.max(0, Math.floor(ms / 1000));
  const parts = [];
  for (const [name, size] of units) {
    const n = Math.floor(s / size);
    s -= n * size;
    if (n > 0 || (parts.length === 0 && size === 1)) parts.push(name === "day" ? (n === 1 ? t("1 day") : t("%d days", n)) : `${n} ${name}`);
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

const els = [...document.querySelectorAll("[data-until]")];
function tick() {
  for (const el of els) {
    const ms = Date.parse(el.dataset.until) - Date.now();
    el.textContent = ms > 0 ? t("in %s", left(ms)) : "";
    el.hidden = ms <= 0;
  }
}
if (els.length) { tick(); setInterval(tick, 1000); }
