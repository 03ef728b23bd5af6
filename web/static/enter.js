// The entry page: save the details as a draft first, then upload the video
// with the resumable uploader.
import { call, say } from "/static/api.js";
import { Uploader } from "/static/uploader.js";
import { t } from "/static/i18n.js";

const form = document.getElementById("details");
const msg = form.querySelector(".message");
const panel = document.getElementById("uploader");
const fileInput = document.getElementById("file");
const bar = document.getElementById("progress");
const status = document.getElementById("upload-status");
const pauseBtn = document.getElementById("pause");
const resumeBtn = document.getElementById("resume");
let entryId = form.dataset.resume || "";
let fresh = !entryId;
let uploader = null;

function showUploader(hint) {
  form.hidden = true;
  panel.hidden = false;
  if (hint) document.getElementById("upload-hint").textContent = hint;
  fileInput.focus();
}

if (entryId) showUploader(t("Choose the same video file to carry on where the upload stopped."));

// The guardian's email is asked for only when the date of birth says the
// entrant is under the campaign's guardian age (the server decides too).
const guardian = document.getElementById("guardian");
if (guardian && form.birth_date) {
  const under = Number(guardian.dataset.age);
  const toggle = () => {
    const born = new Date(form.birth_date.value);
    if (isNaN(born)) { guardian.hidden = true; return; }
    const now = new Date();
    let age = now.getUTCFullYear() - born.getUTCFullYear();
    if (now.getUTCMonth() < born.getUTCMonth() || (now.getUTCMonth() === born.getUTCMonth() && now.getUTCDate() < born.getUTCDate())) age--;
    guardian.hidden = age >= under;
    form.guardian_email.required = !guardian.hidden;
  };
  form.birth_date.addEventListener("change", toggle);
  toggle();
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const e = await call("POST", `/api/campaigns/${encodeURIComponent(form.dataset.slug)}/drafts`, {
      title: form.title.value,
      description: form.description.value,
      creator_name: form.creator_name.value,
      birth_date: form.birth_date ? form.birth_date.value : "",
      guardian_email: form.guardian_email ? form.guardian_email.value : "",
      country: form.country && form.country.value !== "other" ? form.country.value : "",
      accept_rules: form.accept_rules.checked ? form.dataset.rules : "",
      media_release: form.media_release.checked,
      marketing: form.marketing.checked,
    });
    entryId = e.id;
    history.replaceState(null, "", `?entry=${encodeURIComponent(entryId)}`);
    showUploader();
  } catch (e) {
    say(msg, e.message, true);
  } finally {
    button.disabled = false;
  }
});

// The meter: percent, megabytes, speed and time left. What it shows never
// goes backwards: parts cut short by a pause or a dropped connection are
// sent again from their start, and the meter waits for them to catch up.
const meter = {
  pct: document.getElementById("up-pct"),
  bytes: document.getElementById("up-bytes"),
  speed: document.getElementById("up-speed"),
  left: document.getElementById("up-left"),
};
let shown = 0, total = 0, rate = 0, lastT = 0, lastSent = 0, moving = false;

function size(n) {
  const mb = n / 1e6;
  return mb >= 100 ? `${Math.round(mb)} MB` : `${mb.toFixed(1)} MB`;
}

function duration(s) {
  if (s < 60) return `${Math.max(1, Math.round(s))} s`; // units read the same in English and Spanish
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

function progress(sent, all) {
  total = all;
  const now = performance.now();
  if (lastT === 0 || sent < lastSent) {
    lastT = now;
    lastSent = sent;
  } else if (now - lastT >= 500) {
    const r = ((sent - lastSent) * 1000) / (now - lastT);
    rate = rate ? rate * 0.7 + r * 0.3 : r;
    lastT = now;
    lastSent = sent;
  }
  shown = Math.max(shown, sent);
  draw();
}

function draw() {
  const pct = total ? Math.floor((shown / total) * 100) : 0;
  bar.value = pct;
  bar.setAttribute("aria-valuetext", `${pct}%, ` + t("%s of %s", size(shown), size(total)));
  meter.pct.textContent = `${pct}%`;
  meter.bytes.textContent = total ? t("%s of %s", size(shown), size(total)) : "";
  const live = moving && rate > 1000 && shown < total;
  meter.speed.textContent = live ? `${size(rate)}/s` : "";
  meter.left.textContent = live ? t("about %s left", duration((total - shown) / rate)) : "";
}

function still() {
  moving = false;
  rate = 0;
  lastT = 0;
  draw();
}

function resetMeter() {
  shown = 0;
  total = 0;
  still();
}

// Refusals that no retry can fix: choose another file (the entry and its
// details are kept).
const final = new Set(["not_a_video", "file_too_large", "empty_file", "invalid_size", "different_file", "entry_window_closed", "illegal_transition"]);

async function go(run) {
  pauseBtn.disabled = false;
  resumeBtn.disabled = true;
  moving = true;
  try {
    const entry = await run();
    if (entry) {
      moving = false;
      say(status, t("Received! Taking you to your entries…"));
      location.href = "/me";
    }
  } catch (e) {
    still();
    pauseBtn.disabled = true;
    if (final.has(e.code)) {
      say(status, `${e.message} ` + t("Your title and details are kept: choose another file to carry on."), true);
      resetMeter();
      uploader = null;
      resumeBtn.disabled = true;
      fileInput.value = "";
      fileInput.focus();
    } else {
      say(status, t("The upload stopped: %s Press Resume to carry on from %d%%.", e.message, bar.value), true);
      resumeBtn.disabled = !uploader;
      if (uploader) resumeBtn.focus();
    }
  }
}

fileInput.addEventListener("change", () => {
  const file = fileInput.files[0];
  if (!file) return;
  const max = Number(form.dataset.maxBytes);
  if (file.size > max) {
    say(status, t("This file is %s, larger than the contest accepts (%s). Trim or compress it first, or choose another.", size(file.size), size(max)), true);
    fileInput.value = "";
    return;
  }
  if (uploader) uploader.pause();
  resetMeter();
  uploader = new Uploader(entryId, file, { onProgress: progress, onStatus: (text) => say(status, text) });
  const startFresh = fresh;
  fresh = false;
  go(() => uploader.begin(startFresh));
});

pauseBtn.addEventListener("click", () => {
  uploader.pause();
  still();
  say(status, t("Paused at %d%% (%s of %s). Press Resume to carry on.", bar.value, size(shown), size(total)));
  pauseBtn.disabled = true;
  resumeBtn.disabled = false;
  resumeBtn.focus();
});

resumeBtn.addEventListener("click", () => go(() => uploader.resume()));

window.addEventListener("offline", () => {
  if (moving) say(status, t("You are offline. The upload carries on by itself when the connection comes back: keep this page open."), true);
});
