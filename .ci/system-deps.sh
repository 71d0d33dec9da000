#!/bin/sh
# System packages the tests and the demo need (issue 10: LibreOffice + a CJK font for .doc/.wps/
# .xls/.et conversion; issue 11 adds chromium here). Idempotent: installs only what is missing,
# when root with apt-get; otherwise prints one line saying how.
set -eu
PACKAGES="libreoffice-writer-nogui libreoffice-calc-nogui fonts-wqy-microhei"

missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done
if [ -z "$missing" ] && command -v soffice >/dev/null 2>&1; then
    exit 0
fi
if [ -z "$missing" ]; then missing="$PACKAGES"; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "system-deps: missing$missing — run: sudo apt-get install --no-install-recommends$missing (需要安装 LibreOffice 与中文字体)"
fi
