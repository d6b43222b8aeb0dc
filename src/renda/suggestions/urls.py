from django.urls import path

from renda.suggestions.views import deputy, handling, lists, reports

app_name = "suggestions"

urlpatterns = [
    path("", lists.suggestion_list, name="list"),
    path("mine/", deputy.mine, name="mine"),
    path("new/", deputy.new, name="new"),
    path("similar/", deputy.similar, name="similar"),
    path("inbox/", lists.inbox, name="inbox"),
    path("overdue/", lists.overdue, name="overdue"),
    path("batch/", reports.batch, name="batch"),
    path("notices/<int:unit_id>/", reports.notice, name="notice"),
    path("metrics/", reports.metrics_page, name="metrics"),
    path("assessment/", reports.assessment, name="assessment"),
    path("import/", reports.import_page, name="import"),
    path("deputies/<int:person_id>/", deputy.record, name="record"),
    path("rounds/", lists.round_list, name="rounds"),
    path("rounds/new/", reports.round_new, name="round_new"),
    path("rounds/<int:pk>/", reports.round_detail, name="round_detail"),
    path("rounds/<int:pk>/report.docx", reports.round_report, name="round_report"),
    path("attachments/<int:pk>/", handling.attachment, name="attachment"),
    path("assignments/<int:pk>/return/", handling.return_request, name="return_request"),
    path("assignments/<int:pk>/opinion/", handling.opinion, name="opinion"),
    path("returns/<int:pk>/decide/", handling.return_decide, name="return_decide"),
    path("<int:pk>/", handling.detail, name="detail"),
    path("<int:pk>/cosign/", deputy.cosign, name="cosign"),
    path("<int:pk>/confirm/", deputy.confirm, name="confirm"),
    path("<int:pk>/rate/", deputy.rate, name="rate"),
    path("<int:pk>/review/", handling.review, name="review"),
    path("<int:pk>/merge/", handling.merge, name="merge"),
    path("<int:pk>/assign/", handling.assign, name="assign"),
    path("<int:pk>/contact/", handling.contact, name="contact"),
    path("<int:pk>/reply/", handling.reply, name="reply"),
    path("<int:pk>/supervise/", handling.supervise, name="supervise"),
    path("<int:pk>/note/", handling.note, name="note"),
    path("<int:pk>/disclose/", handling.disclose, name="disclose"),
    path("<int:pk>/letter.docx", reports.reply_letter, name="reply_letter"),
]
