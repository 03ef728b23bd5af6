// The vote button: casts the vote and says what happened in words (counted,
// held for review and why, already voted and when to come back, in the
// visitor's own time zone, or what to do). When Tryout asks
// for a proof of work (a vote that looks automated), the browser solves it
// and sends the vote again, and offers to confirm the voter's email
// instead (a signed-in voter is never asked for the puzzle). On load it
// asks what the visitor has left, so a fan who already voted is told so
// at once instead of after pressing the button.

import { t, lang } from "/static/i18n.js";

const box = document.getElementById("vote-box");
const button = document.getElementById("vote");
const msg = box.querySelector(".message");

const periodWords = { once: t("in this campaign"), hour: t("this hour"), day: t("today"), week: t("this week") };

// The visitor's own time zone, as the browser names it ("Europe/Paris").
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

// when says a moment in the visitor's time, naming their zone:
// "Tue 2 Jun, 01:00 your time (Europe/Paris)".
function when(iso) {
  const d = new Date(iso);
  const locale = lang === "en" ? "en-GB" : lang;
  const day = d.toLocaleDateString(locale, { weekday: "short", day: "numeric", month: "short", timeZone: zone }).replace(",", "");
  const time = d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", timeZone: zone });
  return t("%s, %s your time (%s)", day, time, zone);
}

// campaignDays names the campaign's own zone when its days are not the
// visitor's ("The campaign's days follow Asia/Tokyo time."); set once the
// standing is known.
let campaignDays = "";

async function standing() {
  const res = await fetch(`/api/campaigns/${encodeURIComponent(box.dataset.campaign)}/votes/me`, { credentials: "same-origin", headers: { Accept: "application/json", "Accept-Language": lang } });
  if (!res.ok) return;
  const s = await res.json();
  if (s.time_zone && s.time_zone !== zone && (s.frequency === "day" || s.frequency === "week")) {
    campaignDays = " " + t("The campaign's days follow %s time.", s.time_zone);
  }
  const period = periodWords[s.frequency] || t("for now");
  const again = s.next_period_at ? " " + t("You can vote again %s.", when(s.next_period_at)) + campaignDays : "";
  if ((s.voted || []).includes(box.dataset.entry)) {
    msg.textContent = t("You voted for this entry %s.", period) + again;
  } else if (s.scope === "campaign" && s.remaining === 0) {
    msg.textContent = t("You have used your votes %s.", period) + again;
  } else {
    return;
  }
  button.disabled = true;
  box.dataset.voted = "yes";
}
standing().catch(() => {});

function zeroBits(bytes) {
  let n = 0;
  for (const b of bytes) {
    if (b === 0) { n += 8; continue; }
    return n + Math.clz32(b) - 24;
  }
  return n;
}

async function solve(token, difficulty) {
  const enc = new TextEncoder();
  for (let i = 0; ; i++) {
    const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(`${token}:${i}`)));
    if (zeroBits(sum) >= difficulty) return String(i);
  }
}

// One key per vote the visitor means to cast, kept across retries (a lost
// answer, a dropped network, a second press) until the vote has an answer
// that is not "try again": the server counts a vote with a key it has seen
// once, and answers the retry with the first outcome.
let requestKey = "";
function newRequestKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

async function send(extra) {
  if (!requestKey) requestKey = newRequestKey();
  const headers = { Accept: "application/json", "Accept-Language": lang, "X-Page-Token": box.dataset.page || "", "Idempotency-Key": requestKey, ...extra };
  if (navigator.webdriver) headers["X-Webdriver"] = "1"; // told honestly: the vote is held for review, not refused
  const res = await fetch(`/api/entries/${encodeURIComponent(box.dataset.entry)}/votes`, { method: "POST", credentials: "same-origin", headers });
  return { res, data: await res.json().catch(() => ({})) };
}

button.addEventListener("click", async () => {
  button.disabled = true;
  msg.classList.remove("error");
  try {
    let { res, data } = await send({});
    const e0 = data.error || {};
    if (e0.code === "challenge_required" && e0.fields) {
      msg.textContent = e0.message + " ";
      if (e0.fields.verify_url) {
        const a = document.createElement("a");
        a.href = e0.fields.verify_url;
        a.id = "verify-instead";
        a.textContent = t("Confirm my email");
        msg.append(a);
      }
      const nonce = await solve(e0.fields.challenge_token, Number(e0.fields.difficulty));
      ({ res, data } = await send({ "X-Challenge-Token": e0.fields.challenge_token, "X-Challenge-Nonce": nonce }));
    }
    if (res.ok && data.held) {
      requestKey = "";
      msg.textContent = t("Thank you: your vote is saved and under review, because %s. It counts once our automatic checks or the campaign team clear it.", (data.held_because || []).join(t("; and ")));
      box.dataset.voted = "yes";
      return;
    }
    if (res.ok) {
      requestKey = "";
      msg.textContent = t("Thank you: your vote counts.");
      const total = document.getElementById("votes");
      if (total && typeof data.votes === "number") total.textContent = data.votes === 1 ? t("1 vote") : t("%d votes", data.votes);
      box.dataset.voted = "yes";
      return;
    }
    const e = data.error || {};
    msg.textContent = e.message || t("Your vote was not saved. Please try again.");
    const next = (e.fields || {}).next_vote_at;
    if (next && (e.code === "already_voted" || e.code === "no_votes_left")) {
      const period = periodWords[box.dataset.frequency] || t("for now");
      msg.textContent = (e.code === "already_voted" ? t("You already voted for this entry %s.", period) : t("You have used your votes %s.", period)) +
        " " + t("You can vote again %s.", when(next)) + campaignDays;
    }
    if (e.code === "verify_required" || e.code === "confirm_email") {
      const a = document.createElement("a");
      a.href = `/signin?next=${encodeURIComponent(location.pathname)}`;
      a.textContent = " " + t("Sign in");
      msg.append(a);
    }
    msg.classList.toggle("error", e.code !== "already_voted" && e.code !== "no_votes_left");
    if (e.code === "unavailable" || e.code === "challenge_required") {
      button.disabled = false; // the next press retries with the same key
    } else {
      requestKey = "";
    }
  } catch {
    msg.textContent = t("We could not reach Tryout. Check your connection and try again.");
    msg.classList.add("error");
    button.disabled = false;
  }
});
