-- asof: now() is the evaluation date, midnight UTC of current_date (the
-- transaction's start date in the session's time zone), as `policyc
-- check` takes today's date; so the functions that evaluate are STABLE
-- and a statement sees one date. The expected output holds no date:
-- every result is compared with current_date (as text in ISO form,
-- whatever DateStyle says).
\set today 'to_char(current_date, ''YYYY-MM-DD'')'

-- One value of now() for a whole statement (1.0 read the clock per call:
-- 1,000 rows gave 1,000 values).
SELECT count(DISTINCT pol_eval('now()', jsonb_build_object('i', i))) AS nows
FROM generate_series(1, 1000) AS i;
SELECT pol_eval('now()') = to_jsonb(:today || 'T00:00:00Z') AS midnight;

-- In rules, and in the report's stamp.
CREATE TABLE today (p bytea);
INSERT INTO today SELECT pol_compile($$
must today: now() == timestamp(day)
must fresh: timestamp(doc_date) + duration("8760h") >= now()
$$, 'today.pol');
SELECT r.rule, r.verdict
FROM today, pol_verdicts(p, jsonb_build_object(
  'day', :today || 'T00:00:00Z',
  'doc_date', to_char(current_date - 366, 'YYYY-MM-DD') || 'T00:00:00Z')) AS r;
SELECT pol_compliant(p, jsonb_build_object(
  'day', :today || 'T00:00:00Z',
  'doc_date', to_char(current_date - 30, 'YYYY-MM-DD') || 'T00:00:00Z')) AS compliant
FROM today;
SELECT pol_check(p, '{}')->'stamp'->'as_of' = to_jsonb(:today)
  AS stamp_as_of
FROM today;

-- The date is current_date's, so it follows the time zone as
-- current_date does (UTC+14 and UTC-11 are never on the same date).
BEGIN;
SET LOCAL TimeZone = 'Pacific/Kiritimati';
SELECT pol_eval('now()') = to_jsonb(:today || 'T00:00:00Z') AS east;
SELECT pol_eval('now()') AS east_now \gset
SET LOCAL TimeZone = 'Pacific/Pago_Pago';
SELECT pol_eval('now()') = to_jsonb(:today || 'T00:00:00Z') AS west;
SELECT pol_eval('now()') <> :'east_now' AS dates_differ;
COMMIT;

-- A date-dependent result must not be folded into a plan or an index:
-- STABLE, like current_date; pol_compile evaluates nothing.
SELECT p.proname, p.provolatile FROM pg_proc p
WHERE p.proname LIKE 'pol\_%' ORDER BY 1;
CREATE TABLE idx (facts jsonb);
CREATE INDEX ON idx ((pol_eval('now()', facts)));

-- ALTER EXTENSION policyc UPDATE brings a 1.0 install there.
SELECT current_database() AS regress_db \gset
CREATE DATABASE policyc_upgrade;
\c policyc_upgrade
CREATE EXTENSION policyc VERSION '1.0';
SELECT proname, provolatile FROM pg_proc WHERE proname LIKE 'pol\_%'
ORDER BY 1;
ALTER EXTENSION policyc UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'policyc';
SELECT proname, provolatile FROM pg_proc WHERE proname LIKE 'pol\_%'
ORDER BY 1;
\c :regress_db
DROP DATABASE policyc_upgrade;
DROP TABLE today, idx;
