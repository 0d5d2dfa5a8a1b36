"""Plans for tests: the owners the sample STP implementation plan names, and reading a plan
back as plain tuples to compare."""

from datetime import date

from delivery.models import Contact
from delivery.plan import load

# tests/data/plans/stp-implementation-plan.{xlsx,csv} name these owners; Rachel Vyas is a
# person who signs in (the cast's this_pcn_manager), the rest are contacts.
STP_CONTACTS = (
    "Priya Shah",
    "David Moore",
    "Lesley Grant",
    "Gill Stead",
    "John Nicholls",
    "Amanda Anderson",
    "Clare Sherman",
    "Ian Porter",
    "Tim Sacks",
)


def add_stp_owners(person, contacts=STP_CONTACTS) -> None:
    person.first_name, person.last_name = "Rachel", "Vyas"
    person.save()
    Contact.objects.bulk_create(Contact(name=name) for name in contacts)


def summary(programme) -> list[tuple]:
    """Each deliverable with its actions, their owners and milestone periods, local ones
    first (the plan itself keeps the order it was written in)."""
    plan = load(programme, date(2019, 1, 1), measures=False)
    return sorted(
        (
            d.kind,
            d.reference,
            d.title,
            d.national_milestone,
            [(a.title, sorted(a.owners), [m.period for m in a.milestones]) for a in d.actions],
        )
        for d in plan.deliverables
    )
