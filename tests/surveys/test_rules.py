import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangbo.surveys import rules

ids = st.lists(st.integers(min_value=1, max_value=10_000), max_size=200, unique=True)


@given(ids, st.integers(min_value=0, max_value=250), st.integers(min_value=0, max_value=2**48))
def test_draw_sample_is_reproducible_and_order_free(candidates, size, seed):
    first = rules.draw_sample(candidates, size, seed)
    again = rules.draw_sample(list(reversed(candidates)), size, seed)
    assert first == again
    assert len(first) == min(size, len(candidates))
    assert set(first) <= set(candidates) and len(set(first)) == len(first)


@given(
    st.dictionaries(st.sampled_from(["cell", "grassroots_cell", "x"]), ids, max_size=3),
    st.integers(min_value=0, max_value=300),
    st.integers(min_value=0, max_value=2**32),
)
def test_stratified_sample_reproducible_and_proportional(strata, size, seed):
    chosen = rules.draw_stratified(strata, size, seed)
    assert chosen == rules.draw_stratified(strata, size, seed)
    population = sum(len(v) for v in strata.values())
    assert len(chosen) == min(size, population)
    assert set(chosen) <= {i for v in strata.values() for i in v} or not chosen


@given(
    st.dictionaries(st.text(max_size=3), st.integers(min_value=0, max_value=500), max_size=6),
    st.integers(min_value=0, max_value=3000),
)
def test_allocate_adds_up_and_respects_strata(strata, total):
    parts = rules.allocate(strata, total)
    assert sum(parts.values()) == min(total, sum(strata.values()))
    assert all(0 <= parts[k] <= strata[k] for k in strata)


def test_allocate_is_proportional():
    assert rules.allocate({"a": 30, "b": 10}, 8) == {"a": 6, "b": 2}
    assert rules.allocate({"a": 1, "b": 1, "c": 1}, 2) == {"a": 1, "b": 1, "c": 0}


def test_sample_size():
    assert rules.sample_size(0) == 0
    assert rules.sample_size(10) == 10
    assert rules.sample_size(3000) == 94  # ±10% at 95%
    assert rules.sample_size(3000, margin=0.05) == 341
    with pytest.raises(ValueError):
        rules.sample_size(10, margin=0)


def test_matches_criteria():
    facts = rules.OrgFacts(1, "cell", 12, "kha")
    assert rules.matches(facts, {})
    assert rules.matches(facts, {"types": ["cell"], "min_members": 10, "grades": ["kha"]})
    assert not rules.matches(facts, {"max_members": 11})
    assert not rules.matches(facts, {"grades": ["tot"]})
    assert rules.matches(rules.OrgFacts(2, "cell", 5, ""), {"grades": ["none"]})


Q_SINGLE = rules.QuestionSpec(1, 1, "single", 3)
Q_MULTI = rules.QuestionSpec(2, 2, "multiple", 4)
Q_SCALE = rules.QuestionSpec(3, 3, "scale", required=True)
Q_TEXT = rules.QuestionSpec(4, 4, "text")


def test_parse_cells():
    assert rules.parse_cell(Q_SINGLE, " 2 ") == [rules.Parsed(1, option=2)]
    assert [p.option for p in rules.parse_cell(Q_MULTI, "31")] == [1, 3]
    assert [p.option for p in rules.parse_cell(Q_MULTI, "1, 4")] == [1, 4]
    assert rules.parse_cell(Q_SCALE, "5") == [rules.Parsed(3, value=5)]
    assert rules.parse_cell(Q_TEXT, "Ý kiến") == [rules.Parsed(4, text="Ý kiến")]
    assert rules.parse_cell(Q_SINGLE, "") == []
    for question, raw, message in [
        (Q_SINGLE, "4", "không có phương án 4"),
        (Q_SINGLE, "1,2", "chỉ được chọn một"),
        (Q_SINGLE, "a", "gõ số thứ tự"),
        (Q_SCALE, "6", "từ 1 đến 5"),
        (Q_SCALE, "", "bắt buộc"),
    ]:
        with pytest.raises(rules.AnswerError, match=message):
            rules.parse_cell(question, raw)


@given(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=4))
def test_multiple_choice_roundtrip(options):
    typed = ",".join(map(str, options))
    assert [p.option for p in rules.parse_cell(Q_MULTI, typed)] == sorted(set(options))


def test_parse_row_refuses_blank_form():
    with pytest.raises(rules.AnswerError, match="Phiếu trống"):
        rules.parse_row([Q_SINGLE, Q_TEXT], ["", ""])


def test_shares_averages_verdict():
    assert rules.share(1, 3) == 33.3 and rules.share(0, 0) is None
    assert rules.scale_average({5: 2, 3: 2}) == 4.0 and rules.scale_average({}) is None
    assert rules.verdict(4.2, 10) == "worked"
    assert rules.verdict(2.9, 10) == "not_worked"
    assert rules.verdict(3.5, 10) is None
    assert rules.verdict(4.9, 2) is None
    assert rules.verdict(3.6, 10, worked_min=3.5) == "worked"


def test_code_hash_ignores_case_and_dashes():
    assert rules.hash_code("abcde-fghij") == rules.hash_code("ABCDEFGHIJ")
    assert len(rules.hash_code("X")) == 64


@pytest.mark.parametrize("raw", ["¹", "٣", "0", "6", "-1", "3.0"])
def test_scale_refuses_what_is_not_an_ascii_score(raw):
    with pytest.raises(rules.AnswerError):
        rules.parse_cell(Q_SCALE, raw)
