# The Horgos application image: the web server, the Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=horgos.settings.base

# gettext for compilemessages; Pango and HarfBuzz for WeasyPrint (PDF declarations); fonts-noto-cjk for Chinese and
# fonts-noto-core for Latin and Cyrillic (Kazakh letters too) in generated documents.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext fonts-noto-cjk fonts-noto-core \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# No secret goes into a layer: the production settings load without any, and only the web process and the workers
# need them (they refuse to start without them: horgos/secrets.py).
RUN DEBUG=false python manage.py collectstatic --no-input \
    && DEBUG=false python manage.py compilemessages --ignore ".venv/*" \
    && useradd --system --uid 1000 --home-dir /app horgos \
    && mkdir -p /app/var/media /app/var/private \
    && chown -R horgos:horgos /app/var \
    && chmod 700 /app/var/private

USER horgos
EXPOSE 8000
CMD ["gunicorn", "horgos.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--no-control-socket", "--logger-class", "horgos.log_masking.GunicornLogger"]
