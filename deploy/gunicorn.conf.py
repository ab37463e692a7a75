"""gunicorn settings for a dangbo app node (docs/operations.md).

    gunicorn -c deploy/gunicorn.conf.py dangbo.wsgi:application

Environment: DANGBO_BIND (default 127.0.0.1:8000), DANGBO_WORKERS (default 2 × cores + 1),
PROMETHEUS_MULTIPROC_DIR (an empty folder per node, emptied before start: /metrics then adds
up every worker's requests).
"""

import multiprocessing
import os

bind = os.environ.get("DANGBO_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DANGBO_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("DANGBO_THREADS", 1))
timeout = int(os.environ.get("DANGBO_REQUEST_TIMEOUT", 60))
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then (memory held by big exports)
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("DANGBO_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The application (and dangbo.core.warmup: every view, the Word-chart libraries) is loaded
# once in the master; workers fork from it warm and share those pages of memory.
preload_app = True
accesslog = "-"
# "remote" is the TCP peer (the proxy, behind one); "forwarded_for" the raw X-Forwarded-For,
# unchecked. The address the application trusts (DANGBO_TRUSTED_PROXIES) is in its audit log.
access_log_format = (
    '{"time":"%(t)s","remote":"%(h)s","forwarded_for":"%({x-forwarded-for}i)s",'
    '"method":"%(m)s","path":"%(U)s","status":%(s)s,"bytes":%(B)s,"ms":%(M)s,"agent":"%(a)s"}'
)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
