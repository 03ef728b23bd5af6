// Reads a chosen file's first bytes and says whether they start like a
// video container Tryout accepts: the same check the server makes
// (internal/media/sniff.go), made before any byte is sent.
import { t } from "/static/i18n.js";

// kinds names what a refused file looks like, for a clearer message.
const kinds = [
  [[0x89, 0x50, 0x4e, 0x47], t("a PNG image")],
  [[0xff, 0xd8, 0xff], t("a JPEG photo")],
  [[0x47, 0x49, 0x46, 0x38], t("a GIF image")],
  [[0x25, 0x50, 0x44, 0x46], t("a PDF document")],
  [[0x50, 0x4b, 0x03, 0x04], t("a ZIP archive or office document")],
  [[0x49, 0x44, 0x33], t("an MP3 song")],
];

function ascii(b, from, to) { return String.fromCharCode(...b.slice(from, to)); }

// container returns "mp4", "matroska", "avi" or "" for the first bytes.
export function container(b) {
  if (b.length >= 12) {
    const size = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
    const typ = ascii(b, 4, 8);
    if (typ === "ftyp" && size >= 8 && size <= 4096) return "mp4";
    if (["moov", "mdat", "wide", "free", "skip"].includes(typ) && (size === 1 || size >= 8)) return "mp4";
  }
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return "matroska";
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "AVI ") return "avi";
  return "";
}

// describe guesses what a non-video file is ("" when it cannot tell).
export function describe(b) {
  for (const [magic, name] of kinds) {
    if (magic.every((v, i) => b[i] === v)) return name;
  }
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WAVE") return t("a WAV sound file");
  return "";
}

// checkVideo resolves with "" for a file that starts like a video, or the
// message to show for one that does not.
export async function checkVideo(file) {
  const b = new Uint8Array(await file.slice(0, 64).arrayBuffer());
  if (b.length === 0) return t("This file is empty. Choose your video file.");
  if (container(b)) return "";
  const what = describe(b);
  return (what ? t("This file is %s, not a video.", what) : t("This file is not a video we can accept.")) + " " + t("Choose an MP4, MOV, WebM, MKV or AVI video.");
}
