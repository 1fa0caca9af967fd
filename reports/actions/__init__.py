"""Every write to reports (docs/reports.md): intake, the police workflow, what reaches groups.
What pages and APIs read is in reports/queries.py."""

from reports.actions.community import (
    check_cancel_alert,
    check_confirm_match,
    check_grant_alert_trust,
    check_mark_returned,
    check_raise_alert,
    check_revoke_alert_trust,
    check_share,
)
from reports.actions.handling import (
    IDENTITY_FIELDS,
    access_identity,
    access_report,
    access_report_by_secret,
    check_assign,
    check_extend_decision,
    check_merge,
    check_post_message,
    check_transition,
    identity_of,
)
from reports.actions.intake import (
    Filed,
    Submission,
    WarningsNeedConfirmation,
    check_submit_report,
    client_submission,
    do_give_open311_token,
    new_secret,
)

__all__ = [
    "IDENTITY_FIELDS",
    "Filed",
    "Submission",
    "WarningsNeedConfirmation",
    "access_identity",
    "access_report",
    "access_report_by_secret",
    "check_assign",
    "check_cancel_alert",
    "check_confirm_match",
    "check_extend_decision",
    "check_grant_alert_trust",
    "check_mark_returned",
    "check_merge",
    "check_post_message",
    "check_raise_alert",
    "check_revoke_alert_trust",
    "check_share",
    "check_submit_report",
    "check_transition",
    "client_submission",
    "do_give_open311_token",
    "identity_of",
    "new_secret",
]
