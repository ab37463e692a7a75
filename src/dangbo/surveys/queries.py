"""Campaign results: counts, shares and averages per question × respondent group × org type,
from two grouped queries over the version's answers (plus one for the free-text listing)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from dangbo.organizations.models import OrgType
from dangbo.surveys import rules
from dangbo.surveys.models import Answer, QuestionKind, Response

ALL = "all"


@dataclass
class Column:
    """A breakdown column: everyone, one respondent group, or one org type."""

    key: tuple
    label: str


@dataclass
class Row:
    """One option (or scale value) of a question: count and share per column (None where
    the column is hidden: fewer respondents than the k-anonymity floor)."""

    label: str
    counts: list[int | None]
    shares: list[float | None]

    @property
    def pairs(self) -> list[tuple[int, float | None]]:
        return list(zip(self.counts, self.shares, strict=True))


@dataclass
class QuestionResult:
    question: object
    respondents: list[int | None]
    rows: list[Row] = field(default_factory=list)
    averages: list[float | None] = field(default_factory=list)
    verdict: str | None = None
    texts: list = field(default_factory=list)
    text_count: int = 0
    hidden: list[bool] = field(default_factory=list)  # per column: under the k floor

    @property
    def total_respondents(self) -> int:
        return self.respondents[0]

    @property
    def average(self) -> float | None:
        return self.averages[0] if self.averages else None


@dataclass
class Results:
    version: object
    columns: list[Column]
    group_columns: list[Column]
    type_columns: list[Column]
    questions: list[QuestionResult]
    responses: int
    responses_by_column: list[int | None]
    min_respondents: int = rules.MIN_GROUP_RESPONDENTS  # the k-anonymity floor applied
    hidden_responses: list[bool] = field(default_factory=list)  # per column, whole campaign

    @property
    def any_hidden(self) -> bool:
        return any(self.hidden_responses) or any(any(q.hidden) for q in self.questions)

    def shown_columns(self, breakdown: list[Column]) -> list[tuple[int, Column]]:
        """(column index, column) of a breakdown's columns not hidden for the whole campaign."""
        return [
            (index, c)
            for index, c in enumerate(self.columns)
            if c in breakdown and not self.hidden_responses[index]
        ]

    @property
    def worked(self) -> list[QuestionResult]:
        return [q for q in self.questions if q.verdict == "worked"]

    @property
    def not_worked(self) -> list[QuestionResult]:
        return [q for q in self.questions if q.verdict == "not_worked"]


def _columns(version, groups) -> tuple[dict, list[Column], list[Column]]:
    """Responses per column (everyone, each group, each org type) and the breakdown columns."""
    per_column = defaultdict(int)
    type_ids = set()
    responses = Response.objects.filter(version=version)
    for row in responses.values("group_id", "org_type_id").annotate(n=Count("id")).order_by():
        per_column[(ALL,)] += row["n"]
        per_column[("group", row["group_id"])] += row["n"]
        per_column[("type", row["org_type_id"])] += row["n"]
        type_ids.add(row["org_type_id"])
    types = {t.pk: t.name for t in OrgType.objects.filter(pk__in=type_ids - {None})}
    group_columns = [Column(("group", g.pk), g.name) for g in groups]
    type_columns = [
        Column(("type", pk), types.get(pk, "Không rõ tổ chức"))
        for pk in sorted(type_ids, key=lambda pk: (pk is None, types.get(pk, ""), pk or 0))
    ]
    return per_column, group_columns, type_columns


def _answer_counts(kinds: dict) -> tuple[dict, dict]:
    """Counts of every option/value and respondents, by (question, column key[, bucket])."""
    counts: dict[tuple, int] = defaultdict(int)
    respondents: dict[tuple, int] = defaultdict(int)
    closed = [pk for pk, kind in kinds.items() if kind != QuestionKind.TEXT]
    multiple = [pk for pk, kind in kinds.items() if kind == QuestionKind.MULTIPLE]
    text_questions = [pk for pk, kind in kinds.items() if kind == QuestionKind.TEXT]
    # Counts of every option/value by group × org type: one grouped scan of the answers.
    for row in (
        Answer.objects.filter(question_id__in=closed)
        .values("question_id", "response__group_id", "response__org_type_id", "option", "value")
        .annotate(n=Count("id"))
        .order_by()
    ):
        bucket = row["option"] if row["option"] is not None else row["value"]
        for key in _keys(row):
            counts[(row["question_id"], key, bucket)] += row["n"]
            if kinds[row["question_id"]] != QuestionKind.MULTIPLE:  # one answer per respondent
                respondents[(row["question_id"], key)] += row["n"]
    # Respondents of multiple-choice questions (several rows each) and of free-text ones.
    if multiple or text_questions:
        for row in (
            Answer.objects.filter(question_id__in=multiple + text_questions)
            .values("question_id", "response__group_id", "response__org_type_id")
            .annotate(n=Count("response_id", distinct=True))
            .order_by()
        ):
            for key in _keys(row):
                respondents[(row["question_id"], key)] += row["n"]
    return counts, respondents


