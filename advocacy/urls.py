from django.urls import path

from . import views

app_name = "advocacy"
urlpatterns = [
    path("urgent-actions/", views.ua_list, name="list"),
    path("urgent-actions/draft/", views.ua_draft, name="draft"),
    path("urgent-actions/draft/search/", views.ua_draft_search, name="draft-search"),
    path("urgent-actions/<uuid:pk>/", views.ua_detail, name="detail"),
    path("urgent-actions/<uuid:pk>/preview/", views.ua_preview, name="preview"),
    path("urgent-actions/<uuid:pk>/submit/", views.ua_submit, name="submit"),
    path("urgent-actions/<uuid:pk>/send-back/", views.ua_send_back, name="send-back"),
    path("urgent-actions/<uuid:pk>/issue/", views.ua_issue, name="issue"),
    path(
        "urgent-actions/<uuid:pk>/consent/confirm/",
        views.ua_consent_confirm,
        name="consent-confirm",
    ),
    path("urgent-actions/<uuid:pk>/update/", views.ua_update, name="update"),
    path("urgent-actions/<uuid:pk>/close/", views.ua_close, name="close"),
    path("urgent-actions/<uuid:pk>/letters/", views.letters_page, name="letters"),
    path("urgent-actions/<uuid:pk>/letters/generate/", views.generate, name="generate"),
    path(
        "urgent-actions/<uuid:pk>/letters/approve-all/",
        views.letters_approve_all,
        name="letters-approve-all",
    ),
    path(
        "urgent-actions/<uuid:pk>/letters/send-all/",
        views.letters_send_all,
        name="letters-send-all",
    ),
    path("letters/<uuid:pk>/approve/", views.letter_approve, name="letter-approve"),
    path("letters/<uuid:pk>/send/", views.letter_send, name="letter-send"),
    path("letters/<uuid:pk>/answer/", views.letter_answer, name="letter-answer"),
    path("batches/<uuid:pk>/progress/", views.batch_progress, name="batch-progress"),
]
