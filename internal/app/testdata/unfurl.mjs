// Unfurls a page the way a chat app or social network does: fetches it
// with open-graph-scraper (installed by scripts/vendor.sh node-tools) and
// prints what it found as JSON. Used by TestUnfurl; loopback only.
//
//   node unfurl.mjs NODE_TOOLS_DIR URL
import { createRequire } from "node:module";

const [dir, url] = process.argv.slice(2);
const require = createRequire(`${dir}/package.json`);
const ogs = require("open-graph-scraper");

// The test server is 127.0.0.1:port: no top-level domain.
const urlValidatorSettings = {
  allow_fragments: true, allow_protocol_relative_urls: false, allow_query_components: true,
  allow_trailing_dot: false, allow_underscores: false, protocols: ["http", "https"],
  require_host: true, require_port: false, require_protocol: true, require_tld: false,
  require_valid_protocol: true, validate_length: true,
};
try {
  const { result } = await ogs({ url, urlValidatorSettings, timeout: 20 });
  console.log(JSON.stringify(result));
} catch (e) {
  console.log(JSON.stringify({ error: true, detail: e.result || String(e) }));
  process.exit(1);
}
