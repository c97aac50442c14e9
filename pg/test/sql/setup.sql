-- setup: the extension, its functions' attributes, and the data the
-- later tests share: the example vendors and policies of the repository
-- (POLICYC_ROOT, set by run.sh).
CREATE EXTENSION policyc;
SELECT extname, extversion FROM pg_extension WHERE extname = 'policyc';

-- Every function is STRICT and PARALLEL SAFE; pol_compile is IMMUTABLE,
-- the four that evaluate are STABLE (now() is current_date: asof.sql).
SELECT p.oid::regprocedure AS function, provolatile AS vol,
       proisstrict AS strict, proparallel AS par, proretset AS set
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'policyc'
ORDER BY 1::text;

-- The GUCs and their defaults.
SELECT name, setting, unit, context FROM pg_settings
WHERE name LIKE 'pol.%' ORDER BY name;

-- Errors as "SQLSTATE: message", for tests of error cases whose output
-- would otherwise show only the message.
CREATE FUNCTION sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- The repository's files, read by the server (the tests run as a
-- superuser): byte for byte, final newlines included.
\getenv root POLICYC_ROOT
CREATE FUNCTION repo_file(path text) RETURNS text LANGUAGE sql AS
$$ SELECT pg_read_file(current_setting('policyc_test.root') || '/' || path) $$;
SELECT set_config('policyc_test.root', :'root', false) IS NOT NULL AS root;
DO $$ BEGIN
  EXECUTE format('ALTER DATABASE %I SET policyc_test.root = %L',
                 current_database(), current_setting('policyc_test.root'));
END $$;

CREATE TABLE vendors (id int PRIMARY KEY, file text, facts jsonb);
INSERT INTO vendors
SELECT row_number() OVER (ORDER BY f), f,
       repo_file('examples/vendors/' || f)::jsonb
FROM unnest(ARRAY['chatwork-secure-samba.json', 'crise-cloudbot.json',
                  'cybozu-china.json', 'rakus-chatdealer.json',
                  'synergy-crm.json']) AS f;
SELECT id, file, facts ? '$vendor' AS has_vendor FROM vendors ORDER BY id;

CREATE TABLE policies (name text PRIMARY KEY, source text, compiled bytea);
INSERT INTO policies
SELECT name, repo_file(path), pol_compile(repo_file(path), path)
FROM (VALUES ('procurement', 'examples/policies/procurement.pol'),
             ('minimal', 'examples/policies/minimal.pol')) AS t(name, path);
SELECT name, length(compiled) > 0 AS compiled FROM policies ORDER BY name;
