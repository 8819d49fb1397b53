from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("persons/<uuid:pk>/packs/", views.packs, name="packs"),
    path("persons/<uuid:pk>/summary/", views.summary, name="summary"),
    path("persons/<uuid:pk>/post-return/", views.post_return_report_edit, name="post-return-add"),
    path(
        "persons/<uuid:pk>/post-return/<uuid:report_pk>/",
        views.post_return_report_edit,
        name="post-return-edit",
    ),
    path("packs/<uuid:pk>/", views.pack_detail, name="pack"),
    path("packs/<uuid:pk>/progress/", views.pack_progress, name="pack-progress"),
    path("packs/<uuid:pk>/<str:which>/", views.pack_download, name="pack-download"),
    path("returns/", views.returns_index, name="returns-index"),
    path("returns/<str:country>/", views.returns_by_destination, name="returns"),
]
