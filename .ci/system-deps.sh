#!/usr/bin/env bash
# System packages the tests need (ONE list; `make system-deps`, called by `make venv`):
# LibreOffice for legacy formats, a CJK font, Chromium and its driver for the dashboard's browser test.
set -euo pipefail
PACKAGES="libreoffice-writer-nogui libreoffice-calc-nogui fonts-wqy-microhei poppler-utils chromium chromium-driver"

missing=""
command -v soffice >/dev/null 2>&1 || missing="yes"
command -v chromium >/dev/null 2>&1 || missing="yes"
command -v chromedriver >/dev/null 2>&1 || missing="yes"
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
