from django.urls import path

from . import views

app_name = "engine"
urlpatterns = [
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("calendar/tokens/", views.calendar_token_create, name="calendar-token-create"),
    path(
        "calendar/tokens/<uuid:pk>/revoke/",
        views.calendar_token_revoke,
        name="calendar-token-revoke",
    ),
    # Public by design (token-authenticated): listed in accounts/public_routes.py.
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
