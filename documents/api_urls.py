from rest_framework.routers import SimpleRouter

from .api import DocumentViewSet

app_name = "documents_api"
router = SimpleRouter()
router.register("documents", DocumentViewSet)
urlpatterns = router.urls
