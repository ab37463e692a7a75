"""Permission-matrix declarations for the member portal (see docs/DEVELOPING.md).

The member pages belong to member accounts only: every officer role gets 404 there (they hold
no member account), whatever they may do elsewhere. A member's own isolation (another
member's ids in every URL) is tested in tests/portal/test_views.py.
"""

from datetime import date

from dangbo.meetings import services as meeting_services
from dangbo.portal import services
from dangbo.portal.models import MemberAccount, Notification
from tests.permission_matrix import Case


def _member_only(role) -> bool:
    return False


def _meeting(org):
    return meeting_services.plan_meeting(
        organization=org, kind="regular", planned_on=date(2030, 1, 8)
    )


def _document(org):
    return meeting_services.add_document(
        _meeting(org), title="Tài liệu", url="https://tailieu.example.vn/a.pdf"
    )


def _task(d, side):
    from tests.meetings.conftest import held_meeting

    org, members = (
        (d["cell_a"], d["members_a"]) if side == "inside" else (d["village"], d["village_members"])
    )
    meeting = held_meeting(org, members, on=date(2026, 1, 12))
    resolution = meeting_services.adopt_resolution(
        meeting,
        content="Nghị quyết",
        tasks=[meeting_services.TaskInput("Việc", members[0].pk, date(2026, 2, 1))],
    )
    return resolution.tasks.get()


def _account(d, side):
    member = d[f"{side}_member"]
    account = MemberAccount.objects.filter(member=member).first()
    return account or services.create_account(member)[0]


def _notification(d, side):
    member = d[f"{side}_member"]
    _account(d, side)
    return Notification.objects.create(member=member, kind="meeting", key=f"x:{side}", title="T")


def _correction(d, side):
    return services.request_correction(
        d[f"{side}_member"], changes={"workplace": f"Nơi mới {side}"}, explanation="Căn cứ"
    )


def _accounts_listed(d):
    _account(d, "inside")
    _account(d, "outside")
    return {}


def member_page(name, inside=None, outside=None, method="get"):
    return Case(
        name,
        None,
        inside=inside,
        outside=outside,
        method=method,
        allowed=_member_only,
    )


CASES = [
    member_page("portal:index"),
    member_page("portal:password"),
    member_page("portal:record"),
    member_page("portal:correct"),
    member_page("portal:meetings"),
    member_page(
        "portal:meeting",
        inside=lambda d: {"pk": _meeting(d["cell_a"]).pk},
        outside=lambda d: {"pk": _meeting(d["village"]).pk},
    ),
    member_page(
        "portal:document",
        inside=lambda d: {"pk": _document(d["cell_a"]).pk},
        outside=lambda d: {"pk": _document(d["village"]).pk},
    ),
    member_page("portal:tasks"),
    member_page(
        "portal:task_done",
        inside=lambda d: {"pk": _task(d, "inside").pk},
        outside=lambda d: {"pk": _task(d, "outside").pk},
        method="post",
    ),
    member_page("portal:dues"),
    member_page("portal:review"),
    member_page("portal:notifications"),
    member_page(
        "portal:notification",
        inside=lambda d: {"pk": _notification(d, "inside").pk},
        outside=lambda d: {"pk": _notification(d, "outside").pk},
    ),
    member_page("portal:notifications_read", method="post"),
    Case(
        "portal:accounts",
        "members.view",
        inside=_accounts_listed,
        listed=lambda d: "Nguyễn Văn Bình",
        unlisted=lambda d: "Đặng Thị Thủy",
        query=lambda d: {"org": d["village"].pk},  # no outside member without an account
    ),
    Case(
        "portal:account_create",
        "members.change",
        inside=lambda d: {"member_pk": d["inside_member"].pk},
        outside=lambda d: {"member_pk": d["outside_member"].pk},
        method="post",
    ),
    Case(
        "portal:accounts_bulk",
        "members.change",
        inside=lambda d: {},
        method="post",
        payload=lambda d: {"organization": d["committee"].pk},
        outside_body=lambda d: {"organization": d["commune"].pk},
    ),
    Case(
        "portal:account_reset",
        "members.change",
        inside=lambda d: {"pk": _account(d, "inside").pk},
        outside=lambda d: {"pk": _account(d, "outside").pk},
        method="post",
    ),
    Case(
        "portal:corrections",
        "members.view",
        inside=lambda d: _correction(d, "inside") and _correction(d, "outside") and {},
        listed=lambda d: "Nguyễn Văn Bình",
        unlisted=lambda d: "Đặng Thị Thủy",
    ),
    Case(
        "portal:correction",
        "members.view",
        inside=lambda d: {"pk": _correction(d, "inside").pk},
        outside=lambda d: {"pk": _correction(d, "outside").pk},
    ),
    Case(
        "portal:correction_decide",
        "members.change",
        inside=lambda d: {"pk": _correction(d, "inside").pk},
        outside=lambda d: {"pk": _correction(d, "outside").pk},
        method="post",
        payload=lambda d: {"decision": "approve"},  # no reason: the form answers 200
    ),
]


def _ledger(d, side):
    from dangbo.dues.models import LedgerEntry

    member = d[f"{side}_member"]
    return LedgerEntry.objects.create(
        member=member, organization=member.organization, month=date(2026, 1, 1), due=1000
    )


def _review(d, side):
    from dangbo.reviews import services as review_services

    org = d["committee"] if side == "inside" else d["commune"]
    review_services.open_year(organization=org, year=2026)
    return d[f"{side}_member"].reviews.get()


def _own_rows(basename, factory):
    """An API list answers 200 to everyone signed in, with only the caller's own rows (none
    for officers, who hold no member account); a detail answers 404 to them."""

    def make(d, side):  # once per test: listing checks call it for every role
        key = f"_{basename}_{side}"
        if key not in d:
            d[key] = factory(d, side)
        return d[key]

    return [
        Case(
            f"{basename}-list",
            None,
            inside=lambda d: {},
            allowed=_member_only,
            denied=200,
            unlisted=lambda d: make(d, "outside").pk,
        ),
        Case(
            f"{basename}-detail",
            None,
            inside=lambda d: {"pk": make(d, "inside").pk},
            outside=lambda d: {"pk": make(d, "outside").pk},
            allowed=_member_only,
        ),
    ]


CASES += [
    *_own_rows("portal-me-profile", lambda d, side: d[f"{side}_member"]),
    *_own_rows(
        "portal-me-meeting",
        lambda d, side: _meeting(d["cell_a"] if side == "inside" else d["village"]),
    ),
    *_own_rows("portal-me-dues", _ledger),
    *_own_rows("portal-me-task", _task),
    *_own_rows("portal-me-review", _review),
    *_own_rows("portal-me-notification", _notification),
]

OUTSIDE_BODY_EXEMPT = {
    "portal:accounts": "shows the bulk-accounts form, which posts to portal:accounts_bulk "
    "(declared there with an outside org)",
}
