"""Reference numbers (kenmerken): short, easy to read aloud, not guessable."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L or U/V pairs that sound or look alike on the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
PREFIX = "KPZ"
_GROUPS = (4, 4)
REFERENCE = re.compile(rf"{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}")


def new_reference() -> str:
    """A random reference like KPZ-7K4M-Q9XD: 29^8 (about 5 * 10^11) possibilities."""
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(size)) for size in _GROUPS)
    return "-".join((PREFIX, *groups))


def is_reference(text: str) -> bool:
    return REFERENCE.fullmatch(text) is not None
