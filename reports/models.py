"""Briefing packets: one published PDF per month for the Risk Reduction Cabinet."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class PacketStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"


class BriefingPacket(models.Model):
    month = models.DateField(help_text="The first day of the month the packet covers.")
    status = models.CharField(max_length=10, choices=PacketStatus.choices, default="queued")
    file = models.FileField(upload_to="packets/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    progress_label = models.CharField(max_length=80, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        permissions = [
            ("read_packet", "Can read and download briefing packets"),
            ("build_packet", "Can start building a briefing packet"),
        ]
        constraints = [
            # Exactly one packet record per month: a rebuild replaces its file in place.
            models.UniqueConstraint(fields=["month"], name="packet_one_per_month"),
            models.CheckConstraint(
                condition=Q(status__in=PacketStatus.values), name="packet_status_valid"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="packet_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"Briefing packet {self.month:%Y-%m} ({self.status})"
