"""gunicorn settings for searchapp, loaded as `-c python:searchapp.server.settings`.

`searchapp serve` passes them, and the repository's `gunicorn.conf.py` (which gunicorn reads
from the working directory) imports them, so `gunicorn wsgi:app` behaves the same.
Command-line flags still override any of them.
"""

from searchapp.config import Settings
from searchapp.server.limits import MAX_REQUEST_LINE

__all__ = ["bind", "workers", "worker_class", "timeout", "graceful_timeout",
           "limit_request_line", "limit_request_fields", "limit_request_field_size",
           "http_parser", "accesslog", "preload_app", "pre_fork", "post_fork", "post_request"]

bind = "127.0.0.1:8000"
workers = 2
# Sync workers: one request per process, so one slow request never delays another in the
# same worker; the app keeps every request within its time budget, far below `timeout`.
worker_class = "searchapp.server.worker.JsonErrorWorker"
timeout = max(30, int(Settings.from_env().request_budget * 10))
graceful_timeout = 10
# A q of 1,000 emoji is 12,000 bytes percent-encoded: gunicorn's default (4,094) and even
# its usual maximum (8,190) would answer such a valid query with a 414.
limit_request_line = MAX_REQUEST_LINE
limit_request_fields = 100
limit_request_field_size = 8190
http_parser = "python"  # the parser whose request-line limit the worker raises
accesslog = "-"
# The app and its libraries are imported once, in the master; each worker is a fork that
# only opens the index (its own whoosh files and mapped arrays) and follows it from a
# thread, which it must start itself: threads do not survive a fork.
preload_app = True


def pre_fork(server, worker):
    import gc

    gc.freeze()  # keep the collector from touching (and so copying) the master's objects


def post_fork(server, worker):
    from searchapp.api import warm_app

    warm_app(worker.app.wsgi())


def post_request(worker, req, environ, resp):
    from searchapp.children import release_freed_memory_now_and_then

    release_freed_memory_now_and_then()  # the answer is sent; hand its temporaries back
