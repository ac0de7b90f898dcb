"""Briefing packets: list, detail with build progress, download, build now."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from reports.models import BriefingPacket, PacketStatus
from reports.selectors import month_label, month_shift, packet_generated_on
from reports.services import packet_queue

# How many months back "Build now" offers, counting back from last month.
BUILD_CHOICE_MONTHS = 24
IN_PROGRESS = (PacketStatus.QUEUED, PacketStatus.BUILDING)


def _buildable_months() -> list[date]:
    """Complete months a risk manager may build, newest first (last month is the default)."""
    last_month = month_shift(timezone.localdate().replace(day=1), -1)
    return [month_shift(last_month, -step) for step in range(BUILD_CHOICE_MONTHS)]


def _packet_for(month: date) -> BriefingPacket:
    return get_object_or_404(BriefingPacket, month=month)


def _context(request: HttpRequest, **extra) -> dict:
    return {"can_build": request.user.has_perm("reports.build_packet"), **extra}


@require_GET
@login_required
@permission_required("reports.read_packet", raise_exception=True)
def packet_list(request: HttpRequest) -> HttpResponse:
    packets = list(BriefingPacket.objects.all()[:36])
    context = _context(
        request,
        packets=packets,
        months=_buildable_months(),
        refresh=any(packet.status in IN_PROGRESS for packet in packets),
    )
    return render(request, "reports/packet_list.html", context)


@require_GET
@login_required
@permission_required("reports.read_packet", raise_exception=True)
def packet_detail(request: HttpRequest, month: date) -> HttpResponse:
    packet = _packet_for(month)
    context = _context(
        request,
        packet=packet,
        refresh=packet.status in IN_PROGRESS,
        generated_on=packet_generated_on(packet.month),
    )
    if request.htmx:
        # The progress fragment polls this page; it stops polling once the build has ended.
        return render(request, "reports/packet_detail.html#status", context)
    return render(request, "reports/packet_detail.html", context)


@require_GET
@login_required
@permission_required("reports.read_packet", raise_exception=True)
def packet_download(request: HttpRequest, month: date) -> FileResponse:
    """The stored PDF, streamed to readers only: packets never sit in public media."""
    packet = _packet_for(month)
    # The file is set only when a build publishes it, and a later rebuild replaces it only when
    # it succeeds: while one runs, or after one failed, the last published packet is served.
    if not packet.file:
        raise Http404("This packet has not been published.")
    response = FileResponse(
        packet.file.open("rb"),
        content_type="application/pdf",
        filename=f"briefing-{month_label(month)}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
@permission_required("reports.build_packet", raise_exception=True)
def packet_build(request: HttpRequest) -> HttpResponse:
    choices = {month_label(month): month for month in _buildable_months()}
    month = choices.get(request.POST.get("month", ""))
    if month is None:
        messages.error(request, "Choose one of the months offered.")
        return redirect("reports:packet-list")
    packet = packet_queue(month=month, requested_by=request.user)
    # Without a broker (development), the build has already run by now.
    packet.refresh_from_db(fields=["status", "error"])
    if packet.status == PacketStatus.PUBLISHED:
        messages.success(request, f"The packet for {month:%B %Y} is built.")
    elif packet.status == PacketStatus.FAILED:
        messages.error(request, f"The packet for {month:%B %Y} failed. {packet.error}")
    else:
        messages.success(request, f"The packet for {month:%B %Y} is being built.")
    target = redirect("reports:packet-detail", month=month)
    if request.htmx:
        return HttpResponseClientRedirect(target.url)
    return target
