// The entry page: save the details as a draft first, then upload the video
// with the resumable uploader.
import { call, say } from "/static/api.js";
import { Uploader } from "/static/uploader.js";

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

if (entryId) showUploader("Choose the same video file to carry on where the upload stopped.");

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

function progress(sent, total) {
  bar.value = Math.round((sent / total) * 100);
  bar.setAttribute("aria-valuetext", `${Math.round(sent / 1e6)} of ${Math.round(total / 1e6)} MB`);
}

async function go(run) {
  pauseBtn.disabled = false;
  resumeBtn.disabled = true;
  try {
    const entry = await run();
    if (entry) {
      say(status, "Received! Taking you to your entries…");
      location.href = "/me";
    }
  } catch (e) {
    say(status, e.message, true);
    pauseBtn.disabled = true;
    resumeBtn.disabled = !uploader || e.code === "different_file" || e.code === "not_a_video";
  }
}

fileInput.addEventListener("change", () => {
  const file = fileInput.files[0];
  if (!file) return;
  const max = Number(form.dataset.maxBytes);
  if (file.size > max) {
    say(status, `This file is larger than the contest accepts (${Math.round(max / 1e6)} MB). Trim or compress it first.`, true);
    return;
  }
  if (uploader) uploader.pause();
  uploader = new Uploader(entryId, file, { onProgress: progress, onStatus: (t) => say(status, t) });
  const startFresh = fresh;
  fresh = false;
  go(() => uploader.begin(startFresh));
});

pauseBtn.addEventListener("click", () => {
  uploader.pause();
  pauseBtn.disabled = true;
  resumeBtn.disabled = false;
  resumeBtn.focus();
});

resumeBtn.addEventListener("click", () => go(() => uploader.resume()));
