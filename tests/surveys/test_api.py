from rest_framework.test import APIClient

from tests import factories
from tests.surveys import builders


def test_results_api(running, tree):
    from dangbo.surveys import services

    c, version, *_ = running
    services.enter_paper(c, version, [services.PaperRow("CU", None, ["1", "1", "5", "x"])] * 5)
    user = factories.user("api_ks", role_code="office_staff", on=tree["committee"])
    client = APIClient()
    client.force_authenticate(user)
    data = client.get(f"/api/v1/survey-campaigns/{c.pk}/results/").json()
    assert data["responses"] == 5 and data["columns"][0] == "Chung"
    scale = data["questions"][2]
    assert scale["averages"][0] == 5.0 and scale["verdict"] == "worked"
    listing = client.get("/api/v1/survey-campaigns/").json()
    assert [row["id"] for row in listing["results"]] == [c.pk]
    outside = builders.running(tree["commune"], sample=False)[0]
    assert client.get(f"/api/v1/survey-campaigns/{outside.pk}/results/").status_code == 404
