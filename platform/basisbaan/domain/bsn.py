"""The citizen service number (BSN): 8 or 9 digits passing the 11-check (python-stdnum)."""

from __future__ import annotations

import re

from stdnum.nl import bsn as stdnum_bsn

from basisbaan.texts import N_

_DIGITS = re.compile(r"^\d{8,9}$")


class InvalidBsn(ValueError):
    """Not a valid BSN; the message never repeats the number."""


def normalise(raw: str) -> str:
    """The 9-digit form of a BSN typed with or without spaces or dots; raises InvalidBsn."""
    compact = re.sub(r"[\s.]", "", raw or "")
    if not _DIGITS.match(compact):
        raise InvalidBsn(N_("A BSN has 8 or 9 digits."))
    compact = compact.zfill(9)
    if not stdnum_bsn.is_valid(compact):
        raise InvalidBsn(N_("This is not a valid BSN (11-check)."))
    return compact


def mask(bsn: str) -> str:
    """Only the last three digits, as on letters: ******782."""
    return "*" * 6 + bsn[-3:]
