"""Writes for briefing packets: queue a build, build and publish, tell the cabinet.

A build is idempotent. Every step that changes the packet's row holds a row lock on the month's
one ``BriefingPacket`` (``select_for_update``), and the PDF is deterministic for the same data,
so a retried, duplicated or re-delivered build leaves exactly one published packet, and a build
that finds the same content already published changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import time
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from reports.models import BriefingPacket, PacketStatus
from reports.pdf import build_packet_pdf
from reports.selectors import month_label, month_start, packet_inputs_for_month
from riskcabinet.links import site_link
from riskcabinet.mail import mail_once
from riskcabinet.models import MailDelivery
from riskcabinet.queueing import task_queue_on_commit
from riskcabinet.roles import Role, users_to_email
from riskcabinet.services import department_scores_compute

logger = logging.getLogger(__name__)

# Set only in tests of a worker killed mid-build: seconds to pause while the packet is building.
BUILD_DELAY_ENV = "RISKCABINET_PACKET_BUILD_DELAY"
ERROR_LIMIT = 2000
NOT_QUEUED_ERROR = (
    "The task queue could not be reached, so the build did not start. Try again in a few minutes."
)


def packet_file_name(month: date) -> str:
    return f"packets/briefing-{month:%Y-%m}.pdf"


def _packet_locked(month: date) -> BriefingPacket:
    """The month's packet row, created if missing, locked until the transaction ends."""
    try:
        with transaction.atomic():
            BriefingPacket.objects.get_or_create(month=month)
    except IntegrityError:
        # Another build created the row between our look and our insert; it exists now.
        pass
    return BriefingPacket.objects.select_for_update().get(month=month)


def _progress(packet_id: int, percent: int, label: str) -> None:
    # A plain update outside any lock, so that the page polling for progress sees it at once.
    BriefingPacket.objects.filter(pk=packet_id).update(progress=percent, progress_label=label)


def packet_queue(*, month: date, requested_by=None) -> BriefingPacket:
    """Mark the month's packet as queued and queue its build once the transaction commits."""
    from reports.tasks import packet_build_task

    month = month_start(month)
    with transaction.atomic():
        packet = _packet_locked(month)
        if packet.status != PacketStatus.BUILDING:
            packet.status = PacketStatus.QUEUED
            packet.progress = 0
            packet.progress_label = "Waiting for a worker"
            packet.error = ""
        if requested_by is not None:
            packet.requested_by = requested_by
        packet.save()
        packet_id = packet.pk
        task_queue_on_commit(
            packet_build_task,
            month.isoformat(),
            fallback=lambda: _packet_not_queued(packet_id=packet_id),
        )
    return packet


def _packet_not_queued(*, packet_id: int) -> None:
    """The task queue could not take the build: say so on the packet, which would otherwise
    wait as "queued" for a worker that will never be told."""
    with transaction.atomic():
        packet = BriefingPacket.objects.select_for_update().get(pk=packet_id)
        if packet.status != PacketStatus.QUEUED:
            return
        packet.status = PacketStatus.FAILED
        packet.progress_label = "Failed"
        packet.error = NOT_QUEUED_ERROR
        packet.save(update_fields=["status", "progress_label", "error"])


def packet_build(*, month: date, requested_by=None) -> BriefingPacket:
    """Build the month's packet, store its PDF and publish it; record a failure on the packet.

    The row is locked twice, briefly: to mark it building, and to publish. The slow part (reading
    the database, scoring, laying out the PDF) runs between the two without a lock, so the list
    page can show progress meanwhile.
    """
    month = month_start(month)
    with transaction.atomic():
        packet = _packet_locked(month)
        packet.status = PacketStatus.BUILDING
        packet.attempts += 1
        packet.progress = 5
        packet.progress_label = "Starting"
        packet.error = ""
        if requested_by is not None:
            packet.requested_by = requested_by
        packet.save()
    packet_id = packet.pk

    try:
        _progress(packet_id, 15, "Reading cases, hours and scores")
        data, scoring = packet_inputs_for_month(month=month)
        # The month's ranking is kept as the packet read it, so the dashboard shows the same
        # when the packet comes out. The nightly run ranks last month again afterwards, so late
        # reports and corrections reach the dashboard; the packet stays as it was printed.
        department_scores_compute(month=month, result=scoring)
        _progress(packet_id, 55, "Laying out the PDF")
        delay = os.environ.get(BUILD_DELAY_ENV)
        if delay:
            time.sleep(float(delay))
        pdf = build_packet_pdf(data)
        _progress(packet_id, 85, "Checking the file")
        digest = hashlib.sha256(pdf).hexdigest()
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        return _packet_publish(packet_id=packet_id, pdf=pdf, digest=digest, pages=pages)
    except Exception as error:
        _packet_fail(packet_id=packet_id, error=error)
        raise


