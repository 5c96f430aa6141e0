import gc
import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from peerwell.core.database import hold_sqlite_open

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerwell.settings")

application = get_asgi_application()
# Lives as long as the process: see hold_sqlite_open.
SQLITE_HOLD = hold_sqlite_open(settings.DATABASES["default"])

# Everything loaded so far (Django, the apps, their modules) lives as long as the process:
# kept out of the collector's generations, a collection during a request has far fewer
# objects to walk, which took milliseconds off the slowest requests in `make bench`.
gc.collect()
gc.freeze()
