-- nulls: every function is STRICT: a NULL argument gives NULL (no rows
-- for pol_verdicts), never an error.
SELECT pol_compile(NULL) IS NULL AS compile,
       pol_compile('x', NULL) IS NULL AS compile_name;
SELECT pol_check(NULL, '{}') IS NULL AS check_policy,
       pol_check(compiled, NULL) IS NULL AS check_facts,
       pol_check(compiled, '{}', NULL) IS NULL AS check_unknown
FROM policies WHERE name = 'minimal';
SELECT pol_compliant(NULL, '{}') IS NULL AS compliant_policy,
       pol_compliant(compiled, NULL) IS NULL AS compliant_facts,
       pol_compliant(compiled, '{}', NULL) IS NULL AS compliant_unknown
FROM policies WHERE name = 'minimal';
SELECT count(*) AS verdict_rows FROM pol_verdicts(NULL, '{}');
SELECT count(*) AS verdict_rows
FROM policies, pol_verdicts(compiled, NULL) WHERE name = 'minimal';
SELECT pol_eval(NULL) IS NULL AS eval_expr,
       pol_eval('1', NULL) IS NULL AS eval_facts;
-- A JSON null inside the facts is a value, not an SQL NULL.
SELECT pol_eval('x == null', '{"x": null}') AS json_null;
-- In a table with NULL facts, the rows simply have no verdict.
SELECT id, pol_compliant(p.compiled, v.facts) AS compliant
FROM (VALUES (1, NULL::jsonb), (2, '{"backup_generations": 7, "data_region": "JP"}')) AS v(id, facts),
     policies p
WHERE p.name = 'minimal' ORDER BY id;
