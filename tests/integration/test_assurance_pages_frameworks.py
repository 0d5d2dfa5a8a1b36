"""The assurance home and a framework's page: requirements with guidance, deadlines, sources
and the measure each is linked to."""

from django.urls import reverse


def test_framework_page_shows_requirements_with_sources(client, commissioner_user, statement):
    client.force_login(commissioner_user)
    shown = client.get(reverse("assurance_framework", args=[statement.key]))
    assert shown.text.count('<h2 class="nhsuk-heading-m" id="requirement-') == 12
    assert "% of practices in an approved PCN: at least 100 by 30 June 2019" in shown.text
    assert "31 December 2019: 75% of the allocation spent" in shown.text
    assert "Seed 000" in shown.text
    assert client.get(reverse("assurance_framework", args=["no-such"])).status_code == 404


def test_assurance_home_lists_frameworks_rounds_and_the_users_area(
    client, opened, commissioner_user, outsider
):
    client.force_login(commissioner_user)
    shown = client.get(reverse("assurance"))
    assert 'aria-current="page">Assurance</a>' in shown.text
    assert "GP Forward View plan assurance" in shown.text and "Q1 2019/20 return" in shown.text
    assert reverse("assurance_commissioner", args=["01X"]) in shown.text
    client.force_login(outsider)
    assert "No rounds you can see yet" in client.get(reverse("assurance")).text
