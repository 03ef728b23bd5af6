// Share an entry: the system share sheet where there is one (phones),
// otherwise a menu with copy link and the usual networks.
const box = document.getElementById("share-box");
const menu = document.getElementById("share-menu");
const msg = menu.querySelector(".message");
const { url, title } = box.dataset;

document.getElementById("share").addEventListener("click", async () => {
  if (navigator.share) {
    try { await navigator.share({ title, url }); return; } catch (e) { if (e.name === "AbortError") return; }
  }
  menu.hidden = !menu.hidden;
  if (!menu.hidden) menu.querySelector("button, a").focus();
});

document.getElementById("copy-link").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(url);
    msg.textContent = "Link copied.";
  } catch {
    msg.textContent = url; // no clipboard access: show it to copy by hand
  }
});
