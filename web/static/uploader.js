// Resumable upload straight to storage: the file is cut into the parts the
// server chose, up to three go at once over presigned URLs, each failed part
// is retried with backoff, and after a pause, a dropped connection or a
// closed tab the server says which parts arrived so only the rest are sent.
import { call, APIError } from "/static/api.js";
import { checkVideo } from "/static/sniff.js";
import { t } from "/static/i18n.js";

const PARALLEL = 3;
const MAX_BACKOFF_MS = 30000;

export class Uploader {
  constructor(entryId, file, { onProgress, onStatus }) {
    this.entryId = entryId;
    this.file = file;
    this.onProgress = onProgress;
    this.onStatus = onStatus;
    this.paused = false;
    this.inflight = new Map(); // part number -> XMLHttpRequest
    this.loaded = new Map(); // part number -> bytes sent so far
    this.done = 0; // bytes in parts that arrived
  }

  base() { return `/api/entries/${encodeURIComponent(this.entryId)}/uploads`; }

  // begin starts a new upload (fresh) or continues the one in progress.
  // A file whose first bytes are not a video is refused before anything
  // is sent.
  async begin(fresh) {
    const refused = await checkVideo(this.file);
    if (refused) throw new APIError(0, "not_a_video", refused);
    let tk;
    if (!fresh) {
      try {
        tk = await call("GET", `${this.base()}/current`);
      } catch (e) {
        if (!(e instanceof APIError) || e.code !== "no_upload") throw e;
      }
    }
    if (!tk) {
      tk = await call("POST", this.base(), { size: this.file.size, filename: this.file.name, content_type: this.file.type });
    }
    if (tk.size !== this.file.size) {
      throw new APIError(0, "different_file", t("This upload was started with a different file (%s MB). Choose that same file to resume, or start again with this one.", (tk.size / 1e6).toFixed(1)));
    }
    this.ticket = tk;
    return this.run();
  }

  // refresh asks the server which parts arrived and for fresh URLs.
  async refresh() {
    this.ticket = await call("GET", `${this.base()}/current`);
  }

  async run() {
    const tk = this.ticket;
    this.done = tk.received.reduce((n, p) => n + p.size, 0);
    this.loaded.clear();
    this.queue = tk.missing.slice();
    this.report();
    if (this.queue.length > 0) {
      this.onStatus(tk.received.length > 0 ? t("Resuming: %d of %d parts had already arrived.", tk.received.length, tk.parts) : t("Uploading… you can pause at any time."));
      await Promise.all(Array.from({ length: Math.min(PARALLEL, this.queue.length) }, () => this.worker()));
    }
    if (this.paused) return null;
    this.onStatus(t("Checking your video…"));
    try {
      return await call("POST", `${this.base()}/current/complete`);
    } catch (e) {
      if (e.code === "upload_incomplete") { // a part went missing: send it again
        await this.refresh();
        return this.run();
      }
      throw e;
    }
  }

  async worker() {
    while (!this.paused && this.queue.length > 0) {
      const part = this.queue.shift();
      await this.sendWithRetry(part);
    }
  }

  async sendWithRetry(part) {
    for (let attempt = 0; !this.paused; attempt++) {
      try {
        await this.send(part);
        return;
      } catch (status) {
        if (this.paused) break;
        if (status === 403) { // URL expired: get fresh ones
          try { await this.refresh(); part.url = (this.ticket.missing.find((p) => p.number === part.number) || part).url; } catch { /* retry below */ }
        }
        const wait = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) * (0.75 + Math.random() / 2);
        this.troubled = true;
        this.onStatus(t("Connection problem: retrying in %d s. Keep this page open; nothing sent is lost.", Math.round(wait / 1000)));
        await new Promise((r) => { const id = setTimeout(r, wait); window.addEventListener("online", () => { clearTimeout(id); r(); }, { once: true }); });
      }
    }
    this.queue.unshift(part); // paused: send it after resume
  }

  send(part) {
    const size = this.ticket.part_size;
    const start = (part.number - 1) * size;
    const blob = this.file.slice(start, Math.min(start + size, this.file.size));
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this.inflight.set(part.number, xhr);
      xhr.open("PUT", part.url);
      xhr.upload.onprogress = (e) => { this.loaded.set(part.number, e.loaded); this.report(); };
      xhr.onload = () => {
        this.inflight.delete(part.number);
        this.loaded.delete(part.number);
        if (xhr.status >= 200 && xhr.status < 300) {
          this.done += blob.size;
          this.report();
          if (!this.paused && this.troubled) this.onStatus(t("Connection is back: uploading…"));
          this.troubled = false;
          resolve();
        } else {
          reject(xhr.status);
        }
      };
      xhr.onerror = xhr.onabort = xhr.ontimeout = () => {
        this.inflight.delete(part.number);
        this.loaded.delete(part.number);
        this.report();
        reject(0);
      };
      xhr.send(blob);
    });
  }

  report() {
    let sent = this.done;
    for (const n of this.loaded.values()) sent += n;
    this.onProgress(Math.min(sent, this.file.size), this.file.size);
  }

  pause() {
    this.paused = true;
    for (const xhr of this.inflight.values()) xhr.abort();
  }

  async resume() {
    this.paused = false;
    await this.refresh();
    return this.run();
  }
}
