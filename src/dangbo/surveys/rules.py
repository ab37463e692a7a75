"""Survey rules as pure functions: sample size, reproducible (stratified) random samples,
sampling criteria, reading a paper questionnaire row, shares and averages, and the
"what worked / what did not" verdict. No database access."""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dangbo.core.params import parse_int

SCALE_MIN, SCALE_MAX = 1, 5

# Defaults of the configurable thresholds (core.RuleParameter keys in services.THRESHOLD_KEYS).
WORKED_MIN_AVERAGE = 4.0
NOT_WORKED_MAX_AVERAGE = 3.0
MIN_ANSWERS_FOR_VERDICT = 5
# k-anonymity: results never show a column (respondent group, org type) answered by fewer
# people than this, nor let it be derived (dated RuleParameter "surveys.min_group_respondents").
MIN_GROUP_RESPONDENTS = 5


def sample_size(population: int, margin: float = 0.1, z: float = 1.96, p: float = 0.5) -> int:
    """Cochran's sample size with the finite-population correction, never above the
    population: how many orgs (or respondents) to survey for a margin of error at confidence
    z (1.96 ≈ 95%)."""
    if population <= 0:
        return 0
    if not 0 < margin < 1:
        raise ValueError("margin must be in (0, 1)")
    n0 = z * z * p * (1 - p) / (margin * margin)
    n = n0 / (1 + (n0 - 1) / population)
    return min(population, math.ceil(n - 1e-9))


def allocate(strata: Mapping[str, int], total: int) -> dict[str, int]:
    """Split `total` across strata proportionally to their sizes (largest remainder, ties by
    key): every stratum gets at most its size and the parts add up to min(total, sum)."""
    population = sum(strata.values())
    total = max(0, min(total, population))
    if population == 0:
        return {key: 0 for key in strata}
    exact = {key: total * size / population for key, size in strata.items()}
    parts = {key: min(strata[key], math.floor(value)) for key, value in exact.items()}
    rest = total - sum(parts.values())
    order = sorted(strata, key=lambda key: (-(exact[key] - math.floor(exact[key])), key))
    while rest > 0:
        for key in order:
            if rest and parts[key] < strata[key]:
                parts[key] += 1
                rest -= 1
    return parts


def draw_sample(candidates: Iterable[int], size: int, seed: int) -> list[int]:
    """A random sample of `size` ids (all when fewer), reproducible from `seed`: the same
    candidates and seed always give the same sample, whatever order the ids come in."""
    pool = sorted(set(candidates))
    chosen = random.Random(seed).sample(pool, min(max(size, 0), len(pool)))
    return sorted(chosen)


def draw_stratified(strata: Mapping[str, Iterable[int]], size: int, seed: int) -> list[int]:
    """A sample spread over strata (e.g. org types) in proportion to their sizes; each
    stratum drawn with a seed derived from `seed` and the stratum key."""
    pools = {key: sorted(set(ids)) for key, ids in strata.items()}
    parts = allocate({key: len(ids) for key, ids in pools.items()}, size)
    chosen: list[int] = []
    for key in sorted(pools):
        chosen.extend(draw_sample(pools[key], parts[key], _derived_seed(seed, key)))
    return sorted(chosen)


def _derived_seed(seed: int, key: str) -> int:
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass(frozen=True)
class OrgFacts:
    """What sampling criteria look at for one org."""

    org_id: int
    type_code: str
    member_count: int
    last_grade: str  # meetings grade code, "" when no graded meeting


def matches(facts: OrgFacts, criteria: Mapping) -> bool:
    """Does an org meet the criteria {types, min_members, max_members, grades}? Empty or
    missing entries do not filter; grade "none" matches orgs without a graded meeting."""
    types = criteria.get("types") or []
    if types and facts.type_code not in types:
        return False
    low, high = criteria.get("min_members"), criteria.get("max_members")
    if low is not None and facts.member_count < low:
        return False
    if high is not None and facts.member_count > high:
        return False
    grades = criteria.get("grades") or []
    return not grades or (facts.last_grade or "none") in grades


def hash_code(code: str) -> str:
    """The stored form of a one-time code (case and spaces ignored)."""
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def normalize_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


# Reading answers ------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    """A question as the entry rules see it."""

    id: int
    position: int
    kind: str  # single | multiple | scale | text
    option_count: int = 0
    required: bool = False


@dataclass(frozen=True)
class Parsed:
    question_id: int
    option: int | None = None
    value: int | None = None
    text: str = ""


class AnswerError(ValueError):
    """A cell that cannot be read; the message is Vietnamese, for the person typing."""


