"""Titles: the normal form that makes records of one document one work, and the hash its IRI is minted from.

The normalised title (``normalise_title``) is the NFKC form of the title without white space, 《》 around the
whole title, a leading 中华人民共和国 and version marks such as （2021年修正）. Parts of a title that make a
different document stay: （一）, （试行）.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SPACE = re.compile(r"\s+")
VERSION_MARK = re.compile(
    r"[(（]\s*(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?\s*"
    r"(?:第[一二三四五六七八九十\d]+次)?(?:修正|修订|修改|修正文本|修订文本|修正本|修订本)\s*[)）]"
)


def clean_title(title: str) -> str:
    """NFKC, no white space, no 《》 around the whole title (case files and prose quote titles)."""
    text = SPACE.sub("", unicodedata.normalize("NFKC", title))
    if text.startswith("《") and text.endswith("》") and text.count("《") == 1:
        text = text[1:-1]
    return text


def normalise_title(title: str) -> str:
    """The key that makes records one work: cleaned title without 中华人民共和国 and version marks.

    >>> normalise_title("中华人民共和国突发事件应对法（2024年修订）")
    '突发事件应对法'
    """
    text = VERSION_MARK.sub("", clean_title(title))
    return text.removeprefix("中华人民共和国") or text


def plain_title(title: str) -> str:
    """A title without white space, outer 《》, version marks and 中华人民共和国; characters as written."""
    text = SPACE.sub("", title)
    if text.startswith("《") and text.endswith("》") and text.count("《") == 1:
        text = text[1:-1]
    text = VERSION_MARK.sub("", text)
    return text.removeprefix("中华人民共和国") or text


def title_hash(normalised: str) -> str:
    """First 12 hex digits of the sha256 of a normalised title or topic label (UTF-8)."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:12]


def balanced_brackets(title: str) -> bool:
    """Whether every 《 in a title is closed by a 》, without nesting errors."""
    depth = 0
    for char in title:
        if char == "《":
            depth += 1
        elif char == "》":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
