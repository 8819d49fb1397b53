from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.monitoring_page, name="page"),
    path("statistics.csv", views.export_csv, name="export-csv"),
    path("statistics.pdf", views.export_pdf, name="export-pdf"),
]
