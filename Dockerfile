# Haven's image: one image for the web server (gunicorn), the Celery worker and Celery beat.
# docker-compose.yml runs it; the commands differ, the code and settings are the same.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    HAVEN_VAR_DIR=/var/lib/haven

# WeasyPrint renders letters to PDF through Pango and HarfBuzz; gettext compiles translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies before the code, so that a code change does not reinstall them. Installed from
# pyproject.toml's list, as haven.py does: the project itself is not a package.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY . .

# Static files and translations are built into the image. The keys only let the production
# settings load here; the real ones come from the environment at run time.
RUN export DJANGO_SECRET_KEY=build-only-not-a-secret-the-real-key-comes-from-the-environment \
 && export HAVEN_DOCUMENTS_KEY=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtbm90LXVzZWQ= \
 && python manage.py collectstatic --noinput \
 && if find locale -name '*.po' | grep -q .; then python manage.py compilemessages; fi

# Not root. The volumes mounted on /var/lib/haven start with this ownership.
RUN useradd --system --uid 1000 --home-dir /app haven \
 && mkdir -p /var/lib/haven/media /var/lib/haven/documents /var/lib/haven/beat \
 && chown -R haven /var/lib/haven
USER haven

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
