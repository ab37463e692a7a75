import pytest

from tests.surveys import builders


@pytest.fixture
def running(tree):
    return builders.running(tree["committee"])
