"""Resized copies of library photos for readers and the admin, made with Pillow on first
request and kept: one pipeline (``process``: open, EXIF-rotate, resize or crop, drop every
metadata block) for every size, the admin's thumbnails and authors' portraits included.

A rendition is addressed by ``/photos/<key>/<signature>/<spec>``: the signature is an HMAC of
key and spec under SECRET_KEY, so nobody can ask for a size we do not offer, and the address
says nothing about the original file. Building a URL touches neither the database nor the
disk, so pages cost the same number of queries however many photos they show.
"""

import functools
import logging
import secrets
from dataclasses import dataclass
from io import BytesIO
from types import MappingProxyType

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.signing import Signer
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageOps

from articles import links
from articles.images.metadata import ROTATED_ORIENTATIONS
from articles.models import Rendition, ShareLink

WIDTHS = (480, 800, 1200, 1600)
CARD_SIZES = ((480, 270), (800, 450))  # 16:9 crops for teaser cards
FORMATS = {"webp": "image/webp", "jpg": "image/jpeg"}
SPECS = frozenset(
    [f"width-{width}.{fmt}" for width in WIDTHS for fmt in FORMATS]
    + [f"fill-{w}x{h}.{fmt}" for w, h in CARD_SIZES for fmt in FORMATS]
)
QUALITY = {"webp": 80, "jpg": 82}
# The admin's image-list thumbnails: stored as Renditions like the rest, served to staff only
# (articles/admin/images.py), so never at a public address.
THUMBNAIL_SPEC = "max-160x120.jpg"
STAFF_SPECS = frozenset([THUMBNAIL_SPEC])

_signer = Signer(salt="articles.renditions")
logger = logging.getLogger(__name__)


class UnknownSpec(ValueError):
    """A rendition spec we do not offer."""


@dataclass(frozen=True)
class Source:
    url: str
    width: int


@functools.lru_cache(maxsize=4096)
def signature(key, spec):
    # Memoised: a front page signs about a hundred URLs, the same ones on every request.
    return _signer.signature(f"{key}/{spec}")[:22]


def signature_is_valid(key, spec, given):
    return secrets.compare_digest(signature(key, spec), given)


def rendition_url(image, spec):
    """The public address of one rendition; no query, no file access."""
    if spec not in SPECS:
        raise UnknownSpec(spec)
    return _url(image.key, spec)


def _url(key, spec):
    return links.rendition_url(key, signature(key, spec), spec)


def oriented_size(image):
    """(width, height) as readers see the photo, after EXIF orientation.

    Read from the row (``Image.orientation`` is set on save); only a row that predates that
    field, such as one loaded from an old fixture, opens its file, once per file in the cache.
    """
    if not image.file:
        return (0, 0)
    if image.display_size:
        return image.display_size
    cache_key = f"renditions:size:{image.key}:{image.file.name}"
    size = cache.get(cache_key)
    if size is None:
        try:
            with image.file.open("rb") as handle, PILImage.open(handle) as source:
                width, height = source.size
                if source.getexif().get(0x0112, 1) in ROTATED_ORIENTATIONS:
                    width, height = height, width
        except OSError:
            # A missing or unreadable file: trust the stored size and do not remember it.
            return (image.width or 0, image.height or 0)
        size = (width, height)
        cache.set(cache_key, size, None)
    return tuple(size)


def _width_sources(key, width, fmt):
    sources = []
    for target in WIDTHS:
        actual = min(target, width) if width else target
        if sources and actual == sources[-1].width:
            break
        sources.append(Source(_url(key, f"width-{target}.{fmt}"), actual))
    return sources


def picture(image, *, crop=False):
    """What the ``<picture>`` partial needs: WebP and JPEG srcsets, a fallback src and size."""
    return _picture_sources(image.key, oriented_size(image), crop, links.url_context())


@functools.lru_cache(maxsize=4096)
def _picture_sources(key, size, crop, _url_context):
    # Memoised like signature(): a front page prints twenty of these, and every input is in
    # the arguments (the URLconf and script prefix too), so an entry can never go stale.
    if crop:
        webp = [Source(_url(key, f"fill-{w}x{h}.webp"), w) for w, h in CARD_SIZES]
        jpeg = [Source(_url(key, f"fill-{w}x{h}.jpg"), w) for w, h in CARD_SIZES]
        width, height = CARD_SIZES[0]
    else:
        webp = _width_sources(key, size[0], "webp")
        jpeg = _width_sources(key, size[0], "jpg")
        width, height = size
    return MappingProxyType(
        {
            "webp_srcset": ", ".join(f"{s.url} {s.width}w" for s in webp),
            "jpeg_srcset": ", ".join(f"{s.url} {s.width}w" for s in jpeg),
            "src": jpeg[min(1, len(jpeg) - 1)].url,
            "width": width,
            "height": height,
        }
    )


