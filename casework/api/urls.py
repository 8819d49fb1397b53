"""The case record API at /api/. Ids in URLs are UUIDs: never a name or a case number."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "casework_api"

router = DefaultRouter()
router.register("persons", views.PersonViewSet)
router.register("person-names", views.PersonNameViewSet)
router.register("relationships", views.RelationshipViewSet)
router.register("groups", views.GroupViewSet)
router.register("group-memberships", views.GroupMembershipViewSet)
router.register("group-events", views.GroupEventViewSet)
router.register("facilities", views.FacilityViewSet)
router.register("detentions", views.DetentionViewSet)
router.register("welfare-checks", views.WelfareCheckViewSet)
router.register("extradition-requests", views.ExtraditionRequestViewSet)
router.register("asylum-claims", views.AsylumClaimViewSet)
router.register("removal-orders", views.RemovalOrderViewSet)
router.register("appeals", views.AppealViewSet)
router.register("hearings", views.HearingViewSet)
router.register("interim-measures", views.InterimMeasureViewSet)
router.register("reaffirmations", views.ReaffirmationViewSet)
router.register("returns", views.ReturnViewSet)
router.register("post-return-reports", views.PostReturnReportViewSet)

urlpatterns = router.urls
