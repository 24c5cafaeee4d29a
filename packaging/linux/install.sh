#!/bin/sh
# Adds LegalAid Desktop (this unpacked folder) to the applications menu and puts the `legalaid`
# command on PATH: for the current user, or for every user when run as root (unless --user).
# Running the install.sh of a newer folder moves the menu entry to it (an upgrade). Touches no
# data.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" = 0 ] && [ "${1:-}" != "--user" ]; then
    share=/usr/local/share
    bin=/usr/local/bin
else
    share=${XDG_DATA_HOME:-$HOME/.local/share}
    bin=$HOME/.local/bin
fi
mkdir -p "$share/applications" "$share/metainfo" "$share/icons" "$bin"
cp -R "$here/share/icons/hicolor" "$share/icons/"
cp "$here"/share/metainfo/*.metainfo.xml "$share/metainfo/"
# The menu entry runs this folder's program (the path quoted for the desktop's parser).
sed -e "s|^Exec=.*|Exec=\"$here/legalaid-desktop\"|" \
    -e "s|^TryExec=.*|TryExec=$here/legalaid-desktop|" \
    "$here/share/applications/legalaid-desktop.desktop" > "$share/applications/legalaid-desktop.desktop"
ln -sf "$here/legalaid" "$bin/legalaid"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "LegalAid Desktop is in the applications menu (Office); the command: $bin/legalaid"
echo "Data folder: ${LEGALAID_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/LegalAid} (never touched by install or uninstall)"
