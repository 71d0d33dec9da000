#!/usr/bin/env bash
# System packages the tests need (ONE list; `make system-deps`, called by `make venv`):
# LibreOffice for legacy formats, a CJK font, poppler for PDF pages, Chromium and its driver for the
# dashboard's browser test, Node.js and npm for Evidence's DuckDB driver (the old-readers test).
set -euo pipefail
PACKAGES="libreoffice-writer-nogui libreoffice-calc-nogui fonts-wqy-microhei poppler-utils chromium chromium-driver nodejs npm"

missing=""
command -v soffice >/dev/null 2>&1 || missing="yes"
command -v chromium >/dev/null 2>&1 || missing="yes"
command -v chromedriver >/dev/null 2>&1 || missing="yes"
command -v pdftoppm >/dev/null 2>&1 || missing="yes"
command -v node >/dev/null 2>&1 || missing="yes"
command -v npm >/dev/null 2>&1 || missing="yes"
fc-list 2>/dev/null | grep -qi "wqy" || missing="yes"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
else
    echo "system-deps: missing system packages; install them with: sudo apt-get install --no-install-recommends $PACKAGES" >&2
fi
