"""Caption, credit and copyright read from a photo's own IPTC, XMP and EXIF metadata."""

from dataclasses import dataclass

from PIL import Image as PILImage
from PIL import IptcImagePlugin

EXIF_DESCRIPTION, EXIF_ARTIST, EXIF_COPYRIGHT = 0x010E, 0x013B, 0x8298
IPTC_CAPTION, IPTC_BYLINE, IPTC_COPYRIGHT = (2, 120), (2, 80), (2, 116)


@dataclass
class PhotoMetadata:
    caption: str = ""
    creator: str = ""
    copyright: str = ""


def _text(value):
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, dict):  # XMP containers: {'Alt': {'li': {'lang': .., 'text': ..}}}
        if "text" in value:
            return _text(value["text"])
        inner = [v for k, v in value.items() if k != "lang"]
        return _text(inner[0]) if inner else ""
    return str(value or "").replace("\x00", "").strip()


def _xmp(image):
    try:
        xmp = image.getxmp()
    except (ValueError, ImportError):
        return {}
    description = xmp.get("xmpmeta", {}).get("RDF", {}).get("Description", {})
    if isinstance(description, list):
        merged = {}
        for part in description:
            merged.update(part)
        description = merged
    return description if isinstance(description, dict) else {}


EXIF_ORIENTATION = 0x0112
ROTATED_ORIENTATIONS = frozenset({5, 6, 7, 8})  # a quarter turn: width and height swap


def read_orientation(file):
    """The EXIF orientation (1-8) of an image file, 1 when it has none, None if unreadable."""
    opened_here = file.closed
    try:
        if opened_here:
            file.open("rb")
        file.seek(0)
        with PILImage.open(file) as image:
            orientation = image.getexif().get(EXIF_ORIENTATION, 1)
        file.seek(0)
    except (OSError, ValueError):
        return None
    finally:
        if opened_here:
            file.close()
    return orientation if orientation in range(1, 9) else 1


def read_photo_metadata(file) -> PhotoMetadata:
    """Best-effort: IPTC first (what agencies fill in), then XMP, then EXIF."""
    file.seek(0)
    found = PhotoMetadata()
    with PILImage.open(file) as image:
        iptc = IptcImagePlugin.getiptcinfo(image) or {}
        xmp = _xmp(image)
        exif = image.getexif()
        found.caption = (
            _text(iptc.get(IPTC_CAPTION))
            or _text(xmp.get("description"))
            or _text(exif.get(EXIF_DESCRIPTION))
        )
        found.creator = (
            _text(iptc.get(IPTC_BYLINE))
            or _text(xmp.get("creator"))
            or _text(exif.get(EXIF_ARTIST))
        )
        found.copyright = (
            _text(iptc.get(IPTC_COPYRIGHT))
            or _text(xmp.get("rights"))
            or _text(exif.get(EXIF_COPYRIGHT))
        )
    file.seek(0)
    return found
