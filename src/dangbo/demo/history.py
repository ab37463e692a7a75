"""Twenty years of demo history: reorganisations of the planned tree and members' earlier cells.

Pure and seeded like the rest of the plan (demo.generator): `add_history` adds to a planned
tree, per superior, a few dated decisions — a grassroots org moved in from another superior, a
cell merged into a sibling (a dissolved row beside it), a cell split off a sibling, a rename —
with their OrgEvents; `MemberHistory` gives a member, from their admission date and current
cell, the earlier cells they were placed in: where they were before their cell was founded
(the sibling it was split from, or the superior's oldest cell), the cell merged into theirs,
and transfers between cells. Today's tree (paths, names, members per cell) is unchanged:
history only adds past periods, dissolved cells after the living children, and placements.
"""

import random
from datetime import date, timedelta

from dangbo.demo import names
from dangbo.demo.generator import TODAY, EventPlan, OrgPlan, Weighted, step

HISTORY_START = TODAY.replace(year=TODAY.year - 20)
LATEST_EVENT = TODAY - timedelta(days=180)  # decisions and transfers: half a year before today

# Per superior: the chance of one split, merge (and of a second), rename, and of a grassroots
# org having been moved in from another superior of the province. The second superior of each
# province has one of each, so even the small demo shows every kind.
SPLIT, MERGE, SECOND_MERGE, RENAME, SUPERIOR_RENAME, MOVE = 0.6, 0.6, 0.15, 0.5, 0.08, 0.4
MERGED_SHARE = 0.35  # of a surviving cell's members admitted before the merge: from the other
TRANSFERRED = 0.085  # members with transfers between cells (besides the reorganisations)
TRANSFERS = Weighted([(1, 60), (2, 30), (3, 10)])
STAY = timedelta(days=180)  # the shortest stay in a cell before or after a transfer


def add_history(root: OrgPlan, seed: int) -> OrgPlan:
    """Add the reorganisations of the last 20 years to a planned tree (in place); returns it."""
    rng = random.Random(seed * 1_000_003 + 27)
    moves: dict[int, list[tuple[OrgPlan, date, OrgPlan]]] = {}  # by id(old superior)
    for province in [p for p in root.walk() if p.type_code == "province"]:
        superiors = list(province.children)
        for s, superior in enumerate(superiors):
            _reorganise(rng, superior, superiors, force=s == 1, moves=moves)
    # The path a moved org had under its old superior: a step after all of that superior's
    # children, living and dissolved, so that no two periods of one day share a path.
    for province in [p for p in root.walk() if p.type_code == "province"]:
        for old in province.children:
            number = len(old.children)
            for grassroots, on, _old in sorted(moves.get(id(old), []), key=lambda m: m[1]):
                number += 1
                grassroots.moved = (on, old, step(number))
                _event(
                    rng,
                    grassroots,
                    "moved",
                    on,
                    details=dict(
                        old_parent_name=old.name_on(on),
                        new_parent_name=grassroots.parent.name_on(on),
                    ),
                    refs=dict(old_parent=old, new_parent=grassroots.parent),
                )
    return root


def _reorganise(rng, superior: OrgPlan, superiors: list[OrgPlan], force: bool, moves) -> None:
    holders = [p for p in superior.walk() if p.holds_members]
    anchor = holders[0]  # as old as the superior (generator._redate): never reorganised
    # Renames first: a split re-dates its cell's founding, so it takes one never renamed.
    if force or rng.random() < RENAME:
        _rename(rng, [p for p in superior.walk() if p is not superior])
    if rng.random() < SUPERIOR_RENAME:
        _rename(rng, [superior])
    if force or rng.random() < SPLIT:
        _split(rng, holders[1:])
    for n in range(2):
        if (force and n == 0) or rng.random() < (MERGE if n == 0 else SECOND_MERGE):
            _merge(rng, holders[1:])
    if len(superiors) > 1 and (force or rng.random() < MOVE):
        candidates = [
            g
            for g in superior.children
            if g is not anchor
            and not any(p is anchor for p in g.walk())
            and g.dissolved_on is None
            and g.split_from is None
        ]
        if candidates:
            grassroots = rng.choice(candidates)
            on = _event_date(rng, grassroots.founded_on + timedelta(days=730))
            olds = [
                a for a in superiors if a is not superior and a.founded_on <= grassroots.founded_on
            ]
            if on and olds:
                old = rng.choice(olds)
                moves.setdefault(id(old), []).append((grassroots, on, old))


