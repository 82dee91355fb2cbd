#!/usr/bin/env bash
# Installs the system packages ErasWeb uses, if they are missing. Safe to run again.
#   libturbojpeg0: fast JPEG encoding (without it the app falls back to a slower encoder)
#   fonts-dejavu-core: the text of the confusion-matrix chart the eval command draws (without it, no text on Linux)
#   ffmpeg: reading video frames (ffprobe and ffmpeg)
#   libicu: dates and numbers in each reader's language (.NET reads cultures from ICU)
#   postgresql (with --tests): the throw-away database server the tests also run on (scripts/test.sh)
#   chromium-headless-shell (with --tests): the browser the browser tests drive (tests/ErasWeb.Browser): Chromium's
#     own renderer without the desktop browser around it, which headless runs do not use
#   fonts-ipafont-gothic (with --tests): Japanese text in the browser tests' screenshots (otherwise empty boxes)
# With --tests it also installs, with npm, the pinned tools that check the OpenAPI document (tools/openapi).
set -euo pipefail
tests=false
[ "${1:-}" = "--tests" ] && tests=true
packages=(libturbojpeg0 fonts-dejavu-core ffmpeg)
$tests && packages+=(postgresql chromium-headless-shell fonts-ipafont-gothic)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
# ICU's package carries its version in its name (libicu72, libicu74, ...): any will do.
dpkg -l 'libicu[0-9]*' 2>/dev/null | grep -q '^ii' || missing+=(libicu-dev)
if [ ${#missing[@]} -eq 0 ]; then
  :
elif ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: ${missing[*]} (Debian/Ubuntu package names)." >&2
else
  echo "Installing ${missing[*]}..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The OpenAPI check's tools, as package-lock.json pins them; again only when the lock file changed.
if $tests; then
  tools="$(cd "$(dirname "$0")/.." && pwd)/tools/openapi"
  if ! command -v npm >/dev/null 2>&1; then
    echo "Please install Node.js (20.19 or later) with npm: the OpenAPI document's check (tools/openapi) needs it." >&2
  elif ! cmp -s "$tools/package-lock.json" "$tools/node_modules/.installed-lock.json"; then
    echo "Installing the OpenAPI check's tools (npm ci in tools/openapi)..."
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && cp package-lock.json node_modules/.installed-lock.json)
  fi
fi