def parse_spec(spec):
    """'width-800.webp' -> ('width', 800, None, 'webp'); raises UnknownSpec for anything else.

    'fill-WxH' crops to that shape around the focal point; 'max-WxH' fits inside the box.
    """
    if spec not in SPECS and spec not in STAFF_SPECS:
        raise UnknownSpec(spec)
    name, fmt = spec.rsplit(".", 1)
    kind, size = name.split("-", 1)
    if kind == "width":
        return kind, int(size), None, fmt
    width, height = size.split("x")
    return kind, int(width), int(height), fmt


def _focal_crop_box(width, height, target_width, target_height, focal_x, focal_y):
    """The largest box of the target's shape that keeps the focal point as central as possible."""
    ratio = target_width / target_height
    if width / height > ratio:
        box_width, box_height = round(height * ratio), height
    else:
        box_width, box_height = width, round(width / ratio)
    centre_x = (0.5 if focal_x is None else focal_x) * width
    centre_y = (0.5 if focal_y is None else focal_y) * height
    left = min(max(round(centre_x - box_width / 2), 0), width - box_width)
    top = min(max(round(centre_y - box_height / 2), 0), height - box_height)
    return (left, top, left + box_width, top + box_height)


def process(file, *, kind, width, height, fmt, focal=(None, None)):
    """(bytes, size) of one copy of a stored photo: oriented as EXIF says, resized (``width``),
    cropped around ``focal`` (``fill``) or fitted in a box (``max``), every metadata block
    dropped. The only place an original is decoded.
    """
    with file.open("rb") as handle, PILImage.open(handle) as source:
        picture_ = ImageOps.exif_transpose(source).convert("RGB")
    if kind == "fill":
        box = _focal_crop_box(*picture_.size, width, height, *focal)
        picture_ = picture_.resize((width, height), PILImage.Resampling.LANCZOS, box=box)
    elif kind == "max":
        picture_.thumbnail((width, height), PILImage.Resampling.LANCZOS)
    elif picture_.width > width:
        new_height = round(picture_.height * width / picture_.width)
        picture_ = picture_.resize((width, new_height), PILImage.Resampling.LANCZOS)
    # A fresh image carries no EXIF, GPS, XMP, IPTC or ICC block from the original.
    clean = PILImage.new("RGB", picture_.size)
    clean.paste(picture_)
    buffer = BytesIO()
    if fmt == "webp":
        clean.save(buffer, "WEBP", quality=QUALITY[fmt], method=4)
    else:
        clean.save(buffer, "JPEG", quality=QUALITY[fmt], optimize=True, progressive=True)
    return buffer.getvalue(), clean.size


def render(image, spec):
    """(bytes, size) of one rendition of a library photo."""
    kind, width, height, fmt = parse_spec(spec)
    focal = (image.focal_x, image.focal_y)
    return process(image.file, kind=kind, width=width, height=height, fmt=fmt, focal=focal)


def get_rendition(image, spec):
    """The stored rendition for (image, spec), made on first use; safe when requests race."""
    parse_spec(spec)
    existing = Rendition.objects.filter(image=image, spec=spec).first()
    if existing is not None:
        return existing
    extension = spec.rsplit(".", 1)[1]
    content, (width, height) = render(image, spec)
    rendition = Rendition(image=image, spec=spec)
    rendition.file.save(f"{secrets.token_hex(16)}.{extension}", ContentFile(content), save=False)
    # Set after the file: the field's own dimension probe does not read every WebP.
    rendition.width, rendition.height = width, height
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:
        rendition.file.delete(save=False)
        return Rendition.objects.get(image=image, spec=spec)
    return rendition


def public_cache_control():
    """Cache-Control of a photo anyone may see. Browsers and shared caches (CDNs, proxies)
    keep it PHOTO_CACHE_SECONDS (5 minutes by default), not a day: a photo taken down, or
    whose article is unpublished, is gone from every cache within that time."""
    seconds = settings.PHOTO_CACHE_SECONDS
    return f"public, max-age={seconds}, s-maxage={seconds}"


