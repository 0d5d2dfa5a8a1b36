"""Demo assurance for the demo area, entered through the real actions by the demo staff: NHS
England's assurance team for the region rates; each CCG's primary care team responds.

- NHS Demo Valley North CCG (99X), GP Forward View plan: the 24 November and 23 December
  submissions, both closed and signed, so the two snapshots compare; ratings move as the
  second submission answers the first's questions.
- 99X, the 2019/20 assurance statement: a Q1 return with planned actions month by month
  (April to December 2019, as a CCG's milestone plan set them out), closed; and a Q2 return
  carried forward from it, partly rated, still open. PCN coverage is linked to the measure
  PCN Hub computes, so the page shows the demo area's own figure beside the rating.
- 99Y and 99Z, the 2019/20 statement: a Q1 return each, rated, open; with 99X they make the
  STP's and the region's roll-ups.

All wording is PCN Hub's own paraphrase of the kind of return seeds 000 and 004 show.
"""

from datetime import date

from django.db import transaction

from accounts.models import Role, RoleAssignment
from assurance import actions
from assurance.models import Framework, Round
from organisations.models import Organisation

M = {month: date(2019, month, 1) for month in range(4, 13)}

# The days NHS England's assessments were made, so each signed round freezes the demo area's
# figures as they stood then (close_round's assessed_on), not on the day the demo is loaded.
# PCN Hub's own dates: the November feedback in time for the 23 December submission, the
# December assessment the month after, the Q1 return's within the month.
ASSESSED = {
    "november": date(2016, 12, 9),
    "december": date(2017, 1, 31),
    "q1": date(2019, 7, 31),
}

# Seed 000's grid of planned actions, in our words: requirement -> {month: what}.
PLANNED_2019 = {
    "pcn-coverage": {
        M[4]: "Members' meeting; national guidance shared with every practice",
        M[5]: "Reports to the primary care commissioning committee and the governing body",
    },
    "pcn-contract-community-services": {
        M[4]: "First talks on the likely network geography",
        M[5]: "Approved network map shared with community providers for comment",
        M[7]: "Social prescribing model agreed; what sub-contracting would mean worked through",
    },
    "pcn-management-funding": {
        M[4]: "£1.50 a head set aside locally",
        M[5]: "DES applications to the CCG panel",
        M[6]: "DES sign-up and contract variations",
        M[7]: "First payment to each network's nominated payee",
    },
    "pcn-development-programme": {
        M[4]: "Waiting for the national programme's detail",
        M[5]: "Still waiting for the detail; networks told what to expect",
    },
    "population-health-data": {
        M[4]: "CCG dashboard of practice and network data; segmentation and risk "
        "stratification to confirm",
        M[5]: "Review with business intelligence leads of what is provided and the gaps",
        M[7]: "Network-level data provided through the STP",
    },
    "place-working-personalised-care": {
        M[4]: "Group leads' meeting to become the clinical directors' meeting from July",
        M[5]: "Draft terms of reference for the clinical directors' meeting",
        M[6]: "Terms of reference final; the new meeting ready to start",
        M[7]: "Clinical directors meet monthly, chaired by the CCG's clinical chair; network "
        "development plans published",
    },
    "practice-development-plan": {
        M[4]: "Every practice engaged in the development plan",
        M[5]: "Evaluation of the high-impact actions drafted",
        M[6]: "Further development offers for networks drawn up",
    },
    "resilience-funding": {
        M[4]: "Resilience allocation confirmed",
        M[5]: "Process agreed; practices invited to express interest",
        M[6]: "Expressions of interest requested",
        M[7]: "Expressions of interest back for the panel",
        M[8]: "STP panel confirms successful bids; agreements issued and signed",
        M[9]: "Funding transferred to practices",
    },
    "care-home-pharmacists": {
        M[4]: "Workforce dashboard confirms which care homes are covered",
        M[5]: "Provision reviewed and gaps confirmed for the network agreements",
        M[6]: "Network managers make sure each agreement says how and when",
    },
    "workforce-training": {
        M[4]: "Review of the training hub begun",
        M[5]: "Terms of reference for the training hub board",
        M[6]: "Training plans under way with Health Education England",
    },
    "extended-access": {
        M[4]: "Access arrangements in place for each group of practices; contracts prepared",
        M[5]: "Effects of the network applications to settle by 1 July found (moves, data sharing)",
        M[6]: "Delivery models amended; patients told and advertising updated",
    },
    "extended-access-integration": {
        M[4]: "Member practices briefed on the changes to funding and delivery",
        M[5]: "Practices weigh the effect on their own delivery plans",
        M[6]: "Networks confirm how their improving access plans take in extended access",
    },
}

