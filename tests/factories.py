"""Factory helpers: build real rows through the models (and services where rules matter)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, time, timedelta

from werkzeug.security import generate_password_hash

from facilitation.accounts.models import Organisation, Role, User
from facilitation.extensions import db
from facilitation.participants.models import Participant, SpaceParticipant
from facilitation.spaces.models import Space, SpaceKind, SpaceMembership
from facilitation.workshops.models import Cycle, WorkshopSession

PASSWORD = "un-mot-de-passe-solide"
_HASH = generate_password_hash(PASSWORD)
_counter = itertools.count(1)


def organisation(name: str = "Case de Santé") -> Organisation:
    org = Organisation(name=name)
    db.session.add(org)
    db.session.commit()
    return org


def user(
    org: Organisation,
    role: Role = Role.MEDIATOR,
    *,
    name: str | None = None,
    spaces: list[Space] = (),
    active: bool = True,
) -> User:
    n = next(_counter)
    u = User(
        organisation=org,
        email=f"staff{n}@example.org",
        display_name=name or f"Staff {n}",
        password_hash=_HASH,
        role=role,
        active=active,
    )
    db.session.add(u)
    db.session.flush()
    for space in spaces:
        db.session.add(SpaceMembership(space_id=space.id, user_id=u.id))
    db.session.commit()
    return u


def space(
    org: Organisation, name: str | None = None, kind: SpaceKind = SpaceKind.TERRITORIAL
) -> Space:
    s = Space(organisation=org, name=name or f"Espace {next(_counter)}", kind=kind)
    db.session.add(s)
    db.session.commit()
    return s


def cycle(space: Space, title: str = "Tronc commun") -> Cycle:
    c = Cycle(space=space, title=title)
    db.session.add(c)
    db.session.commit()
    return c


def session(
    cycle: Cycle,
    *,
    theme: str = "Le système de santé",
    starts_on: date | None = None,
    starts_at: time = time(14, 0),
) -> WorkshopSession:
    s = WorkshopSession(
        cycle=cycle,
        theme=theme,
        starts_on=starts_on or date.today() + timedelta(days=3),
        starts_at=starts_at,
        ends_at=time(16, 0),
        place="Salle commune",
    )
    db.session.add(s)
    db.session.commit()
    return s


def participant(space: Space, pseudonym: str = "Colibri") -> Participant:
    p = Participant(organisation_id=space.organisation_id, pseudonym=pseudonym)
    db.session.add(p)
    db.session.flush()
    db.session.add(SpaceParticipant(space_id=space.id, participant_id=p.id))
    db.session.commit()
    return p


@dataclass
class World:
    org: Organisation
    coordinator: User
    space: Space
    other_space: Space
    mediator: User  # member of `space`
    other_mediator: User  # member of `other_space` only
    cycle: Cycle
    session: WorkshopSession
    other_cycle: Cycle
    other_session: WorkshopSession

    @classmethod
    def build(cls) -> World:
        org = organisation()
        s1 = space(org, "Arnaud Bernard")
        s2 = space(org, "Les Izards")
        c1 = cycle(s1)
        c2 = cycle(s2, "Santé et logement")
        return cls(
            org=org,
            coordinator=user(org, Role.COORDINATOR, name="Camille"),
            space=s1,
            other_space=s2,
            mediator=user(org, name="Amina", spaces=[s1]),
            other_mediator=user(org, name="Julien", spaces=[s2]),
            cycle=c1,
            session=session(c1),
            other_cycle=c2,
            other_session=session(c2, theme="Nos droits de locataires"),
        )
