"""Upload validation: an image is checked fully before any file is written."""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Refuse anything Pillow would decode into more pixels than a 120-megapixel camera makes.
MAX_PIXELS = 120_000_000


def validate_image_upload(file):
    """Refuse files that are not whole, reasonably sized images in a format we serve."""
    if file is None or getattr(file, "_committed", False):
        # A file already in storage was checked when it was uploaded; re-saving the photo
        # (to add alt text, say) must not re-open it.
        return
    size = getattr(file, "size", None)
    if size is not None and size > settings.NEWSROOM_MAX_UPLOAD_BYTES:
        limit_mb = settings.NEWSROOM_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(
            "The file is %(size)s MB; the limit is %(limit)s MB.",
            code="file_too_large",
            params={"size": round(size / 1024 / 1024, 1), "limit": limit_mb},
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(file) as probe:
                image_format = probe.format
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        "The image is %(width)s x %(height)s pixels, too large to process "
                        "(at most %(max)s megapixels).",
                        code="too_many_pixels",
                        params={"width": width, "height": height, "max": MAX_PIXELS // 10**6},
                    )
                probe.load()  # decodes every byte: a truncated file fails here
    except ValidationError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
        raise ValidationError(
            "The image is too large to process safely (%(error)s).",
            code="decompression_bomb",
            params={"error": error},
        ) from error
    except OSError as error:  # PIL.UnidentifiedImageError and truncation are OSErrors
        raise ValidationError(
            "The file is not a readable image (%(error)s). Upload a JPEG, PNG or WebP photo.",
            code="invalid_image",
            params={"error": error},
        ) from error
    finally:
        if position is not None:
            file.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            "%(format)s images are not accepted; upload a JPEG, PNG or WebP photo.",
            code="unsupported_format",
            params={"format": image_format},
        )
