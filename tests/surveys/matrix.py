"""Permission matrix rows for surveys: screens and API."""

from tests.permission_matrix import Case, api_list, outside_ids
from tests.surveys import builders


def _inside(d):
    return builders.running(d["committee"])


def _outside(d):
    """The commune's campaign (built once per data dict), with a team."""
    if "_survey_outside" not in d:
        from dangbo.surveys import services

        found = builders.running(d["commune"], sample=False, title="Khảo sát ngoài")
        services.add_team(found[0], name="Tổ ngoài", leader_name="Lý Văn Tổ")
        d["_survey_outside"] = found
    return d["_survey_outside"]


def _outside_rows(d) -> dict:
    """Rows of the outside campaign a form of the inside one might be posted with."""
    campaign, _version, group, _ = _outside(d)
    return {
        "organization": d["village"].pk,
        "team": campaign.teams.get().pk,
        "group": group.pk,
        "groups": [group.pk],
        "assignee_org": d["village"].pk,
    }


def _both(d):
    """Kwargs for the list, after making one campaign inside and one outside."""
    _inside(d)
    _outside(d)
    return {}


def campaign_in(d):
    return {"pk": _inside(d)[0].pk}


def campaign_out(d):
    return {"pk": _outside(d)[0].pk}


def version_in(d):
    c = _inside(d)[0]
    from dangbo.surveys import services

    return {"pk": services.new_version(c).pk}


def version_out(d):
    c = _outside(d)[0]
    from dangbo.surveys import services

    return {"pk": services.new_version(c).pk}


def _finding(campaign):
    from dangbo.surveys import services

    return {"pk": services.record_finding(campaign, kind="recommendation", text="Kiến nghị").pk}


def _screen(name, permission, inside=campaign_in, outside=campaign_out, **kw):
    return Case(f"surveys:{name}", permission, inside=inside, outside=outside, **kw)


CASES = [
    Case(
        "surveys:index",
        "surveys.view",
        inside=lambda d: _both(d),
        listed=lambda d: "Khảo sát chất lượng",
        unlisted=lambda d: "Khảo sát ngoài",
    ),
    Case("surveys:create", "surveys.change"),
    Case(
        "surveys:create",
        "surveys.change",
        method="post",
        outside_body=lambda d: {"organization": d["commune"].pk},
    ),
    _screen("detail", "surveys.view"),
    _screen("sample", "surveys.change"),
    _screen("sample_add", "surveys.change"),
    _screen("team_add", "surveys.change"),
    _screen("visit_add", "surveys.change"),
    _screen("group_add", "surveys.change"),
    _screen("version_new", "surveys.change"),
    _screen("version", "surveys.view", inside=version_in, outside=version_out),
    _screen("question_add", "surveys.change", inside=version_in, outside=version_out),
    _screen("publish", "surveys.change", inside=version_in, outside=version_out),
    _screen("codes", "surveys.change"),
    _screen("entry", "surveys.change"),
    _screen("results", "surveys.view"),
    _screen("export_xlsx", "surveys.view"),
    _screen("export_docx", "surveys.view"),
    _screen("finding_add", "surveys.change"),
    _screen(
        "finding_task",
        "surveys.change",
        inside=lambda d: _finding(_inside(d)[0]),
        outside=lambda d: _finding(_outside(d)[0]),
    ),
    _screen(
        "finding_task",
        "surveys.change",
        inside=lambda d: _finding(_inside(d)[0]),
        outside=None,
        method="post",
        outside_body=_outside_rows,
    ),
    _screen("close", "surveys.change"),
    *(
        # a form of the inside campaign posted with the outside campaign's rows or orgs
        _screen(
            name,
            "surveys.change",
            inside=inside,
            outside=None,
            method="post",
            outside_body=_outside_rows,
        )
        for name, inside in (
            ("sample_add", campaign_in),
            ("visit_add", campaign_in),
            ("codes", campaign_in),
            ("publish", version_in),
        )
    ),
    api_list("surveycampaign-list", "surveys.view", query=outside_ids),
    Case("surveycampaign-detail", "surveys.view", inside=campaign_in, outside=campaign_out),
    Case("surveycampaign-results", "surveys.view", inside=campaign_in, outside=campaign_out),
]

EXEMPT = {
    "surveys:answer": "public page for respondents without an account: the one-time code is "
    "the credential (tests/surveys/test_views.py: wrong/used code refused, answers once)",
    "surveys:answer_code": "same public page reached by the link carrying the one-time code",
}

OUTSIDE_BODY_EXEMPT = {
    "surveys:version": "shows the publish form, which posts to surveys:publish (declared there "
    "with the outside campaign's groups)",
}
