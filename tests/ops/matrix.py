"""Permission matrix rows for the operations endpoints (dangbo.core.ops)."""

CASES = []
EXEMPT = {
    "healthz": "public on purpose: load balancers probe it without a session; it shows status "
    "and counts only, no record data (tests/ops/test_health.py)",
    "metrics": "machine access: allowed client addresses (DANGBO_METRICS_ALLOW) or a bearer "
    "token (DANGBO_METRICS_TOKEN), 404 for anyone else, sessions ignored "
    "(tests/ops/test_health.py)",
}
