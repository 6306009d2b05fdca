"""Raw agency copy -> a ``ParsedArticle``: a pure function, no database, no settings.

The raw format (see issue 5 and ``shared/samples``)::

    Posted: DD.MM.YYYY HH:MM:SS
    Headline
    Standfirst
    Body lines: paragraphs, subheadings, photo lines
    By Name[, Name] [and Name]

Every problem is reported as ``RawArticleError`` naming the source and the line, so
callers can catch exactly one error class (the parser is fuzzed to guarantee it).
"""

import re
from dataclasses import dataclass
from datetime import datetime

MAX_HEADLINE = 300  # Article.headline
MAX_NAME = 200  # Author.name, Photographer.name
MAX_SUBHEADING = 100
MAX_CREDIT_WORDS = 6

# C0/C1 control characters that are not whitespace, and lone surrogates: signs of a binary
# file, and unstorable in PostgreSQL (NUL). Tabs, form feeds and the like count as spaces.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]")
POSTED = re.compile(
    r"^posted:\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$", re.IGNORECASE
)
POSTED_PREFIX = re.compile(r"^posted\b", re.IGNORECASE)
BYLINE = re.compile(r"^by\s+(.*)$", re.IGNORECASE)
BYLINE_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and(?:\s+|$)|\s*&\s*", re.IGNORECASE)
# Caption, then a run of three or more spaces of any kind (Python's \s includes NBSP), then
# the credit. Greedy caption: the last such run separates the credit.
CAPTION_CREDIT = re.compile(r"^(.*\S)\s{3,}(\S.*)$")
CREDIT_PREFIX = re.compile(r"^(?:photo(?:graph)?s?\s*(?:by|:)\s*|©\s*)", re.IGNORECASE)
FINAL_PUNCTUATION = ".!?:;,…"
CLOSERS = "\"'”’»)]"
NAME_PARTICLES = {"al", "bin", "da", "das", "de", "del", "della", "den", "der", "di", "dos"}
NAME_PARTICLES |= {"du", "el", "ibn", "la", "le", "van", "von", "y", "zu"}
NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]*)*\.?$")


class RawArticleError(ValueError):
    """The raw copy cannot be imported; says which file, which line and what is wrong."""

    def __init__(self, source, line, message):
        self.source, self.line, self.message = source, line, message
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int


@dataclass(frozen=True)
class Subheading:
    text: str
    line: int


@dataclass(frozen=True)
class Photo:
    caption: str
    photographer: str
    line: int


@dataclass(frozen=True)
class ParsedArticle:
    source: str
    posted: datetime  # naive: a wall-clock time in the newsroom's time zone
    headline: str
    standfirst: str
    blocks: tuple  # Paragraph | Subheading | Photo, in reading order
    authors: tuple[str, ...]

    @property
    def photos(self):
        return [block for block in self.blocks if isinstance(block, Photo)]


def normalise_space(text):
    """Every run of whitespace (NBSP, tabs, thin spaces...) becomes one space; ends trimmed."""
    return " ".join(text.split())


def _quote(text, limit=60):
    text = normalise_space(text)
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def _ends_a_sentence(text):
    stripped = text.rstrip(CLOSERS)
    return not stripped or stripped[-1] in FINAL_PUNCTUATION


def looks_like_name(text):
    """'Pavel Bogush', 'Ana de la Cruz': 2-4 capitalised words, no digits or sentence marks."""
    words = text.split(" ")
    if not 2 <= len(words) <= 4 or len(text) > MAX_NAME:
        return False
    for position, word in enumerate(words):
        if not NAME_TOKEN.match(word):
            return False
        if word[0].isupper():
            continue
        if word.lower() not in NAME_PARTICLES or position in (0, len(words) - 1):
            return False
    return not text.endswith(".") or len(words[-1]) <= 2


def _photo_from_caption_line(raw, line):
    match = CAPTION_CREDIT.match(raw.strip())
    if not match:
        return None
    caption = normalise_space(match.group(1))
    credit = normalise_space(CREDIT_PREFIX.sub("", normalise_space(match.group(2))))
    if not credit or len(credit.split()) > MAX_CREDIT_WORDS or len(credit) > MAX_NAME:
        return None
    if not looks_like_name(credit) and (_ends_a_sentence(credit) or not credit[0].isupper()):
        return None  # "He left.   Then she spoke." is a paragraph with stray spaces
    return Photo(caption=caption, photographer=credit, line=line)


