"""Load mix for `make load` (bench/load.py starts the server and runs this headless).

Each simulated officer has a signed-in session (made by bench/load.py) and browses like a
province officer: the org tree and a branch, member search by name, a member's record, a
cell's meetings and one meeting, the dashboard and a report as of a past date. Ids come from
bench/load.py through LOAD_IDS (a JSON file)."""

import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

IDS = json.loads(Path(os.environ["LOAD_IDS"]).read_text())
THINK = [float(s) for s in os.environ.get("LOAD_THINK", "0.5,2").split(",")]
NAMES = ["nguyen", "tran thi", "le van", "pham", "hoang", "vu", "dang", "bui"]


class Officer(HttpUser):
    wait_time = between(*THINK)

    def on_start(self):
        self.client.cookies.set("sessionid", IDS["sessions"].pop(), domain="127.0.0.1")

    @task(3)
    def tree(self):
        self.client.get("/organizations/", name="tree")
        self.client.get(
            f"/organizations/{random.choice(IDS['orgs'])}/children/", name="tree branch"
        )

    @task(4)
    def member_search(self):
        self.client.get("/members/", params={"q": random.choice(NAMES)}, name="member search")

    @task(4)
    def member_detail(self):
        self.client.get(f"/members/{random.choice(IDS['members'])}/", name="member detail")

    @task(2)
    def meetings(self):
        if IDS["cells"]:
            self.client.get(f"/meetings/cells/{random.choice(IDS['cells'])}/", name="cell meetings")
        if IDS["meetings"]:
            self.client.get(f"/meetings/{random.choice(IDS['meetings'])}/", name="meeting entry")

    @task(1)
    def past_date_report(self):
        """The statistics of the province or one of its districts as of a day of the past
        (any day: a counted month end plus the changes since)."""
        day = f"{random.randint(1, 28):02d}/{random.randint(1, 12):02d}/"
        day += str(random.randint(1990, 2025))
        org = random.choice(IDS["tops"])
        params = {"org": org, "on": day, "breakdown": random.choice(["status", "gender"])}
        self.client.get("/reports/members/", params=params, name="past-date report")

    @task(1)
    def dashboard(self):
        self.client.get("/reports/dashboard/", name="dashboard")
        self.client.get("/", name="home dashboard")
