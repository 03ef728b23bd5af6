// "Ask a person to look": sends an automatically refused entry to the
// campaign team's review queue as an appeal, then shows where it stands.
import { call, say } from "/static/api.js";
import { t } from "/static/i18n.js";

const box = document.getElementById("appeal");
const button = document.getElementById("appeal-button");
const message = box.querySelector(".message");

button.addEventListener("click", async () => {
  button.disabled = true;
  say(message, t("Sending…"));
  try {
    const e = await call("POST", `/api/entries/${box.dataset.entry}/appeal`);
    const name = document.getElementById("status-name");
    name.textContent = e.status_label;
    name.className = `status status-${e.status}`;
    document.getElementById("status-meaning").textContent = e.status_message;
    document.getElementById("status-next").textContent = e.next_step || "";
    document.getElementById("status-reason").hidden = true;
    button.hidden = true;
    box.querySelector(".muted").hidden = true;
    say(message, t("Done: a person from the campaign team will look at your entry."));
  } catch (err) {
    button.disabled = false;
    say(message, err.message, true);
  }
});
