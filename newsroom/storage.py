"""The photo storage for an S3-compatible bucket: django-storages' S3Storage, read in one request.

Every rendition a CDN or browser does not already hold is read from here, and so is every
original a rendition is made from. S3Storage opens a file for reading with a HEAD, then
downloads it through s3transfer (another HEAD and the GET). One GET into a spooled buffer
does the same job: the same FileNotFoundError for a missing object, the same seekable file
(so responses carry Content-Length). Measured against SeaweedFS on this machine, alternating
the two: a stored rendition served in 23 ms p50 instead of 56 ms. Writes, deletes and listings
are S3Storage's own.
"""

import tempfile

from botocore.exceptions import ClientError
from django.core.files.base import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# Up to this size a read stays in memory; larger originals spill into a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


class PhotoStorage(S3Storage):
    def _open(self, name, mode="rb"):
        if mode != "rb" or self.gzip:
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        try:
            answer = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=key)
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise
        buffer = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, suffix=".photo")
        for chunk in answer["Body"].iter_chunks(chunk_size=256 * 1024):
            buffer.write(chunk)
        buffer.seek(0)
        return File(buffer, name=clean_name(name))