# (rating, reasons, response, expected on, expected note) for 99X's Q1 2019/20 return.
Q1_2019 = {
    "pcn-coverage": (
        "partially_assured",
        "Networks cover most practices, but two practices were outside any approved network "
        "on 30 June.",
        "Panels approved the networks in May; two practices are still talking to neighbouring "
        "networks and the LMC is helping.",
        date(2019, 9, 30),
        "",
    ),
    "pcn-contract-community-services": (
        "assured",
        "Community providers have the network map and are aligning their teams to it.",
        "The community trust has agreed to organise its teams on network footprints.",
        None,
        "",
    ),
    "pcn-management-funding": (
        "assured",
        "£1.50 a head is paid to each network's nominated payee from July.",
        "Paid monthly with the core network funding, backdated to April.",
        None,
        "",
    ),
    "pcn-development-programme": (
        "partially_assured",
        "The CCG is ready to help networks but the national programme is not yet published.",
        "We will offer each network support to use the programme once its detail is out.",
        None,
        "when the national programme is published",
    ),
    "population-health-data": (
        "partially_assured",
        "Practice dashboards exist; risk stratification is not yet in networks' hands.",
        "Network-level data is coming through the STP; stratification follows in the autumn.",
        date(2019, 10, 31),
        "",
    ),
    "place-working-personalised-care": (
        "assured",
        "Clinical directors meet monthly with the CCG and place partners.",
        "Meetings started in July; each network's development plan covers personalised care.",
        None,
        "",
    ),
    "practice-development-plan": (
        "assured",
        "The plan was published on time and names two high-impact actions.",
        "Online consultation and reception training chosen after a diagnostic with practices.",
        None,
        "",
    ),
    "resilience-funding": (
        "partially_assured",
        "The process is sound but none of the allocation is spent yet.",
        "Bids go to the STP panel in August; money reaches practices in September.",
        date(2019, 12, 31),
        "75% spent by then, all by 31 March 2020",
    ),
    "care-home-pharmacists": (
        "not_assured",
        "Care homes in the north of the area still have no pharmacist cover.",
        "Network agreements will say how each network covers its care homes.",
        date(2020, 3, 31),
        "",
    ),
    "workforce-training": (
        "partially_assured",
        "The training hub is being reviewed; plans are not yet linked to the workforce plan.",
        "The hub's new board will agree a training plan with Health Education England.",
        date(2019, 12, 31),
        "",
    ),
    "extended-access": (
        "assured",
        "Evening and weekend appointments are open to the whole population, bank holidays "
        "included.",
        "Arrangements continue through the change to network extended hours.",
        None,
        "",
    ),
    "extended-access-integration": (
        "partially_assured",
        "Extended access works beside, not with, the urgent care services.",
        "Networks are revising their improving access plans to join the two up.",
        date(2019, 12, 31),
        "",
    ),
}

# What moved by the Q2 return (submitted in October): responses revised, some re-rated.
# (rating, reasons, response, expected on, expected note)
Q2_2019 = {
    "pcn-coverage": (
        "partially_assured",
        "The two practices named in July have joined networks, but PCN Hub's figure shows "
        "practices still outside an approved network.",
        "The two practices joined neighbouring networks in August; the unaffiliated practices "
        "are next, with the LMC.",
        date(2019, 12, 31),
        "",
    ),
    "resilience-funding": (
        "partially_assured",
        "Agreements are signed but only part of the allocation has reached practices.",
        "Three practices were paid in September; the rest follow by December.",
        date(2019, 12, 31),
        "75% spent by then, all by 31 March 2020",
    ),
    "population-health-data": (
        "assured",
        "Networks now receive stratified data every quarter.",
        "Risk stratification reached every network in September.",
        None,
        "",
    ),
}

