-- What the application's own database role may do (README 「本番のデータベース権限」).
-- Run as the owner of the tables (the role that runs `migrate` and `access_log_purge`),
-- after every `migrate`:   psql "$OWNER_DATABASE_URL" -f docker/postgres/app-grants.sql
-- The role itself is made once:   CREATE ROLE liaison_app LOGIN PASSWORD '…';

GRANT USAGE ON SCHEMA public TO liaison_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO liaison_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO liaison_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO liaison_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO liaison_app;

-- The access log is append-only for the application: it may read and add, never change
-- or remove (the triggers refuse that too; this holds even if they were dropped).
REVOKE UPDATE, DELETE, TRUNCATE ON accounts_accessevent FROM liaison_app;
