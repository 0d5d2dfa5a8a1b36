"""Demo plans, in our own words, from the seeds: the STP's primary care implementation plan
(seed 002: five national and seven local deliverables with key actions, owners and quarter or
half-year milestones, and its outcome measures), the CCG's outline milestone plan for
2019-2023 (seed 000), and one network's development plan for the current year, so that the
dashboards, reminders and "my actions" have something live to show.

Owners are fictional named contacts and the demo people. Everything goes through
delivery.actions; milestones are marked done on plausible dates, a few are left to slip, and
owners report on some, with decisions for the board.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from delivery import actions
from delivery.measures import define_measure, set_trajectory
from delivery.models import Programme
from organisations.models import Organisation
from pcnhub.nhs_calendar import parse, year_of

STP_CONTACTS = (
    "Dr Helen Marsh",  # the SRO
    "Owen Pritchard",  # the workstream lead
    "Priya Natarajan",
    "Dr Rhys Cole",
    "Martin Blake",
    "Sarah Okafor",
    "Dan Whitfield",
    "Ruth Adeyemi",
    "Anna Kowalski",
    "Colin Harper",
    "Jane Elliott",
    "Imran Qureshi",
    "Beth Sutton",
    "Lucy Fernandes",
    "Mark Greaves",
)

# (reference, kind, title, national milestone, [(action, owners, [periods])])
STP_PLAN = [
    (
        "National 1",
        "national",
        "Evening and weekend GP appointments for half the population by March 2018, and for "
        "everyone by March 2019",
        date(2019, 3, 31),
        [
            (
                "Commission one integrated extended access service giving at least 45 minutes "
                "of GP time per 1,000 patients a week in evenings and at weekends",
                ["Priya Natarajan", "Dr Rhys Cole", "Martin Blake"],
                ["Q2 2017/18", "Q4 2017/18", "Q4 2018/19"],
            ),
            (
                "Set up a clinical triage hub working alongside NHS 111",
                ["Priya Natarajan", "Dr Rhys Cole"],
                ["Q4 2018/19"],
            ),
            (
                "Run a home visiting service around the clock for urgent and complex patients",
                ["Priya Natarajan", "Dr Rhys Cole"],
                ["Q1 2017/18"],
            ),
        ],
    ),
    (
        "National 2",
        "national",
        "More clinical pharmacists in general practice: over 900 nationally by March 2018 and "
        "over 1,300 by March 2019",
        date(2019, 3, 31),
        [
            (
                "Bid for the first two waves of the national clinical pharmacists programme",
                ["Sarah Okafor", "Dan Whitfield"],
                ["Q1 2017/18"],
            ),
            (
                "Grow the number of practice pharmacists with national and local money",
                ["Sarah Okafor", "Dan Whitfield"],
                ["Q1 2017/18", "Q4 2017/18"],
            ),
            (
                "Coordinate the partnership's third-wave bids across all three CCGs",
                ["Sarah Okafor", "Dan Whitfield"],
                ["Q2 2017/18"],
            ),
        ],
    ),
    (
        "National 3",
        "national",
        "Mental health therapists in primary care: 800 nationally by March 2018 and over 1,500 "
        "by March 2019",
        date(2019, 3, 31),
        [
            (
                "Increase university placements for trainee psychological therapists",
                ["Ruth Adeyemi"],
                ["Q3 2017/18", "Q1 2018/19", "Q3 2018/19"],
            ),
            ("Draw up other recruitment routes and offers", ["Ruth Adeyemi"], ["Q3 2017/18"]),
            ("Agree a retention plan with the provider", ["Ruth Adeyemi"], ["Q3 2017/18"]),
        ],
    ),
    (
        "National 4",
        "national",
        "Invest in more primary care premises and technology projects (by 2019)",
        date(2019, 3, 31),
        [
            (
                "First cohort: finish the business cases and the due diligence on value for money",
                ["Anna Kowalski"],
                ["Q1 2017/18"],
            ),
            (
                "Second cohort: support ten schemes' business cases, using estate condition "
                "surveys to prioritise",
                ["Anna Kowalski"],
                ["Q3 2017/18"],
            ),
            (
                "Third cohort: review funding and priorities for the schemes identified",
                ["Anna Kowalski"],
                ["Q2 2018/19"],
            ),
        ],
    ),
    (
        "National 5",
        "national",
        "Funding incentives, for staff and premises, for practices working together in hubs "
        "or networks, 2017 to 2019",
        date(2019, 3, 31),
        [
            (
                "North CCG: fund groups of practices coming together in new care models",
                ["Colin Harper"],
                [f"Q{q} {y}" for y in ("2017/18", "2018/19") for q in (1, 2, 3, 4)],
            ),
            (
                "Central CCG: an outcome-based scheme for federations tied to sustainability",
                ["Jane Elliott"],
                [f"Q{q} {y}" for y in ("2017/18", "2018/19") for q in (1, 2, 3, 4)],
            ),
            (
                "South CCG: neighbourhood groupings of practices freeing capacity for the "
                "areas of greatest need",
                ["Imran Qureshi"],
                [f"Q{q} {y}" for y in ("2017/18", "2018/19") for q in (1, 2, 3, 4)],
            ),
        ],
    ),
    (
        "Local 1",
        "local",
        "Workforce: international recruitment, workforce mapping and care navigators",
        None,
        [
            (
                "Plan a coordinated international recruitment drive with the national scheme",
                ["Beth Sutton"],
                ["Q3 2017/18"],
            ),
            (
                "Map the workforce the new models of care will need",
                ["Owen Pritchard"],
                ["Q3 2017/18"],
            ),
            (
                "Train reception staff in active signposting and correspondence management",
                ["Colin Harper"],
                ["Q1 2017/18", "Q3 2017/18", "Q4 2017/18"],
            ),
            (
                "Build a baseline of today's workforce, its gaps and the trainees coming through",
                ["Owen Pritchard"],
                ["Q3 2017/18"],
            ),
        ],
    ),
    (
        "Local 2",
        "local",
        "Workload: transferring care safely between hospital and general practice",
        None,
        [
            ("Form a clinical integration group", ["Dr Rhys Cole"], ["Q1 2017/18"]),
            (
                "Agree common ways to report operational and quality concerns",
                ["Dr Rhys Cole"],
                ["Q2 2017/18"],
            ),
        ],
    ),
    (
        "Local 3",
        "local",
        "Workload: the ten high impact actions",
        None,
        [
            (
                "Launch the high impact actions and roll out supported cohorts of practices",
                ["Colin Harper"],
                ["Q2 2017/18"],
            )
        ],
    ),
    (
        "Local 4",
        "local",
        "Models and contracts: sustainable models for complex, non-complex and planned care",
        None,
        [
            (
                "Model how complex and non-complex pathways would be delivered",
                ["Martin Blake"],
                ["Q3 2017/18"],
            ),
            (
                "Work out new ways of working and contracting together",
                ["Martin Blake"],
                ["Q2 2017/18"],
            ),
            ("Produce a toolkit for practices", ["Martin Blake"], ["Q2 2017/18"]),
        ],
    ),
    (
        "Local 5",
        "local",
        "Communications and engagement: one vision and a communications plan",
        None,
        [
            (
                "Agree one vision with every partner, stakeholder and the public",
                ["Dr Helen Marsh"],
                ["Q1 2017/18"],
            ),
            ("Complete the communications plan", ["Mark Greaves"], ["Q3 2017/18"]),
        ],
    ),
    (
        "Local 6",
        "local",
        "IM&T: online consultations and one interoperable clinical system",
        None,
        [
            (
                "Pilot online consultation systems to improve access and use clinical time well",
                ["Lucy Fernandes"],
                ["Q3 2017/18", "H2 2019/20"],
            ),
            (
                "Move practices onto one interoperable clinical system across the partnership",
                ["Lucy Fernandes"],
                ["Q4 2017/18", "H1 2020/21"],
            ),
        ],
    ),
    (
        "Local 7",
        "local",
        "Finance: transformation and models of funding",
        None,
        [
            (
                "Agree a five-year financial plan for core general practice",
                ["Dr Helen Marsh"],
                ["Q2 2017/18"],
            ),
            ("Agree and align discretionary funding", ["Dr Helen Marsh"], ["Q1 2017/18"]),
            (
                "Align incentive and transformation funds",
                ["Dr Helen Marsh"],
                ["Q1 2017/18"],
            ),
        ],
    ),
]
# Key actions left undone, so they show off track, with what their owners reported.
STP_SLIPPED = {
    "Increase university placements for trainee psychological therapists": (
        "off_track",
        "Placements filled for two intakes; the third was cancelled by the university.",
        "Agree funding for a second provider of placements",
    ),
    "Move practices onto one interoperable clinical system across the partnership": (
        "at_risk",
        "Twelve practices have moved; the rest wait on the national GP IT framework.",
        "",
    ),
}

# The CCG's outline milestone plan, 2019-2023 (seed 000).
CCG_PLAN = [
    (
        "National 1",
        "national",
        "The Network Contract DES: every practice in a network, networks registered and live",
        date(2019, 7, 1),
        [
            (
                "Practices send their network's registration form with its Clinical Director",
                ["commissioner"],
                ["May 2019"],
            ),
            (
                "CCG panels decide the network applications (15 and 16 May)",
                ["commissioner"],
                ["May 2019"],
            ),
            (
                "Send the panels' decisions to the STP, and the STP to NHS England",
                ["commissioner", "stp"],
                ["Jun 2019"],
            ),
            (
                "Networks go live with their funding and social prescribing link workers",
                ["commissioner"],
                ["Jul 2019"],
            ),
            (
                "Networks confirm how they will support the care homes in their area",
                ["commissioner"],
                ["Q4 2019/20"],
            ),
            (
                "Take on the DES additions each year",
                ["commissioner"],
                ["2020/21", "2021/22", "2022/23"],
            ),
        ],
    ),
    (
        "National 2",
        "national",
        "Extended hours: 30 minutes per 1,000 patients a week, then the extended access DES "
        "moving to networks",
        date(2019, 7, 1),
        [
            (
                "Practices offer extended hours through their networks",
                ["commissioner"],
                ["Jul 2019"],
            ),
            (
                "Move extended access from the CCG's contracts into the network DES",
                ["commissioner"],
                ["2021/22"],
            ),
        ],
    ),
    (
        "National 3",
        "national",
        "The 2019/20 GP contract: the uplift, indemnity, QOF changes and digital requirements",
        date(2019, 4, 1),
        [
            (
                "Apply the contract uplift (pay, network development, population growth, "
                "indemnity adjustment)",
                ["commissioner"],
                ["Apr 2019"],
            ),
            (
                "Move practices onto the state-backed indemnity scheme",
                ["commissioner"],
                ["Apr 2019"],
            ),
            (
                "Retire 175 QOF points from 28 indicators and recycle them into new indicators "
                "and a quality improvement domain",
                ["commissioner"],
                ["Apr 2019", "2020/21"],
            ),
            (
                "Improve diabetes care, blood pressure control and cervical screening",
                ["commissioner"],
                ["2019/20"],
            ),
            (
                "Let NHS 111 book directly into practices (one appointment per 3,000 patients "
                "a day)",
                ["commissioner"],
                ["2019/20"],
            ),
            ("Electronic repeat prescribing in every practice", ["commissioner"], ["2019/20"]),
            (
                "Give every patient the right to online and video consultation",
                ["commissioner"],
                ["2020/21"],
            ),
        ],
    ),
    (
        "Local 1",
        "local",
        "The STP primary care strategy: approved through CCG governance and put into practice",
        None,
        [
            (
                "Approve the strategy through each CCG and take NHS England's comments (by 23 "
                "June)",
                ["stp"],
                ["Jun 2019"],
            ),
            ("Put the strategy into practice and bid for funds", ["stp"], ["2020/21"]),
        ],
    ),
    (
        "Local 2",
        "local",
        "The GP Forward View transformation programme 2016-21: development, resilience and new "
        "roles",
        None,
        [
            (
                "Finish the GP Forward View programme and the digital investments",
                ["commissioner"],
                ["Q4 2020/21"],
            ),
            (
                "Prepare networks for the Investment and Impact Fund (cancer, inequalities, "
                "cardiovascular disease)",
                ["commissioner"],
                ["2020/21"],
            ),
        ],
    ),
]

CCG_SLIPPED = {
    "Electronic repeat prescribing in every practice": (
        "off_track",
        "Four practices are still on paper repeats; their system migration slipped.",
        "Fund locum time so the four practices can switch",
    ),
}

# One network's development plan for the current year: live, so things are due and late.
PCN_ACTIONS = [
    ("Recruit a first-contact physiotherapist", [-60, 20]),
    ("Start the enhanced access rota across all member practices", [-5, 45]),
    ("Agree the care home visiting rota with the community team", [75]),
    ("Publish the network's patient engagement plan", [-100]),
]
PCN_REPORTED = (
    "Recruit a first-contact physiotherapist",
    "Interviews held; the preferred candidate cannot start until the spring.",
    "Agree a locum physiotherapist until the spring, within the ARRS budget",
)


def _done_on(period_end: date, today: date) -> date:
    return min(period_end - timedelta(days=5), today)


def _load(programme, plan, slipped, by, today) -> None:
    for reference, kind, title, national, items in plan:
        deliverable = actions.add_deliverable(
            programme=programme,
            kind=kind,
            reference=reference,
            title=title,
            national_milestone=national,
            by=by,
        )
        for text, owners, periods in items:
            action = actions.add_action(deliverable=deliverable, title=text, owners=owners, by=by)
            milestones = [actions.add_milestone(action=action, period=p, by=by) for p in periods]
            report = slipped.get(text)
            for milestone in milestones if report is None else milestones[:-1]:
                if milestone.end < today:
                    actions.complete_milestone(
                        milestone=milestone, done_on=_done_on(milestone.end, today), by=by
                    )
            if report:
                status, commentary, decision = report
                actions.set_status(
                    action=action,
                    status=status,
                    commentary=commentary,
                    decision_needed=decision,
                    by=by,
                )


# (programme, deliverable reference, descriptor, computed key, area code, baseline date,
#  target, target date, tolerance, {period: planned value}); unit and direction as computed.
MEASURES = [
    (
        "outline",
        "National 1",
        "Practices in an approved PCN",
        "pcn_practices_pct",
        "99X",
        date(2019, 4, 1),
        100,
        date(2019, 6, 30),
        2,
        {"Q1 2019/20": 100, "Q2 2019/20": 100, "Q4 2019/20": 100},
    ),
    (
        "outline",
        "National 1",
        "Patients in an approved PCN",
        "pcn_patients_pct",
        "99X",
        date(2019, 4, 1),
        100,
        date(2019, 6, 30),
        2,
        {"Q1 2019/20": 100, "Q2 2019/20": 100, "Q4 2019/20": 100},
    ),
    (
        "outline",
        "National 2",
        "Extended hours: minutes per 1,000 patients a week",
        "extended_access_minutes",
        "99X",
        date(2019, 4, 1),
        30,
        date(2019, 7, 1),
        2,
        {"Q2 2019/20": 30, "Q4 2019/20": 30, "Q4 2020/21": 30},
    ),
    (
        "outline",
        "Local 2",
        "Resilience funding spent against the allocation",
        "funds_spent_pct",
        "99X",
        date(2019, 4, 1),
        100,
        date(2020, 3, 31),
        5,
        {"Q2 2019/20": 25, "Q3 2019/20": 75, "Q4 2019/20": 100},
    ),
    (
        "implementation",
        "National 1",
        "Population with evening and weekend GP appointments",
        "extended_access_pct",
        "QZ9",
        date(2017, 4, 1),
        100,
        date(2019, 3, 31),
        2,
        {"Q4 2017/18": 50, "Q4 2018/19": 100, "H1 2019/20": 100, "H2 2020/21": 100},
    ),
    (
        "implementation",
        "Local 6",
        "Practices offering online consultation",
        "service_pct:online_consultation",
        "QZ9",
        date(2019, 4, 1),
        90,
        date(2021, 3, 31),
        5,
        {"H2 2019/20": 50, "H1 2020/21": 75, "H2 2020/21": 90},
    ),
]


def _measures(programmes: dict, people: dict) -> None:
    for name, reference, descriptor, key, area, since, target, by_day, tolerance, plan in MEASURES:
        programme = programmes[name]
        by = people[name]
        measure = define_measure(
            programme=programme,
            deliverable=programme.deliverables.get(reference=reference),
            descriptor=descriptor,
            unit="",
            direction="up",
            baseline_value=Decimal("0"),
            baseline_date=since,
            target_value=Decimal(target),
            target_date=by_day,
            tolerance=Decimal(tolerance),
            computed=key,
            area=Organisation.objects.get(code=area),
            by=by,
        )
        set_trajectory(measure=measure, values={p: Decimal(v) for p, v in plan.items()}, by=by)


def seed(*, stp_user, commissioner_user, pcn_user, today: date | None = None) -> int:
    """The three plans (once: a second load leaves them as they are); returns how many key
    actions the plans hold."""
    today = today or timezone.localdate()
    if Programme.objects.filter(name__startswith="Primary care implementation plan").exists():
        return _actions_held()
    stp = Organisation.objects.get(code="QZ9")
    ccg = Organisation.objects.get(code="99X")
    for name in STP_CONTACTS:
        email = f"{name.split()[-1].lower()}@example.nhs.uk"
        actions.add_contact(name=name, by=stp_user, email=email)
    implementation = actions.create_programme(
        name="Primary care implementation plan 2017-2021",
        description="The partnership's primary care workstream: the GP Forward View's national "
        "deliverables and seven local ones, with an outcome for each work area.",
        start=date(2017, 4, 1),
        end=date(2021, 3, 31),
        organisations=[stp],
        sro="Dr Helen Marsh",
        leads=["Owen Pritchard"],
        by=stp_user,
    )
    _load(implementation, STP_PLAN, STP_SLIPPED, stp_user, today)
    outline = actions.create_programme(
        name="Primary care outline milestone plan 2019-2023",
        description="The CCG's milestones for the new GP contract and networks, month by month "
        "in 2019/20 and year by year to 2022/23.",
        start=date(2019, 2, 1),
        end=date(2023, 3, 31),
        organisations=[ccg],
        sro="Colin Harper",
        by=commissioner_user,
    )
    _load(outline, CCG_PLAN, CCG_SLIPPED, commissioner_user, today)
    _measures(
        {"outline": outline, "implementation": implementation},
        {"outline": commissioner_user, "implementation": stp_user},
    )
    actions.take_baseline(
        programme=outline, name="Approved by the PCCC, May 2019", by=commissioner_user
    )
    slipped = outline.deliverables.get(reference="National 3").actions.get(
        title__startswith="Electronic repeat prescribing"
    )
    actions.move_milestone(
        milestone=slipped.milestones.get(),
        period="Q2 2020/21",
        reason="Four practices' clinical system migration slipped into 2020",
        by=commissioner_user,
    )
    _current(pcn_user, commissioner_user, today)
    return _actions_held()


def _actions_held() -> int:
    from delivery.models import Action

    return Action.objects.count()


def _current(pcn_user, commissioner_user, today) -> None:
    pcn = pcn_user.role_assignments.get().organisation
    year = year_of(today)
    start, end = parse(year).start, parse(year).end
    programme = actions.create_programme(
        name=f"{pcn.name} development plan {year}",
        start=start,
        end=end,
        organisations=[pcn],
        by=commissioner_user,
    )
    deliverable = actions.add_deliverable(
        programme=programme,
        kind="local",
        reference="Network 1",
        title="The network's services for its patients this year",
        by=commissioner_user,
    )
    for title, offsets in PCN_ACTIONS:
        action = actions.add_action(
            deliverable=deliverable, title=title, owners=[pcn_user.username], by=commissioner_user
        )
        for offset in offsets:
            day = min(max(today + timedelta(days=offset), start), end)
            actions.add_milestone(action=action, period=day.isoformat(), by=commissioner_user)
        if title == PCN_REPORTED[0]:
            actions.set_status(
                action=action,
                status="at_risk",
                commentary=PCN_REPORTED[1],
                decision_needed=PCN_REPORTED[2],
                by=pcn_user,
            )
