// Live preview for the staff message editors: as staff type, the form is
// sent to its data-preview URL (same session, CSRF header) and the answer
// fills the preview. An unknown merge field shows the server's message.
const form = document.querySelector("form[data-preview]");
if (form) {
  const $ = (id) => document.getElementById(id);
  const csrf = form.querySelector("input[name=_csrf]").value;
  let timer = 0;
  let seq = 0;
  const refresh = async () => {
    const mine = ++seq;
    const body = new URLSearchParams(new FormData(form));
    body.delete("_csrf");
    let res, data;
    try {
      res = await fetch(form.dataset.preview, { method: "POST", body, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" });
      data = await res.json();
    } catch {
      return; // offline for a moment: the next keystroke tries again
    }
    if (mine !== seq) return; // a newer preview is on its way
    const err = $("preview-error");
    if (!res.ok) {
      err.textContent = (data.error && data.error.message) || "The preview could not be made.";
      err.hidden = false;
      form.dataset.valid = "false";
      return;
    }
    err.hidden = true;
    form.dataset.valid = "true";
    $("preview-subject").textContent = data.subject;
    $("preview-body").textContent = data.body;
    if ($("preview-action")) $("preview-action").textContent = data.action || "";
    if ($("preview-count")) $("preview-count").textContent = data.count_text || "";
    if ($("preview-to")) $("preview-to").textContent = data.to ? "As " + data.to + " will get it:" : "";
  };
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener("change", () => {
    clearTimeout(timer);
    refresh();
  });
  const top = form.querySelector("select[name=segment]");
  if (top) {
    const n = form.querySelector("#top-n-field");
    const show = () => { n.hidden = top.value !== "top"; };
    top.addEventListener("change", show);
    show();
  }
}
