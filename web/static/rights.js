// "Your data": ask, after a second press, for the emailed link that
// confirms deleting the account.
import { call, say } from "/static/api.js";

const open = document.getElementById("delete-account");
const panel = document.getElementById("delete-confirm");
const send = document.getElementById("delete-send");
const cancel = document.getElementById("delete-cancel");
const status = document.getElementById("delete-status");

function show(on) {
  panel.hidden = !on;
  open.hidden = on;
  open.setAttribute("aria-expanded", String(on));
  (on ? send : open).focus();
}

open.addEventListener("click", () => show(true));
cancel.addEventListener("click", () => { say(status, ""); show(false); });
send.addEventListener("click", async () => {
  send.disabled = true;
  try {
    const r = await call("POST", "/api/me/deletion");
    panel.hidden = true;
    say(status, r.message);
  } catch (e) {
    say(status, e.message, true);
    send.disabled = false;
  }
});
