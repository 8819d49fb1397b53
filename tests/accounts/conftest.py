import copy
import uuid

import pytest


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """Each test gets its own cache namespace (same backend: Redis when REDIS_URL is set),
    so throttle counters and used TOTP codes of one test or run never leak into another."""
    caches = copy.deepcopy(settings.CACHES)
    for alias in caches.values():
        alias["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches
