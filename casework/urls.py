from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("", views.home, name="home"),
    path("persons/", views.person_list, name="persons"),
    path("persons/search/", views.person_search, name="person-search"),
    path("persons/new/", views.person_new, name="person-new"),
    path("persons/<uuid:pk>/", views.person_detail, name="person"),
    path("persons/<uuid:pk>/edit/", views.person_edit, name="person-edit"),
    path("persons/<uuid:person_pk>/detentions/new/", views.detention_edit, name="detention-new"),
    path(
        "persons/<uuid:person_pk>/detentions/<uuid:pk>/",
        views.detention_edit,
        name="detention-edit",
    ),
    path(
        "persons/<uuid:person_pk>/detentions/<uuid:pk>/transfer/",
        views.detention_transfer,
        name="detention-transfer",
    ),
    path("persons/<uuid:person_pk>/return/", views.return_edit, name="return-edit"),
    path("persons/<uuid:pk>/welfare/", views.welfare_check_add, name="welfare-add"),
    path(
        "persons/<uuid:person_pk>/proceedings/<str:kind>/new/",
        views.proceeding_edit,
        name="proceeding-new",
    ),
    path(
        "persons/<uuid:person_pk>/proceedings/<str:kind>/<uuid:pk>/",
        views.proceeding_edit,
        name="proceeding-edit",
    ),
    path(
        "persons/<uuid:person_pk>/proceedings/interim/<uuid:pk>/reaffirm/",
        views.reaffirmation_add,
        name="reaffirmation-add",
    ),
    path("groups/", views.group_list, name="groups"),
    path("groups/log/", views.group_event_log, name="group-log"),
    path("groups/<uuid:pk>/", views.group_detail, name="group"),
    path("groups/<uuid:pk>/members/", views.group_member_add, name="group-member-add"),
]
