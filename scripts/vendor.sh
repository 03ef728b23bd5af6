#!/usr/bin/env bash
# Vendors the third-party browser libraries from npm at pinned versions,
# checks each file against its recorded sha256 and copies it (with its
# licence and a VERSION note) into the repository. The results are
# committed; run this only to re-fetch or to move a pin (then update the
# checksum below after reading the new release).
#
#   scripts/vendor.sh            every library
#   scripts/vendor.sh axe-core   one of them
#
# Also installs the test-only Node tools (open-graph-scraper for the unfurl
# test) into the cache; scripts/install.sh calls that part.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# name  version  file-in-package  sha256  destination folder (in the repo)  note
LIBS=(
  "hls.js|1.7.4|dist/hls.light.min.js|482cccb3a224554f64d8c2cf0d335dba4a3819bdb726afbfddfe15de4c277d82|web/static/vendor/hls.js-1.7.4|the light build: HLS with fMP4, no subtitles, alternate audio or DRM. Served to every player page."
  "axe-core|4.14.1|axe.min.js|29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c|internal/app/testdata/vendor/axe-core-4.14.1|the accessibility engine the browser tests inject into every page. Test-only: never served."
)

vendor_one() {
  local name=$1 version file sum dest note work got
  for row in "${LIBS[@]}"; do
    IFS='|' read -r n version file sum dest note <<<"$row"
    [[ $n == "$name" ]] && break
    n=""
  done
  [[ -n $n ]] || die "unknown library: $name"
  command -v npm >/dev/null || die "npm is needed to vendor $name"
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null && tar xzf ./*.tgz)
  got=$(sha256sum "$work/package/$file" | awk '{print $1}')
  [[ $got == "$sum" ]] || { rm -rf "$work"; die "$name $version: $file has sha256 $got, expected $sum"; }
  mkdir -p "$ROOT/$dest"
  cp "$work/package/$file" "$ROOT/$dest/"
  cp "$work/package/LICENSE" "$ROOT/$dest/LICENSE"
  local license
  license=$(node -e 'console.log(require(process.argv[1]).license)' "$work/package/package.json" 2>/dev/null || echo "see LICENSE")
  cat >"$ROOT/$dest/VERSION" <<EOF
$name $version, $license licence (LICENSE).
Fetched by scripts/vendor.sh (\`npm pack $name@$version\`); $file copied unchanged:
$note
sha256 $sum
EOF
  rm -rf "$work"
  say "vendored $name $version into $dest"
}

# Test-only Node tools, installed into the cache (not committed) and
# linked as .bin/node-tools.
OGS_VERSION="6.12.0"
node_tools() {
  local dir="$CACHE/node-tools-ogs-$OGS_VERSION"
  if [[ ! -f $dir/node_modules/open-graph-scraper/package.json ]]; then
    command -v npm >/dev/null || die "npm is needed for the unfurl test (apt-get install npm)"
    say "installing open-graph-scraper $OGS_VERSION (test-only)"
    mkdir -p "$dir"
    (cd "$dir" && npm install --silent --no-audit --no-fund --prefix "$dir" "open-graph-scraper@$OGS_VERSION" >/dev/null)
  fi
  mkdir -p "$BIN"
  ln -sfn "$dir" "$BIN/node-tools"
}

case "${1:-all}" in
  all) for row in "${LIBS[@]}"; do vendor_one "${row%%|*}"; done ;;
  node-tools) node_tools ;;
  *) vendor_one "$1" ;;
esac
