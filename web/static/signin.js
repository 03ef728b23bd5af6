// Asks for an emailed sign-in link.
import { call, say } from "/static/api.js";

const form = document.getElementById("signin");
const msg = form.querySelector(".message");

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const res = await call("POST", "/api/auth/link", { email: form.email.value, next: form.dataset.next || "" });
    say(msg, res.message);
  } catch (e) {
    say(msg, e.message, true);
  } finally {
    button.disabled = false;
  }
});
