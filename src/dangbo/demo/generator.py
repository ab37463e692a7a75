"""Deterministic demo data: an org tree with skewed sizes and members with consistent dates.

The plan (pure Python, seeded) is separate from the writer so both can be tested; the writer
uses COPY on PostgreSQL and bulk inserts on SQLite, so `national` (5.6M members) stays fast.
"""

import math
import random
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate

from dangbo.core.text import normalize
from dangbo.demo import names

TODAY = date(2026, 11, 1)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def step(n: int) -> str:
    """Treebeard's path step for the n-th child (1-based), base 36, 4 characters."""
    digits = ""
    while n:
        n, rem = divmod(n, 36)
        digits = ALPHABET[rem] + digits
    return digits.rjust(STEPLEN, "0")


HOLDERS = ("cell", "grassroots_cell")  # the types that hold members directly


@dataclass(frozen=True)
class PeriodPlan:
    """One OrgPeriod: the org's name, path and parent over [valid_from, valid_to)."""

    valid_from: date
    valid_to: date | None
    name: str
    path: str
    parent: "OrgPlan | None"


@dataclass(frozen=True)
class EventPlan:
    """One OrgEvent. `refs`: detail keys naming other orgs (a plan or a list of plans), turned
    into ids by the writer."""

    kind: str
    on: date
    number: str
    signer: str
    details: dict = field(default_factory=dict)
    refs: dict = field(default_factory=dict)


@dataclass(eq=False)
class OrgPlan:
    name: str
    type_code: str
    path: str  # today's path (the Organization row's)
    founded_on: date
    members: int = 0  # members attached directly (cells only)
    children: list["OrgPlan"] = field(default_factory=list)
    parent: "OrgPlan | None" = field(default=None, repr=False)
    # History (demo.history): dissolved on a merge; one rename (date, name before it); one
    # move (date, parent before it, path step under that parent); founded by a split from a
    # sibling; the dissolved cells merged into this one; the decision number of the split or
    # merge (on the placements it opened); the decisions recorded about it.
    dissolved_on: date | None = None
    renamed: tuple[date, str] | None = None
    moved: "tuple[date, OrgPlan, str] | None" = None
    split_from: "OrgPlan | None" = field(default=None, repr=False)
    merged: list["OrgPlan"] = field(default_factory=list, repr=False)
    merged_into: "OrgPlan | None" = field(default=None, repr=False)
    decision: str = ""
    events: list[EventPlan] = field(default_factory=list, repr=False)

    @property
    def depth(self) -> int:
        return len(self.path) // STEPLEN

    @property
    def holds_members(self) -> bool:
        return self.type_code in HOLDERS

    def add(self, name: str, type_code: str, founded_on: date, members: int = 0) -> "OrgPlan":
        child = OrgPlan(
            name, type_code, self.path + step(len(self.children) + 1), founded_on, members
        )
        child.parent = self
        self.children.append(child)
        return child

    def walk(self) -> Iterator["OrgPlan"]:
        yield self
        for child in self.children:
            yield from child.walk()

    def valid_over(self, start: date, end: date) -> bool:
        """Whether the org existed on every day of [start, end)."""
        return self.founded_on <= start and (self.dissolved_on is None or end <= self.dissolved_on)

    def name_on(self, day: date) -> str:
        return self.renamed[1] if self.renamed and day < self.renamed[0] else self.name

    def parent_on(self, day: date) -> "OrgPlan | None":
        return self.moved[1] if self.moved and day < self.moved[0] else self.parent

    def path_on(self, day: date) -> str:
        """The path the org had on `day`: its parent's then, and its step under that parent."""
        if self.moved and day < self.moved[0]:
            return self.moved[1].path_on(day) + self.moved[2]
        if self.parent is None:
            return self.path
        return self.parent.path_on(day) + self.path[-STEPLEN:]

    def periods(self) -> list[PeriodPlan]:
        """Its periods from founding to dissolution (or open), cut at its rename and at the
        moves of itself and its ancestors (a move changes the whole subtree's paths)."""
        cuts = {self.renamed[0]} if self.renamed else set()
        node = self
        while node is not None:
            if node.moved:
                cuts.add(node.moved[0])
            node = node.parent
        end = self.dissolved_on
        starts = sorted(d for d in cuts if self.founded_on < d and (end is None or d < end))
        return [
            PeriodPlan(a, b, self.name_on(a), self.path_on(a), self.parent_on(a))
            for a, b in zip([self.founded_on, *starts], [*starts, end], strict=True)
        ]


