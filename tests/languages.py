"""Checks that a page or e-mail meant to be English holds no Dutch sentence."""

from __future__ import annotations

import re

# Common Dutch words no English sentence of ours holds (names such as "Wet kwaliteit,
# klachten en geschillen zorg" hold none of them either).
DUTCH_WORDS = (" je ", " jouw ", " het ", " een ", " van de ", " naar ", " wij ", " niet ",
               " uiterlijk ")


def dutch_words_in(html: str) -> list[str]:
    """The common Dutch words in the text of `html` (tags, scripts and styles left out)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    text = " " + re.sub(r"[\s,.:;!?()]+", " ", re.sub(r"<[^>]+>", " ", text)).lower() + " "
    return [word for word in DUTCH_WORDS if word in text]
