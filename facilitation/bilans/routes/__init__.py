"""The bilans' pages: staff (prepare, group, decide, write, finalise), templates, the
projector view, the phones, the documents."""

from . import documents, phones, screen, staff, templates, writing  # noqa: F401