SIZES = {
    # provinces, superiors per province, grassroots per superior, mean members per grassroots
    "small": (1, 2, 6, 50),
    "province": (1, 30, 30, 167),
    "national": (34, 45, 34, 108),
}


def _founded(rng: random.Random) -> date:
    return date(rng.randint(1950, 2015), rng.randint(1, 12), 1)


def _grassroots(parent: OrgPlan, rng: random.Random, mean: int, label: str) -> None:
    size = max(5, int(rng.lognormvariate(math.log(mean) - 0.45, 0.95)))
    founded = _founded(rng)
    if size < 30:
        parent.add(f"Chi bộ {label}", "grassroots_cell", founded, size)
        return
    committee = parent.add(f"Đảng bộ {label}", "grassroots_committee", founded)
    cells = max(3, round(size / rng.uniform(12, 22)))
    base, extra = divmod(size, cells)
    for i in range(cells):
        cell_name = names.CELL_NAMES[i % len(names.CELL_NAMES)]
        suffix = f" {i // len(names.CELL_NAMES) + 1}" if i >= len(names.CELL_NAMES) else ""
        committee.add(f"Chi bộ {cell_name}{suffix}", "cell", founded, base + (i < extra))


def plan_tree(size: str, seed: int) -> OrgPlan:
    """The org tree for a size: skewed grassroots sizes, ~15 members a cell."""
    provinces, superiors, grassroots, mean = SIZES[size]
    rng = random.Random(seed)
    if size == "national":
        root = OrgPlan("Đảng Cộng sản Việt Nam", "central", step(1), date(1930, 2, 3))
        province_parents = [
            root.add(
                f"Đảng bộ {'thành phố' if 'Hà Nội' in p or 'Hồ Chí Minh' in p else 'tỉnh'} "
                f"{p}".replace("tỉnh Thành phố", "Thành phố"),
                "province",
                date(1946, 1, 1),
            )
            for p in names.PROVINCES[:provinces]
        ]
    else:
        root = OrgPlan("Đảng bộ tỉnh Sông Hồng", "province", step(1), date(1946, 1, 1))
        province_parents = [root]
    for province in province_parents:
        for s in range(superiors):
            if s == 0:
                superior_name = "Đảng ủy Khối các cơ quan tỉnh"
            else:
                superior_name = f"Đảng ủy {names.COMMUNES[s % len(names.COMMUNES)]}"
                if s >= len(names.COMMUNES):
                    superior_name += f" {s // len(names.COMMUNES) + 1}"
            superior = province.add(superior_name, "superior", _founded(rng))
            for g in range(grassroots):
                pool = names.AGENCIES if s == 0 else names.CELL_NAMES[9:]
                label = pool[g % len(pool)] + (f" {g // len(pool) + 1}" if g >= len(pool) else "")
                _grassroots(superior, rng, mean, label)
    _redate(root)
    return root


# Founding dates that hold together: a superior before any member was admitted (make_member:
# born 1940 or later, admitted at 18 at the earliest), a grassroots org after its superior,
# mostly long ago, never within the history window (foundings there are splits, planned by
# demo.history), its cells with it. The drawn dates are mapped, so the sizes drawn after them
# (the tree's shape) stay as they were. The first grassroots org of a superior is as old as
# it: a place for the members admitted before their own cell was founded.
LAST_SUPERIOR_YEAR = 1957
LAST_PLAIN_FOUNDING = date(2005, 12, 1)


def _redate(root: OrgPlan) -> None:
    for superior in (p for p in root.walk() if p.type_code == "superior"):
        drawn = superior.founded_on
        year = 1946 + (drawn.year - 1950) * (LAST_SUPERIOR_YEAR - 1946) // 65
        superior.founded_on = max(superior.parent.founded_on, date(year, drawn.month, 1))
        span = (LAST_PLAIN_FOUNDING - superior.founded_on).days
        for g, grassroots in enumerate(superior.children):
            founded = superior.founded_on
            if g:
                drawn = grassroots.founded_on
                share = ((drawn.year - 1950) * 12 + drawn.month - 1) / (66 * 12)
                later = founded + timedelta(days=int(span * share**2.5))
                founded = max(founded, later.replace(day=1))
            for node in grassroots.walk():
                node.founded_on = founded


@dataclass
class MemberRow:
    full_name: str
    gender: str
    birth_date: date
    place_of_origin: str
    ethnicity: str
    religion: str
    id_number: str
    education: str
    qualification: str
    theory_level: str
    occupation: str
    admitted_on: date
    ceremony_on: date
    official_on: date | None
    status: str
    status_since: date


