// Small helpers for calling Tryout's JSON API from pages. Requests ask for
// the page's language, so messages come back in it.
import { t, lang } from "/static/i18n.js";

export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// call sends a JSON request and returns the decoded answer, or throws an
// APIError carrying the server's stable code and readable message.
export async function call(method, path, body) {
  const opts = { method, headers: { Accept: "application/json", "Accept-Language": lang }, credentials: "same-origin" };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch {
    throw new APIError(0, "offline", t("We could not reach Tryout. Check your connection and try again."));
  }
  let data = {};
  try { data = await res.json(); } catch { /* empty or not JSON */ }
  if (!res.ok) {
    const e = data.error || {};
    throw new APIError(res.status, e.code || "error", e.message || t("Something went wrong. Please try again."));
  }
  return data;
}

export function say(el, text, isError) {
  el.textContent = text;
  el.classList.toggle("error", Boolean(isError));
}
