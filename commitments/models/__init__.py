"""The domain model of the follow-up mechanism, one module per concept."""

from commitments.models.accounts import AccountPreference
from commitments.models.comments import Comment
from commitments.models.documents import PreparedDocument
from commitments.models.imports import ReportImport
from commitments.models.mail import OutgoingEmail
from commitments.models.mechanisms import (
    Handover,
    Mechanism,
    Recommendation,
    RecommendationEvent,
    SentReminder,
)
from commitments.models.meetings import (
    Assistance,
    Attendance,
    ExpertGroup,
    ExpertMeeting,
    MeetingDocument,
    MinisterialMeeting,
    Volunteer,
)
from commitments.models.progress import EvidenceFile, Official, ProgressReport
from commitments.models.reference import Commitment, Paragraph, Participant
from commitments.models.sourcing import CONFIDENCE_MEANINGS, Confidence
from commitments.models.tokens import ApiToken
from commitments.models.versioning import DataVersion

__all__ = [
    "CONFIDENCE_MEANINGS",
    "AccountPreference",
    "ApiToken",
    "Assistance",
    "Attendance",
    "Comment",
    "Commitment",
    "Confidence",
    "DataVersion",
    "EvidenceFile",
    "ExpertGroup",
    "ExpertMeeting",
    "Handover",
    "Mechanism",
    "MeetingDocument",
    "MinisterialMeeting",
    "Official",
    "OutgoingEmail",
    "Paragraph",
    "Participant",
    "PreparedDocument",
    "ProgressReport",
    "Recommendation",
    "RecommendationEvent",
    "ReportImport",
    "SentReminder",
    "Volunteer",
]
