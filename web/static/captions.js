// Uploads the entrant's WebVTT captions for their entry.
import { t, lang } from "/static/i18n.js";

const form = document.getElementById("captions");
const msg = form.querySelector(".message");

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const file = form.file.files[0];
  if (!file) return;
  const button = form.querySelector("button");
  button.disabled = true;
  msg.classList.remove("error");
  try {
    const res = await fetch(`/api/entries/${encodeURIComponent(form.dataset.entry)}/captions`, {
      method: "PUT", credentials: "same-origin", headers: { "Content-Type": "text/vtt", Accept: "application/json", "Accept-Language": lang }, body: file,
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((data.error && data.error.message) || t("The captions could not be saved. Please try again."));
    msg.textContent = t("Captions saved. They play with your video.");
  } catch (e) {
    msg.textContent = e.message;
    msg.classList.add("error");
  } finally {
    button.disabled = false;
  }
});
