"""The SQL of the access-event load (bench/generate_audit.py runs it): the running
aggregate that chains hashes as the append trigger does (AGGREGATE), the statement that
makes, chains and inserts one day of events (DAY_SQL) and its rendering for the table's
columns in their order (day_sql, columns).
"""

from __future__ import annotations

from django.db import connection

from accounts.models import AccessEvent

CHAINS = 16  # accounts.audit.chain.ACCESS_CHAINS
TABLE = AccessEvent._meta.db_table


def columns() -> list[str]:
    """The table's columns in their order: the ROW(...) cast to accounts_accessevent that
    accounts_ae_canonical takes must list them so."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum",
            [TABLE],
        )
        return [row[0] for row in cursor.fetchall()]


AGGREGATE = """
CREATE OR REPLACE FUNCTION pg_temp.bench_ae_link(state text, start text, canon text)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN encode(sha256(convert_to(coalesce(state, start) || canon, 'UTF8')), 'hex');
END
$$;
DROP AGGREGATE IF EXISTS pg_temp.bench_ae_chain(text, text);
CREATE AGGREGATE pg_temp.bench_ae_chain(text, text) (SFUNC = pg_temp.bench_ae_link, STYPE = text);
"""

# One day of events. r0 fixes the random draws (MATERIALIZED: evaluated once per row), r
# derives the columns, h chains them, the INSERT puts them in in time order and returns
# each chain's last position and hash.
DAY_SQL = """
WITH r0 AS MATERIALIZED (
    SELECT n, random() AS u, random() AS a, random() AS k, random() AS t, random() AS s,
        replace(gen_random_uuid()::text, '-', '') AS request_id
    FROM generate_series(%(n0)s::bigint, %(n1)s::bigint) AS n
), p AS (
    SELECT r0.*, (%(pick)s::int[])[1 + floor(r0.u * %(picks)s)::int] AS who,
        (r0.n - %(n0)s + r0.t) / %(count)s * %(quantiles)s AS x
    FROM r0
), q AS (
    SELECT p.*,
        (%(lo)s::int[])[who] + floor(p.k * ((%(hi)s::int[])[who] - (%(lo)s::int[])[who] + 1))::int
            AS own,
        1 + floor(p.k * %(cards)s)::int AS any_card,
        %(day)s::timestamptz + make_interval(secs => (%(q)s::float8[])[1 + floor(p.x)::int]
            + (p.x - floor(p.x)) * ((%(q)s::float8[])[2 + floor(p.x)::int]
                                   - (%(q)s::float8[])[1 + floor(p.x)::int])) AS at
    FROM p
), r AS MATERIALIZED (
    SELECT q.n,
        NULL::bigint AS id,
        q.at AS occurred_at,
        CASE WHEN q.a < 0.002 THEN 'B9' || lpad((floor(q.s * 100000))::int::text, 5, '0')
             ELSE (%(usernames)s::text[])[q.who] END::varchar AS username,
        CASE WHEN q.a < 0.002 THEN '' ELSE (%(roles)s::text[])[q.who] END::varchar AS role,
        CASE WHEN q.a < 0.002 THEN 'login_failed'
             WHEN q.a < 0.003 THEN 'denied'
             WHEN q.a < 0.0032 THEN 'view'
             WHEN q.a < 0.50 THEN 'view'
             WHEN q.a < 0.64 THEN 'list'
             WHEN q.a < 0.74 THEN 'search'
             WHEN q.a < 0.80 THEN 'update'
             WHEN q.a < 0.86 THEN 'view'
             WHEN q.a < 0.88 THEN 'print'
             WHEN q.a < 0.885 THEN 'export'
             WHEN q.a < 0.95 THEN 'login'
             ELSE 'logout' END::varchar AS action,
        CASE WHEN q.a < 0.002 THEN ''
             WHEN q.a < 0.50 THEN %(card)s
             WHEN q.a < 0.64 THEN %(book)s
             WHEN q.a < 0.88 THEN %(card)s
             WHEN q.a < 0.885 THEN %(book)s
             ELSE '' END::varchar AS object_type,
        CASE WHEN q.a < 0.002 THEN ''
             WHEN q.a < 0.003 THEN ((%(ids)s::bigint[])[q.any_card])::text
             WHEN q.a < 0.50 THEN ((%(ids)s::bigint[])[q.own])::text
             WHEN q.a < 0.64 THEN ((%(books)s::bigint[])[q.own])::text
             WHEN q.a < 0.74 THEN ''
             WHEN q.a < 0.88 THEN ((%(ids)s::bigint[])[q.own])::text
             WHEN q.a < 0.885 THEN ((%(books)s::bigint[])[q.own])::text
             ELSE '' END::varchar AS object_id,
        CASE WHEN q.a < 0.002 THEN 'failure' WHEN q.a < 0.003 THEN 'denied'
             ELSE 'success' END::varchar AS outcome,
        CASE WHEN q.a < 0.002 THEN ''
             WHEN q.a < 0.003 THEN
                 '担当範囲外 GET /cards/' || (%(ids)s::bigint[])[q.any_card] || '/'
             WHEN q.a < 0.0032 THEN '緊急閲覧の開始（災害・事故等の緊急連絡）'
             WHEN q.a < 0.45 THEN 'カードの閲覧'
             WHEN q.a < 0.50 THEN 'カードの変更履歴の閲覧'
             WHEN q.a < 0.64 THEN '巡回連絡簿（50音順） '
                 || (%(sizes)s::int[])[q.own] || '件（1ページ目）'
             WHEN q.a < 0.74 THEN '氏名・電話番号で検索 '
                 || (1 + floor(q.s * 30))::int || '件（1ページ目）'
             WHEN q.a < 0.80 THEN '補正'
             WHEN q.a < 0.86 THEN '巡回連絡の記録の閲覧'
             WHEN q.a < 0.88 THEN 'カードの印刷'
             WHEN q.a < 0.885 THEN '巡回連絡簿をCSVで出力（' || (%(sizes)s::int[])[q.own] || '件）'
             ELSE '' END::varchar AS summary,
        CASE WHEN q.a < 0.002 THEN '10.20.99.' || (1 + floor(q.s * 200))::int
             ELSE (%(ips)s::text[])[q.who] END::inet AS client_ip,
        q.request_id::varchar AS request_id,
        q.a >= 0.002 AND q.a < 0.003 AS out_of_scope,
        q.a >= 0.003 AND q.a < 0.0032 AS break_glass,
        CASE WHEN q.a >= 0.002 THEN (%(users)s::bigint[])[q.who] END AS user_id,
        CASE WHEN q.a >= 0.002 THEN (%(stations)s::bigint[])[q.who] END AS station_id,
        (q.n %% {chains})::smallint AS chain,
        ''::varchar AS hash,
        ''::varchar AS prev_hash,
        CASE WHEN q.a >= 0.88 AND q.a < 0.885 THEN (%(sizes)s::int[])[q.own] END AS record_count,
        (%(base)s::bigint[])[1 + q.n %% {chains}] + q.n / {chains} + 1 AS seq
    FROM q
), h AS (
    SELECT r.*,
        pg_temp.bench_ae_chain((%(heads)s::text[])[1 + r.chain],
                               accounts_ae_canonical(ROW({row})::{table}))
            OVER (PARTITION BY r.chain ORDER BY r.seq ROWS UNBOUNDED PRECEDING) AS link
    FROM r
), ins AS (
    INSERT INTO {table} ({columns})
    SELECT {values}
    FROM (
        SELECT h.*, coalesce(lag(h.link) OVER (PARTITION BY h.chain ORDER BY h.seq),
                             (%(heads)s::text[])[1 + h.chain]) AS prev_link
        FROM h
    ) l
    ORDER BY l.n
    RETURNING chain, seq, hash
)
SELECT DISTINCT ON (chain) chain, seq, hash FROM ins ORDER BY chain, seq DESC
"""


def day_sql(columns: list[str]) -> str:
    inserted = [c for c in columns if c != "id"]
    values = []
    for c in inserted:
        if c == "hash":
            values.append("l.link")
        elif c == "prev_hash":
            values.append("l.prev_link")
        else:
            values.append(f"l.{c}")
    return DAY_SQL.format(
        chains=CHAINS,
        table=TABLE,
        row=", ".join(f"r.{c}" for c in columns),
        columns=", ".join(inserted),
        values=", ".join(values),
    )