def readable_rendition(image, spec):
    """The stored rendition, made on first use; None (and the fault logged) when the original
    cannot be read, so that a page or feed leaves the photo out instead of failing."""
    try:
        return get_rendition(image, spec)
    except OSError:  # FileNotFoundError, PIL.UnidentifiedImageError: a storage fault
        logger.error("Photo %s: cannot read its original %s for %s", image.key, image.file, spec)
        return None


ORIGINAL_CHECK_SECONDS = 300


def original_available(image):
    """False (and logged) when the photo's original is gone from storage, so an article page
    leaves its figure out. Asked of storage at most once per ORIGINAL_CHECK_SECONDS per file."""
    if not image.file:
        return False
    key = "photo-original:" + signature(image.key, image.file.name)

    def look():
        try:
            found = image.file.storage.exists(image.file.name)
        except OSError:
            found = False
        if not found:
            logger.error("Photo %s: its original %s is missing from storage", image.key, image.file)
        return found

    return cache.get_or_set(key, look, ORIGINAL_CHECK_SECONDS)


def stored_size(rendition):
    """The rendition file's size in bytes; None (and logged) when the file is gone."""
    if rendition is None:
        return None
    try:
        return rendition.file.size
    except OSError:
        logger.error("Photo %s: rendition file %s is missing", rendition.image.key, rendition.file)
        return None


PORTRAIT_SIZE = 320


def portrait_url(author):
    """The address of an author's square portrait, or '' when there is none; no query."""
    if not author.portrait:
        return ""
    return reverse(
        "articles:author_portrait",
        kwargs={"slug": author.slug, "signature": signature(author.slug, author.portrait.name)},
    )


def portrait_name(author):
    return f"renditions/portraits/{signature(author.slug, author.portrait.name)}.jpg"


def portrait_file(author):
    """The stored name of the author's square JPEG portrait, made on first request."""
    name = portrait_name(author)
    storage = author.portrait.storage
    if not storage.exists(name):
        square = {"width": PORTRAIT_SIZE, "height": PORTRAIT_SIZE}
        content, _ = process(author.portrait, kind="fill", fmt="jpg", focal=(None, 0.4), **square)
        name = storage.save(name, ContentFile(content))
    return name


PREVIEW_COOKIE = "photo_preview"
PREVIEW_SECONDS = 60 * 60
PREVIEW_MAX_LINKS = 20
PREVIEW_MAX_KEYS = 200
_PREVIEW_SALT = "articles.renditions.preview-links"


def _preview_grants(request):
    """[(share link id, [photo keys])] this browser was granted; [] for a bad or old cookie."""
    value = request.COOKIES.get(PREVIEW_COOKIE, "")
    if not value:
        return []
    try:
        grants = signing.loads(value, salt=_PREVIEW_SALT, max_age=PREVIEW_SECONDS)
    except signing.BadSignature:
        return []
    return [(link_id, keys) for link_id, keys in grants]


def allow_preview_photos(request, response, article, *, link):
    """Let this browser see the article's photos while ``link`` stays live, for an hour at most.

    For share links: photos of an unpublished article are otherwise refused to anyone but
    staff. The signed cookie (sent only to rendition addresses) names the link, and every
    photo request checks that link again, so revoking it withdraws the photos at once.
    """
    keys = {use.image.key for use in article.image_uses.all()}
    if article.hero_image_id:
        keys.add(article.hero_image.key)
    others = [(link_id, kept) for link_id, kept in _preview_grants(request) if link_id != link.pk]
    grants = [(link.pk, sorted(keys)[:PREVIEW_MAX_KEYS]), *others][:PREVIEW_MAX_LINKS]
    response.set_cookie(
        PREVIEW_COOKIE,
        signing.dumps(grants, salt=_PREVIEW_SALT, compress=True),
        max_age=PREVIEW_SECONDS,
        path="/photos/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def preview_allows(request, key):
    """Whether a share link this browser opened, and that is still live, shows photo ``key``."""
    link_ids = [link_id for link_id, keys in _preview_grants(request) if key in keys]
    return bool(link_ids) and ShareLink.objects.live().filter(pk__in=link_ids).exists()
