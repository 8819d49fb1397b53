from django.urls import path

from . import api

app_name = "engine-api"
urlpatterns = [
    path("deadlines/", api.DeadlineList.as_view(), name="deadlines"),
    path("deadlines/<uuid:pk>/waive/", api.DeadlineWaive.as_view(), name="deadline-waive"),
    path("calendar-tokens/", api.CalendarTokenCreate.as_view(), name="calendar-token-create"),
    path(
        "calendar-tokens/<uuid:pk>/revoke/",
        api.CalendarTokenRevoke.as_view(),
        name="calendar-token-revoke",
    ),
    path("board/", api.BoardView.as_view(), name="board"),
    path("alerts/", api.AlertList.as_view(), name="alerts"),
    path("alerts/unread-count/", api.AlertUnreadCount.as_view(), name="alerts-unread-count"),
    path("alerts/read/", api.AlertMarkRead.as_view(), name="alerts-read"),
    path("alert-preferences/", api.AlertPreferenceView.as_view(), name="alert-preferences"),
]
