"""Tamper evidence of the access log (accounts.audit.chain).

PostgreSQL: a BEFORE INSERT trigger puts each event on a hash chain under the chain
head's row lock; UPDATE is always refused, DELETE and TRUNCATE unless the transaction set
accounts.access_log_purge (retention's path, accounts.audit.chain.purge_allowed).
SQLite: UPDATE and DELETE are refused by triggers; accounts.audit.chain.append chains.
"""

from django.db import migrations

CHAINS = 16  # accounts.audit.chain.ACCESS_CHAINS

PG_INSTALL = """
CREATE OR REPLACE FUNCTION accounts_ae_field(v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT length(coalesce(v, ''))::text || ':' || coalesce(v, '') $$;

-- The content of an event as one unambiguous string; accounts.audit.chain.canonical agrees.
CREATE OR REPLACE FUNCTION accounts_ae_canonical(e accounts_accessevent) RETURNS text
LANGUAGE sql STABLE AS $$
SELECT accounts_ae_field(e.chain::text) || accounts_ae_field(e.seq::text)
    || accounts_ae_field(((extract(epoch FROM e.occurred_at) * 1000000)::bigint)::text)
    || accounts_ae_field(e.user_id::text) || accounts_ae_field(e.username)
    || accounts_ae_field(e.role) || accounts_ae_field(e.station_id::text)
    || accounts_ae_field(e.action) || accounts_ae_field(e.object_type)
    || accounts_ae_field(e.object_id) || accounts_ae_field(e.outcome)
    || accounts_ae_field(e.summary) || accounts_ae_field(host(e.client_ip))
    || accounts_ae_field(e.request_id)
    || accounts_ae_field(CASE WHEN e.out_of_scope THEN 't' ELSE 'f' END)
    || accounts_ae_field(CASE WHEN e.break_glass THEN 't' ELSE 'f' END)
    || accounts_ae_field(e.record_count::text)
$$;

-- One transaction keeps to one chain (its id modulo 16), so it never holds two head
-- locks; concurrent transactions have consecutive ids and spread over the chains.
CREATE OR REPLACE FUNCTION accounts_ae_append() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    head accounts_accesschainhead%ROWTYPE;
BEGIN
    NEW.chain := (txid_current() % 16)::smallint;
    SELECT * INTO head FROM accounts_accesschainhead WHERE chain = NEW.chain FOR UPDATE;
    IF NOT FOUND THEN
        -- After a flush (tests, bench) the heads are gone: start again from the log itself.
        INSERT INTO accounts_accesschainhead (chain, seq, hash)
        SELECT NEW.chain, coalesce(max(e.seq), 0), coalesce(
            (SELECT l.hash FROM accounts_accessevent l
             WHERE l.chain = NEW.chain ORDER BY l.seq DESC LIMIT 1), '')
        FROM accounts_accessevent e WHERE e.chain = NEW.chain
        ON CONFLICT (chain) DO NOTHING;
        SELECT * INTO head FROM accounts_accesschainhead WHERE chain = NEW.chain FOR UPDATE;
    END IF;
    NEW.seq := head.seq + 1;
    NEW.prev_hash := head.hash;
    NEW.hash := encode(sha256(convert_to(NEW.prev_hash || accounts_ae_canonical(NEW), 'UTF8')), 'hex');
    UPDATE accounts_accesschainhead SET seq = NEW.seq, hash = NEW.hash WHERE chain = NEW.chain;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION accounts_ae_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
            AND coalesce(current_setting('accounts.access_log_purge', true), '') = 'on' THEN
        IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '閲覧記録は追記のみです（%は拒否されました）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER accounts_ae_append BEFORE INSERT ON accounts_accessevent
    FOR EACH ROW EXECUTE FUNCTION accounts_ae_append();
CREATE TRIGGER accounts_ae_no_update BEFORE UPDATE ON accounts_accessevent
    FOR EACH ROW EXECUTE FUNCTION accounts_ae_refuse();
CREATE TRIGGER accounts_ae_no_delete BEFORE DELETE ON accounts_accessevent
    FOR EACH ROW EXECUTE FUNCTION accounts_ae_refuse();
CREATE TRIGGER accounts_ae_no_truncate BEFORE TRUNCATE ON accounts_accessevent
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_ae_refuse();
"""

PG_REMOVE = """
DROP TRIGGER IF EXISTS accounts_ae_no_truncate ON accounts_accessevent;
DROP TRIGGER IF EXISTS accounts_ae_no_delete ON accounts_accessevent;
DROP TRIGGER IF EXISTS accounts_ae_no_update ON accounts_accessevent;
DROP TRIGGER IF EXISTS accounts_ae_append ON accounts_accessevent;
DROP FUNCTION IF EXISTS accounts_ae_refuse();
DROP FUNCTION IF EXISTS accounts_ae_append();
DROP FUNCTION IF EXISTS accounts_ae_canonical(accounts_accessevent);
DROP FUNCTION IF EXISTS accounts_ae_field(text);
"""


def install(apps, schema_editor):
    from accounts.audit.chain import SQLITE_NO_DELETE, SQLITE_NO_UPDATE

    AccessChainHead = apps.get_model("accounts", "AccessChainHead")
    AccessEvent = apps.get_model("accounts", "AccessEvent")
    last = AccessEvent.objects.filter(chain=0).order_by("-seq").values_list("seq", "hash").first()
    for chain in range(CHAINS):
        seq, hash_ = last if (chain == 0 and last) else (0, "")
        AccessChainHead.objects.update_or_create(chain=chain, defaults={"seq": seq, "hash": hash_})
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_INSTALL, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_UPDATE)
        schema_editor.execute(SQLITE_NO_DELETE)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REMOVE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_ae_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_ae_no_delete")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit")]

    operations = [migrations.RunPython(install, remove)]
