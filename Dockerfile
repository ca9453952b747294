# syntax=docker/dockerfile:1
# One image for web (gunicorn), worker and beat; docker-compose.yml picks the command.

# The site's npm packages (package.json "dependencies": the QR reader the camera pages
# serve), from the registry by the lock; the tests' packages stay out of the image.
FROM node:22-slim AS npm
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund


FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app

# Dependencies in their own layer, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

COPY . .
# collectstatic takes the QR reader from here (STATICFILES_DIRS, config/settings/core.py).
COPY --from=npm /app/node_modules ./node_modules
# Editable, so that settings' BASE_DIR (templates, locale, static) is /app whoever imports it.
RUN pip install --no-deps -e . \
    && if [ -d locale ]; then python manage.py compilemessages; fi \
    && SECRET_KEY=throwaway-build-only-value DEBUG=0 python manage.py collectstatic --noinput -v 0


FROM python:3.11-slim
# gunicorn's layout (processes, threads) and hooks are in /app/gunicorn.conf.py, which it
# reads by itself from the working directory.
# DEBUG off unless a container says otherwise: then SECRET_KEY and a ticket signing key
# must be given at run time, or nothing starts (config/settings/core.py).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.base \
    DEBUG=0 \
    PROMETHEUS_MULTIPROC_DIR=/app/var/metrics
RUN useradd --system --create-home --uid 10001 expo
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# Uploaded exhibitor logos and the collected static files live in volumes mounted here
# (docker-compose.yml); the migrate service refreshes the static ones at each deploy.
# Every process's metrics samples go to var/metrics (PROMETHEUS_MULTIPROC_DIR above), a
# volume web and worker share. The code stays read-only.
RUN mkdir -p /app/var/media /app/var/static /app/var/metrics \
    && chown -R expo:expo /app/var/media /app/var/static /app/var/metrics
USER expo

EXPOSE 8000
# Clears this container's metrics files from a previous run, then runs the command.
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
# Django refuses unknown Host headers, so the probe presents the first ALLOWED_HOSTS entry.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h if h not in ('', '*') else 'localhost'}), timeout=4)"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--max-requests", "2000", "--max-requests-jitter", "200"]
