"""Demo accounts: names in Vietnamese order on the header, receipts and the users list."""

from django.contrib.auth import get_user_model

from dangbo.demo.users import DEMO_USERS, create_demo_users


def test_demo_accounts_show_their_names_in_vietnamese_order(tree):
    create_demo_users()
    create_demo_users()  # run again (make run on a seeded database): names stay right
    users = get_user_model().objects.in_bulk(field_name="username")
    for username, full_name, _role in DEMO_USERS:
        assert users[username].get_full_name() == full_name
    assert users["bithu"].get_full_name() == "Bí thư chi bộ"
