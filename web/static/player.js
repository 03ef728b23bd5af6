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
