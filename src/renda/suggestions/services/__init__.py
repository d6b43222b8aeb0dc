"""Every state change of motions and suggestions. Each function runs in one transaction, locks the
suggestion it starts from, appends one audit event and notifies after commit."""

from renda.suggestions.services.handling import (
    AssignPlan,
    co_handler_opinion_submit,
    contact_record_add,
    feedback_submit,
    reply_submit,
    return_request_decide,
    return_request_submit,
    suggestion_assign,
    suggestion_assign_batch,
)
from renda.suggestions.services.submission import (
    attachments_add,
    cosign_respond,
    suggestion_confirm,
    suggestion_merge,
    suggestion_review,
    suggestion_submit,
)
from renda.suggestions.services.supervision import (
    assessment_weights_set,
    key_supervision_set,
    round_visit_record,
    suggestion_set_public,
    supervision_note_add,
    supervision_round_create,
)

__all__ = [
    "AssignPlan",
    "assessment_weights_set",
    "attachments_add",
    "co_handler_opinion_submit",
    "contact_record_add",
    "cosign_respond",
    "feedback_submit",
    "key_supervision_set",
    "reply_submit",
    "return_request_decide",
    "return_request_submit",
    "round_visit_record",
    "suggestion_assign",
    "suggestion_assign_batch",
    "suggestion_confirm",
    "suggestion_merge",
    "suggestion_review",
    "suggestion_set_public",
    "suggestion_submit",
    "supervision_note_add",
    "supervision_round_create",
]

from renda.suggestions.services.imports import ImportResult, suggestions_import  # noqa: E402

__all__ += ["ImportResult", "suggestions_import"]
