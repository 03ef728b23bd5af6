// Dates and times in the visitor's own time zone, with the zone named.
// The server writes every moment as <time datetime="..."> with UTC text
// (what shows without JavaScript); this rewrites the text with Intl:
//   - <time datetime>: the visitor's local time ("Fri 1 Aug 2026, 19:59 EDT");
//   - <time datetime data-zone="Europe/Paris">: a deadline, kept in the
//     campaign's zone as written, with the visitor's time added when their
//     zone differs ("... 23:59 CEST (17:59 EDT your time)").

import { t, lang } from "/static/i18n.js";

const base = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

// formatLocal says a moment in the visitor's zone (or the one given).
export function formatLocal(when, opts = {}) {
  const d = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(d.getTime())) return "";
  const o = { ...base, timeZoneName: "short", ...opts };
  if (opts.year === false) delete o.year;
  return new Intl.DateTimeFormat(lang, o).format(d);
}

// timeOnly is "17:59 EDT", or with the date when it falls on another day.
function timeOnly(d, zone) {
  const day = (tz) => new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (day(zone) !== day(local)) return formatLocal(d, { year: false });
  return new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" }).format(d);
}

function offset(d, tz) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" }).formatToParts(d);
  return (parts.find((p) => p.type === "timeZoneName") || {}).value;
}

export function localize(root = document) {
  for (const el of root.querySelectorAll("time[datetime]:not([data-local])")) {
    const d = new Date(el.dateTime);
    if (Number.isNaN(d.getTime())) continue;
    el.dataset.local = "yes";
    const zone = el.dataset.zone;
    if (!zone) {
      el.textContent = formatLocal(d, el.dataset.year === "no" ? { year: false } : {});
      continue;
    }
    let local;
    try { local = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { continue; }
    try {
      if (offset(d, zone) === offset(d, local)) continue;
    } catch { continue; } // an unknown zone: the server's text stands
    const mine = document.createElement("span");
    mine.className = "yourtime";
    mine.textContent = " " + t("(%s your time)", timeOnly(d, zone));
    el.after(mine);
  }
}

localize();
