// The player's own controls, replacing the browser's (which stay for
// visitors without JavaScript): play, one seek bar that previews the
// frame under the pointer from the thumbnail sprite, time, sound,
// captions and full screen. Every control is a labelled button or slider,
// usable by keyboard; the seek bar takes the arrow keys.
import { t } from "/static/i18n.js";

const video = document.getElementById("player");
const bar = document.getElementById("controls");

function clock(s) {
  s = Math.max(0, Math.floor(s || 0));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

function setup() {
  const frame = document.getElementById("frame");
  const play = document.getElementById("play");
  const range = document.getElementById("scrub");
  const time = document.getElementById("time");
  const mute = document.getElementById("mute");
  const cc = document.getElementById("cc");
  const full = document.getElementById("fullscreen");
  video.controls = false;
  bar.hidden = false;
  frame.classList.add("custom");

  const toggle = () => (video.paused || video.ended ? video.play().catch(() => {}) : video.pause());
  play.addEventListener("click", toggle);
  video.addEventListener("click", toggle);
  const state = () => {
    const paused = video.paused || video.ended;
    frame.classList.toggle("paused", paused);
    play.setAttribute("aria-label", paused ? t("Play") : t("Pause"));
  };
  video.addEventListener("play", state);
  video.addEventListener("pause", state);
  video.addEventListener("ended", state);
  state();

  const fill = () => {
    const d = video.duration || 0;
    const v = d ? Math.round((video.currentTime / d) * 1000) : 0;
    if (document.activeElement !== range || !range.dataset.dragging) range.value = String(v);
    range.style.setProperty("--p", `${v / 10}%`);
    range.setAttribute("aria-valuetext", `${clock(video.currentTime)} of ${clock(d)}`);
    time.textContent = `${clock(video.currentTime)} / ${clock(d)}`;
  };
  video.addEventListener("timeupdate", fill);
  video.addEventListener("durationchange", fill);
  video.addEventListener("loadedmetadata", fill);
  range.addEventListener("input", () => {
    if (video.duration) video.currentTime = (video.duration * Number(range.value)) / 1000;
    range.style.setProperty("--p", `${Number(range.value) / 10}%`);
  });

  mute.addEventListener("click", () => { video.muted = !video.muted; });
  video.addEventListener("volumechange", () => {
    mute.setAttribute("aria-pressed", String(video.muted));
    mute.setAttribute("aria-label", video.muted ? t("Unmute") : t("Mute"));
    frame.classList.toggle("muted", video.muted);
  });

  if (cc) {
    const track = () => video.textTracks[0];
    cc.addEventListener("click", () => {
      const t = track();
      if (!t) return;
      t.mode = t.mode === "showing" ? "hidden" : "showing";
      cc.setAttribute("aria-pressed", String(t.mode === "showing"));
    });
  }

  full.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else if (frame.requestFullscreen) frame.requestFullscreen().catch(() => {});
    else if (video.webkitEnterFullscreen) video.webkitEnterFullscreen(); // iPhone
  });
  document.addEventListener("fullscreenchange", () => {
    full.setAttribute("aria-label", document.fullscreenElement ? t("Leave full screen") : t("Full screen"));
  });

  // Keys on the player: space or k plays and pauses, m mutes, f goes full
  // screen (the seek bar has the arrows).
  frame.addEventListener("keydown", (ev) => {
    if (ev.target === range || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const k = ev.key.toLowerCase();
    if ((k === " " && ev.target === video) || k === "k") { ev.preventDefault(); toggle(); }
    else if (k === "m") mute.click();
    else if (k === "f") full.click();
  });
  video.tabIndex = 0;
  thumbnails(range);
}

// thumbnails shows the frame under the pointer (or at the keyboard's
// position while seeking) above the seek bar, from the WebVTT sprite map.
async function thumbnails(range) {
  const box = document.getElementById("scrub-box");
  const thumb = document.getElementById("scrub-thumb");
  const label = document.getElementById("scrub-time");
  let cues = [];
  if (video.dataset.thumbs) {
    const vttURL = new URL(video.dataset.thumbs, location.href);
    try {
      cues = parseThumbs(await (await fetch(vttURL, { credentials: "same-origin" })).text(), vttURL);
    } catch { /* no previews: the bar still seeks */ }
  }
  const seconds = (v) => ((video.duration || 0) * v) / 1000;
  const show = (t, x) => {
    const c = cues.find((q) => t >= q.from && t < q.to) || cues[cues.length - 1];
    const w = c ? c.w : 64;
    if (c) {
      thumb.style.backgroundImage = `url("${c.url}")`;
      thumb.style.backgroundPosition = `-${c.x}px -${c.y}px`;
      thumb.style.width = `${c.w}px`;
      thumb.style.height = `${c.h}px`;
    }
    thumb.classList.toggle("text-only", !c);
    label.textContent = clock(t);
    thumb.style.left = `${Math.max(0, Math.min(box.clientWidth - w, x - w / 2))}px`;
    thumb.hidden = false;
    thumb.dataset.at = String(Math.floor(t));
  };
  range.addEventListener("pointermove", (ev) => {
    const r = range.getBoundingClientRect();
    const v = Math.max(0, Math.min(1, (ev.clientX - r.left) / r.width)) * 1000;
    show(seconds(v), ev.clientX - r.left);
  });
  range.addEventListener("pointerdown", () => { range.dataset.dragging = "yes"; });
  range.addEventListener("pointerup", () => { delete range.dataset.dragging; });
  range.addEventListener("pointerleave", () => { thumb.hidden = true; });
  range.addEventListener("input", () => show(seconds(Number(range.value)), (range.clientWidth * Number(range.value)) / 1000));
  range.addEventListener("change", () => { thumb.hidden = true; });
  range.addEventListener("blur", () => { thumb.hidden = true; });
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

if (video && bar) setup();
