"""The admin's page of rules by jurisdiction and decision kind, gaps as empty cells."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/engine/rule/coverage/"


def _row(html, label):
    table = html.split('id="rule-coverage"')[1].split("</table>")[0]
    return next(r for r in table.split("<tr>") if f'<th scope="row">{label}</th>' in r)


def test_the_coverage_page_shows_rules_confidence_and_gaps(client_for, admin_user):
    response = client_for(admin_user).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    places = html.split('id="rule-coverage"')[1].split("</thead>")[0]
    for place in ("KZ", "KG", "UZ", "RU", "TJ", "TR", "CAT", "HRC", "ECTHR"):
        assert f'<th scope="col">{place}</th>' in places
    row = _row(html, "File an appeal against the extradition decision")
    assert "ru.extr.appeal" in row and "kz.extr.appeal" in row
    assert 'class="gap"' in row  # the treaty bodies, at least
    assert 'id="rule-confidence"' in html
    assert (
        "Coverage by jurisdiction"
        in client_for(admin_user).get("/admin/engine/rule/").content.decode()
    )


def test_a_placeholder_is_marked_and_a_disabled_kind_is_a_gap(client_for, admin_user):
    from engine.models import Rule

    Rule.objects.filter(kind="appeal_asylum", jurisdiction="UZ").update(enabled=False)
    Rule.objects.create(
        code="uz.refugee.placeholder", jurisdiction="UZ", kind="appeal_asylum",
        description="Appeal", counts_from="asylum_refusal_notified",
        citation="Not researched", confidence="U", enabled=False,
    )  # fmt: skip
    html = client_for(admin_user).get(URL).content.decode()
    row = _row(html, "File an appeal against the asylum decision")
    cells = row.split("<td")[1:]
    places = html.split('id="rule-coverage"')[1].split("</thead>")[0].split('<th scope="col">')[1:]
    uz = cells[[p.split("<")[0] for p in places].index("UZ")]
    assert "uz.refugee.placeholder" in uz and "placeholder" in uz
    confidence = html.split('id="rule-confidence"')[1].split("</table>")[0]
    assert '<th scope="row">UZ</th>' in confidence


def test_the_coverage_page_needs_the_permission_to_view_rules(client_for):
    staff = UserFactory(username="st", is_staff=True)  # staff, but no role: no permission
    assert not staff.has_perm("engine.view_rule")
    assert client_for(staff).get(URL).status_code == 403


def test_the_coverage_page_is_not_for_non_staff(client_for, lawyer):
    response = client_for(lawyer).get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]
