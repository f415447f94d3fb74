"""No names, no contact details in the texts of the indicators (activity log, barriers,
grids' comments): every text goes through the app's one validation (``core.text``), then
this check refuses what looks like an e-mail address or a phone number.

Names and health information cannot be recognised by a machine: the forms remind staff
not to write them; this catches the identifiers that can be.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from ..core import text
from ..core.exceptions import ValidationError

EMAIL = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]{2,}")
# Nine digits or more, spaces, dots, dashes or slashes between them: 06 12 34 56 78,
# +33 6 12 34 56 78, 0612345678. A date (12/03/2026) or an amount (1 500 €) has fewer.
PHONE = re.compile(r"(?<!\d)(?:\+|00)?\d(?:[\s./-]?\d){8,}(?!\d)")


def contact_problem(value: str) -> str | None:
    """Why this text may not be kept (a French sentence), or None."""
    if EMAIL.search(value):
        return _(
            "Remove the e-mail address: nothing here may identify a person or let them be "
            "contacted."
        )
    if PHONE.search(value):
        return _(
            "Remove the phone number: nothing here may identify a person or let them be contacted."
        )
    return None


def clean(value, *, limit: int, field: str, multiline: bool = False, required: bool = True):
    """``core.text.clean``, then the check for e-mail addresses and phone numbers."""
    cleaned = text.clean(value, limit=limit, multiline=multiline, required=required, field=field)
    problem = contact_problem(cleaned)
    if problem:
        raise ValidationError(problem, field)
    return cleaned
