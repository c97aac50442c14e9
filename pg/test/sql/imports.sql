-- imports: pol.file_imports. Off (the default), pol_compile imports only
-- the standard library built into libpol and reads no file of the
-- server; only a superuser (or a role granted SET on it) turns it on.
CREATE ROLE regress_pol_user;

-- A non-superuser who sets it before this backend has loaded the
-- extension makes a placeholder, which loading then refuses.
SET ROLE regress_pol_user;
SET pol.file_imports = on;
SELECT count(*) AS rules FROM pol_verdicts(pol_compile('x > 1'), '{}');
SHOW pol.file_imports;
RESET ROLE;

-- A module file beside the policy's name: 'probe.pol' is relative, so
-- beside it is the data directory, the server's working directory.
DO $$ BEGIN
  EXECUTE format('COPY (SELECT %L) TO %L', 'let probe_secret = 42',
                 current_setting('data_directory') || '/pol_probe.pol');
END $$;
\set probe 'import "pol_probe"\nmust leak: probe_secret == 42\n'

-- Off: the file is not read; the import fails like any unknown module.
SHOW pol.file_imports;
SELECT pol_compile(:'probe', 'probe.pol');
-- The standard library is built in, so it is still there.
SELECT pol_compliant(pol_compile(E'import "regions"\nmust c: country in [JP, US]',
                                 'probe.pol'),
                     '{"country": "JP"}') AS stdlib_import;

-- On (a superuser): files beside the name and in the module directory.
SET pol.file_imports = on;
SELECT rule, verdict FROM pol_verdicts(pol_compile(:'probe', 'probe.pol'), '{}');
-- What it searches then (the module directory depends on the build's
-- PREFIX).
SELECT regexp_replace(
  sqlstate_of($$SELECT pol_compile('import "none"', 'probe.pol')$$),
  'searched: [.], [^,]*,', 'searched: ., MODULEDIR,');
-- Off again: the next compile reads no file.
RESET pol.file_imports;
SELECT sqlstate_of(format('SELECT pol_compile(%L, %L)', :'probe', 'probe.pol'));
SELECT pol_compliant(pol_compile(E'import "regions"\nmust c: country == JP',
                                 'probe.pol'),
                     '{"country": "JP"}') AS stdlib_import;

-- A non-superuser cannot turn it on, nor for a role.
SET ROLE regress_pol_user;
SELECT sqlstate_of('SET pol.file_imports = on');
SELECT sqlstate_of('ALTER ROLE regress_pol_user SET pol.file_imports = on');
SELECT sqlstate_of(format('SELECT pol_compile(%L, %L)', :'probe', 'probe.pol'));
RESET ROLE;

-- Unless a superuser grants it (PostgreSQL 15's GRANT SET ON PARAMETER).
GRANT SET ON PARAMETER pol.file_imports TO regress_pol_user;
SET ROLE regress_pol_user;
SET pol.file_imports = on;
SELECT rule, verdict FROM pol_verdicts(pol_compile(:'probe', 'probe.pol'), '{}');
RESET pol.file_imports;
RESET ROLE;
REVOKE SET ON PARAMETER pol.file_imports FROM regress_pol_user;
DROP ROLE regress_pol_user;
-- (pol_probe.pol stays in the throwaway cluster's data
-- directory: every later test compiles with pol.file_imports off.)