def _classify(raw, text, line, is_last):
    photo = _photo_from_caption_line(raw, line)
    if photo:
        return photo
    if looks_like_name(text):
        return Photo(caption="", photographer=text, line=line)
    if not is_last and len(text) <= MAX_SUBHEADING and not _ends_a_sentence(text):
        return Subheading(text=text, line=line)
    return Paragraph(text=text, line=line)


def _parse_posted(text, line, source):
    match = POSTED.match(text)
    if not match:
        if POSTED_PREFIX.match(text):
            raise RawArticleError(
                source, line, f"the Posted line {_quote(text)} is not 'Posted: DD.MM.YYYY HH:MM:SS'"
            )
        raise RawArticleError(
            source,
            line,
            f"the first line must be 'Posted: DD.MM.YYYY HH:MM:SS', found {_quote(text)}",
        )
    day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError as error:
        stamp = f"{day:02d}.{month:02d}.{year} {hour:02d}:{minute:02d}:{second:02d}"
        raise RawArticleError(
            source, line, f"{stamp} is not a real date and time ({error})"
        ) from error


def _parse_byline(text, line, source):
    match = BYLINE.match(text)
    if not match:
        raise RawArticleError(
            source,
            line,
            "the last line must be the byline, e.g. 'By Name' or 'By Name and Name'; "
            f"found {_quote(text)}",
        )
    names = tuple(name.strip() for name in BYLINE_SEPARATOR.split(match.group(1).removesuffix(".")))
    if not names or any(not name for name in names):
        raise RawArticleError(source, line, f"the byline {_quote(text)} has an empty name")
    for name in names:
        if len(name) > MAX_NAME:
            raise RawArticleError(source, line, f"the author name {_quote(name)} is too long")
        too_long = len(name.split()) > MAX_CREDIT_WORDS
        if too_long or name[0].islower() or (_ends_a_sentence(name) and not looks_like_name(name)):
            raise RawArticleError(
                source,
                line,
                f"the last line {_quote(text)} reads like a sentence, not a byline "
                "('By Name' or 'By Name and Name')",
            )
    return tuple(dict.fromkeys(names))  # the same name twice is one author


def parse_raw_article(text, *, source="<text>"):
    """Parse raw copy into a ``ParsedArticle``; raise ``RawArticleError`` on anything else."""
    if not isinstance(text, str):
        raise RawArticleError(source, None, "expected text, got bytes: decode the file first")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise RawArticleError(
            source,
            line,
            f"contains the control character U+{ord(bad.group()):04X}: is this a binary file?",
        )
    lines = [(number, raw, normalise_space(raw)) for number, raw in enumerate(text.split("\n"), 1)]
    lines = [entry for entry in lines if entry[2]]
    if not lines:
        raise RawArticleError(source, None, "the file is empty")
    posted = _parse_posted(lines[0][2], lines[0][0], source)
    if len(lines) == 1:
        raise RawArticleError(source, lines[0][0], "no headline after the Posted line")
    last_number, _, last_text = lines[-1]
    if len(lines) == 2 and BYLINE.match(lines[1][2]):
        raise RawArticleError(source, lines[1][0], "no headline between Posted and the byline")
    authors = _parse_byline(last_text, last_number, source)
    headline_number, _, headline = lines[1]
    if len(headline) > MAX_HEADLINE:
        raise RawArticleError(
            source,
            headline_number,
            f"the headline is {len(headline)} characters long; at most {MAX_HEADLINE} fit",
        )
    middle = lines[2:-1]
    standfirst = middle[0][2] if middle else ""
    body_lines = middle[1:]
    blocks = tuple(
        _classify(raw, text, number, is_last=index == len(body_lines) - 1)
        for index, (number, raw, text) in enumerate(body_lines)
    )
    return ParsedArticle(
        source=source,
        posted=posted,
        headline=headline,
        standfirst=standfirst,
        blocks=blocks,
        authors=authors,
    )
