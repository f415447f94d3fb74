"""The bilan as a document: what the PDF and the ODT hold, and the ODT itself (odfpy).

Free text is the group's: in the PDF it is escaped by Jinja; in the ODT it is written as
text nodes (odfpy never parses it). Notes appear only through their themes' counts,
never with who wrote them; hidden notes appear nowhere.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _

from ..models import Bilan, BilanAction, BilanEvent
from .bilans import SCOPE_LABELS, Figure, figures
from .notes import Theme, top_themes


@dataclass
class Document:
    bilan: Bilan
    organisation: str
    scope: str
    facts: list[tuple[str, str]]
    figures: list[Figure]
    sections: list[tuple[str, str, list[Theme]]]  # question, text, themes
    actions: list[BilanAction]
    events: list[BilanEvent]
    status_line: str


def document(bilan: Bilan) -> Document:
    space = bilan.space
    facts = [(_("Space"), space.name)]
    if bilan.cycle is not None:
        facts.append((_("Cycle"), bilan.cycle.title))
    if bilan.project is not None:
        facts.append((_("Project"), bilan.project.title))
    if bilan.year:
        facts.append((_("Year"), str(bilan.year)))
    facts.append(
        (
            _("Written during the session"),
            f"{bilan.session.theme}, {format_date(bilan.session.starts_on, 'long')}",
        )
    )
    facts.append((_("Template"), bilan.template_name))
    if bilan.finalised:
        status = _(
            "Finalised on %(date)s · written together by %(num)d contributors",
            date=format_date(bilan.finalised_at, "long"),
            num=bilan.contributor_count or 0,
        )
    else:
        status = _("Draft: not finalised yet")
    facts.append((_("Status"), status))
    return Document(
        bilan=bilan,
        organisation=space.organisation.name,
        scope=str(SCOPE_LABELS[bilan.scope]),
        facts=facts,
        figures=figures(bilan),
        sections=[(s.question, s.text, t) for s, t in top_themes(bilan)],
        actions=list(bilan.actions),
        events=list(bilan.events),
        status_line=status,
    )


def action_kind(action: BilanAction) -> str:
    return _("step of the project") if action.step_id else _("proposal for the next cycle")


def odt(doc: Document) -> bytes:
    """An OpenDocument text to edit further (LibreOffice, Word)."""
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, P

    text_doc = OpenDocumentText()
    bold = Style(name="Strong", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    text_doc.automaticstyles.addElement(bold)
    wide = Style(name="Wide", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="5cm"))
    text_doc.automaticstyles.addElement(wide)
    body = text_doc.text

    def para(value: str) -> None:
        for line in (value or "").splitlines() or [""]:
            body.addElement(P(text=line))

    def table(name: str, header: list[str], rows: list[list[str]]) -> None:
        t = Table(name=name)
        for _col in header:
            t.addElement(TableColumn(stylename=wide))
        for cells in [header, *rows]:
            row = TableRow()
            for value in cells:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
                row.addElement(cell)
            t.addElement(row)
        body.addElement(t)

    body.addElement(P(text=doc.organisation))
    body.addElement(H(outlinelevel=1, text=doc.bilan.title))
    for label, value in doc.facts:
        body.addElement(P(text=f"{label} : {value}"))
    body.addElement(H(outlinelevel=2, text=_("In figures")))
    table(_("Figures"), [_("Figure"), _("Value")], [[f.label, str(f.value)] for f in doc.figures])
    for question, section_text, themes in doc.sections:
        body.addElement(H(outlinelevel=2, text=question))
        para(section_text or _("(nothing written)"))
        if themes:
            items = List()
            for theme in themes:
                item = ListItem()
                item.addElement(
                    P(text=_("%(name)s — %(num)d dots", name=theme.name, num=theme.dots))
                )
                items.addElement(item)
            body.addElement(P(text=_("Themes and their dots:")))
            body.addElement(items)
    body.addElement(H(outlinelevel=2, text=_("What we do next")))
    if doc.actions:
        table(
            _("Actions"),
            [_("What"), _("Who"), _("When"), _("Becomes")],
            [[a.what, a.who, a.due, action_kind(a)] for a in doc.actions],
        )
    else:
        body.addElement(P(text=_("No action decided.")))
    out = io.BytesIO()
    text_doc.write(out)
    return out.getvalue()
