"""The quality grids of the ARS Grand Est guide (seed 003): annex 5, nine quality criteria
rated *non atteint / en cours de réalisation / atteint*, and annex 6, the twelve-point
evaluation grid in the four axes of the HAS référentiel, with three objective questions.

The wording of the criteria and questions is the guide's own, quoted in French as the
ARS wrote it (a funder's document: it is shown as is in every language). The team fills a
grid for the structure or for a space; each filling is a dated version, and two versions
can be put side by side to see what moved. The grids are the coordinator's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core.exceptions import Forbidden, NotFound, ValidationError
from ..extensions import db
from ..spaces import services as spaces
from . import privacy
from .models import GridLine, GridName, GridVersion

COMMENT_MAX = 1000


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    detail: str = ""
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]
    intro: str = ""


@dataclass(frozen=True)
class Grid:
    name: GridName
    label: object  # lazy text
    title: str  # the guide's title
    source: str
    scale: tuple[tuple[str, object], ...]  # (value, lazy label), from worst to best
    sections: tuple[Section, ...] = field(default=())

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def rating_label(self, value: str) -> str:
        return next((str(label) for v, label in self.scale if v == value), "")

    def rank(self, value: str) -> int | None:
        values = [v for v, _label in self.scale]
        return values.index(value) if value in values else None


ANNEX5 = Grid(
    name=GridName.ANNEX5,
    label=_l("Annex 5: quality criteria"),
    title="Annexe 5 | Critères qualité de la médiation en santé",
    source=(
        "ARS Grand Est, Guide de la médiation en santé (2025), annexe 5 : outil "
        "d'auto-évaluation à partir de critères de qualité, pour la création ou le "
        "renforcement d'un projet de médiation en santé."
    ),
    scale=(
        ("not_met", _l("Not met")),
        ("in_progress", _l("Being achieved")),  # « en cours de réalisation » (annex 5)
        ("met", _l("Met")),
    ),
    sections=(
        Section(
            title="Critères qualité",
            items=(
                Item(
                    "diagnostic",
                    "Le projet de médiation en santé est construit sur la base d'un diagnostic "
                    "mené en amont du projet",
                    "Il permet de repérer l'existence d'une problématique de non-recours aux "
                    "droits et aux soins sur le territoire. Il vise notamment à identifier les "
                    "publics concernés et les facteurs explicatifs, et à répertorier les "
                    "partenaires et dispositifs existants sur le territoire. Ce travail a pour "
                    "objectif d'établir l'action sur des constats locaux et d'y apporter une "
                    "réponse qui ne se superpose pas à d'autres actions, mais qui vient plutôt "
                    "s'articuler avec les acteurs du territoire (de l'aller-vers notamment) pour "
                    "travailler en complémentarité, en réseau. En effet, le projet de médiation "
                    "en santé contient une dimension partenariale forte.",
                ),
                Item(
                    "acculturation",
                    "Le projet de médiation en santé prévoit un temps d'acculturation des "
                    "professionnels internes et externes à la structure (collègues et "
                    "partenaires) au métier de médiateur en santé en amont de son recrutement et "
                    "organise son intégration dans l'équipe et dans le fonctionnement de la "
                    "structure",
                    "Consulter les professionnels internes et/ou externes à la structure "
                    "porteuse pour préciser les missions ou modalités d'intervention de la "
                    "future recrue est vivement recommandé (cela peut aller jusqu'à la "
                    "co-rédaction de la fiche de poste). L'intégration du médiateur en santé "
                    "dans la structure porteuse est organisée : il/elle participe aux réunions "
                    "de coordination du service auquel il/elle est rattaché.e.",
                ),
                Item(
                    "means",
                    "Le projet de médiation en santé garantit les moyens nécessaires à une "
                    "action de qualité",
                    "→ Les coûts liés aux aspects logistiques de l'action sont anticipés : "
                    "ressources humaines, déplacements, formation, analyse de pratiques, frais "
                    "de fonctionnement, véhicule ou locaux dédiés, frais d'interprétariat, frais "
                    "liés à l'accompagnement des personnes (par ex : tickets de transport, bons "
                    "alimentaires...). → Les ressources temporelles nécessaires à la mise en "
                    "œuvre sont prises en compte (rencontre des partenaires, déplacements, "
                    "création du lien avec le public, montée en compétences...) ; → Le projet "
                    "prévoit la montée en compétences des médiateurs en santé via des formations "
                    "formelles (compétences techniques et relationnelles : formation à "
                    "l'entretien motivationnel, à la littératie...) ou des opportunités "
                    "d'apprentissage informelles. → La sécurisation du médiateur sur son poste "
                    "est organisée (prévention des risques psychosociaux ; sécurité des "
                    "interventions ; supervision... avec une vigilance particulière sur le suivi "
                    "interne pour les médiateurs en santé pairs qui peuvent présenter des "
                    "vulnérabilités spécifiques)",
                ),
                Item(
                    "ethics",
                    "Le projet de médiation en santé intègre une réflexion éthique globale "
                    "commune aux professionnels de la structure porteuse",
                    "Cette réflexion peut prendre appui sur le cadre déontologique du référentiel "
                    "et l'exemple de la charte citée (annexe 4 du référentiel HAS) ou donner "
                    "lieu à une charte éthique propre à la structure. Elle vise à aborder la "
                    "posture du médiateur.rice en santé et les notions afférentes "
                    "(non-normative, non jugeante, non stigmatisante, qui favorise le "
                    "développement du pouvoir d'agir) ; le principe d'accompagnement non "
                    "contraignant ; le respect du secret professionnel, etc. Selon le type de "
                    "structure porteuse, cette réflexion peut être nourrie par "
                    "l'interdisciplinarité des professionnels de l'équipe.",
                ),
                Item(
                    "monitoring_tools",
                    "Le projet de médiation en santé intègre des temps de co-construction "
                    "internes des outils de suivi de l'action (tableau des dysfonctionnements "
                    "identifiés, des publics et partenaires rencontrés...)",
                    "Ces outils sont élaborés sur la base des indicateurs retenus, adaptés aux "
                    "spécificités de l'action de médiation.",
                ),
                Item(
                    "veille_protocol",
                    "Le projet de médiation en santé prévoit un protocole de remontée des "
                    "difficultés constatées au cours de l'action (rôle de veille) aux collègues, "
                    "partenaires, institutions et politiques concernées",
                    "Ce protocole présente l'outil à utiliser, les modalités de remplissage et de "
                    "transmission interne et externe des éléments constatés.",
                ),
                Item(
                    "public_and_professionals",
                    "Le projet de médiation en santé touche à la fois les publics et les "
                    "professionnels (il ne s'adresse pas qu'aux publics)",
                    "Il est nécessaire de garantir la position d'interface entre les "
                    "professionnels de santé et le public cible : si le recrutement est réalisé "
                    "via un établissement de santé p.ex., le médiateur est intégré aux réunions "
                    "de concertation. De façon générale, il est recommandé de prévoir des "
                    "réunions régulières avec les professionnels de santé du territoire en plus "
                    "des temps collectifs et individuels avec le public.",
                ),
                Item(
                    "participation",
                    "Le projet de médiation en santé intègre autant que possible la "
                    "participation du public",
                    "Par exemple : la participation au diagnostic, la co-construction des outils "
                    "facilitant les relations entre patients et soignants, la (co)animation "
                    "d'ateliers communautaires... L'évaluation du projet de médiation intègre "
                    "également la satisfaction du public.",
                ),
                Item(
                    "individual_and_collective",
                    "L'action prévoit à la fois des modalités d'accompagnement individuel "
                    "(entretiens individualisés, appui aux démarches administratives, à l'accès "
                    "aux droits...) et des modalités collectives (temps d'échange collectifs "
                    "avec les professionnels, actions communautaires...)",
                ),
            ),
        ),
    ),
)

ANNEX6 = Grid(
    name=GridName.ANNEX6,
    label=_l("Annex 6: evaluation grid"),
    title="Annexe 6 | Grille d'évaluation de vos actions de médiation en santé",
    source=(
        "Grille adaptée par Médecins du Monde, à partir des travaux menés dans le cadre d'un "
        "« Etat des lieux des actions de médiation en santé » par le réseau d'acteurs et "
        "actrices en médiation en santé sur l'Eurométropole de Strasbourg en décembre 2023 "
        "(ARS Grand Est, Guide de la médiation en santé, 2025, annexe 6)."
    ),
    scale=(("no", _l("No")), ("partly", _l("Partly")), ("yes", _l("Yes"))),
    sections=(
        Section(
            "Axe 1 : (Ré) créer la rencontre avec les populations concernées",
            (
                Item(
                    "outreach_people",
                    "1 • Aller-vers la personne vulnérable",
                    questions=(
                        "Menez-vous des actions d'aller-vers les personnes éloignées du système "
                        "de santé ou confrontées à des obstacles dans leur prise en charge ? "
                        "Quel est le public cible ?",
                    ),
                ),
                Item(
                    "outreach_professionals",
                    "2 • Aller-vers les professionnels de santé",
                    questions=(
                        "Menez-vous des actions d'aller-vers les institutions/ professionnels "
                        "qui interviennent dans le parcours de soins de ces populations ?",
                    ),
                ),
                Item(
                    "presence",
                    "3 • Assurer une présence active de proximité",
                    questions=(
                        "Assurez-vous une présence (des activités, des permanences) sur les "
                        "lieux de vie ou dans une structure repérable du public cible ?",
                    ),
                ),
            ),
        ),
        Section(
            "Axe 2 : Faciliter la coordination du parcours de santé",
            (
                Item(
                    "linking",
                    "4 • Mise en lien avec les professionnels adaptés aux besoins des "
                    "personnes concernées",
                    questions=(
                        "Est-ce que vous informez et orientez vers d'autres professionnels ? "
                        "Favoriser la relation entre les publics et les professionnels de santé "
                        "notamment ?",
                    ),
                ),
                Item(
                    "rights",
                    "5 • Aides aux démarches administratives d'accès aux droits de santé",
                    questions=(
                        "Faites-vous des demandes d'ouverture des droits en santé à la CPAM ?",
                        "Faites-vous le suivi des démarches administratives liées à "
                        "l'ouverture de droits de santé (couverture maladie, domiciliation, "
                        "accompagnement social) ?",
                    ),
                ),
                Item(
                    "accompaniments",
                    "6 • Accompagnements physiques",
                    questions=(
                        "Faites-vous des accompagnements physiques vers des structures de santé "
                        "ou des structures sociales ? (A quelle fréquence ? Quelles sont les "
                        "critères pour organiser ces accompagnements ?)",
                    ),
                ),
            ),
        ),
        Section(
            "Axe 3 : Proposer des actions collectives de promotion de la santé",
            (
                Item(
                    "mobilise",
                    "7 • Mobiliser les acteurs de santé et de promotion de la santé",
                    questions=("Menez-vous des actions de promotion de santé ?",),
                ),
                Item(
                    "partners",
                    "8 • Collaborer avec des partenaires",
                    questions=(
                        "Participez-vous aux recensements, enquêtes et diagnostics locaux ?",
                        "Participez-vous à l'organisation d'actions collectives de prévention "
                        "et éducation à la santé ?",
                        "Participez-vous aux actions de sensibilisation auprès des "
                        "professionnels ?",
                        "Participez-vous aux actions de dépistage et de prévention ?",
                        "Encouragez-vous une dynamique de santé communautaire ?",
                    ),
                ),
                Item(
                    "co_built_tools",
                    "9 • Co-construire des outils préventifs et informatifs adaptés aux besoins",
                    questions=(
                        "Construisez-vous des outils préventifs et informatifs adaptés aux "
                        "besoins des personnes concernées ?",
                    ),
                ),
            ),
        ),
        Section(
            "Axe 4 : Participer aux actions structurantes au projet de sa structure",
            (
                Item(
                    "networks",
                    "10 • Développer des partenariats, participer à des réseaux",
                    questions=(
                        "Développez-vous des partenariats dans vos actions",
                        "Participez-vous à des réseaux ?",
                    ),
                ),
                Item(
                    "watch",
                    "11 • Participer à la veille sanitaire et sociale",
                    questions=("Participez-vous à la veille sanitaire et sociale ?",),
                ),
                Item(
                    "barriers",
                    "12 • Collecter et remonter les dysfonctionnements",
                    questions=(
                        "Collectez-vous et remontez-vous les dysfonctionnements identifiés ? "
                        "(Quels sont les destinataires de cette remontée ?)",
                    ),
                ),
            ),
        ),
        Section(
            "Votre structure travaille-t-elle sur les objectifs suivants :",
            (
                Item(
                    "common_law",
                    "Favoriser le retour vers le droit commun ?",
                    "Par exemple, aidant les personnes concernées à trouver des solutions sans "
                    "faire à la place des professionnels de la santé ou du social.",
                ),
                Item(
                    "autonomy",
                    "Renforcer l'autonomie et la capacité d'agir des personnes dans la prise en "
                    "charge de leur santé ?",
                    "Par exemple, faisant les démarches avec elles dans le but de permettre aux "
                    "personnes de faire cette démarche seules dans l'avenir.",
                ),
                Item(
                    "awareness",
                    "Améliorer la prise en compte, par les acteurs de la santé, des "
                    "spécificités, potentialités et facteurs de vulnérabilité des personnes "
                    "concernées ?",
                    "Par exemple, en sensibilisant ces acteurs aux conditions de vie "
                    "spécifiques de la personne ou au besoin de faire appel à un interprète "
                    "professionnel",
                ),
            ),
        ),
    ),
)

GRIDS = {ANNEX5.name: ANNEX5, ANNEX6.name: ANNEX6}
GRID_WORDS = {"annexe-5": GridName.ANNEX5, "annexe-6": GridName.ANNEX6}
WORD_OF = {v: k for k, v in GRID_WORDS.items()}


def get_grid(word: str) -> Grid:
    """``annexe-5`` or ``annexe-6`` (the grid's part of the address)."""
    if word not in GRID_WORDS:
        raise NotFound
    return GRIDS[GRID_WORDS[word]]


def _coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise Forbidden


def scope_key(space_id: int | None) -> str:
    return f"space:{space_id}" if space_id else "structure"


def _check_space(actor: User, space_id: int | None) -> None:
    if space_id is not None:
        spaces.get_space(actor, space_id)


def versions(
    actor: User, grid: GridName | None = None, space_id: int | None = None, *, any_scope=False
) -> list[GridVersion]:
    """The grids' versions, newest first (coordinator only)."""
    _coordinator(actor)
    query = sa.select(GridVersion).where(GridVersion.organisation_id == actor.organisation_id)
    if grid is not None:
        query = query.where(GridVersion.grid == grid)
    if not any_scope:
        _check_space(actor, space_id)
        query = query.where(GridVersion.scope_key == scope_key(space_id))
    return list(
        db.session.scalars(query.order_by(GridVersion.filled_on.desc(), GridVersion.id.desc()))
    )


def latest(actor: User, grid: GridName, space_id: int | None, *, on: date | None = None):
    """The newest version of a grid for a scope (up to ``on``), or None."""
    for version in versions(actor, grid, space_id):
        if on is None or version.filled_on <= on:
            return version
    return None


def get_version(actor: User, version_id: int) -> GridVersion:
    _coordinator(actor)
    version = db.session.get(GridVersion, version_id)
    if version is None or version.organisation_id != actor.organisation_id:
        raise NotFound
    return version


@dataclass(frozen=True)
class Answer:
    rating: str
    comment: str


def save_version(
    actor: User,
    grid: Grid,
    *,
    space_id: int | None,
    filled_on: date | None,
    answers: dict[str, Answer],
    today: date,
) -> GridVersion:
    """Save the grid as filled on ``filled_on`` (the version of that date is replaced)."""
    _coordinator(actor)
    _check_space(actor, space_id)
    if not isinstance(filled_on, date):
        raise ValidationError(_("Give a date (day, month, year)."), "filled_on")
    if filled_on > today:
        raise ValidationError(_("The date is in the future."), "filled_on")
    allowed = {value for value, _label in grid.scale} | {""}
    cleaned = {}
    for item in grid.items:
        answer = answers.get(item.key, Answer("", ""))
        if answer.rating not in allowed:
            raise ValidationError(_("Choose one of the ratings."), f"{item.key}-rating")
        comment = privacy.clean(
            answer.comment,
            limit=COMMENT_MAX,
            field=f"{item.key}-comment",
            multiline=True,
            required=False,
        )
        cleaned[item.key] = (answer.rating, comment)
    if not any(rating or comment for rating, comment in cleaned.values()):
        raise ValidationError(_("Rate at least one line before saving."))
    key = scope_key(space_id)
    version = db.session.scalar(
        sa.select(GridVersion).where(
            GridVersion.organisation_id == actor.organisation_id,
            GridVersion.grid == grid.name,
            GridVersion.scope_key == key,
            GridVersion.filled_on == filled_on,
        )
    )
    if version is None:
        version = GridVersion(
            organisation_id=actor.organisation_id,
            grid=grid.name,
            space_id=space_id,
            scope_key=key,
            filled_on=filled_on,
        )
        db.session.add(version)
    version.filled_by_id = actor.id
    version.lines.clear()
    db.session.flush()  # the old lines go before the new ones come (one line per item)
    version.lines = [
        GridLine(item=item, rating=rating, comment=comment)
        for item, (rating, comment) in cleaned.items()
    ]
    try:
        db.session.commit()
    except IntegrityError:  # saved at the same moment by a colleague: theirs stays
        db.session.rollback()
        raise ValidationError(
            _("This grid was just saved by someone else. Open it again.")
        ) from None
    return version


def answers_of(version: GridVersion | None) -> dict[str, GridLine]:
    return {line.item: line for line in version.lines} if version else {}


@dataclass(frozen=True)
class Compared:
    item: Item
    before: GridLine | None
    after: GridLine | None
    movement: str  # "up", "down", "same", "changed" (comment only), "new", "cleared"


def compare(
    actor: User, first_id: int, second_id: int
) -> tuple[Grid, GridVersion, GridVersion, list[Compared]]:
    """Two versions of the same grid side by side, the older first."""
    a, b = get_version(actor, first_id), get_version(actor, second_id)
    if a.grid != b.grid:
        raise ValidationError(_("Choose two versions of the same grid."))
    if (a.filled_on, a.id) > (b.filled_on, b.id):
        a, b = b, a
    grid = GRIDS[a.grid]
    before, after = answers_of(a), answers_of(b)
    rows = []
    for item in grid.items:
        x, y = before.get(item.key), after.get(item.key)
        rank_x = grid.rank(x.rating) if x else None
        rank_y = grid.rank(y.rating) if y else None
        if rank_x is None and rank_y is not None:
            movement = "new"
        elif rank_x is not None and rank_y is None:
            movement = "cleared"
        elif rank_x is not None and rank_y is not None and rank_y > rank_x:
            movement = "up"
        elif rank_x is not None and rank_y is not None and rank_y < rank_x:
            movement = "down"
        elif (x.comment if x else "") != (y.comment if y else ""):
            movement = "changed"
        else:
            movement = "same"
        rows.append(Compared(item, x, y, movement))
    return grid, a, b, rows


def summary(grid: Grid, version: GridVersion | None) -> dict[str, int]:
    """How many lines at each rating (and unanswered)."""
    counts = {value: 0 for value, _label in grid.scale} | {"": 0}
    lines = answers_of(version)
    for item in grid.items:
        line = lines.get(item.key)
        counts[line.rating if line else ""] += 1
    return counts
