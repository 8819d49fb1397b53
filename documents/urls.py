from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("persons/<uuid:pk>/", views.person_documents, name="person"),
    path("facts/<str:kind>/<uuid:pk>/", views.fact_documents, name="fact"),
    path("<uuid:pk>/download/", views.download, name="download"),
    path("<uuid:pk>/delete/", views.delete, name="delete"),
]
