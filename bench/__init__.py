"""`make bench`: generated data on PostgreSQL, pages timed in-process next to raw SQL.

Entry point `python -m bench.run`; data in bench.generate; one module of measures per issue
in bench.measures; README.md says what is measured and how to read it.
"""
