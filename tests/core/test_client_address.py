"""The client address: X-Forwarded-For only through trusted proxies, for the lockout and the log."""

import ipaddress

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.audit import log_export
from dangbo.core.clientaddr import client_address, client_port, parse_address, resolve
from dangbo.core.models import Role
from tests import factories

PROXY = (ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("127.0.0.1/32"))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("203.0.113.5", "203.0.113.5"),
        (" 203.0.113.5:51234 ", "203.0.113.5"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:DB8::1", "2001:db8::1"),
        ('"[2001:db8::2]"', "2001:db8::2"),
        ("unknown", None),
        ("", None),
        ("999.1.1.1", None),
    ],
)
def test_parse_address(text, expected):
    assert parse_address(text) == expected


def test_without_trusted_proxies_the_peer_is_the_client():
    assert resolve("10.0.0.2", "203.0.113.5", ()) == "10.0.0.2"


def test_spoofed_header_from_an_untrusted_peer_is_ignored():
    assert resolve("198.51.100.7", "1.2.3.4", PROXY) == "198.51.100.7"


def test_real_chain_through_trusted_proxies():
    # client → 10.0.0.9 (edge proxy) → 127.0.0.1 (nginx on the node) → app
    assert resolve("127.0.0.1", "203.0.113.5, 10.0.0.9", PROXY) == "203.0.113.5"


def test_what_the_client_wrote_before_the_proxy_is_never_read():
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    assert resolve("127.0.0.1", "1.2.3.4, 203.0.113.5", PROXY) == "203.0.113.5"


def test_garbage_behind_trusted_hops_keeps_the_last_trusted_hop():
    assert resolve("127.0.0.1", "nonsense, 10.0.0.9", PROXY) == "10.0.0.9"
    assert resolve("127.0.0.1", "", PROXY) == "127.0.0.1"


@given(
    spoofed=st.lists(st.ip_addresses(v=4).map(str), max_size=4),
    client=st.ip_addresses(v=4).filter(lambda ip: not ip.is_loopback and ip not in PROXY[0]),
    hops=st.lists(st.integers(1, 254).map(lambda n: f"10.0.0.{n}"), max_size=3),
)
def test_the_client_is_the_first_untrusted_hop_whatever_came_before(spoofed, client, hops):
    header = ", ".join([*spoofed, str(client), *hops])
    assert resolve("127.0.0.1", header, PROXY) == str(client)


def test_client_address_reads_the_setting(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5"
    )
    settings.DANGBO_TRUSTED_PROXIES = []
    assert client_address(request) == "127.0.0.1"
    settings.DANGBO_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(request) == "203.0.113.5"


def test_forwarded_port_only_from_a_trusted_proxy(settings):
    settings.DANGBO_TRUSTED_PROXIES = ["127.0.0.1"]
    trusted = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PORT="443")
    other = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_PORT="443")
    assert client_port(trusted) == 443 and client_port(other) is None


def _role_change_address(client, **headers):
    client.post(
        reverse("core:role_create"),
        {"code": "thu", "name": "Thử", "permissions": "members.view"},
        **headers,
    )
    role = Role.objects.get(code="thu")
    entry = LogEntry.objects.get_for_object(role).get(action=LogEntry.Action.CREATE)
    return entry.remote_addr


def test_audit_log_records_the_peer_not_a_spoofed_header(admin_client, tree, settings):
    settings.DANGBO_TRUSTED_PROXIES = []
    assert _role_change_address(admin_client, HTTP_X_FORWARDED_FOR="6.6.6.6") == "127.0.0.1"


def test_audit_log_records_the_client_behind_a_trusted_proxy(admin_client, tree, settings):
    settings.DANGBO_TRUSTED_PROXIES = ["127.0.0.1"]
    header = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5"}
    assert _role_change_address(admin_client, **header) == "203.0.113.5"


def test_export_entries_use_the_same_address(admin_user, settings):
    settings.DANGBO_TRUSTED_PROXIES = ["127.0.0.1"]
    request = RequestFactory().get(
        "/members/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )
    request.user = admin_user
    assert log_export(request, Role, rows=1).remote_addr == "203.0.113.5"


def test_failed_logins_are_recorded_under_the_resolved_address(db, client, settings):
    settings.AXES_ENABLED = True
    settings.DANGBO_TRUSTED_PROXIES = ["127.0.0.1"]
    factories.user("bithu")
    client.post(
        reverse("login"),
        {"username": "bithu", "password": "sai"},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]


def test_a_bad_trusted_proxy_entry_fails_the_system_check(settings):
    settings.DANGBO_TRUSTED_PROXIES = ["127.0.0.1", "nginx.local"]
    with pytest.raises(SystemCheckError, match="nginx.local"):
        call_command("check")
