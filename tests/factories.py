"""factory_boy factories for the registry and people."""

from datetime import date

import factory
from django.contrib.auth import get_user_model

from accounts.models import RoleAssignment
from organisations.models import ListSize, Organisation, OrgKind, Relationship, RelType


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrgKind.PRACTICE
    code = factory.Sequence(lambda n: f"Z{n:05d}")
    name = factory.Sequence(lambda n: f"Practice {n}")
    open_date = date(2000, 4, 1)
    status = "active"


class RegionFactory(OrganisationFactory):
    kind = OrgKind.REGION
    code = factory.Sequence(lambda n: f"Y{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Region {n}")


class IcsFactory(OrganisationFactory):
    kind = OrgKind.ICS
    code = factory.Sequence(lambda n: f"Q{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"ICS {n}")


class CommissionerFactory(OrganisationFactory):
    kind = OrgKind.COMMISSIONER
    code = factory.Sequence(lambda n: f"{n % 100:02d}X")
    name = factory.Sequence(lambda n: f"NHS Commissioner {n} CCG")


class PcnFactory(OrganisationFactory):
    kind = OrgKind.PCN
    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"PCN {n}")


class PracticeFactory(OrganisationFactory):
    kind = OrgKind.PRACTICE
    contract_type = "GMS"


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    child = factory.SubFactory(PracticeFactory)
    parent = factory.SubFactory(PcnFactory)
    rel_type = RelType.PRACTICE_PCN
    valid_from = date(2019, 7, 1)
    valid_to = None


class ListSizeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListSize

    organisation = factory.SubFactory(PracticeFactory)
    extract_date = date(2019, 1, 1)
    patients = 8000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "read_only"
    organisation = None


def more_networks(commissioner, count: int) -> None:
    """`count` more networks under the commissioner from July 2019, one 8,000-patient practice
    each: for showing a page's queries do not grow with the networks."""
    for i in range(count):
        pcn = PcnFactory(code=f"U1{i:04d}", name=f"Extra PCN {i}")
        RelationshipFactory(
            child=pcn,
            parent=commissioner,
            rel_type=RelType.PCN_COMMISSIONER,
            valid_from=date(2019, 7, 1),
        )
        practice = PracticeFactory(code=f"B1{i:04d}", name=f"Extra surgery {i}")
        RelationshipFactory(child=practice, parent=pcn, valid_from=date(2019, 7, 1))
        ListSizeFactory(organisation=practice, extract_date=date(2019, 1, 1), patients=8_000)
