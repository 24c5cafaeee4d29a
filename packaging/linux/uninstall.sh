#!/bin/sh
# Removes what install.sh added (the menu entry, icons, metadata and the `legalaid` link), for
# the current user or, run as root, for every user (unless --user). The data folder is NOT touched: delete it
# yourself only if you are sure you have a backup you can restore.
set -eu
if [ "$(id -u)" = 0 ] && [ "${1:-}" != "--user" ]; then
    share=/usr/local/share
    bin=/usr/local/bin
else
    share=${XDG_DATA_HOME:-$HOME/.local/share}
    bin=$HOME/.local/bin
fi
rm -f "$share/applications/legalaid-desktop.desktop" \
      "$share/metainfo/az.legalaid.LegalAidDesktop.metainfo.xml"
find "$share/icons/hicolor" -name 'legalaid-desktop.*' -path '*/apps/*' -exec rm -f {} + 2>/dev/null || true
[ -L "$bin/legalaid" ] && rm -f "$bin/legalaid" || true
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
echo "LegalAid Desktop is off the menu. Delete its unpacked folder to remove the program."
echo "The data folder was left as it is."
