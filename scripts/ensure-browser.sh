#!/usr/bin/env bash
# What the dashboard's browser tests need: Debian's chromium and its chromedriver, a Chinese font (so screenshots show
# text, not boxes), and selenium and pypdf (to read the printed responsibility list) from PyPI in .build/browser-venv.
# Prints the venv's python for DUBAN_BROWSER_PYTHON.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
missing=()
for package in chromium chromium-driver fonts-wqy-microhei; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "browser: installing ${missing[*]} ..." >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi
venv="$root/.build/browser-venv"
if ! "$venv/bin/python" -c "import selenium, pypdf" >/dev/null 2>&1; then
  echo "browser: installing selenium and pypdf into $venv" >&2
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check "selenium>=4.27,<5" "pypdf>=4,<7" >&2
fi
echo "$venv/bin/python"