# (rating in November, in December, reasons in December, response, expected, note, comments)
GPFV = {
    "extended-access": (
        "red",
        "amber",
        "Full coverage is promised by the last quarter of 2018/19; the trajectory, costs and "
        "timeline behind it still need working up to meet every core requirement.",
        "The Board agreed to commission extended access together with urgent care. A board for "
        "integrated urgent and primary care and working groups for procurement, the service "
        "specification and finance now meet to a timetable: tender in October 2017, provider "
        "chosen in July 2018, coverage over half by January 2019 and complete by March 2019.",
        date(2017, 4, 30),
        "subject to NHS England approval",
        "Show how the service will work with NHS 111, out of hours and hospital urgent care.",
    ),
    "reception-clerical-training": (
        "amber",
        "amber",
        "Committed in the development programme; say when, what and how the money will be "
        "spent, and confirm it sits in a budget the CCG tracks.",
        "The money has its own tracked budget. A task and finish group with every practice set "
        "the training priorities: correspondence training for most practices in 2017/18 and "
        "the rest in 2018/19, signposting training from 2018/19.",
        date(2017, 4, 30),
        "subject to NHS England approval",
        "",
    ),
    "online-consultation": (
        "amber",
        "amber",
        "A commitment is in the plan; full assurance waits on the national guidance.",
        "A task and finish group found practices ready to start early; a quarter of practices "
        "a year will adopt a system. The plan will change once the guidance is out.",
        None,
        "when national guidance is published",
        "Say whether the aim is every practice offering it, or a share of activity online.",
    ),
    "investment-growth": (
        "amber",
        "green",
        "Funding for general practice now rises in line with the core allocation.",
        "Funding is set in line with the core allocation in our final financial plan; we have "
        "asked for the source of the higher growth figure.",
        date(2017, 4, 30),
        "subject to NHS England approval",
        "",
    ),
    "practice-transformation": (
        "amber",
        "amber",
        "The £3 a head is in the plan, but not how it will be used over the two years.",
        "The strategy implementation group oversees the money for the primary care committee: "
        "protected learning time, clinical and business leadership, project management and "
        "expert help with estates, workforce planning and engagement.",
        date(2017, 4, 30),
        "subject to NHS England approval",
        "Confirm where the transformation money comes from.",
    ),
    "workforce-strategy": (
        "amber",
        "amber",
        "The strategy is largely there, but gives no staff numbers or their source.",
        "A county workforce plan sets out the challenge; a primary care workforce centre works "
        "on training, recruitment and retention, and dedicated planning support starts in "
        "2017/18.",
        date(2017, 4, 30),
        "subject to NHS England approval",
        "",
    ),
    "estates-digital": (
        "red",
        "amber",
        "The estates strategy and digital roadmap lay out the infrastructure; the digital "
        "capabilities template is still needed.",
        "The revised estates strategy sets the direction for the primary care estate, with "
        "five bids for integrated hubs; site details follow the clinical services review. The "
        "universal capabilities template is in the digital roadmap's appendix.",
        date(2017, 5, 20),
        "",
        "Show how the community hubs will work with general practice.",
    ),
}
GPFV_NOVEMBER = (
    "The plan threads the GP Forward View's priorities through, with broad timescales for each "
    "of its areas. More detail is needed on how extended access will be rolled out and work "
    "with urgent care, on how the estate will support care at scale, and on the investment "
    "figures, which are missing."
)
GPFV_DECEMBER = (
    "The plan covers every part of the GP Forward View and more, but some sections lack the "
    "how, when and where. The 2017/18 deliverables need firmer delivery plans; the online "
    "consultation trajectory needs a clearer ambition, and the source of the £3 a head "
    "transformation money needs confirming."
)


def _rate(round, by, key, rating, reasons, comments=""):
    actions.rate(
        round=round,
        requirement=key,
        rating=rating,
        reasons=reasons,
        reviewer_comments=comments,
        by=by,
    )


