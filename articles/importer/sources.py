"""Raw files -> text: size, binary and encoding checks, folder walking, source keys."""

import codecs
import os
import re
from collections.abc import Iterator
from pathlib import Path

from .parser import RawArticleError

MAX_RAW_BYTES = 2 * 1024 * 1024
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


def source_key_for(name):
    """The stable identity of a raw file: its name without folder or extension.

    Agencies resend corrected copy under the same file name, so re-importing it updates the
    article instead of duplicating it; the key does not depend on the content at all.
    """
    base = Path(name).name
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return KEY_PREFIX + " ".join(stem.split()).casefold()[:290]


KEY_PREFIX = "raw:"


class RunNames:
    """The files of one run by source key, to refuse a second file that would be the same
    article while naming the first. A file named as its key spells it (``…/agency-17.txt``
    for ``raw:agency-17``) is remembered as the hash of its key and its folder, shared by
    the folder's files: about 90 bytes a file instead of 200 for the key and name (9 MB, not
    20, over 100,000 files). Other names are kept whole."""

    def __init__(self):
        self._folders = {}  # folder -> one string for all its files
        self._in_folder = {}  # hash(key) -> folder, for files named as their key spells
        self._named = {}  # hash(key) -> name, for the others

    def earlier(self, name, key):
        """The name of an earlier, differently named file of this run with this key, or None
        (and this file is remembered)."""
        digest = hash(key)
        if digest in self._in_folder:
            earlier = os.path.join(self._in_folder[digest], _spelled(key))
        else:
            earlier = self._named.get(digest)
        if earlier is not None:
            # Another key with the same hash (about 1 in 10^9 over 100,000 files) is no clash.
            return earlier if earlier != name and source_key_for(earlier) == key else None
        folder, base = os.path.split(name)
        if base == _spelled(key):
            self._in_folder[digest] = self._folders.setdefault(folder, folder)
        else:
            self._named[digest] = name
        return None


def _spelled(key):
    return key.removeprefix(KEY_PREFIX) + ".txt"


def decode_raw(data, *, source, encoding="utf-8"):
    """Bytes of a raw file -> text, or a RawArticleError saying why it cannot be read."""
    if len(data) > MAX_RAW_BYTES:
        raise RawArticleError(
            source,
            None,
            f"the file is larger than {MAX_RAW_BYTES // 1024 // 1024} MB, the limit for a raw "
            "article: is it really one article?",
        )
    if not data.strip():
        raise RawArticleError(source, None, "the file is empty")
    if b"\x00" in data[:8192] and not encoding.lower().replace("-", "").startswith("utf16"):
        raise RawArticleError(source, None, "this is a binary file, not raw article text")
    try:
        codec = codecs.lookup(encoding)
    except LookupError as error:
        raise RawArticleError(source, None, f"unknown encoding {encoding!r}") from error
    if codec.name == "utf-8":
        codec = codecs.lookup("utf-8-sig")  # tolerate a byte-order mark
    try:
        return codec.decode(data)[0]
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise RawArticleError(
            source,
            line,
            f"is not valid {encoding} (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "if the file uses another encoding, pass it with --encoding, e.g. --encoding cp1251",
        ) from error


def iter_raw_files(paths) -> Iterator[Path]:
    """Each given file, and every .txt file under each given folder, in name order (lazily)."""
    for path in map(Path, paths):
        if path.is_dir():
            for folder, subfolders, files in _walk(path):
                subfolders.sort()
                for name in sorted(files):
                    if name.lower().endswith(".txt"):
                        yield folder / name
        else:
            yield path


def _walk(path):
    for folder, subfolders, files in os.walk(path):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        yield Path(folder), subfolders, files


PHOTO_NAME = re.compile(r"^(?P<stem>.+)-(?P<number>\d+)$")


def photos_by_number(stem, names):
    """{photo number: name} for files named STEM-N.jpg (N from 1, case-insensitive stem)."""
    found = {}
    for name in names:
        base, dot, extension = name.rpartition(".")
        if not dot or f".{extension.lower()}" not in PHOTO_EXTENSIONS:
            continue
        match = PHOTO_NAME.match(base)
        if match and match.group("stem").casefold() == stem.casefold():
            found[int(match.group("number"))] = name
    return found
