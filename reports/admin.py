from django.contrib import admin

from reports.models import BriefingPacket


@admin.register(BriefingPacket)
class BriefingPacketAdmin(admin.ModelAdmin):
    list_display = ["month", "status", "generated_at", "size", "sha256"]
    list_filter = ["status"]
    readonly_fields = ["sha256", "size", "page_count", "generated_at", "error", "attempts"]
