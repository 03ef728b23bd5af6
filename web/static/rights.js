// "Your data": ask for the emailed link that confirms deleting the account.
import { call, say } from "/static/api.js";

const button = document.getElementById("delete-account");
const status = document.getElementById("delete-status");

button.addEventListener("click", async () => {
  if (!confirm("Email yourself a link to delete your account? Nothing is deleted until you open it and confirm.")) return;
  button.disabled = true;
  try {
    const r = await call("POST", "/api/me/deletion");
    say(status, r.message);
  } catch (e) {
    say(status, e.message, true);
    button.disabled = false;
  }
});
