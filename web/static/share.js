// Share an entry: the system share sheet where there is one (phones),
// otherwise a menu with copy link and the usual networks. The link shared
// is the visitor's own (with a ref code), so they can see what their
// sharing brought; without it the plain address is shared.
const box = document.getElementById("share-box");
const menu = document.getElementById("share-menu");
const msg = menu.querySelector(".message");
const { title, entry } = box.dataset;
let url = box.dataset.url;

const nets = {
  x: (u) => `https://twitter.com/intent/tweet?url=${encodeURIComponent(u)}&text=${encodeURIComponent(title)}`,
  facebook: (u) => `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(u)}`,
  whatsapp: (u) => `https://wa.me/?text=${encodeURIComponent(`${title} ${u}`)}`,
  linkedin: (u) => `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(u)}`,
  email: (u) => `mailto:?subject=${encodeURIComponent(title)}&body=${encodeURIComponent(u)}`,
};

let personal = null;
async function personalLink() {
  if (!personal) {
    personal = fetch(`/api/entries/${encodeURIComponent(entry)}/share-links`, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null)).then((d) => {
        if (d && d.url) {
          url = d.url;
          box.dataset.shared = url;
          for (const a of menu.querySelectorAll("a[data-net]")) a.href = nets[a.dataset.net](url);
        }
      }).catch(() => {});
  }
  await personal;
}

document.getElementById("share").addEventListener("click", async () => {
  await personalLink();
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
