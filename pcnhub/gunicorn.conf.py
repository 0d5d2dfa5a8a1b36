"""Gunicorn's settings for `make serve` and the container, from the environment: the address
(HOST:PORT), and processes and threads for the machine (GUNICORN_WORKERS, GUNICORN_THREADS)."""

from pcnhub.env import env_int, env_str

wsgi_app = "pcnhub.wsgi:application"
bind = f"{env_str('HOST', '127.0.0.1')}:{env_int('PORT', 8000)}"
workers = env_int("GUNICORN_WORKERS", 2)
threads = env_int("GUNICORN_THREADS", 4)
# Large national files upload and big PDFs render within one request.
timeout = env_int("GUNICORN_TIMEOUT", 120)
accesslog = "-"
