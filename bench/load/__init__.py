"""`make load`: the production server (gunicorn, production settings, PostgreSQL, Redis) on
127.0.0.1 over the bench station, driven by Locust with the station's own people.

Entry point `python -m bench.load` (runner.py); the simulated people in locustfile.py; one
phase of Locust in drive.py (a process of its own); the settings in settings.py.
"""
