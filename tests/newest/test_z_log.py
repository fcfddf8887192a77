"""Last: the whole newest-lane run left no v2c_cloud warning, error or traceback in the log."""

from __future__ import annotations

from scripts.demo_config import log_records
from scripts.demo_stack import DemoStack

from .conftest import DOMAIN, LOG_ALLOWED, log_files

# Every custom integration gets this one; it is not about our code.
NOT_TESTED = f"We found a custom integration {DOMAIN} which has not been tested"


def test_no_v2c_cloud_warning_error_or_traceback(stack: DemoStack) -> None:
    """No WARNING/ERROR/CRITICAL record from custom_components.v2c_cloud or naming v2c_cloud."""
    records = [
        r for path in log_files(stack) for r in log_records(path, ("WARNING", "ERROR", "CRITICAL"))
    ]
    assert records, "the log was read (at least the custom-integration warning is there)"
    ours = [
        r
        for r in records
        # Our logger, a message naming us, or a traceback through our code (kept in the record).
        if DOMAIN in r and NOT_TESTED not in r and r.split("\n", 1)[0] not in LOG_ALLOWED
    ]
    assert ours == [], "\n\n".join(ours)
