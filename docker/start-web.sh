#!/bin/sh
# Web container: bring the schema up to date, then serve. With several web replicas,
# run migrations once beforehand instead (docker compose run --rm web python manage.py migrate).
set -eu
python manage.py migrate --noinput
exec gunicorn config.wsgi:application --config docker/gunicorn.conf.py
