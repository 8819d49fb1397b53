from django.urls import path

from . import manual, views

app_name = "engine"
urlpatterns = [
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("board/", views.board, name="board"),
    path(
        "persons/<uuid:person_pk>/deadlines/new/",
        manual.manual_deadline_new,
        name="manual-deadline-new",
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox-read"),
    path("inbox/preferences/", views.alert_preferences, name="alert-preferences"),
    path("calendar/tokens/", views.calendar_token_create, name="calendar-token-create"),
    path(
        "calendar/tokens/<uuid:pk>/revoke/",
        views.calendar_token_revoke,
        name="calendar-token-revoke",
    ),
    # Public by design (token-authenticated): listed in accounts/public_routes.py.
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
