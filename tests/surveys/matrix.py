"""Permission matrix rows for surveys: screens and API."""

from tests.permission_matrix import Case, api_list
from tests.surveys import builders


def _inside(d):
    return builders.running(d["committee"])


def _outside(d):
    return builders.running(d["commune"], sample=False, title="Khảo sát ngoài")


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
    _screen("close", "surveys.change"),
    api_list("surveycampaign-list", "surveys.view"),
    Case("surveycampaign-detail", "surveys.view", inside=campaign_in, outside=campaign_out),
    Case("surveycampaign-results", "surveys.view", inside=campaign_in, outside=campaign_out),
]

EXEMPT = {
    "surveys:answer": "public page for respondents without an account: the one-time code is "
    "the credential (tests/surveys/test_views.py: wrong/used code refused, answers once)",
    "surveys:answer_code": "same public page reached by the link carrying the one-time code",
}