def _split(rng, holders: list[OrgPlan]) -> None:
    """A cell founded in the window by taking members from a sibling of its type."""
    for cell in rng.sample(holders, len(holders)):
        if cell.split_from or cell.merged or cell.renamed:
            continue
        siblings = [
            p
            for p in cell.parent.children
            if p is not cell
            and p.type_code == cell.type_code
            and p.split_from is None
            and p.dissolved_on is None
        ]
        if not siblings:
            continue
        source = rng.choice(siblings)
        on = _event_date(rng, source.founded_on + timedelta(days=730))
        if on is None:
            continue
        cell.founded_on = on
        cell.split_from = source
        founding = _event(rng, cell, "founded", on, refs=dict(parent=cell.parent))
        cell.decision = founding.number
        _event(
            rng,
            source,
            "split",
            on,
            number=founding.number,
            signer=founding.signer,
            details=dict(split_into_names=[cell.name]),
            refs=dict(split_into=[cell]),
        )
        return


def _merge(rng, holders: list[OrgPlan]) -> None:
    """A cell dissolved into a sibling in the window: a dissolved row beside the survivor."""
    survivors = [p for p in holders if p.split_from is None]
    if not survivors:
        return
    survivor = rng.choice(survivors)
    on = _event_date(rng, survivor.founded_on + timedelta(days=730))
    parent = survivor.parent
    if on is None or on - timedelta(days=730) < parent.founded_on:
        return
    latest = on - timedelta(days=730)
    founded = parent.founded_on + (latest - parent.founded_on) * rng.random() ** 2
    taken = {p.name for p in parent.children}
    area = any(word in survivor.name for word in names.AREA_WORDS)
    base = f"Chi bộ {rng.choice(names.FORMER_AREA_CELLS if area else names.FORMER_OFFICE_CELLS)}"
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base} {number}"
    cell = parent.add(name, survivor.type_code, max(parent.founded_on, founded.replace(day=1)))
    cell.dissolved_on = on
    cell.merged_into = survivor
    survivor.merged.append(cell)
    cell.decision = _event(
        rng,
        cell,
        "merged",
        on,
        details=dict(merged_into_name=survivor.name_on(on)),
        refs=dict(merged_into=survivor),
    ).number


def _rename(rng, orgs: list[OrgPlan]) -> None:
    candidates = [p for p in orgs if p.renamed is None and _former_name(p.name)]
    if not candidates:
        return
    org = rng.choice(candidates)
    on = _event_date(rng, org.founded_on + timedelta(days=365))
    if on is None:
        return
    old = _former_name(org.name)
    org.renamed = (on, old)
    _event(rng, org, "renamed", on, details=dict(old_name=old, new_name=org.name))


def _former_name(name: str) -> str | None:
    for today, before in names.FORMER_PREFIXES:
        if name.startswith(today):
            return before + name[len(today) :]
    return None


def _event_date(rng, after: date) -> date | None:
    """The first of a month in the window, after `after`; None if there is none."""
    earliest = max(after, HISTORY_START)
    if earliest > LATEST_EVENT:
        return None
    day = earliest + timedelta(days=rng.randint(0, (LATEST_EVENT - earliest).days))
    day = day.replace(day=1)
    if day < earliest:
        day = (day + timedelta(days=32)).replace(day=1)
    return day if day <= LATEST_EVENT else None


def _event(rng, org: OrgPlan, kind: str, on: date, number="", signer="", details=None, refs=None):
    """Record a decision about `org` in the plan; one number (and signer) per decision."""
    event = EventPlan(
        kind=kind,
        on=on,
        number=number or f"QĐ-{rng.randint(10, 999)}/{on.year}",
        signer=signer or _signer(rng),
        details=details or {},
        refs=refs or {},
    )
    org.events.append(event)
    return event


