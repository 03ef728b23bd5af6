// Uploads the entrant's WebVTT captions for their entry.
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
      method: "PUT", credentials: "same-origin", headers: { "Content-Type": "text/vtt", Accept: "application/json" }, body: file,
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((data.error && data.error.message) || "The captions could not be saved. Please try again.");
    msg.textContent = "Captions saved. They play with your video.";
  } catch (e) {
    msg.textContent = e.message;
    msg.classList.add("error");
  } finally {
    button.disabled = false;
  }
});
