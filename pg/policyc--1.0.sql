-- policyc--1.0.sql: the SQL functions of the policyc extension.
-- docs/postgresql.md describes them; pgpol_funcs.c implements them.
--
-- Every function is a function of its arguments (a limit reached fails
-- the statement rather than changing a result), STRICT (a NULL argument
-- gives NULL, or no rows) and PARALLEL SAFE. Version 1.0 marked all
-- IMMUTABLE; policyc--1.0--1.1.sql marks the four that evaluate STABLE,
-- since now() is the evaluation date (current_date). pol_compile reads no file unless a superuser turns
-- pol.file_imports on; then it is IMMUTABLE like to_tsvector, whose
-- result also depends on files of the installation: a policy that
-- imports a module file must be compiled again after that file changes.

\echo Use "CREATE EXTENSION policyc" to load this file. \quit

-- A policy's text to its saved, verified bytecode (what `policyc compile`
-- writes). [name] names the source in messages and reports.
CREATE FUNCTION pol_compile(source text, name text DEFAULT '<policy>')
RETURNS bytea
AS 'MODULE_PATHNAME', 'pgpol_compile'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10000;

-- The JSON report of `policyc check --format json` for one vendor.
CREATE FUNCTION pol_check(policy bytea, facts jsonb,
                          unknown text DEFAULT 'fail')
RETURNS jsonb
AS 'MODULE_PATHNAME', 'pgpol_check'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 2000;

-- One row per rule, in policy order.
CREATE FUNCTION pol_verdicts(policy bytea, facts jsonb)
RETURNS TABLE(rule text, severity text, verdict text, message text,
              missing text[])
AS 'MODULE_PATHNAME', 'pgpol_verdicts'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000 ROWS 40;

-- Whether no must-rule fails, errs, or (as [unknown] says: fail, warn,
-- ignore) is unknown.
CREATE FUNCTION pol_compliant(policy bytea, facts jsonb,
                              unknown text DEFAULT 'fail')
RETURNS boolean
AS 'MODULE_PATHNAME', 'pgpol_compliant'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;

-- The value of a CEL expression over the facts.
CREATE FUNCTION pol_eval(expr text, facts jsonb DEFAULT '{}')
RETURNS jsonb
AS 'MODULE_PATHNAME', 'pgpol_eval'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;
