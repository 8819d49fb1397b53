from django.urls import path

from . import import_api as api
from . import import_views as views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("mappings/new/", views.mapping_new, name="mapping_new"),
    path("<uuid:pk>/", views.batch_detail, name="detail"),
    path("<uuid:pk>/progress/", views.batch_progress, name="progress"),
    path("<uuid:pk>/decide/", views.batch_decide, name="decide"),
    path("<uuid:pk>/commit/", views.batch_commit, name="commit"),
    path("<uuid:pk>/undo/", views.batch_undo, name="undo"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/refresh/", views.duplicates_refresh_view, name="duplicates_refresh"),
    path("duplicates/progress/", views.duplicates_progress, name="duplicates_progress"),
    path("merge/", views.merge, name="merge"),
    path("export/persons.csv", views.export_persons, name="export_persons"),
    path("api/mappings/", api.MappingList.as_view(), name="api_mappings"),
    path("api/batches/", api.BatchList.as_view(), name="api_batches"),
    path("api/batches/<uuid:pk>/", api.BatchDetail.as_view(), name="api_batch"),
    path(
        "api/batches/<uuid:pk>/decide/", api.BatchAction.as_view(action="decide"), name="api_decide"
    ),
    path(
        "api/batches/<uuid:pk>/commit/", api.BatchAction.as_view(action="commit"), name="api_commit"
    ),
    path("api/batches/<uuid:pk>/undo/", api.BatchAction.as_view(action="undo"), name="api_undo"),
    path("api/duplicates/", api.Duplicates.as_view(), name="api_duplicates"),
    path("api/duplicates/refresh/", api.DuplicatesRefresh.as_view(), name="api_duplicates_refresh"),
    path("api/merge/", api.Merge.as_view(), name="api_merge"),
]
