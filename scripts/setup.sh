#!/usr/bin/env bash
# Installs the system packages ErasWeb uses, if they are missing. Safe to run again.
#   libturbojpeg0: fast JPEG encoding (without it the app falls back to a slower encoder)
#   fonts-dejavu-core: the text of the confusion-matrix chart the eval command draws (without it, no text on Linux)
#   ffmpeg: reading video frames (ffprobe and ffmpeg)
#   chromium: the browser the browser tests drive (tests/ErasWeb.Browser)
#   postgresql (with --tests): the throw-away database server the tests also run on (scripts/test.sh)
set -euo pipefail
packages=(libturbojpeg0 fonts-dejavu-core ffmpeg chromium)
[ "${1:-}" = "--tests" ] && packages+=(postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: ${missing[*]} (Debian/Ubuntu package names)." >&2
  exit 0
fi
echo "Installing ${missing[*]}..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
