// Sends a viewer's report of a live entry.
import { call, say } from "/static/api.js";

const form = document.getElementById("report");
const msg = form.querySelector(".message");
form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const r = await call("POST", `/api/entries/${form.dataset.entry}/reports`, { reason: form.reason.value, text: form.text.value });
    say(msg, r.message);
    form.reason.disabled = true;
    form.text.disabled = true;
  } catch (e) {
    say(msg, e.message, e.code !== "already_reported");
    button.disabled = e.code === "already_reported";
  }
});
