// The vote button: casts the vote and says what happened in words (counted,
// already voted and when to come back, or what to do).
const box = document.getElementById("vote-box");
const button = document.getElementById("vote");
const msg = box.querySelector(".message");

button.addEventListener("click", async () => {
  button.disabled = true;
  msg.classList.remove("error");
  try {
    const res = await fetch(`/api/entries/${encodeURIComponent(box.dataset.entry)}/votes`, {
      method: "POST", credentials: "same-origin", headers: { Accept: "application/json" },
    });
    const data = await res.json().catch(() => ({}));
    if (res.ok) {
      msg.textContent = "Thank you: your vote counts.";
      const total = document.getElementById("votes");
      if (total && typeof data.votes === "number") total.textContent = data.votes === 1 ? "1 vote" : `${data.votes} votes`;
      box.dataset.voted = "yes";
      return;
    }
    const e = data.error || {};
    msg.textContent = e.message || "Your vote was not saved. Please try again.";
    if (e.code === "verify_required") {
      const a = document.createElement("a");
      a.href = `/signin?next=${encodeURIComponent(location.pathname)}`;
      a.textContent = " Sign in";
      msg.append(a);
    }
    msg.classList.toggle("error", e.code !== "already_voted" && e.code !== "no_votes_left");
    if (e.code !== "unavailable") return;
    button.disabled = false;
  } catch {
    msg.textContent = "We could not reach Tryout. Check your connection and try again.";
    msg.classList.add("error");
    button.disabled = false;
  }
});
