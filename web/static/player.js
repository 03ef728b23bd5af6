// Plays an entry: the adaptive HLS ladder when it is ready (natively in
// Safari, through hls.js elsewhere, the MP4 fallback without either), or
// the entrant's first playable preview before that.
const video = document.getElementById("player");

function play(src) {
  if (!src.endsWith(".m3u8") || video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = src;
    return true;
  }
  if (window.Hls && window.Hls.isSupported()) {
    // No worker: the page's Content-Security-Policy allows no blob: scripts.
    const hls = new window.Hls({ enableWorker: false, startPosition: 0, capLevelToPlayerSize: true });
    hls.on(window.Hls.Events.ERROR, (_, data) => {
      if (data.fatal && video.dataset.mp4) {
        hls.destroy();
        video.src = video.dataset.mp4;
      }
    });
    hls.loadSource(src);
    hls.attachMedia(video);
    return true;
  }
  return false;
}

function start() {
  const { hls, mp4, first, ready } = video.dataset;
  if (ready === "true") {
    if (!play(hls) && mp4) video.src = mp4;
  } else if (first) {
    play(first);
  }
}

// hls.js loads with defer; modules run after deferred scripts.
if (video) start();

// Views: once the viewer has really watched for the campaign's few seconds
// (time played, not time on the page), the view is claimed with a token
// the server signed when playback began.
async function post(path, body) {
  const res = await fetch(path, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body || {}) });
  return { ok: res.ok, status: res.status, data: await res.json().catch(() => ({})) };
}

function countViews() {
  const id = video.dataset.entry;
  let token = null, need = 5, watched = 0, last = null, claiming = false;
  video.addEventListener("playing", async () => {
    if (token !== null) return;
    token = "";
    const r = await post(`/api/entries/${encodeURIComponent(id)}/views/start`);
    if (r.ok && r.data.counts) { token = r.data.token; need = r.data.after_seconds; }
  });
  video.addEventListener("timeupdate", async () => {
    const t = video.currentTime;
    if (last !== null && !video.paused && t > last && t - last < 1.5) watched += t - last;
    last = t;
    if (!token || claiming || watched < need) return;
    claiming = true;
    const r = await post(`/api/entries/${encodeURIComponent(id)}/views`, { token });
    if (r.status === 409) { claiming = false; return; } // the server's clock says not yet: try on a later tick
    token = ""; // claimed (counted or not): one claim per page view
    video.dataset.viewed = r.ok && r.data.counted ? "counted" : "seen";
  });
}

// Scrub bar with thumbnails from the sprite: hovering or dragging shows the
// frame at that point; the range input works with arrow keys too.
async function scrubber() {
  const box = document.getElementById("scrub-box");
  const range = document.getElementById("scrub");
  const thumb = document.getElementById("scrub-thumb");
  if (!box || !video.dataset.thumbs) return;
  const vttURL = new URL(video.dataset.thumbs, location.href);
  let cues = [];
  try {
    const text = await (await fetch(vttURL, { credentials: "same-origin" })).text();
    cues = parseThumbs(text, vttURL);
  } catch { return; }
  if (!cues.length) return;
  box.hidden = false;
  const seconds = (v) => (video.duration || 0) * v / 1000;
  const show = (t, x) => {
    const c = cues.find((c) => t >= c.from && t < c.to) || cues[cues.length - 1];
    thumb.style.backgroundImage = `url("${c.url}")`;
    thumb.style.backgroundPosition = `-${c.x}px -${c.y}px`;
    thumb.style.width = `${c.w}px`;
    thumb.style.height = `${c.h}px`;
    const left = Math.max(0, Math.min(box.clientWidth - c.w, x - c.w / 2));
    thumb.style.left = `${left}px`;
    thumb.hidden = false;
    thumb.dataset.at = String(Math.floor(t));
  };
  range.addEventListener("pointermove", (ev) => {
    const r = range.getBoundingClientRect();
    const v = Math.max(0, Math.min(1, (ev.clientX - r.left) / r.width)) * 1000;
    show(seconds(v), ev.clientX - r.left);
  });
  range.addEventListener("pointerleave", () => { thumb.hidden = true; });
  range.addEventListener("input", () => {
    const t = seconds(Number(range.value));
    video.currentTime = t;
    show(t, range.clientWidth * Number(range.value) / 1000);
  });
  range.addEventListener("change", () => { thumb.hidden = true; });
  video.addEventListener("timeupdate", () => {
    if (document.activeElement !== range && video.duration) range.value = String(Math.round(video.currentTime / video.duration * 1000));
  });
}

function parseThumbs(text, base) {
  const out = [];
  const re = /(\d+):(\d+):(\d+(?:\.\d+)?)\s*-->\s*(\d+):(\d+):(\d+(?:\.\d+)?)\s*\n([^\n#]+)#xywh=(\d+),(\d+),(\d+),(\d+)/g;
  for (const m of text.matchAll(re)) {
    out.push({
      from: +m[1] * 3600 + +m[2] * 60 + +m[3], to: +m[4] * 3600 + +m[5] * 60 + +m[6],
      url: new URL(m[7].trim(), base).href, x: +m[8], y: +m[9], w: +m[10], h: +m[11],
    });
  }
  return out;
}

if (video && video.dataset.count === "yes") countViews();
if (video) scrubber();
