"""Title normalisation used for matching the same game across stores and for sorting."""

from __future__ import annotations

import re
import unicodedata

_TRADEMARKS = re.compile(r"[™®©]")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_EDITION_SUFFIX = re.compile(
    r"\b(game of the year|goty|definitive|complete|deluxe|enhanced|remastered|anniversary)( edition)?$"
)
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


def normalize_title(title: str) -> str:
    """Lowercase ASCII-folded words, no punctuation or trademark signs: 'The DOOM® Eternal' → 'doom eternal'."""
    text = _TRADEMARKS.sub("", title)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _NON_WORD.sub(" ", text).strip()
    text = _LEADING_ARTICLE.sub("", text)
    return _EDITION_SUFFIX.sub("", text).strip() or text


def sort_title(title: str) -> str:
    """Case-folded title without a leading article, so 'The Witcher 3' sorts under W."""
    return _LEADING_ARTICLE.sub("", title.strip()).casefold()[:300]