def parse_cell(question: QuestionSpec, raw: str) -> list[Parsed]:
    """Read what was typed for one question from a paper form: an option number for a
    single choice, option numbers ("1,3", "1 3" or "13" when fewer than 10 options) for a
    multiple choice, 1–5 for a scale, anything for free text. Blank → no answer."""
    raw = (raw or "").strip()
    label = f"Câu {question.position}"
    if not raw:
        if question.required:
            raise AnswerError(f"{label}: bắt buộc trả lời.")
        return []
    if question.kind == "text":
        return [Parsed(question.id, text=raw)]
    if question.kind == "scale":
        try:
            score = parse_int(raw, SCALE_MIN, SCALE_MAX)
        except ValueError:
            score = None
        if score is None:
            raise AnswerError(f"{label}: điểm phải từ {SCALE_MIN} đến {SCALE_MAX}.")
        return [Parsed(question.id, value=score)]
    parts = re.split(r"[\s,;.]+", raw)
    if len(parts) == 1 and question.kind == "multiple" and question.option_count < 10:
        parts = list(raw)
    try:
        options = [int(part) for part in parts if part]
    except ValueError:
        raise AnswerError(f"{label}: gõ số thứ tự phương án (1–{question.option_count}).") from None
    for option in options:
        if not 1 <= option <= question.option_count:
            raise AnswerError(f"{label}: không có phương án {option}.")
    options = sorted(set(options))
    if question.kind == "single" and len(options) > 1:
        raise AnswerError(f"{label}: chỉ được chọn một phương án.")
    return [Parsed(question.id, option=option) for option in options]


def parse_row(questions: Sequence[QuestionSpec], cells: Sequence[str]) -> list[Parsed]:
    """All answers of one questionnaire; the first unreadable cell raises AnswerError."""
    answers: list[Parsed] = []
    for question, raw in zip(questions, cells, strict=False):
        answers.extend(parse_cell(question, raw))
    if not answers:
        raise AnswerError("Phiếu trống: chưa trả lời câu nào.")
    return answers


# Campaign phase -------------------------------------------------------------------------

# The status a campaign shows: the stored one (draft → running when a questionnaire is
# published, closed when the committee closes it) read against its period — a running
# campaign whose end date has passed no longer collects, whatever nobody has clicked yet.
DRAFT, RUNNING, ENDED, CLOSED = "draft", "running", "ended", "closed"
PHASE_LABELS = {
    DRAFT: "Đang chuẩn bị",
    RUNNING: "Đang khảo sát",
    ENDED: "Hết thời gian khảo sát",
    CLOSED: "Đã kết thúc",
}


def campaign_phase(status: str, ends_on, today) -> str:
    """draft / running (collecting) / ended (period over, still open for entering the paper
    questionnaires collected in time) / closed."""
    if status == RUNNING and today > ends_on:
        return ENDED
    return status


# Results --------------------------------------------------------------------------------


def share(count: int, total: int) -> float | None:
    """Percentage with one decimal, None when nobody answered."""
    return round(100 * count / total, 1) if total else None


def scale_average(distribution: Mapping[int, int]) -> float | None:
    """Mean of a 1–5 scale from {value: count}, two decimals; None without answers."""
    total = sum(distribution.values())
    if not total:
        return None
    return round(sum(value * n for value, n in distribution.items()) / total, 2)


def verdict(
    average: float | None,
    answers: int,
    worked_min: float = WORKED_MIN_AVERAGE,
    not_worked_max: float = NOT_WORKED_MAX_AVERAGE,
    min_answers: int = MIN_ANSWERS_FOR_VERDICT,
) -> str | None:
    """'worked' when a scale question's mean reaches `worked_min`, 'not_worked' when it is at
    or below `not_worked_max`; None in between or with too few answers to judge."""
    if average is None or answers < min_answers:
        return None
    if average >= worked_min:
        return "worked"
    if average <= not_worked_max:
        return "not_worked"
    return None


def suppressed(counts: Sequence[int], k: int) -> list[bool]:
    """Which columns of one breakdown (the respondent groups, or the org types: each answer in
    exactly one column) to hide so that no figure of fewer than `k` respondents can be read
    or derived.

    Columns answered by 1 to k−1 people are hidden. As the total minus the columns shown gives
    the hidden ones together, the smallest columns shown are hidden too until the hidden ones
    together hold at least `k` people (all of them when they cannot). An empty column reveals
    nobody and stays."""
    hidden = [0 < n < k for n in counts]
    together = sum(n for n, h in zip(counts, hidden, strict=True) if h)
    if together:
        shown = sorted((n, i) for i, n in enumerate(counts) if not hidden[i] and n)
        while together < k and shown:
            n, i = shown.pop(0)
            hidden[i] = True
            together += n
    return hidden


def hidden_columns(counts: Sequence[int], breakdowns: Sequence[Sequence[int]], k: int):
    """For a result table whose column 0 is everyone and whose other columns form
    `breakdowns` (lists of column indexes): which columns to hide (`suppressed` per
    breakdown; everything when fewer than `k` answered at all)."""
    if 0 < counts[0] < k:
        return [True] * len(counts)
    hidden = [False] * len(counts)
    for columns in breakdowns:
        for index, hide in zip(columns, suppressed([counts[i] for i in columns], k), strict=True):
            hidden[index] = hide
    return hidden
