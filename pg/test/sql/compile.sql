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
