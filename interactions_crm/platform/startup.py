"""What a web process does once its application is loaded (wsgi.py, asgi.py).

Everything a process builds at startup — settings, models, the URLconf with
its views, serializers and forms, translations — lives as long as the
process. Python's cyclic garbage collector still walks all of it on every
full pass: ~120,000 objects here, ~10 ms a pass on the 2-core benchmark
machine, paid by whichever request happens to cross the collector's
threshold (measured: the API timeline paid 1.6 ms a request on average in
the benchmark's rounds, its neighbours 0.1 ms). :func:`settle` loads the
URLconf (Django would on the first request) and moves what exists then into
the collector's permanent generation (``gc.freeze()``), which its passes
skip. Objects made by requests are collected as before.
"""

import gc

from django.urls import get_resolver


def settle() -> None:
    """Load the URLconf and freeze what startup made (see the module)."""
    get_resolver().url_patterns  # noqa: B018 - imports the views
    gc.freeze()
