-- limits: pol.max_steps and pol.max_memory bound every evaluation. A
-- rule or expression that reaches one fails the statement with SQLSTATE
-- 54000 (its verdict would otherwise depend on a setting), and a changed
-- limit applies at once.
\set list '{"l": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40]}'
SELECT pol_eval('l.all(x, l.all(y, x + y > 0))', :'list') AS under_default;

SET pol.max_steps = 1000;
SHOW pol.max_steps;
SELECT pol_eval('l.all(x, l.all(y, x + y > 0))', :'list');
SELECT pol_eval('l.all(x, x > 0)', :'list') AS small_loops_pass;
CREATE TABLE loops (p bytea);
INSERT INTO loops SELECT pol_compile($$
must quick: l.all(x, x > 0)
must slow: l.all(x, l.all(y, x + y > 0))
$$, 'loops.pol');
SELECT pol_compliant(p, :'list') FROM loops;
SELECT sqlstate_of(format('SELECT pol_check(%L, %L)', p, :'list')) FROM loops;
SELECT sqlstate_of(format('SELECT count(*) FROM pol_verdicts(%L, %L)', p,
                          :'list')) FROM loops;
RESET pol.max_steps;
SELECT rule, verdict FROM loops, pol_verdicts(p, :'list');
SET pol.max_steps = 0; -- no limit
SELECT pol_compliant(p, :'list') AS unlimited FROM loops;
RESET pol.max_steps;

-- A changed limit changes the limits of the backend's engine, not what
-- it has loaded: the cached policy is not loaded again (each load logs
-- "policyc: cache miss" at DEBUG1), and still obeys the new limit.
CREATE TABLE kept (p bytea);
INSERT INTO kept SELECT pol_compile('must a: l.all(x, x > 0)', 'kept.pol');
SET client_min_messages = debug1;
SELECT pol_compliant(p, :'list') AS first_call_loads FROM kept;
SELECT pol_compliant(p, :'list') AS cached FROM kept;
SET pol.max_steps = 10;
SELECT sqlstate_of(format('SELECT pol_compliant(%L, %L)', p, :'list'))
       AS cached_under_new_limit FROM kept;
RESET pol.max_steps;
SET pol.max_memory = '1MB';
SELECT pol_compliant(p, :'list') AS still_cached FROM kept;
RESET pol.max_memory;
SELECT pol_compliant(p, :'list') AS still_cached FROM kept;
RESET client_min_messages;

-- Memory: temporaries of one evaluation.
SET pol.max_memory = '64kB';
SHOW pol.max_memory;
SELECT sqlstate_of($$SELECT pol_eval('size(l.map(x, "一二三四五六七八九十" + string(x)).map(s, s + s + s + s))', jsonb_build_object('l', (SELECT jsonb_agg(i) FROM generate_series(1, 5000) i)))$$);
CREATE TABLE hungry (p bytea);
INSERT INTO hungry SELECT pol_compile(
  'must big: size(l.map(x, "一二三四五六七八九十" + string(x))) > 0',
  'hungry.pol');
SELECT sqlstate_of(format('SELECT pol_compliant(%L, %L)', p,
  jsonb_build_object('l', (SELECT jsonb_agg(i)
                           FROM generate_series(1, 5000) i))))
FROM hungry;
RESET pol.max_memory;
SELECT pol_compliant(p, jsonb_build_object('l', (SELECT jsonb_agg(i)
  FROM generate_series(1, 5000) i))) AS fits_by_default FROM hungry;
SELECT pol_eval('size(l.map(x, "一二三四五六七八九十" + string(x)).map(s, s + s + s + s))', jsonb_build_object('l', (SELECT jsonb_agg(i) FROM generate_series(1, 5000) i))) AS fits_by_default;

-- PCRE2's match limit is fixed: no setting lifts it. pol_eval fails with
-- 54000 and a hint that says so; in a check the rule is ERROR, as in
-- policyc check (pol_report_status: POL_ERUNTIME), so the vendor is not
-- compliant, whatever the settings.
SET pol.max_steps = 0;
SET pol.max_memory = 0;
\set backtracks '{"s": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"}'
SELECT pol_eval('s.matches("^(a+)+$")', :'backtracks');
CREATE TABLE backtrack (p bytea);
INSERT INTO backtrack SELECT pol_compile('must r: s.matches("^(a+)+$")',
                                         'backtrack.pol');
SELECT pol_compliant(p, :'backtracks') FROM backtrack;
RESET pol.max_steps;
RESET pol.max_memory;

-- Settings out of range, and the reserved prefix.
SELECT sqlstate_of('SET pol.max_steps = -1');
SELECT sqlstate_of('SET pol.max_memory = ''-1kB''');
SELECT sqlstate_of('SET pol.cache_size = 0');
SELECT sqlstate_of('SET pol.no_such_setting = 1');

-- A cache of one entry, with two policies taking turns row by row: every
-- verdict still belongs to its own policy.
CREATE TABLE turns AS
SELECT g, p.name, v.id, pol_check(p.compiled, v.facts) AS report
FROM vendors v, policies p, generate_series(1, 10) AS g;
SET pol.cache_size = 1;
SELECT count(*) AS checks,
       bool_and(pol_check(p.compiled, v.facts) = t.report) AS same
FROM turns t JOIN policies p USING (name) JOIN vendors v USING (id);
RESET pol.cache_size;

-- One call site, its policy argument changing between calls: a PL/pgSQL
-- variable (a parameter that is not constant across statements) and a
-- table column (toasted values, one per policy).
DO $$
DECLARE
  p1 bytea := pol_compile('must a: x >= 1');
  p2 bytea := pol_compile('must a: x >= 5');
  p bytea;
  got text := '';
BEGIN
  FOR i IN 1 .. 6 LOOP
    p := CASE WHEN i % 2 = 1 THEN p1 ELSE p2 END;
    got := got || CASE WHEN pol_compliant(p, '{"x": 3}') THEN 't' ELSE 'f' END;
  END LOOP;
  RAISE NOTICE 'alternating policies: %', got;
END $$;
CREATE TABLE toasted (n int, p bytea);
INSERT INTO toasted SELECT g, compiled FROM policies, generate_series(1, 3) g;
SELECT t.n, p.name, pol_check(t.p, v.facts) = pol_check(p.compiled, v.facts)
       AS same
FROM toasted t JOIN policies p ON p.compiled = t.p JOIN vendors v ON v.id = 1
ORDER BY 1, 2;
