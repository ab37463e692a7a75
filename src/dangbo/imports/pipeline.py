"""Reading a sheet and planning what each row would do (create / update / unchanged / error).

The plan is the dry run: commit applies exactly the plan computed the same way, inside one
transaction. Database look-ups are batched (a few queries per 5,000 rows), parsing is pure
(rules.py), so a 100,000-row file plans in seconds.
"""

from dangbo.imports.orgindex import (  # noqa: F401
    OrgIndex,
    OrgRef,
)
from dangbo.imports.plan_admissions import (  # noqa: F401
    CANDIDATE_FIELDS,
    CANDIDATE_TRACKED,
    _match_candidate,
    _new_candidate,
    plan_admissions,
)
from dangbo.imports.plan_history import plan_history
from dangbo.imports.plan_meetings import (  # noqa: F401
    MEETING_FIELDS,
    MEETING_TRACKED,
    _decide_meeting,
    plan_meetings,
)
from dangbo.imports.plan_members import (  # noqa: F401
    MIN_OFFICIAL_KEY,
    _decide_member,
    _existing_member,
    _match_member,
    member_warnings,
    plan_members,
)
from dangbo.imports.plan_orgs import (  # noqa: F401
    _check_org_parent,
    _is_parent,
    _matches_existing_org,
    _names_the_root,
    parents_first,
    plan_orgs,
)
from dangbo.imports.plan_reviews import (  # noqa: F401
    REVIEW_FIELD_COLUMNS,
    REVIEW_LABELS,
    REVIEW_MEMBER_FIELDS,
    _decide_review,
    _find_member,
    plan_org_reviews,
    plan_reviews,
)
from dangbo.imports.plan_users import plan_users
from dangbo.imports.planning import (  # noqa: F401
    CONFLICT_LABELS,
    DATE_FIELDS,
    KEEP_WHEN_BLANK,
    MEMBER_DEFAULTS,
    TRACKED_FIELDS,
    Plan,
    ProgressFn,
    RowPlan,
    _chunks,
    _in_scope,
    _parse_rows,
    labels_for,
    member_rows,
)
from dangbo.imports.sheets import (  # noqa: F401
    CHUNK,
    EXAMPLE_MARK,
    SKIP_SHEETS,
    Sheet,
    _open_csv,
    column_label,
    open_sheet,
)

PLANNERS = {
    "members": plan_members,
    "organizations": plan_orgs,
    "meetings": plan_meetings,
    "admissions": plan_admissions,
    "reviews": plan_reviews,
    "org_reviews": plan_org_reviews,
    "users": plan_users,
    "history": plan_history,
}
