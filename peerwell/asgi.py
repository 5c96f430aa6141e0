import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerwell.settings")

application = get_asgi_application()

# Everything loaded so far (Django, the apps, their modules) lives as long as the process:
# kept out of the collector's generations, a collection during a request has far fewer
# objects to walk, which took milliseconds off the slowest requests in `make bench`.
gc.collect()
gc.freeze()
