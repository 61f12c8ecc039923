#!/usr/bin/env bash
# Installs what Reelsmith needs on a Debian/Ubuntu machine with Node >= 20 and npm:
# ffmpeg (libx264, libass, loudnorm, xfade), redis-server, fonts, Chromium (the studio's browser
# tests drive it with playwright-core; no browser is downloaded), zip and unzip (archives in tests),
# tesseract-ocr (the major statement e2e reads the burned-in text back), promtool (the prometheus
# package: alert rules are checked), and the npm packages.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing+=(fonts-dejavu-core fontconfig)
command -v pgrep >/dev/null 2>&1 || missing+=(procps)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v zip >/dev/null 2>&1 || missing+=(zip)
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
# promtool (Debian's prometheus package) checks infra/observability's alert rules
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node -e 'const [major] = process.versions.node.split("."); if (+major < 20) { console.error("setup: Node >= 20 is required"); process.exit(1); }'
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
