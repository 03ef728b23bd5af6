// Staff console: keyboard-first review. Queue: j/k move, Enter opens,
// x selects, a approves the selected entries. Entry: a approve, r reject,
// c request changes (focus the text; Ctrl+Enter sends), j/k next/previous.
// Finding time codes seek the player.
const editing = (ev) => ev.target.closest("input:not([type=checkbox]), textarea, select") !== null;
const plain = (ev) => !ev.ctrlKey && !ev.metaKey && !ev.altKey;

const rows = [...document.querySelectorAll("table.queue tbody tr")];
if (rows.length) {
  let at = Math.max(0, rows.findIndex((r) => r.classList.contains("selected")));
  const select = (i) => {
    rows[at].classList.remove("selected");
    rows[at].removeAttribute("aria-current");
    at = Math.min(rows.length - 1, Math.max(0, i));
    rows[at].classList.add("selected");
    rows[at].setAttribute("aria-current", "true");
    rows[at].scrollIntoView({ block: "nearest" });
  };
  select(at);
  document.addEventListener("keydown", (ev) => {
    if (editing(ev) || !plain(ev)) return;
    const box = rows[at].querySelector("input[type=checkbox]");
    switch (ev.key) {
      case "j": select(at + 1); break;
      case "k": select(at - 1); break;
      case "x": box.checked = !box.checked; break;
      case "Enter": location.href = rows[at].querySelector("a").href; break;
      case "a":
        if (!rows.some((r) => r.querySelector("input[type=checkbox]").checked)) box.checked = true;
        document.getElementById("bulk").requestSubmit();
        break;
      default: return;
    }
    ev.preventDefault();
  });
}

const review = document.querySelector("main.review");
if (review) {
  // r and c move into a text box once the key is released, so the letter
  // itself never lands in the box.
  let focusOnKeyUp = "";
  document.addEventListener("keyup", () => {
    const t = focusOnKeyUp && document.getElementById(focusOnKeyUp);
    focusOnKeyUp = "";
    if (t) { t.focus(); t.scrollIntoView({ block: "center" }); }
  });
  document.addEventListener("keydown", (ev) => {
    if (editing(ev) || !plain(ev)) return;
    switch (ev.key) {
      case "a": document.getElementById("approve")?.requestSubmit(); break;
      case "r": focusOnKeyUp = "reject-reason"; break;
      case "c": focusOnKeyUp = "changes-reason"; break;
      case "j": document.getElementById("next")?.click(); break;
      case "k": document.getElementById("prev")?.click(); break;
      default: return;
    }
    ev.preventDefault();
  });
  for (const t of document.querySelectorAll("textarea")) {
    t.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); t.form.requestSubmit(); }
      if (ev.key === "Escape") t.blur();
    });
  }
  for (const s of document.querySelectorAll("select.template")) {
    s.addEventListener("change", () => {
      const t = document.getElementById(s.dataset.for);
      if (s.value) { t.value = s.value; t.focus(); }
    });
  }
  const player = document.getElementById("player");
  for (const b of document.querySelectorAll("button.seek")) {
    b.addEventListener("click", () => {
      if (!player) return;
      player.currentTime = Number(b.dataset.t);
      player.play().catch(() => {});
    });
  }
}

// Tells tests (and nothing else) that the shortcuts are listening.
document.documentElement.dataset.keys = "ready";
