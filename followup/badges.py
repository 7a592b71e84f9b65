"""The colours of the follow-up badges (Tabler's "-lt" badges): the same everywhere a status bucket, an
obstacle's status or a verdict is shown."""

from followup.choices import ObstacleStatus, StatusBucket, Verdict

BUCKET_COLOURS = {
    StatusBucket.OVERDUE: "red",
    StatusBucket.DONE_LATE: "orange",
    StatusBucket.DONE_ON_TIME: "green",
    StatusBucket.IN_PROGRESS: "blue",
    StatusBucket.AWAITING_CONFIRMATION: "teal",
    StatusBucket.NOT_DUE: "secondary",
}
STATUS_COLOURS = {
    ObstacleStatus.NEW: "azure",
    ObstacleStatus.ESCALATED: "purple",
    ObstacleStatus.ASSIGNED: "blue",
    ObstacleStatus.RESOLVING: "cyan",
    ObstacleStatus.RESOLVED: "teal",
    ObstacleStatus.VERIFIED: "green",
    ObstacleStatus.CLOSED: "secondary",
}
VERDICT_COLOURS = {
    Verdict.IMPLEMENTED: "green",
    Verdict.PARTLY: "orange",
    Verdict.NOT_IMPLEMENTED: "red",
    Verdict.NOT_APPLICABLE: "secondary",
}


def badges() -> dict:
    """Labels and colours of buckets, statuses and verdicts, for the badge partials."""
    return {
        "bucket_labels": dict(StatusBucket.choices),
        "bucket_colours": BUCKET_COLOURS,
        "status_labels": dict(ObstacleStatus.choices),
        "status_colours": STATUS_COLOURS,
        "verdict_labels": dict(Verdict.choices),
        "verdict_colours": VERDICT_COLOURS,
    }
