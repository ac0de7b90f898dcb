"""Briefing packets: list, download, build now."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reports.models import BriefingPacket


@login_required
@permission_required("reports.read_packet", raise_exception=True)
def packet_list(request: HttpRequest) -> HttpResponse:
    packets = BriefingPacket.objects.all()[:36]
    return render(request, "reports/packet_list.html", {"packets": packets})
