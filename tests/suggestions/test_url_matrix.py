import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renda.suggestions import services
from tests.factories.suggestions import (
    assigned,
    clerk_of,
    deputy_user,
    entered_for_deputy,
    replied,
    submitted,
)
from tests.permission_matrix import OFFICE, Case, check_case

ADMIN_STAFF = frozenset({"admin", "staff"})
READERS = OFFICE | {"leader"}
COUNTY_READERS = ADMIN_STAFF | {"leader"}
DEPUTY = frozenset({"admin", "deputy"})
CLERK = frozenset({"admin", "unit_clerk"})
# Acting for a unit needs to be its clerk: even an administrator may not reply in its name.
UNIT_ONLY = frozenset({"unit_clerk"})
ON_ASSIGNED = COUNTY_READERS | {"deputy", "unit_clerk"}
POSTED = (302,)


def _cosign_target(w):
    other = deputy_user(w, 1)
    s = services.suggestion_submit(
        actor=other,
        congress=w.county,
        title="关于修缮村级文化广场的建议",
        text="村级文化广场设施老化，建议修缮并增加健身器材。",
        field="urban",
        cosigner_ids=[w.deputies[0].person_id],
    )
    return {"pk": s.pk}


def _on_behalf(w):
    return {"pk": entered_for_deputy(w).pk}


def _attachment(w):
    s = submitted(w, files=[SimpleUploadedFile("现场照片.txt", b"photo")])
    return {"pk": s.attachments.get().pk}


def _return_request(w):
    s = assigned(w)
    row = services.return_request_submit(
        actor=clerk_of(w, w.units[0]), assignment=s.assignments.get(), reason="职责不符"
    )
    return {"pk": row.pk}


def _round(w):
    rnd = services.supervision_round_create(
        actor=w.users["staff"],
        congress=w.county,
        title="第一轮巡回督办",
        planned_on=__import__("datetime").date(2026, 6, 1),
        leader="王主任",
        units=w.units[:2],
    )
    return {"pk": rnd.pk}


def _key_supervised(w):
    s = assigned(w)
    services.key_supervision_set(actor=w.users["staff"], suggestion=s, supervisor="常委会副主任")
    return {"pk": s.pk}


CASES = [
    Case("suggestions:list", READERS),
    Case("suggestions:mine", DEPUTY),
    Case("suggestions:new", OFFICE | {"deputy"}),
    Case("suggestions:similar", OFFICE | {"deputy"}, data=lambda w: {"title": "乡村公路护栏"}),
    Case("suggestions:inbox", CLERK),
    Case("suggestions:overdue", OFFICE),
    Case("suggestions:batch", OFFICE),
    Case("suggestions:notice", ADMIN_STAFF, kwargs=lambda w: {"unit_id": assigned(w).lead_unit_id}),
    Case("suggestions:metrics", READERS),
    Case("suggestions:assessment", READERS),
    Case("suggestions:import", OFFICE),
    Case(
        "suggestions:record",
        COUNTY_READERS | {"deputy"},
        kwargs=lambda w: {"person_id": w.deputies[0].person_id},
    ),
    Case("suggestions:rounds", READERS),
    Case("suggestions:round_new", OFFICE),
    Case("suggestions:round_detail", COUNTY_READERS, kwargs=_round),
    Case("suggestions:round_report", COUNTY_READERS, kwargs=_round),
    Case("suggestions:attachment", COUNTY_READERS | {"deputy"}, kwargs=_attachment),
    Case(
        "suggestions:return_request",
        UNIT_ONLY,
        method="post",
        ok_status=POSTED,
        kwargs=lambda w: {"pk": assigned(w).assignments.get().pk},
        data=lambda w: {"reason": "职责不符"},
    ),
    Case(
        "suggestions:opinion",
        UNIT_ONLY,
        method="post",
        ok_status=POSTED,
        kwargs=lambda w: {"pk": assigned(w).assignments.get().pk},
        data=lambda w: {"text": "意见"},
    ),
    Case(
        "suggestions:return_decide",
        ADMIN_STAFF,
        method="post",
        ok_status=POSTED,
        kwargs=_return_request,
        data=lambda w: {"accept": "0", "reason": "职责相符"},
    ),
    Case("suggestions:detail", ON_ASSIGNED, kwargs=lambda w: {"pk": assigned(w).pk}),
    Case(
        "suggestions:cosign",
        DEPUTY,
        method="post",
        ok_status=POSTED,
        kwargs=_cosign_target,
        data=lambda w: {"accept": "1"},
    ),
    Case("suggestions:confirm", DEPUTY, method="post", ok_status=POSTED, kwargs=_on_behalf),
    Case(
        "suggestions:rate",
        DEPUTY,
        method="post",
        ok_status=POSTED,
        kwargs=lambda w: {"pk": replied(w).pk},
        data=lambda w: {"rating": "satisfied"},
    ),
    Case(
        "suggestions:review",
        ADMIN_STAFF,
        method="post",
        ok_status=POSTED,
        kwargs=lambda w: {"pk": submitted(w).pk},
        data=lambda w: {"decision": "accept"},
    ),
    Case(
        "suggestions:merge",
        ADMIN_STAFF,
        method="post",
        ok_status=POSTED,
        kwargs=lambda w: {"pk": submitted(w).pk},
        data=lambda w: {"duplicates": []},
    ),
    Case("suggestions:assign", ADMIN_STAFF, kwargs=lambda w: {"pk": submitted(w).pk}),
    Case(
        "suggestions:contact",
        UNIT_ONLY,
        method="post",
        ok_status=POSTED,
        kwargs=lambda w: {"pk": assigned(w).pk},
        data=lambda w: {"unit": w.units[0].pk, "contacted_on": "", "way": "phone", "deputy_view": ""},
    ),
    Case(
        "suggestions:reply",
        UNIT_ONLY,
        method="post",
        ok_status=POSTED,
        kwargs=lambda w: {"pk": assigned(w).pk},
        data=lambda w: {"unit": w.units[0].pk, "category": ""},
    ),
    Case(
        "suggestions:supervise",
        ADMIN_STAFF,
        method="post",
        ok_status=POSTED,
        kwargs=lambda w: {"pk": assigned(w).pk},
        data=lambda w: {"supervisor": ""},
    ),
    Case(
        "suggestions:note",
        COUNTY_READERS,
        method="post",
        ok_status=POSTED,
        kwargs=_key_supervised,
        data=lambda w: {"text": ""},
    ),
    Case(
        "suggestions:disclose",
        ADMIN_STAFF,
        method="post",
        ok_status=POSTED,
        kwargs=lambda w: {"pk": replied(w).pk},
        data=lambda w: {"public": "1"},
    ),
    Case("suggestions:reply_letter", ON_ASSIGNED, kwargs=lambda w: {"pk": replied(w).pk}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.url_name for c in CASES])
def test_suggestions_url_matrix(case, world, client_for):
    assert check_case(case, world, client_for) == []
