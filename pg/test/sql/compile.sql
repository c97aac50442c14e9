-- compile: pol_compile's result is the saved policy of `policyc compile`,
-- and compile errors are ERRORs with file:line:col and SQLSTATE 42601.
\getenv root POLICYC_ROOT
\getenv policyc POLICYC_BIN

-- The same bytes as `policyc compile`, when named alike.
\set polc `cd :root && :policyc compile examples/policies/minimal.pol -o /dev/stdout | base64 -w0`
SELECT compiled = decode(:'polc', 'base64') AS same_as_policyc
FROM policies WHERE name = 'minimal';
-- and it starts with the magic of saved policies.
SELECT substring(compiled FROM 1 FOR 4) AS magic FROM policies
WHERE name = 'minimal';

-- A policy saved by policyc checks like one compiled here.
SELECT v.id, pol_check(decode(:'polc', 'base64'), v.facts)
             = pol_check(p.compiled, v.facts) AS same_report
FROM vendors v, policies p WHERE p.name = 'minimal' ORDER BY v.id;

-- Rule titles and messages in Japanese survive.
SELECT rule, verdict, message FROM pol_verdicts(pol_compile(
  'rule backup { title "バックアップ" require backup.generations >= 7 '
  'message "保管世代数は {backup.generations} 世代" }'),
  '{"backup": {"generations": 9}}');

-- Errors: the first diagnostic in the message, every one with its
-- source line and caret in the detail.
SELECT pol_compile('rule a { require x > }');
SELECT pol_compile(E'x >= 7\ny in [JP', 'mine.pol');
SELECT pol_compile(E'rule a { require 1 + }\nrule b { require ) }');
-- A source with a line longer than 4,096 bytes: every diagnostic in the
-- detail, without its source line (an excerpt is its whole line: 100 of
-- them made this 50,000-term line a detail of 45 MB). And many errors on
-- one line take no longer than one: libpol stops reading at its 100th
-- (the analysis of each looked at the rest of the line: 11 s here).
CREATE TABLE long_line (took float8, state text, message text, hint text,
                        detail text);
DO $$
DECLARE t0 timestamptz := clock_timestamp(); st text; m text; h text; d text;
BEGIN
  PERFORM pol_eval((SELECT string_agg('(1 + )', ' + ')
                    FROM generate_series(1, 50000)));
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT,
    h = PG_EXCEPTION_HINT, d = PG_EXCEPTION_DETAIL;
  INSERT INTO long_line VALUES
    (extract(epoch FROM clock_timestamp() - t0), st, m, h, d);
END $$;
SELECT took < 3 AS at_once, state, message, hint, length(detail) < 10000
       AS short_detail, split_part(detail, E'\n', 2) AS second_line
FROM long_line;
DROP TABLE long_line;
-- The name is at most 4,096 bytes: each of the detail's diagnostics
-- names it (a name of 1 MB made a detail of 100 MB).
SELECT sqlstate_of(format('SELECT pol_compile(%L, %L)', 'must a: x > ',
                          repeat('n', 4097)));
SELECT length(pol_compile('must a: x > 1', repeat('n', 4096))) > 4096
       AS longest_name;
-- A let is at most 4,096 deep with the lets it uses written out in
-- place: each was inlined into the next by recursion, and a chain of
-- 30,000 overflowed the stack of the backend (a crash: the server
-- restarted every session). Declared in either order, one error.
SELECT sqlstate_of(format('SELECT pol_compile(%L)',
  'let a0 = x' || (SELECT string_agg(format(E'\nlet a%s = a%s + 1', i, i - 1), '')
                   FROM generate_series(1, 29999) AS i)
  || E'\nmust r: a29999 > 0')) AS forward;
SELECT sqlstate_of(format('SELECT pol_compile(%L)',
  (SELECT string_agg(format(E'let a%s = a%s + 1\n', i, i + 1), '')
   FROM generate_series(0, 29998) AS i)
  || E'let a29999 = x\nmust r: a0 > 0')) AS backward;
-- At the limit, 20 lets of 200 operators each over a missing fact: the
-- residual of the UNKNOWN verdict inlines them all, in a tree 4,000
-- deep, and comes at once (no cancel stops its compile; the compiler's
-- folding of constants used to cost the cube of that depth).
CREATE TABLE deep_lets AS SELECT pol_compile('let a0 = x' ||
  (SELECT string_agg(format(E'\nlet a%s = %sa%s', i, repeat('-', 200), i - 1), '')
   FROM generate_series(1, 19) AS i) || E'\nmust r: a19 > 0') AS p;
CREATE TABLE deep_took (seconds float8, verdict text);
DO $$
DECLARE t0 timestamptz := clock_timestamp(); v text;
BEGIN
  SELECT r.verdict INTO v FROM deep_lets, pol_verdicts(p, '{}') AS r;
  INSERT INTO deep_took VALUES (extract(epoch FROM clock_timestamp() - t0), v);
END $$;
SELECT seconds < 20 AS in_time, verdict FROM deep_took;
SELECT pol_check(p, '{}') #>> '{results,0,rules,0,missing,0,path}'
       AS missing FROM deep_lets;
DROP TABLE deep_lets, deep_took;
-- An unknown module (pol.file_imports is off: imports.sql).
SELECT sqlstate_of($$SELECT pol_compile('import "none"')$$);
-- An empty policy is a policy of no rules.
SELECT count(*) AS rules FROM pol_verdicts(pol_compile(''), '{}');
SELECT sqlstate_of($$SELECT pol_compile('x >')$$);
SELECT sqlstate_of($$SELECT pol_compile('rule { }')$$);

-- Saved bytes that are not a policy: SQLSTATE 22P03, never a crash.
SELECT sqlstate_of($$SELECT pol_check('\x00', '{}')$$);
SELECT sqlstate_of($$SELECT pol_check('', '{}')$$);
SELECT regexp_replace(sqlstate_of(format('SELECT pol_check(%L, %L)',
  substring(compiled FROM 1 FOR length(compiled) - 1), '{}')),
  '0x[0-9a-f]+', 'N', 'g') AS truncated
FROM policies WHERE name = 'minimal';
SELECT regexp_replace(sqlstate_of(format('SELECT pol_check(%L, %L)',
  overlay(compiled PLACING '\xff' FROM 40), '{}')),
  '0x[0-9a-f]+', 'N', 'g') AS damaged
FROM policies WHERE name = 'minimal';
-- A compiled expression is no policy either.
SELECT sqlstate_of($$SELECT pol_check(convert_to('POLC', 'UTF8'), '{}')$$);

-- IMMUTABLE: a table can keep the compiled policy next to its source.
CREATE TABLE sources (name text PRIMARY KEY, source text NOT NULL,
  compiled bytea GENERATED ALWAYS AS (pol_compile(source, name)) STORED);
INSERT INTO sources (name, source) VALUES ('seven.pol', 'backup.generations >= 7');
SELECT name, pol_compliant(compiled, '{"backup": {"generations": 7}}')
FROM sources;
UPDATE sources SET source = 'backup.generations >= 8';
SELECT name, pol_compliant(compiled, '{"backup": {"generations": 7}}')
FROM sources;
