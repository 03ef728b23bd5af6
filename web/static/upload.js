// Streams the entry form to the API with a real progress bar and shows the
// API's error message when something is refused.
const form = document.getElementById("upload");
const bar = document.getElementById("progress");
const msg = document.getElementById("message");

function say(text, isError) {
  msg.textContent = text;
  msg.classList.toggle("error", Boolean(isError));
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const file = form.file.files[0];
  if (!file) { say("Choose a video first.", true); return; }
  const max = Number(form.dataset.maxBytes);
  if (file.size > max) { say(`Your file is larger than this campaign accepts (${Math.round(max / 1e6)} MB).`, true); return; }
  const data = new FormData();
  data.append("title", form.title.value);
  data.append("description", form.description.value);
  data.append("file", file);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", `/api/campaigns/${encodeURIComponent(form.dataset.slug)}/entries`);
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) { bar.hidden = false; bar.value = Math.round((e.loaded / e.total) * 100); }
  };
  xhr.onload = () => {
    let body = {};
    try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
    if (xhr.status === 201) { location.href = `/e/${body.id}`; return; }
    form.querySelector("button").disabled = false;
    say(body.error ? body.error.message : "The upload failed. Please try again.", true);
  };
  xhr.onerror = () => {
    form.querySelector("button").disabled = false;
    say("The connection dropped. Your title and description are still here: try again.", true);
  };
  form.querySelector("button").disabled = true;
  say("Uploading…");
  xhr.send(data);
});
