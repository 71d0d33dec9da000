#!/usr/bin/env bash
# System packages the tests need (ONE list; `make system-deps`, called by `make venv`):
# LibreOffice for legacy formats, a CJK font, poppler for PDF pages, Chromium and its driver for the
# dashboard's browser test, Node.js and npm for Evidence's DuckDB driver (the old-readers test).
# Only what is missing is installed: a machine with Node.js from NodeSource already has npm, and
# Debian's npm package conflicts with that nodejs.
set -euo pipefail

missing=()
need() {  # need <present?> <package>...
    if ! eval "$1" >/dev/null 2>&1; then shift; missing+=("$@"); fi
}
need "command -v soffice" libreoffice-writer-nogui libreoffice-calc-nogui
need "fc-list | grep -qi wqy" fonts-wqy-microhei
need "command -v pdftoppm" poppler-utils
need "command -v chromium" chromium
need "command -v chromedriver" chromium-driver
need "command -v node" nodejs
need "command -v npm" npm
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "system-deps: missing system packages; install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
fi
