"""Rules for a new staff password: long enough, not a common one, not the e-mail or structure.

Checked when a password is chosen (first coordinator, invitation, change), never at login:
an existing shorter password keeps working until its owner changes it. No network call:
the list of common passwords ships in ``data/common-passwords.txt`` (its origin and licence
are in its header).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

from ..core.exceptions import ValidationError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"
# Shorter parts of an e-mail or a structure's name are too common to refuse ("a", "de").
_MIN_PART = 4
# "P@ssw0rd" is "password".
_LEET = str.maketrans(
    {"@": "a", "4": "a", "$": "s", "5": "s", "0": "o", "1": "i", "3": "e", "7": "t"}
)


def fold(value: str) -> str:
    """Lower case, without accents: "Santé" and "SANTE" compare equal."""
    decomposed = unicodedata.normalize("NFKD", (value or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _letters_and_digits(value: str) -> str:
    return re.sub(r"[\W_]+", "", fold(value))


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _repeated_unit(value: str) -> str | None:
    match = re.fullmatch(r"(.+?)\1+", value)
    return match.group(1) if match else None


def _variants(password: str) -> set[str]:
    """What a common password is often dressed up as: capitals, accents, digits or symbols
    around it ("Motdepasse2024!"), separators inside ("mot-de-passe"), repeated
    ("azertyazerty"), letters written as digits or symbols ("P@ssw0rd")."""
    folded = fold(password).strip()
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", folded)
    unleet = core.translate(_LEET)
    variants = {folded, _letters_and_digits(password), core, _letters_and_digits(core), unleet}
    variants |= {unit for v in list(variants) if (unit := _repeated_unit(v))}
    return {v for v in variants if v}


def is_common(password: str) -> bool:
    compact = _letters_and_digits(password)
    unit = _repeated_unit(compact)
    if unit is not None and len(unit) < _MIN_PART:  # "yyyyyyyyyyyy", "123123123123"
        return True
    return not _variants(password).isdisjoint(common_passwords())


def _personal_parts(email: str, organisation_name: str) -> list[str]:
    local = (email or "").split("@", 1)[0]
    whole = [_letters_and_digits(local), _letters_and_digits(organisation_name or "")]
    pieces = [_letters_and_digits(p) for p in re.split(r"[._+\-]+", local)]
    # The whole local part from 3 characters ("sam"), its pieces ("camille" of
    # "camille.dupont") and the structure's name from 4.
    return [p for p in whole[:1] if len(p) >= 3] + [
        p for p in whole[1:] + pieces if len(p) >= _MIN_PART
    ]


def check_new_password(password: str, *, email: str = "", organisation_name: str = "") -> None:
    """Raise :class:`ValidationError` (on the ``password`` field) when the password is weak."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            "password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            _("The password must have at most %(n)d characters.", n=MAX_PASSWORD_LENGTH),
            "password",
        )
    if is_common(password):
        raise ValidationError(
            _(
                "This password is among the most common ones, and would be guessed first. "
                "Choose another one, for example a short sentence."
            ),
            "password",
        )
    compact = _letters_and_digits(password)
    for part in _personal_parts(email, organisation_name):
        if part in compact:
            raise ValidationError(
                _(
                    "The password must not contain your e-mail address or the name of your "
                    "structure."
                ),
                "password",
            )
