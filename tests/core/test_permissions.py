from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.permissions import minimal_prefixes, permission_matches

paths = st.lists(
    st.text(alphabet="0123", min_size=4, max_size=12).filter(lambda s: len(s) % 4 == 0)
)


@given(paths)
def test_minimal_prefixes_cover_the_same_paths(path_list):
    result = minimal_prefixes(path_list)
    for path in path_list:
        assert any(path.startswith(p) for p in result)
    for p in result:
        assert not any(p != q and p.startswith(q) for q in result)


def test_permission_matching():
    assert permission_matches(["*"], "members.change")
    assert permission_matches(["members.*"], "members.change")
    assert permission_matches(["*.view"], "meetings.view")
    assert not permission_matches(["*.view"], "meetings.change")
    assert not permission_matches(["members.view"], "members.change")