def _packet_publish(*, packet_id: int, pdf: bytes, digest: str, pages: int) -> BriefingPacket:
    with transaction.atomic():
        packet = BriefingPacket.objects.select_for_update().get(pk=packet_id)
        name = packet_file_name(packet.month)
        same_content = (
            packet.sha256 == digest and packet.file.name == name and default_storage.exists(name)
        )
        if not same_content:
            # One file per month, under a name people can recognise. The new file is written
            # before the published one is removed (under another name if that one holds it): a
            # write that fails (a full disk) leaves the published packet downloadable.
            previous = packet.file.name
            if default_storage.exists(name) and name != previous:
                default_storage.delete(name)  # Left by an earlier build; nothing points at it.
            saved = default_storage.save(name, ContentFile(pdf))
            if previous and previous != saved:
                transaction.on_commit(lambda: default_storage.delete(previous))
            packet.file.name = saved
            packet.sha256 = digest
            packet.size = len(pdf)
            packet.page_count = pages
            packet.generated_at = timezone.now()
        packet.status = PacketStatus.PUBLISHED
        packet.progress = 100
        packet.progress_label = "Published"
        packet.error = ""
        packet.save()
    logger.info(
        "Briefing packet %s %s (%s bytes, %s pages)",
        month_label(packet.month),
        "unchanged" if same_content else "published",
        packet.size,
        packet.page_count,
    )
    return packet


def _packet_fail(*, packet_id: int, error: BaseException) -> None:
    text = f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
    logger.exception("Briefing packet build failed: %s", text)
    with transaction.atomic():
        packet = BriefingPacket.objects.select_for_update().get(pk=packet_id)
        # A failure never unpublishes a packet another build has just published.
        if packet.status == PacketStatus.PUBLISHED:
            return
        packet.status = PacketStatus.FAILED
        packet.progress_label = "Failed"
        packet.error = text
        packet.save(update_fields=["status", "progress_label", "error"])


def packet_readers():
    """Everyone the packet is for: active cabinet members and risk managers with an email."""
    return users_to_email(Role.CABINET_MEMBER, Role.RISK_MANAGER)


def packet_notify(*, month: date) -> int:
    """Email every reader a link to the published packet, once each; returns how many were sent.

    The email holds a link to the packet's page, never the file: the page checks who is asking.
    Each reader is told through ``mail_once``: a reader whose email was refused (the mail server
    down), or was on its way when a worker was lost, is told by the hourly try; one told already
    is never told again, and a cabinet member added since the packet came out is told too. A
    packet announced before the deliveries were recorded (``notified_at`` and no delivery) is
    left alone.
    """
    month = month_start(month)
    packet = BriefingPacket.objects.filter(month=month, status=PacketStatus.PUBLISHED).first()
    if packet is None:
        return 0
    topic = f"packet:{month:%Y-%m}"
    if packet.notified_at and not MailDelivery.objects.filter(topic=topic).exists():
        # Announced before the deliveries were recorded (riskcabinet 0008): nobody is known to
        # be untold, and everyone would be told twice.
        return 0
    link = site_link("reports:packet-detail", month=month_label(month))
    title = f"{month:%B %Y}"
    subject = f"Briefing packet for {title} is ready"
    body = (
        f"The Risk Reduction Cabinet's briefing packet for {title} is ready "
        f"({packet.page_count} pages).\n\n"
        f"Read it here (sign in first): {link}\n\n"
        "The packet holds aggregate figures only; please do not forward the file "
        "outside the cabinet."
    )
    sent = 0
    for user in packet_readers():
        sent += bool(
            mail_once(
                to=user.email,
                topics=[topic],
                compose=lambda _topics: (subject, body),
                from_email=settings.DEFAULT_FROM_EMAIL,
            )
        )
    if sent:
        BriefingPacket.objects.filter(pk=packet.pk, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
    return sent
