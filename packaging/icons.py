"""The program's icon in every size a desktop asks for, rendered from our one SVG with Qt.

``resources/icons/legalaid-desktop.svg`` is the source (the desktop program also uses it as its
window icon). At build time this makes PNGs for the Linux icon theme (``hicolor/NxN/apps``) and
a Windows ``.ico`` holding PNG images (the format Windows has read since Vista), so no PNG or ICO
is committed and none can drift from the drawing.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "legalaid-desktop.svg"
NAME = "legalaid-desktop"

#: The sizes of the hicolor theme a launcher or a menu picks from.
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: The sizes Windows shows (Explorer, the taskbar, the Start menu, the installer).
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(svg: Path, size: int) -> bytes:
    """``svg`` drawn on a transparent ``size`` × ``size`` square, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        _app = QGuiApplication(["icons", "-platform", "offscreen"])
        globals()["_keep_app"] = _app
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # the stub says bytes
        raise SystemExit("Qt could not write a PNG")
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file holding the PNG ``images`` (size → PNG bytes), smallest first."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, payload = b"", b""
    for size in sizes:
        png = images[size]
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        payload += png
        offset += len(png)
    return header + entries + payload


def render_all(out: Path, svg: Path = SVG) -> dict[str, Path]:
    """Write ``hicolor/NxN/apps/legalaid-desktop.png``, the scalable SVG and the ``.ico`` into
    ``out``; returns what was written by kind (``"ico"``, ``"svg"``, ``"png256"``, ...)."""
    written: dict[str, Path] = {}
    pngs = {size: render_png(svg, size) for size in PNG_SIZES}
    for size, png in pngs.items():
        path = out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        written[f"png{size}"] = path
    scalable = out / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(svg.read_bytes())
    written["svg"] = scalable
    ico = out / f"{NAME}.ico"
    ico.write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    written["ico"] = ico
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "stage" / "icons"
    for kind, path in render_all(target).items():
        print(f"{kind}: {path}")
