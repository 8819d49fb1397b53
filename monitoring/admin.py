from django.contrib import admin

from .models import StatisticsSettings


@admin.register(StatisticsSettings)
class StatisticsSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "suppression_threshold"]

    def has_add_permission(self, request) -> bool:
        return not StatisticsSettings.objects.exists() and super().has_add_permission(request)
