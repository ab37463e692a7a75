"""Training rules: certificate validity by course kind, result checks (pure)."""

from datetime import date

from dangbo.members.rules import months_between, validity_end

# Months a certificate stays valid; None = no expiry. The candidate course: 60 months.
DEFAULT_VALIDITY_MONTHS = {
    "candidate": 60,
    "new_member": None,
    "theory_elementary": None,
    "theory_intermediate": None,
    "refresher": None,
}


def valid_until(kind: str, issued_on: date, validity=DEFAULT_VALIDITY_MONTHS) -> date | None:
    """The last day a certificate is valid (members.rules.validity_end), None if it never ends."""
    months = validity.get(kind)
    if months is None:
        return None
    return validity_end(issued_on, months)


def is_valid_on(until: date | None, on: date) -> bool:
    return until is None or on <= until


def result_problem(starts_on: date, ends_on: date, result_on: date, score) -> str | None:
    """Why a result cannot be recorded, or None."""
    if result_on < ends_on:
        return f"Chỉ ghi kết quả sau khi lớp kết thúc ({ends_on:%d/%m/%Y})."
    if score is not None and not (0 <= score <= 10):
        return "Điểm phải từ 0 đến 10."
    return None


def course_length_problem(starts_on: date, ends_on: date) -> str | None:
    if ends_on < starts_on:
        return "Ngày kết thúc phải sau ngày khai giảng."
    if months_between(starts_on, ends_on) > 36:
        return "Thời gian lớp học quá dài (trên 36 tháng)."
    return None