def _texts(text_questions: list, text_limit: int | None) -> dict:
    """The free-text answers of each text question, in entry order (up to `text_limit`)."""
    texts = defaultdict(list)
    for pk in text_questions if text_limit != 0 else []:
        listing = (
            Answer.objects.filter(question_id=pk)
            .exclude(text="")
            .select_related("response__group")
            .order_by("id")
        )
        texts[pk] = list(listing if text_limit is None else listing[:text_limit])
    return texts


def _text_result(result: QuestionResult, answered, hidden, columns, texts) -> None:
    result.text_count = answered[0]
    result.texts = [] if hidden[0] else texts[result.question.pk]
    hidden_groups = {
        c.key[1] for c, h in zip(columns, hidden, strict=True) if h and c.key[0] == "group"
    }
    for answer in result.texts:  # a group under the floor is not named
        group = answer.response.group
        answer.group_label = "" if group.pk in hidden_groups else group.name


def _closed_rows(result: QuestionResult, answered, hidden, columns, counts) -> None:
    question = result.question
    buckets = (
        list(enumerate(question.options, start=1))
        if question.kind != QuestionKind.SCALE
        else [(v, str(v)) for v in range(rules.SCALE_MIN, rules.SCALE_MAX + 1)]
    )
    for bucket, label in buckets:
        n = [counts[(question.pk, c.key, bucket)] for c in columns]
        shares = [rules.share(x, t) for x, t in zip(n, answered, strict=True)]
        result.rows.append(Row(label, _mask(n, hidden), _mask(shares, hidden)))


def _scale_verdict(result: QuestionResult, answered, hidden, columns, counts, thresholds):
    question = result.question
    averages = [
        rules.scale_average(
            {v: counts[(question.pk, c.key, v)] for v in range(1, rules.SCALE_MAX + 1)}
        )
        for c in columns
    ]
    result.averages = _mask(averages, hidden)
    result.verdict = rules.verdict(
        result.averages[0],
        answered[0],
        thresholds.get("surveys.worked_min_average", rules.WORKED_MIN_AVERAGE),
        thresholds.get("surveys.not_worked_max_average", rules.NOT_WORKED_MAX_AVERAGE),
        thresholds.get("surveys.min_answers_for_verdict", rules.MIN_ANSWERS_FOR_VERDICT),
    )


def results(version, *, thresholds: dict | None = None, text_limit: int | None = 50) -> Results:
    """All results of one questionnaire version, with every figure of fewer respondents than
    the k-anonymity floor (`surveys.min_group_respondents`) hidden (`rules.hidden_columns`):
    screens, exports and the API all read this."""
    thresholds = thresholds or {}
    k = int(thresholds.get("surveys.min_group_respondents", rules.MIN_GROUP_RESPONDENTS))
    questions = list(version.questions.all())
    groups = list(version.groups.all())
    per_column, group_columns, type_columns = _columns(version, groups)
    columns = [Column((ALL,), "Chung"), *group_columns, *type_columns]
    breakdowns = [
        list(range(1, 1 + len(group_columns))),
        list(range(1 + len(group_columns), len(columns))),
    ]
    kinds = {q.pk: q.kind for q in questions}
    counts, respondents = _answer_counts(kinds)
    texts = _texts([pk for pk, kind in kinds.items() if kind == QuestionKind.TEXT], text_limit)

    out = []
    for question in questions:
        answered = [respondents[(question.pk, c.key)] for c in columns]
        hidden = rules.hidden_columns(answered, breakdowns, k)
        result = QuestionResult(question, _mask(answered, hidden), hidden=hidden)
        if question.kind == QuestionKind.TEXT:
            _text_result(result, answered, hidden, columns, texts)
        else:
            _closed_rows(result, answered, hidden, columns, counts)
        if question.kind == QuestionKind.SCALE:
            _scale_verdict(result, answered, hidden, columns, counts, thresholds)
        out.append(result)
    by_column = [per_column[c.key] for c in columns]
    hidden_responses = rules.hidden_columns(by_column, breakdowns, k)
    return Results(
        version=version,
        columns=columns,
        group_columns=group_columns,
        type_columns=type_columns,
        questions=out,
        responses=per_column[(ALL,)],
        responses_by_column=_mask(by_column, hidden_responses),
        min_respondents=k,
        hidden_responses=hidden_responses,
    )


def _mask(values: list, hidden: list[bool]) -> list:
    return [None if h else v for v, h in zip(values, hidden, strict=True)]


def _keys(row) -> tuple:
    return ((ALL,), ("group", row["response__group_id"]), ("type", row["response__org_type_id"]))
