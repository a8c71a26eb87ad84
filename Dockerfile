# The one image for web (gunicorn), worker and beat (celery); see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, from pyproject.toml alone (it declares no package of its own), so
# that changing the code does not reinstall them. Every wheel is binary: no compiler.
COPY pyproject.toml ./
RUN pip install .

RUN groupadd --system --gid 10001 liaison \
    && useradd --system --uid 10001 --gid liaison --create-home --home-dir /home/liaison liaison

# The code stays owned by root: the service user can read it, not change it.
COPY . .

ENV DJANGO_SETTINGS_MODULE=config.settings.production

# Static files are collected into the image and served by WhiteNoise. The production
# settings refuse to start without these variables; the values below exist only for this
# one command and are not kept in the image.
RUN SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://build.invalid:6379/0 \
    EMAIL_URL=consolemail:// \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

USER liaison

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "docker/healthcheck.py"]

CMD ["sh", "docker/start-web.sh"]
