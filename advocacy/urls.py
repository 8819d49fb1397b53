from django.urls import path

from . import views

app_name = "advocacy"
urlpatterns = [
    path("urgent-actions/<uuid:pk>/letters/", views.letters_page, name="letters"),
    path("urgent-actions/<uuid:pk>/letters/generate/", views.generate, name="generate"),
    path("batches/<uuid:pk>/progress/", views.batch_progress, name="batch-progress"),
]
