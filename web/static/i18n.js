// The page's language for scripts: t(key, ...args) is the English key
// in the page's language, from the catalogue the server embeds in
// <script type="application/json" id="i18n"> (none in English, where a key
// is its own text). %s and %d take the arguments in order; %% is a %.
const el = document.getElementById("i18n");
let texts = {};
try { texts = el ? JSON.parse(el.textContent) : {}; } catch { texts = {}; }

// lang is the page's language ("en", "es"), for Intl.
export const lang = document.documentElement.lang || "en";

export function t(key, ...args) {
  let i = 0;
  return (texts[key] || key).replace(/%[sd%]/g, (m) => (m === "%%" ? "%" : String(args[i++] ?? "")));
}
