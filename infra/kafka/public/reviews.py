"""The public events of good/bad reviews (好差评): window services, ratings, appeals and
rectifications.

A rating is published with its level and the service it rates, never with the rater (the actor
of a rating is an enterprise or a member of the public, published by role alone) nor with the
reason a rater wrote. A window service is published without its receipt's rating code (whose
digest alone is stored); an anonymous rater's sealed account is never published.
"""

from __future__ import annotations

from domain.appeal import Appeal
from domain.evaluation import Evaluation
from domain.rater import RaterAccount
from domain.rectification import Rectification
from domain.window_service import WindowService
from infra.kafka.public.spec import Field, Publication, Withheld

POLICY = Field("policy_version", "string")


PUBLICATIONS = (
    Publication(
        WindowService.Delivered, "window_service.delivered",
        "Staff recorded a service given at their window (the service a visitor rates).",
        (
            Field("unit_id", "uuid"),
            Field("window_id", "uuid", nullable=True),
            Field("staff", "string", description="login of the staff member who served"),
            Field("service_item", "string"),
            Field("enterprise_id", "uuid", nullable=True),
        ),
    ),
    Publication(
        Evaluation.Rated, "evaluation.rated", "A service was rated (一次一评 / 一事一评).",
        (
            Field("service_ref", "string"),
            Field("case_id", "uuid", nullable=True),
            Field("cycle", "integer", nullable=True),
            Field("unit_id", "uuid"),
            Field("window_id", "uuid", nullable=True),
            Field("staff", "string", nullable=True, description="login of the staff rated"),
            Field("service_item", "string", nullable=True),
            Field("delivered_at", "datetime"),
            Field("level", "string"),
            Field("real_name", "boolean"),
            Field("window_ends", "datetime", description="the rater may re-rate until then"),
            POLICY,
        ),
    ),
    Publication(
        Evaluation.ReRated, "evaluation.re_rated", "The rater rated again after rectification.",
        (
            Field("level", "string"),
            Field("previous_level", "string"),
            Field("rectification_id", "uuid"),
            POLICY,
        ),
    ),
    Publication(
        Evaluation.Excluded, "evaluation.excluded",
        "An upheld appeal excluded the rating from scores.", (Field("appeal_id", "uuid"),),
    ),
    Publication(
        Appeal.Filed, "appeal.filed", "A unit appealed a rating (申诉).",
        (
            Field("evaluation_id", "uuid"),
            Field("unit_id", "uuid"),
            Field("grounds", "string", description="malicious or mistaken"),
            Field("appeal_due", "deadline", read=lambda e: e.window),
            POLICY,
        ),
    ),
    Publication(
        Appeal.Decided, "appeal.decided", "The appeal was decided.", (Field("upheld", "boolean"),)
    ),
    Publication(
        Rectification.Opened, "rectification.opened", "A bad rating opened a rectification.",
        (
            Field("evaluation_id", "uuid"),
            Field("round", "integer"),
            Field("unit_id", "uuid"),
            Field("real_name", "boolean"),
            Field("rated_at", "datetime"),
            Field("callback_due", "deadline"),
            Field("rectification_due", "deadline"),
            POLICY,
        ),
    ),
    Publication(
        Rectification.CallbackRecorded, "rectification.callback_recorded",
        "The unit called the rater back.",
        (
            Field("reached", "boolean"),
            Field("complaint_verified", "boolean", nullable=True),
            Field("on_time", "boolean"),
        ),
    ),
    Publication(
        Rectification.VerifiedWithoutCallback, "rectification.verified_without_callback",
        "Verified without a callback (an anonymous rater cannot be called).",
        (Field("complaint_verified", "boolean"), Field("on_time", "boolean")),
    ),
    Publication(
        Rectification.MeasuresRecorded, "rectification.measures_recorded",
        "Rectification measures were recorded (their text is not published).",
        (Field("measure_count", "integer", read=lambda e: len(e.measures)),),
    ),
    Publication(
        Rectification.ExtensionRequested, "rectification.extension_requested",
        "The rated unit's head asked for more working days (a supervisor decides).",
        (Field("working_days", "integer"), POLICY),
    ),
    Publication(
        Rectification.ExtensionRefused, "rectification.extension_refused",
        "A supervisor refused the extension asked for.",
    ),
    Publication(
        Rectification.Extended, "rectification.extended", "The rectification period was extended.",
        (Field("working_days", "integer"), Field("rectification_due", "deadline"), POLICY),
    ),
    Publication(
        Rectification.Completed, "rectification.completed", "The rectification was completed.",
        (Field("outcome", "string"), Field("on_time", "boolean")),
    ),
    Publication(
        Rectification.ReRatingInvited, "rectification.re_rating_invited",
        "The rater was invited to rate again.", (Field("window_ends", "datetime"), POLICY),
    ),
)

SEALED = "an anonymous rater's sealed account, and every read of it, stays in this store"

WITHHELD: tuple[Withheld, ...] = (
    Withheld(RaterAccount.Sealed, SEALED, ("account",)),
    Withheld(RaterAccount.Revealed, SEALED, ("purpose",)),
    Withheld(RaterAccount.Erased, SEALED, ("reason",)),
)
