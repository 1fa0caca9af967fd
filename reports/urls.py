from django.urls import path

from reports.views import community, dispatch, reporter, staff

app_name = "reports"
urlpatterns = [
    path("new/", reporter.new_report, name="new"),
    path("walk-in/", reporter.walk_in, name="walk_in"),
    path("mine/", reporter.my_reports, name="mine"),
    path("follow/", reporter.follow, name="follow"),
    path("follow/receipt.pdf", reporter.follow_receipt, name="follow_receipt"),
    path("queue/", staff.queue, name="queue"),
    path("queue/stream/", staff.queue_stream, name="queue_stream"),
    path("alerts/", community.alerts, name="alerts"),
    path("alerts/<int:alert_id>/cancel/", community.cancel_alert, name="cancel_alert"),
    path("alerts/trust/", community.grant_trust, name="grant_trust"),
    path("alerts/trust/<int:trust_id>/revoke/", community.revoke_trust, name="revoke_trust"),
    path("posts/<str:code>/", community.post_detail, name="post"),
    path("<str:code>/", reporter.report_detail, name="detail"),
    path("<str:code>/case/", staff.staff_detail, name="staff_detail"),
    path("<str:code>/receipt.pdf", reporter.receipt, name="receipt"),
    path("<str:code>/photos/<int:photo_id>/", reporter.photo, name="photo"),
    path("<str:code>/messages/", reporter.post_message, name="message"),
    path("<str:code>/identity/", staff.reveal_identity, name="identity"),
    path("<str:code>/status/", staff.transition, name="transition"),
    path("<str:code>/assign/", staff.assign, name="assign"),
    path("<str:code>/dispatch/", dispatch.dispatch_page, name="dispatch"),
    path("<str:code>/extend/", staff.extend, name="extend"),
    path("<str:code>/merge/", staff.merge, name="merge"),
    path("<str:code>/share/", staff.share, name="share"),
    path("<str:code>/returned/", staff.mark_returned, name="returned"),
    path("<str:code>/match/", staff.confirm_match, name="confirm_match"),
]
