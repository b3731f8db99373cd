# syntax=docker/dockerfile:1
# Newsroom's images, from one file:
#   docker build -t newsroom .                      the app (gunicorn; also the worker and beat)
#   docker build --target proxy -t newsroom-proxy .  nginx with the site's config and static files
# compose.yaml builds and runs both. README › Running in production › Containers.

# --- build: the dependencies in a virtualenv, and the static files collected -------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt
WORKDIR /srv/newsroom/app
COPY . .
# Settings refuse to start without a real key when DEBUG is off; this one exists only for the build.
RUN DEBUG=0 STATIC_ROOT=/srv/newsroom/staticfiles \
    SECRET_KEY="$(/opt/venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    /opt/venv/bin/python manage.py collectstatic --no-input --verbosity 0

# --- proxy: Debian's nginx with Brotli, the config of deploy/nginx, the static files ------------
FROM debian:bookworm-slim AS proxy
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
 && ln -sf /dev/stdout /var/log/nginx/newsroom.access.log && ln -sf /dev/stderr /var/log/nginx/error.log
COPY deploy/nginx/newsroom.conf /etc/nginx/sites-enabled/newsroom.conf
COPY --from=build /srv/newsroom/staticfiles /srv/newsroom/staticfiles
EXPOSE 80 443
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]

# --- app (the default target): gunicorn, Celery worker or beat, as a user that owns nothing -----
FROM python:3.11-slim-bookworm AS app
# The group nginx runs as (www-data), so that it can reach gunicorn's socket and read media.
RUN useradd --system --uid 10001 --gid www-data --home-dir /srv/newsroom --no-create-home newsroom \
 && mkdir -p /srv/newsroom/media /run/newsroom \
 && chown newsroom:www-data /srv/newsroom/media /run/newsroom
COPY --from=build /opt/venv /opt/venv
COPY --from=build /srv/newsroom/app /srv/newsroom/app
COPY --from=build /srv/newsroom/staticfiles /srv/newsroom/staticfiles
WORKDIR /srv/newsroom/app
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    STATIC_ROOT=/srv/newsroom/staticfiles MEDIA_ROOT=/srv/newsroom/media
USER newsroom
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s \
  CMD ["python", "deploy/healthcheck.py"]
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "newsroom.wsgi"]
