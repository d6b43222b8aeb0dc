import io

import pytest
from openpyxl import load_workbook

from renda.core.masking import mask_id_number, mask_phone
from renda.org.models import DeputyMandate, Person
from renda.org.roster import ROSTER_HEADERS
from tests.factories.org import roster_file, roster_row

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "full"), [("admin", True), ("staff", True), ("leader", False)])
def test_person_page_masks_numbers_per_role(world, client_for, role, full):
    person = world.deputies[1].person
    html = client_for(role).get(f"/org/people/{person.pk}/").content.decode()
    assert (person.phone in html) is full and (person.id_number in html) is full
    assert (mask_phone(person.phone) in html) is not full
    assert (mask_id_number(person.id_number) in html) is not full
    # Only roles that may read the audit trail get the link.
    assert ("/audit/org.person/" in html) is (role != "leader")


def test_township_staff_see_their_township_only(world, client_for):
    own = world.township_deputies[0].person
    client = client_for("township_staff")
    page = client.get(f"/org/people/{own.pk}/").content.decode()
    assert own.id_number in page  # township staff may read numbers within their scope
    listing = client.get("/org/deputies/").content.decode()
    assert own.name in listing and world.deputies[1].person.name not in listing
    assert client.get(f"/org/people/{world.deputies[1].person_id}/").status_code == 403
    assert client.get(f"/org/congresses/{world.township.pk}/").status_code == 200
    assert client.get(f"/org/terms/{world.township_term.pk}/composition/").status_code == 200
    other = client_for("other_township_staff")
    assert own.name not in other.get("/org/deputies/").content.decode()
    for url in (
        f"/org/people/{own.pk}/",
        f"/org/congresses/{world.township.pk}/",
        f"/org/terms/{world.township_term.pk}/",
        f"/org/terms/{world.township_term.pk}/roster/import/",
    ):
        assert other.get(url).status_code == 403, url


def test_list_pages_link_to_detail_pages(world, client_for):
    client = client_for("staff")
    assert f"/org/people/{world.deputies[0].person_id}/" in client.get("/org/deputies/").content.decode()
    assert f"/org/congresses/{world.county.pk}/" in client.get("/org/congresses/").content.decode()
    assert f"/org/terms/{world.term.pk}/" in client.get("/org/terms/").content.decode()
    assert f"/org/bodies/{world.standing_committee.pk}/" in client.get("/org/bodies/").content.decode()
    assert f"/org/units/{world.units[0].pk}/" in client.get("/org/units/").content.decode()
    assert f"/org/organs/{world.units[0].organ_id}/" in client.get("/org/organs/").content.decode()


def test_detail_pages_show_what_they_promise(world, client_for):
    client = client_for("staff")
    congress = client.get(f"/org/congresses/{world.county.pk}/").content.decode()
    assert "青山镇人民代表大会" in congress and "常务委员会" in congress and "第18届" in congress
    body = client.get(f"/org/bodies/{world.standing_committee.pk}/").content.decode()
    chair = world.committee_members[0].name
    assert chair in body and "专职" in body and "兼职" in body
    assert body.index(chair) < body.index(world.committee_members[5].name)
    unit = client.get(f"/org/units/{world.units[0].pk}/").content.decode()
    assert "教育局联络员" in unit and "主要联系人" in unit
    term = client.get(f"/org/terms/{world.term.pk}/").content.decode()
    assert "第一选区" in term and "导入代表名册" in term


def _roster_export(client, world):
    response = client.get(f"/org/deputies/?term={world.term.pk}&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_roster_export_has_the_roster_columns_masked_unless_allowed(world, client_for):
    person = world.deputies[1].person
    full = _roster_export(client_for("staff"), world)
    assert full[0][: len(ROSTER_HEADERS)] == list(ROSTER_HEADERS)
    assert len(full) == len(world.deputies) + 1
    assert any(person.id_number in row and person.phone in row for row in full)
    masked = _roster_export(client_for("leader"), world)
    flat = str(masked)
    assert person.id_number not in flat and person.phone not in flat
    assert mask_id_number(person.id_number) in flat


def test_exported_roster_imports_again_without_changes(world, client_for):
    from renda.org import services

    response = client_for("staff").get(f"/org/deputies/?term={world.term.pk}&export=xlsx")
    result = services.roster_import(actor=None, term=world.term, file=response.content)
    assert (result.created, result.added, result.unchanged) == (0, 0, len(world.deputies))


def test_import_page_check_then_confirm(world, client_for):
    client = client_for("staff")
    url = f"/org/terms/{world.term.pk}/roster/import/"
    assert client.get(url).status_code == 200
    template = client.get("/org/roster/template.xlsx")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    data = roster_file([roster_row("页面导入甲"), roster_row("页面导入乙", male=False)])
    preview_file = io.BytesIO(data)
    preview_file.name = "roster.xlsx"
    preview = client.post(url, {"action": "check", "file": preview_file})
    html = preview.content.decode()
    assert preview.status_code == 200 and "文件检查通过" in html and "页面导入乙" in html
    assert not Person.objects.filter(name="页面导入甲").exists()
    done = client.post(url, {"action": "confirm"})
    assert done.status_code == 302
    assert DeputyMandate.objects.filter(term=world.term, person__name__startswith="页面导入").count() == 2
    # The stash is gone: confirming again asks for the file.
    again = client.post(url, {"action": "confirm"}, follow=True).content.decode()
    assert "已失效" in again


def test_import_page_lists_every_error_and_imports_nothing(world, client_for):
    client = client_for("staff")
    upload = io.BytesIO(roster_file([roster_row("甲", 选区="火星选区"), roster_row("乙", 手机号码="1")]))
    upload.name = "roster.xlsx"
    html = client.post(
        f"/org/terms/{world.term.pk}/roster/import/", {"action": "import", "file": upload}
    ).content.decode()
    assert "第2行" in html and "火星选区" in html and "第3行" in html and "未导入任何数据" in html
    assert not Person.objects.filter(name__in=["甲", "乙"]).exists()
    wrong = io.BytesIO(b"x")
    wrong.name = "roster.xls"
    html = client.post(
        f"/org/terms/{world.term.pk}/roster/import/", {"action": "import", "file": wrong}
    ).content.decode()
    assert ".xlsx" in html
