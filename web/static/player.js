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

if (video && video.dataset.count === "yes") countViews();