_SURNAME = Weighted(names.SURNAMES)


def _signer(rng) -> str:
    return f"{_SURNAME(rng)} {rng.choice(names.MIDDLE_MALE)} {rng.choice(names.GIVEN_MALE)}"


class MemberHistory:
    """A member's placements before their current one, from the planned tree (no database).

    `placements(rng, cell, admitted_on)` → None when the member has been in `cell` since
    admission (most members), else [(org, valid_from, valid_to, decision_number)] from the
    admission date, contiguous, the last one open in `cell`."""

    def __init__(self, root: OrgPlan):
        self.anchor: dict[int, OrgPlan] = {}  # by id(superior)
        self.superior: dict[int, OrgPlan] = {}  # by id(cell)
        self.near: dict[int, list[OrgPlan]] = {}  # cells of the superior, by id(superior)
        self.province: dict[int, list[OrgPlan]] = {}  # cells of the province, by id(superior)
        everywhere: list[OrgPlan] = []
        for province in [p for p in root.walk() if p.type_code == "province"]:
            cells = [p for p in province.walk() if p.holds_members]
            everywhere += cells
            for superior in province.children:
                near = [p for p in superior.walk() if p.holds_members]
                self.anchor[id(superior)] = near[0]
                self.near[id(superior)] = near
                self.province[id(superior)] = cells
                for cell in near:
                    self.superior[id(cell)] = superior
        self.everywhere = everywhere

    def _before(self, org: OrgPlan) -> OrgPlan:
        """Where a member of `org` was before it was founded."""
        return org.split_from or self.anchor[id(self.superior[id(org)])]

    def placements(self, rng: random.Random, cell: OrgPlan, admitted: date):
        # Backwards from today: (org, since, decision of the placement's start).
        chain = []
        merged = [d for d in cell.merged if d.dissolved_on > admitted]
        if merged and rng.random() < MERGED_SHARE:
            gone = merged[0] if len(merged) == 1 else rng.choice(merged)
            chain.append((cell, gone.dissolved_on, gone.decision))
            org = gone
        else:
            org = cell
        while True:
            since = max(org.founded_on, admitted)
            decision = org.decision if org.split_from and since > admitted else ""
            chain.append((org, since, decision))
            if since <= admitted:
                break
            org = self._before(org)
        transfers = rng.random() < TRANSFERRED
        if len(chain) == 1 and not transfers:
            return None
        chain.reverse()
        if transfers:
            end = chain[1][1] if len(chain) > 1 else TODAY
            chain[0:1] = self._transfers(rng, cell, chain[0], admitted, end, 4 - len(chain))
            if len(chain) == 1:
                return None
        ends = [since for _org, since, _decision in chain[1:]] + [None]
        return [
            (org, since, until, decision)
            for (org, since, decision), until in zip(chain, ends, strict=True)
        ]

    def _transfers(self, rng, cell, first, admitted: date, end: date, most: int):
        """The first placement (org, since, decision), from the admission, cut by 1–3
        transfers in the window: the cells before each one taken where the member could have
        been since admission (mostly the same superior's)."""
        low, high = max(admitted + STAY, HISTORY_START), min(end - STAY, LATEST_EVENT)
        count = min(TRANSFERS(rng), most)
        if high <= low or count < 1:
            return [first]
        days = (high - low).days
        dates = sorted({low + timedelta(days=rng.randint(0, days)) for _ in range(count)})
        superior = id(self.superior[id(cell)])
        org = first[0]
        pieces = []  # backwards from the first org's last piece
        for day in reversed(dates):
            if pieces and (pieces[-1][1] - day) < STAY:
                continue
            roll = rng.random()
            if roll < 0.8:
                pool = self.near[superior]
            else:
                pool = self.province[superior] if roll < 0.95 else self.everywhere
            for _ in range(6):
                other = pool[rng.randrange(len(pool))]
                if other is not org and other.valid_over(admitted, day):
                    pieces.append((org, day, ""))
                    org = other
                    break
        pieces.append((org, admitted, ""))
        pieces.reverse()
        return pieces
