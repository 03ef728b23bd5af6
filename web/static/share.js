// Share buttons: the system share sheet where there is one (phones), copy
// link with feedback, and the usual networks. On an entry, the link
// shared is the visitor's own (with a ref code, fetched on the first
// press), so they can see what their sharing brought; the plain address
// otherwise.
import { t } from "/static/i18n.js";

const box = document.getElementById("share-box");
const msg = box.querySelector(".message");
const { title, entry } = box.dataset;
let url = box.dataset.url;

const nets = {
  x: (u) => `https://twitter.com/intent/tweet?url=${encodeURIComponent(u)}&text=${encodeURIComponent(title)}`,
  facebook: (u) => `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(u)}`,
  whatsapp: (u) => `https://wa.me/?text=${encodeURIComponent(`${title} ${u}`)}`,
  email: (u) => `mailto:?subject=${encodeURIComponent(title)}&body=${encodeURIComponent(u)}`,
};

let personal = null;
function personalLink() {
  if (!entry) return Promise.resolve();
  if (!personal) {
    personal = fetch(`/api/entries/${encodeURIComponent(entry)}/share-links`, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null)).then((d) => {
        if (d && d.url) {
          url = d.url;
          box.dataset.shared = url;
          for (const a of box.querySelectorAll("a[data-net]")) a.href = nets[a.dataset.net](url);
        }
      }).catch(() => {});
  }
  return personal;
}

const native = document.getElementById("share");
if (navigator.share) {
  native.hidden = false;
  native.addEventListener("click", async () => {
    await personalLink();
    try { await navigator.share({ title, url }); } catch { /* closed: nothing to say */ }
  });
}

const copy = document.getElementById("copy-link");
const copyLabel = copy.querySelector("span");
copy.addEventListener("click", async () => {
  await personalLink();
  try {
    await navigator.clipboard.writeText(url);
    msg.textContent = t("Link copied: paste it anywhere.");
    copyLabel.textContent = t("Copied");
    copy.classList.add("done");
    setTimeout(() => { copyLabel.textContent = t("Copy link"); copy.classList.remove("done"); }, 2500);
  } catch {
    msg.textContent = t("Copy this link: %s", url); // no clipboard access: show it to copy by hand
  }
});

// The networks open with the personal link: fetched first, then opened
// (still within the press, so no pop-up blocker stops it).
for (const a of box.querySelectorAll("a[data-net]")) {
  a.addEventListener("click", async (ev) => {
    if (!entry || box.dataset.shared) return;
    ev.preventDefault();
    await personalLink();
    const href = nets[a.dataset.net](url);
    if (a.dataset.net === "email") location.href = href;
    else window.open(href, "_blank", "noopener");
  });
}
