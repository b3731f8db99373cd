"""gunicorn's settings for Newsroom in production: ``gunicorn -c deploy/gunicorn.conf.py newsroom.wsgi``.

From the environment, so one file serves every server and container:

- ``GUNICORN_BIND``: where to listen. A Unix socket (``unix:/run/newsroom/web-1.sock``) or loopback
  (``127.0.0.1:8000``, the default), never a public address: nginx in front is the only way in, so
  nobody can forge the ``X-Forwarded-For`` the login lockout trusts (``TRUSTED_PROXY_COUNT``).
- ``WEB_CONCURRENCY``: worker processes (default 2). Each keeps up to ``DATABASE_POOL_SIZE``
  connections to PostgreSQL: README › Running in production › Connection budget.

Every request is one line in the access log (stdout), with its time in milliseconds.
"""

import os

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
# gunicornc's control socket, one per server and named after it (gunicorn's default is one file
# shared by every server of the user, which stopping any of them deletes): web-1.sock → web-1.ctl.
if bind[0].startswith("unix:"):
    control_socket = bind[0].removeprefix("unix:").removesuffix(".sock") + ".ctl"
else:
    os.makedirs("run", exist_ok=True)
    control_socket = f"run/gunicorn-{bind[0].rsplit(':', 1)[-1]}.ctl"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Sockets and media files readable by the group nginx runs as (www-data), not by everyone.
umask = 0o007

# A request slower than this is a bug or an attack; its worker is replaced.
timeout = 30
# On SIGTERM or SIGHUP, requests under way get this long to finish (rolling deploys).
graceful_timeout = 25
keepalive = 5
# Workers are replaced now and then, staggered, so that no slow leak ever grows large.
max_requests = 5000
max_requests_jitter = 500
# Heartbeat files in memory: a container's overlay file system can stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = "-"
# The client as nginx saw it, and nginx's request id, which its own log line carries too.
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" id=%({x-request-id}i)s'
errorlog = "-"
