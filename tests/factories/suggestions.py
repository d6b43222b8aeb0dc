"""Suggestions built through the services, for tests, the benchmark and the demo loader."""

from __future__ import annotations

from typing import Any

from renda.core.models import Role, User
from renda.core.services import role_grant
from renda.org import services as org
from renda.org.models import DeputyMandate, HandlingUnit
from renda.suggestions import services
from renda.suggestions.models import Suggestion
from tests.factories.world import World, make_user


def deputy_user(world: World, index: int) -> User:
    """The login of county deputy ``index`` (created on first use)."""
    mandate: DeputyMandate = world.deputies[index]
    person = mandate.person
    person.refresh_from_db()
    if person.user_id:
        return person.user  # type: ignore[return-value]
    user = make_user(f"dep{index:02d}-{world.county.pk}", None, None, person.name)
    org.person_link_user(actor=None, person=person, user=user)
    role_grant(actor=None, user=user, role=Role.DEPUTY, congress=world.county)
    return user


def clerk_of(world: World, unit: HandlingUnit) -> User:
    """A clerk of ``unit`` (the world's own clerk for the first unit)."""
    existing = unit.contact_rows.select_related("user").first()
    if existing is not None:
        return existing.user
    user = make_user(f"clerk{unit.pk}-{world.county.pk}", None, None, f"{unit.name}联络员")
    org.unit_contact_add(actor=None, unit=unit, user=user, title="联络员", is_primary=True)
    return user


def submitted(
    world: World,
    title: str = "关于改善乡村公路安全设施的建议",
    text: str = "青山镇至绿水乡的县道弯多坡陡，缺少护栏和警示标志，建议增设护栏、减速带和路灯。",
    field: str = "transport",
    **kwargs: Any,
) -> Suggestion:
    return services.suggestion_submit(
        actor=world.users["deputy"], congress=world.county, title=title, text=text, field=field, **kwargs
    )


def reviewed(world: World, **kwargs: Any) -> Suggestion:
    s = submitted(world, **kwargs)
    return services.suggestion_review(actor=world.users["staff"], suggestion=s, decision="accept")


def assigned(
    world: World, unit_index: int = 0, co: tuple[int, ...] = (), hard: bool = False, **kwargs: Any
) -> Suggestion:
    s = reviewed(world, **kwargs)
    return services.suggestion_assign(
        actor=world.users["staff"],
        suggestion=s,
        lead=world.units[unit_index],
        co_handlers=[world.units[i] for i in co],
        hard=hard,
    )


def replied(world: World, category: str = "A", **kwargs: Any) -> Suggestion:
    import datetime as dt

    from django.utils import timezone

    s = assigned(world, **kwargs)
    unit = s.lead_unit
    assert unit is not None
    clerk = clerk_of(world, unit)
    today = timezone.localdate()
    services.contact_record_add(
        actor=clerk,
        suggestion=s,
        unit=unit,
        contacted_on=today - dt.timedelta(days=0),
        way="phone",
        deputy_view="代表同意办理思路。",
    )
    services.reply_submit(
        actor=clerk, suggestion=s, unit=unit, category=category, text="经研究，答复如下。", signer="张局长"
    )
    s.refresh_from_db()
    return s


def entered_for_deputy(world: World) -> Suggestion:
    """A paper suggestion staff entered on behalf of the world's deputy (awaits the deputy's confirmation)."""
    return services.suggestion_submit(
        actor=world.users["staff"],
        congress=world.county,
        title="关于增设公交线路的建议",
        text="城东新区居民出行不便，建议增设公交线路。",
        field="transport",
        submitter=world.deputies[0].person,
    )
