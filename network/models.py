"""Every model of the network app, imported so that Django finds them (the classes live in
each feature's models.py)."""

from network.bulletins.models import Bulletin
from network.exchanges.models import Exchange
from network.meetings.models import SafetyMeeting
from network.members.models import (
    CommunityGroup,
    GroupMembership,
    LiaisonMember,
    MemberPost,
    MemberStep,
)
from network.requests.models import DepartmentRequest

__all__ = [
    "Bulletin",
    "CommunityGroup",
    "DepartmentRequest",
    "Exchange",
    "GroupMembership",
    "LiaisonMember",
    "MemberPost",
    "MemberStep",
    "SafetyMeeting",
]
