"""Benchmarks of zerg-sql (`make bench`, `python -m bench`): not part of the test suite.

Sub-benchmarks (python -m bench NAME ...; no NAME runs them all): seed, queries (dashboards
and hot service queries against the legacy schema holding the same data), overhead (query
function vs raw psycopg), migrate (migrate-from-empty, database from template), ingest
(LLM audit batched inserts vs COPY), retention (prune), queue (bench/queue_bench.py).
Method and results: docs/benchmarks.md.
"""
