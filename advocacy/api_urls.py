from rest_framework.routers import DefaultRouter

from . import api_views

router = DefaultRouter()
router.register("authorities", api_views.AuthorityViewSet, basename="authority")
router.register("urgent-actions", api_views.UrgentActionViewSet, basename="urgentaction")
router.register("letters", api_views.LetterViewSet, basename="letter")
router.register("batches", api_views.LetterBatchViewSet, basename="letterbatch")

app_name = "advocacy_api"
urlpatterns = router.urls