def _gpfv(framework, ccg, team, rater) -> list[Round]:
    november = actions.open_round(
        framework=framework,
        commissioner=ccg,
        label="24 November 2016 submission",
        submitted_on=date(2016, 11, 24),
        by=team,
    )
    for key, (first, _, _, _, _, _, _) in GPFV.items():
        actions.respond(
            round=november,
            requirement=key,
            response="Set out in the operational plan's primary care section; detail follows "
            "in the GP Forward View plan due on 23 December.",
            by=team,
        )
        _rate(november, rater, key, first, "Broad intent only; detail expected in December.")
    actions.review_round(
        round=november, overall_rating="amber", overall_comments=GPFV_NOVEMBER, by=rater
    )
    actions.close_round(
        round=november,
        statement="NHS England's assessment of the 24 November submission",
        by=rater,
        assessed_on=ASSESSED["november"],
    )
    december = actions.open_round(
        framework=framework,
        commissioner=ccg,
        label="23 December 2016 submission",
        submitted_on=date(2016, 12, 23),
        by=team,
    )
    for key, (_, rating, reasons, response, on, note, comments) in GPFV.items():
        actions.respond(
            round=december,
            requirement=key,
            response=response,
            expected_on=on,
            expected_note=note,
            by=team,
        )
        _rate(december, rater, key, rating, reasons, comments)
    actions.review_round(
        round=december, overall_rating="amber", overall_comments=GPFV_DECEMBER, by=rater
    )
    actions.close_round(
        round=december,
        statement="NHS England's assessment of the 23 December submission",
        by=rater,
        assessed_on=ASSESSED["december"],
    )
    return [november, december]


def _statement_q1(framework, ccg, team, rater, planned: bool, shift: int) -> Round:
    """A Q1 return; `shift` moves every rating that many steps down the scale (up when
    negative), since other CCGs stand elsewhere; `planned` adds the month-by-month actions."""
    round = actions.open_round(
        framework=framework,
        commissioner=ccg,
        label="Q1 2019/20 return",
        submitted_on=date(2019, 7, 12),
        by=team,
    )
    scale = [g.value for g in framework.grades]
    for key, (rating, reasons, response, on, note) in Q1_2019.items():
        actions.respond(
            round=round,
            requirement=key,
            response=response,
            expected_on=on,
            expected_note=note,
            by=team,
        )
        if planned:
            actions.plan_actions(round=round, requirement=key, planned=PLANNED_2019[key], by=team)
        moved = scale[max(0, min(scale.index(rating) + shift, len(scale) - 1))]
        _rate(round, rater, key, moved, reasons)
    return round


@transaction.atomic
def seed(*, assurance_user, people) -> int:
    """The demo rounds; returns how many there are. A second run adds nothing."""
    if Round.objects.filter(commissioner__code__in=["99X", "99Y", "99Z"]).exists():
        return Round.objects.count()
    teams = {
        a.organisation.code: a.user
        for a in RoleAssignment.objects.filter(
            role=Role.COMMISSIONER, user__in=people.values()
        ).select_related("organisation", "user")
    }
    ccgs = {o.code: o for o in Organisation.objects.filter(code__in=teams)}
    gpfv = Framework.objects.get(key="gpfv-plan-assurance")
    statement = Framework.objects.get(key="nhse-assurance-2019-20")
    rounds = _gpfv(gpfv, ccgs["99X"], teams["99X"], assurance_user)
    q1 = _statement_q1(statement, ccgs["99X"], teams["99X"], assurance_user, True, 0)
    actions.review_round(
        round=q1,
        overall_rating="partially_assured",
        overall_comments="Good progress on networks; coverage, resilience spend and care home "
        "pharmacists need attention before the next return.",
        by=assurance_user,
    )
    actions.close_round(
        round=q1,
        statement="NHS England's assessment of the Q1 2019/20 return",
        by=assurance_user,
        assessed_on=ASSESSED["q1"],
    )
    q2 = actions.open_round(
        framework=statement,
        commissioner=ccgs["99X"],
        label="Q2 2019/20 return",
        submitted_on=date(2019, 10, 11),
        by=teams["99X"],
    )
    for key, (rating, reasons, response, on, note) in Q2_2019.items():
        actions.respond(
            round=q2,
            requirement=key,
            response=response,
            expected_on=on,
            expected_note=note,
            by=teams["99X"],
        )
        _rate(q2, assurance_user, key, rating, reasons)
    rounds += [q1, q2]
    for code, shift in (("99Y", 1), ("99Z", -1)):
        if code in teams:
            rounds.append(
                _statement_q1(statement, ccgs[code], teams[code], assurance_user, False, shift)
            )
    return len(rounds)
