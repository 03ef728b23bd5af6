// Scoring page: keyboard-first. 1-9 jump to a criterion (its number is
// selected, so typing replaces it), Enter in a number saves and opens the
// next entry (the form's own submit), s saves, c writes a comment
// (Ctrl+Enter saves from there), j/k next/previous entry, Esc leaves a
// field so the letter keys work again.
const main = document.querySelector("main.scoring");
if (main) {
  const form = document.getElementById("score");
  const editing = (ev) => ev.target.closest("input, textarea, select") !== null;
  const plain = (ev) => !ev.ctrlKey && !ev.metaKey && !ev.altKey;
  const inputs = form ? [...form.querySelectorAll("input[type=number]")] : [];
  // Focus moves once the key is released, so the key itself never lands
  // in the field.
  let focusOnKeyUp = null;
  document.addEventListener("keyup", () => {
    const t = focusOnKeyUp;
    focusOnKeyUp = null;
    if (t) { t.focus(); if (t.select) t.select(); t.scrollIntoView({ block: "center" }); }
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && form) { ev.preventDefault(); form.requestSubmit(); return; }
    if (ev.key === "Escape" && editing(ev)) { ev.target.blur(); return; }
    if (editing(ev) || !plain(ev)) return;
    if (/^[1-9]$/.test(ev.key) && inputs[Number(ev.key) - 1]) {
      focusOnKeyUp = inputs[Number(ev.key) - 1];
    } else if (ev.key === "c" && form) {
      focusOnKeyUp = document.getElementById("comment");
    } else if (ev.key === "s" && form) {
      form.requestSubmit();
    } else if (ev.key === "j") {
      document.getElementById("next")?.click();
    } else if (ev.key === "k") {
      document.getElementById("prev")?.click();
    } else {
      return;
    }
    ev.preventDefault();
  });
  document.documentElement.dataset.keys = "ready";
}
