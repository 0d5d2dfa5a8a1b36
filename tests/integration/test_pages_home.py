"""Home page: search, counts within the user's scope, the areas they can open, latest runs."""

import pytest
from django.urls import reverse

from imports.models import ImportRun, RunStatus

pytestmark = pytest.mark.django_db


def test_home_commissioner_counts_own_scope(client, commissioner_user):
    client.force_login(commissioner_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    counts = {row.kind: row.total for row in response.context["counts"]}
    assert counts == {"commissioner": 1, "pcn": 2, "practice": 3}
    assert b'name="q"' in response.content


def test_home_pcn_manager_counts_only_own_pcn(client, this_pcn_manager):
    client.force_login(this_pcn_manager)
    response = client.get(reverse("home"))
    counts = {row.kind: row.total for row in response.context["counts"]}
    assert counts == {"pcn": 1, "practice": 2}
    assert b"This PCN" in response.content
    assert b"Other PCN" not in response.content


def test_home_national_user_lists_regions_and_icss(client, registry_admin):
    client.force_login(registry_admin)
    response = client.get(reverse("home"))
    assert [org.code for org in response.context["regions"]] == ["Y01"]
    assert [org.code for org in response.context["icss"]] == ["Q01"]
    assert reverse("organisation", args=["Q01"]).encode() in response.content
    assert reverse("import_upload").encode() in response.content


def test_home_shows_latest_import_runs(client, commissioner_user):
    ImportRun.objects.create(file_name="epraccur.csv", checksum="x", status=RunStatus.SUCCEEDED)
    client.force_login(commissioner_user)
    response = client.get(reverse("home"))
    assert b"epraccur.csv" in response.content
    assert reverse("import_upload").encode() not in response.content


def test_home_outsider_is_told_they_have_no_access(client, outsider):
    ImportRun.objects.create(file_name="epraccur.csv", checksum="x")
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"You do not have access" in response.content
    assert b"epraccur.csv" not in response.content
