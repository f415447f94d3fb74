"""Forms of projects. Every form inherits core.forms.Form (text normalised first); choices
are filled by the route from what the viewer may see."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.forms import MultiCheckboxField
from ..core.forms import Form
from . import vocabulary
from .models import ActionKind, ProjectStatus
from .services import ActionData, ProjectData, StepData


def options(pairs) -> list[SelectChoice]:
    """Choices as WTForms wants them (value, label)."""
    return [SelectChoice(value, label) for value, label in pairs]


class ProjectForm(Form):
    title = StringField(
        _l("Title of the project"),
        validators=[DataRequired(_l("Give the project a title.")), Length(max=120)],
        description=_l("For example: Logement et santé"),
    )
    aim = StringField(
        _l("The aim, in one sentence"),
        validators=[Length(max=300)],
        description=_l("In plain words: what the group wants to change."),
    )
    determinants = MultiCheckboxField(_l("Determinants of health it acts on"), choices=[])
    status = RadioField(
        _l("Status"),
        default=ProjectStatus.IDEA.value,
        choices=options(
            (s.value, f"{icon} {label}") for s, (icon, label) in vocabulary.STATUS_LABELS.items()
        ),
    )
    porteurs = MultiCheckboxField(
        _l("Porteurs (participants who lead it)"),
        choices=[],
        coerce=int,
        description=_l("People of the space, by pseudonym. You can add others later."),
    )
    participants = MultiCheckboxField(_l("Other members"), choices=[], coerce=int)

    def set_determinants(self, determinants) -> None:
        self.determinants.choices = options((d.key, f"{d.icon} {d.label}") for d in determinants)

    def to_data(self) -> ProjectData:
        return ProjectData(
            title=self.title.data,
            aim=self.aim.data or "",
            determinants=list(self.determinants.data or []),
            status=self.status.data,
        )


class ProposalForm(Form):
    title = StringField(
        _l("Your idea, in a few words"),
        validators=[DataRequired(_l("Write your idea in a few words.")), Length(max=120)],
    )
    aim = TextAreaField(_l("What would it change? (optional)"), validators=[Length(max=300)])
    space = RadioField(_l("For which group?"), coerce=int, choices=[])


class StepForm(Form):
    title = StringField(
        _l("What is to be done"),
        validators=[DataRequired(_l("Say what is to be done.")), Length(max=160)],
    )
    assignees = MultiCheckboxField(_l("Who"), choices=[], coerce=int)
    due_on = DateField(_l("When (optional)"), validators=[Optional()])
    needs = StringField(_l("What is needed (optional)"), validators=[Length(max=300)])
    version = HiddenField()

    def to_data(self) -> StepData:
        return StepData(
            title=self.title.data,
            needs=self.needs.data or "",
            due_on=self.due_on.data,
            assignees=list(self.assignees.data or []),
        )

    def fill_from(self, step) -> None:
        self.title.data = step.title
        self.needs.data = step.needs
        self.due_on.data = step.due_on
        self.assignees.data = [m.id for m in step.assignees]
        self.version.data = str(step.version)


class DecideForm(Form):
    question = StringField(
        _l("The question to decide"),
        validators=[DataRequired(_l("Write the question.")), Length(max=300)],
    )
    kind = RadioField(_l("How to decide"), default="senscheck", choices=[])
    choices = TextAreaField(
        _l("Choices, one per line (poll or ranking)"),
        validators=[Length(max=2000)],
    )
    left = StringField(_l("Left end (débat mouvant)"), validators=[Length(max=80)])
    right = StringField(_l("Right end (débat mouvant)"), validators=[Length(max=80)])
    meeting = SelectField(_l("At which meeting"), choices=[])

    def config(self) -> dict:
        lines = [line.strip() for line in (self.choices.data or "").splitlines() if line.strip()]
        if self.kind.data == "poll":
            return {"choices": lines, "multiple": False}
        if self.kind.data == "ranking":
            return {"items": lines}
        if self.kind.data == "debate":
            return {"left": self.left.data or "", "right": self.right.data or ""}
        if self.kind.data == "ideas":
            return {"dots": 3}
        return {}


class RecordDecisionForm(Form):
    text = StringField(
        _l("The decision, in one sentence"),
        validators=[DataRequired(_l("Write the decision in one sentence.")), Length(max=300)],
    )
    revisit_on = DateField(
        _l("We talk about it again on (optional)"),
        validators=[Optional()],
        description=_l("This date becomes a step of the board."),
    )


class NoteDecisionForm(Form):
    question = StringField(
        _l("The question"), validators=[DataRequired(_l("Write the question.")), Length(max=300)]
    )
    text = StringField(
        _l("The decision, in one sentence"),
        validators=[DataRequired(_l("Write the decision in one sentence.")), Length(max=300)],
    )
    decided_on = DateField(_l("Decided on"), validators=[Optional()])
    revisit_on = DateField(_l("We talk about it again on (optional)"), validators=[Optional()])


def action_kind_choices():
    return options(
        (k.value, f"{icon} {label}") for k, (icon, label) in vocabulary.ACTION_KINDS.items()
    )


class ActionForm(Form):
    kind = SelectField(_l("Kind of action"), choices=action_kind_choices)
    title = StringField(
        _l("What the group did or produced"),
        validators=[DataRequired(_l("Say what the group did.")), Length(max=160)],
    )
    happened_on = DateField(_l("Date"), validators=[DataRequired(_l("Give the date."))])
    text = TextAreaField(
        _l("In a few lines (optional)"),
        validators=[Length(max=1000)],
        description=_l("No health information about anyone, no family names."),
    )
    files = MultipleFileField(
        _l("Photos or PDF (optional)"),
        description=_l("Up to 10 MB each. Photos lose their hidden data (place, phone)."),
    )

    def to_data(self) -> ActionData:
        return ActionData(
            kind=self.kind.data or ActionKind.OTHER.value,
            title=self.title.data,
            happened_on=self.happened_on.data,
            text=self.text.data or "",
        )


class AttachmentForm(Form):
    files = MultipleFileField(_l("Add photos or PDF"))


class ParticipantMemberForm(Form):
    participant = SelectField(_l("Participant"), coerce=int, choices=[])
    porteur = BooleanField(_l("Leads the project (porteur)"))


class StaffMemberForm(Form):
    user = SelectField(_l("Member of staff"), coerce=int, choices=[])


class GuestMemberForm(Form):
    name = StringField(
        _l("Name of the partner"),
        validators=[DataRequired(_l("Give a name.")), Length(max=80)],
    )
    organisation = StringField(_l("Organisation"), validators=[Length(max=120)])


class MeetingForm(Form):
    theme = StringField(_l("Theme (optional)"), validators=[Length(max=160)])
    starts_on = DateField(_l("Date"), validators=[DataRequired(_l("Choose a valid date."))])
    starts_at = TimeField(
        _l("Start time"), validators=[DataRequired(_l("Choose a valid start time."))]
    )
    ends_at = TimeField(_l("End time"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Length(max=160)])


class LinkMeetingForm(Form):
    session = SelectField(_l("Session of the space"), coerce=int, choices=[])


class DeterminantForm(Form):
    label = StringField(
        _l("New determinant"),
        validators=[DataRequired(_l("Name the determinant.")), Length(max=60)],
    )
    icon = SelectField(
        _l("Pictogram"), choices=options([("", "—")] + [(icon, icon) for icon in vocabulary.ICONS])
    )