ID_MULTIPLIER = 7919 * 104729  # coprime with 9·10^11: a bijection onto 12-digit numbers


def id_number(index: int) -> str:
    return str(100_000_000_000 + (ID_MULTIPLIER * (index + 1)) % 900_000_000_000)


class Weighted:
    """A precomputed `rng.choices(values, weights)[0]`: the same draw, without rebuilding the
    cumulative weights on every call (the national dataset draws ~40 million times)."""

    def __init__(self, pairs):
        self.values = [p[0] for p in pairs]
        self.cum = list(accumulate(p[1] for p in pairs))
        self.total = self.cum[-1] + 0.0
        self.hi = len(self.values) - 1

    def __call__(self, rng: random.Random):
        return self.values[bisect_right(self.cum, rng.random() * self.total, 0, self.hi)]


ETHNIC = [
    ("Kinh", 85),
    ("Tày", 3),
    ("Thái", 3),
    ("Mường", 3),
    ("Khmer", 2),
    ("Nùng", 2),
    ("Mông", 1),
    ("Dao", 1),
]
RELIGION = [("none", 92), ("buddhism", 4), ("catholic", 3), ("protestant", 1)]
THEORY = [("none", 35), ("elementary", 35), ("intermediate", 22), ("advanced", 6), ("bachelor", 2)]
QUALIFICATION = [
    ("none", 10),
    ("vocational", 15),
    ("college", 10),
    ("bachelor", 50),
    ("master", 13),
    ("doctor", 2),
]
OCCUPATION = [
    ("civil_servant", 30),
    ("public_employee", 25),
    ("enterprise", 12),
    ("farmer", 12),
    ("retired", 15),
    ("armed_forces", 3),
    ("other", 3),
]
LEAVING = [
    ("deceased", 50),
    ("deleted", 25),
    ("resigned", 10),
    ("expelled", 5),
    ("transferred_out", 10),
]


_SURNAME = Weighted(names.SURNAMES)
_ETHNIC = Weighted(ETHNIC)
_RELIGION = Weighted(RELIGION)
_THEORY = Weighted(THEORY)
_QUALIFICATION = Weighted(QUALIFICATION)
_OCCUPATION = Weighted(OCCUPATION)
_LEAVING = Weighted(LEAVING)
_EDUCATION = ["upper_secondary"] * 9 + ["lower_secondary"]


def make_member(rng: random.Random, index: int) -> MemberRow:
    gender = "F" if rng.random() < 0.38 else "M"
    surname = _SURNAME(rng)
    middle = rng.choice(names.MIDDLE_FEMALE if gender == "F" else names.MIDDLE_MALE)
    given = rng.choice(names.GIVEN_FEMALE if gender == "F" else names.GIVEN_MALE)
    birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 66))
    earliest = birth + timedelta(days=int(365.25 * 18) + 31)
    latest = min(birth + timedelta(days=int(365.25 * 59)), TODAY - timedelta(days=60))
    if latest <= earliest:
        latest = earliest + timedelta(days=30)
    admitted = earliest + timedelta(days=int((latest - earliest).days * rng.random() ** 1.6))
    admitted = min(admitted, TODAY - timedelta(days=60))
    ceremony = admitted + timedelta(days=rng.randint(5, 40))
    official_due = ceremony + timedelta(days=366)
    official = official_due + timedelta(days=rng.randint(0, 20)) if official_due < TODAY else None
    status, since = ("official", official) if official else ("probationary", admitted)
    if official and rng.random() < 0.02:
        status = _LEAVING(rng)
        since = official + timedelta(days=int((TODAY - official).days * rng.random()))
    occupation = "retired" if (TODAY - birth).days > 365 * 62 else _OCCUPATION(rng)
    return MemberRow(
        full_name=f"{surname} {middle} {given}",
        gender=gender,
        birth_date=birth,
        place_of_origin=rng.choice(names.PLACES),
        ethnicity=_ETHNIC(rng),
        religion=_RELIGION(rng),
        id_number=id_number(index),
        education=rng.choice(_EDUCATION),
        qualification=_QUALIFICATION(rng),
        theory_level=_THEORY(rng),
        occupation=occupation,
        admitted_on=admitted,
        ceremony_on=ceremony,
        official_on=official,
        status=status,
        status_since=since,
    )


@lru_cache(maxsize=65536)
def member_search_key(name: str) -> str:
    """The normalised search key of a generated name (few distinct names: cached)."""
    return normalize(name)
