"""/org/<code>/edit/: hand corrections by the commissioner, with who, when and why kept."""

import pytest

pytestmark = pytest.mark.django_db


def url(org):
    return f"/org/{org.code}/edit/"


def test_edit_saves_changes_and_history_shows_them(client, commissioner_user, area):
    practice = area["practices"][0]
    client.force_login(commissioner_user)
    response = client.post(
        url(practice),
        {
            "name": practice.name,
            "postcode": "ts18 1hu",
            "contract_type": "PMS",
            "reason": "PMS letter",
        },
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.contract_type, practice.postcode) == ("PMS", "TS18 1HU")
    record = practice.history.first()
    assert (record.history_user, record.history_change_reason) == (commissioner_user, "PMS letter")
    page = client.get(f"/org/{practice.code}/")
    assert b"PMS letter" in page.content and b"updated" in page.content


def test_edit_with_errors_shows_summary_and_saves_nothing(client, commissioner_user, area):
    practice = area["practices"][0]
    client.force_login(commissioner_user)
    response = client.post(url(practice), {"name": "", "postcode": "12345"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    for message in ("Enter the name", "Enter a real postcode", "Enter why you are making"):
        assert message in content
    practice.refresh_from_db()
    assert practice.history.count() == 1


@pytest.mark.parametrize("who", ["this_pcn_manager", "finance_user", "outsider"])
def test_edit_is_404_without_edit_permission(client, request, area, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(area["practices"][0])).status_code == 404


def test_organisation_page_offers_edit_only_to_editors(
    client, commissioner_user, this_pcn_manager, area
):
    practice = area["practices"][0]
    client.force_login(commissioner_user)
    assert b"Correct these details" in client.get(f"/org/{practice.code}/").content
    client.force_login(this_pcn_manager)
    assert b"Correct these details" not in client.get(f"/org/{practice.code}/").content
