"""The briefing packet's PDF layer: pure reportlab, no Django.

The Django side assembles a ``PacketData``; ``build_packet_pdf`` turns it into PDF bytes.
"""

from reports.pdf.packet import build_packet_pdf
from reports.pdf.packet_data import (
    DEFAULT_METHOD_NOTES,
    AttentionItem,
    CitySummary,
    ClockState,
    ComplianceClock,
    CorrectiveAction,
    Department,
    DepartmentFocus,
    Funnel,
    FunnelLimit,
    FunnelPoint,
    LabelCount,
    MethodNote,
    MonthPoint,
    OiicsEvent,
    PacketData,
    RankingRow,
    SeriousCase,
)

__all__ = [
    "DEFAULT_METHOD_NOTES",
    "AttentionItem",
    "CitySummary",
    "ClockState",
    "ComplianceClock",
    "CorrectiveAction",
    "Department",
    "DepartmentFocus",
    "Funnel",
    "FunnelLimit",
    "FunnelPoint",
    "LabelCount",
    "MethodNote",
    "MonthPoint",
    "OiicsEvent",
    "PacketData",
    "RankingRow",
    "SeriousCase",
    "build_packet_pdf",
]
