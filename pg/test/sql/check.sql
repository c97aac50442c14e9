-- check: pol_check, pol_verdicts and pol_compliant, over every verdict,
-- and against `policyc check` on the example vendors.
\getenv root POLICYC_ROOT
\getenv policyc POLICYC_BIN

-- A policy with one rule per verdict.
CREATE TABLE every (p bytea);
INSERT INTO every SELECT pol_compile($$
policy "every-verdict" { title "判定の全種類" version "1" }
rule pass_rule {
  title    "バックアップを7世代以上保管すること"
  severity must
  require  backup.generations >= 7
  message  "保管世代数は {backup.generations} 世代"
}
rule fail_rule {
  severity must
  require  data.region == "JP"
  message  "保管場所は {data.region}"
}
rule unknown_rule {
  severity must
  require  incident.notice_hours <= 72
}
rule error_rule {
  severity should
  require  int(data.region) > 3
}
rule skipped_rule {
  severity may
  when     sso.offered
  require  sso.saml
}
should withheld_rule: audit.report == "SOC2"
$$, 'every.pol');
\set facts '{"$vendor": {"name": "テスト株式会社"}, "backup": {"generations": 9}, "data": {"region": "US"}, "sso": {"offered": false}, "$withheld": ["audit.report"], "$evidence": {"backup.generations": "3.2: 「9世代保管」", "audit.report": "5.1: 「非開示」"}}'

SELECT r.* FROM every, pol_verdicts(p, :'facts') AS r;
SELECT pol_compliant(p, :'facts') AS compliant FROM every;

-- The JSON report of one vendor (its layout is docs/report-format.md's,
-- as equal to policyc's below; jsonb orders keys its own way).
SELECT pol_check(p, :'facts') - 'results' - 'stamp' AS head FROM every;
-- The stamp names the engine and the policy's hash; no inputs (jsonb).
SELECT r->'stamp'->>'engine' LIKE 'policyc %' AS engine,
       length(r->'stamp'->'policy'->>'sha256') AS sha256_length,
       r->'stamp'->'inputs' AS inputs
FROM every, pol_check(p, :'facts') AS r;
SELECT r->>'vendor' AS vendor, r->>'source' AS source, r->'compliant' AS
       compliant, r->'summary' AS summary
FROM every, jsonb_path_query(pol_check(p, :'facts'), '$.results[*]') AS r;
SELECT r->>'id' AS id, r->>'verdict' AS verdict, r->>'reason' AS reason
FROM every,
     jsonb_path_query(pol_check(p, :'facts'), '$.results[0].rules[*]') AS r;

-- The unknown mode: only an UNKNOWN must-rule stands between this vendor
-- and compliance.
\set unknown_only '{"backup": {"generations": 9}, "data": {"region": "JP"}, "sso": {"offered": true, "saml": true}, "audit": {"report": "SOC2"}}'
SELECT m AS unknown, pol_compliant(p, :'unknown_only', m) AS compliant,
       pol_check(p, :'unknown_only', m)->>'unknown' AS report_says,
       pol_check(p, :'unknown_only', m)#>'{results,0,compliant}'
         AS report_compliant
FROM every, (VALUES ('fail'), ('warn'), ('ignore')) AS t(m);
SELECT pol_compliant(p, :'unknown_only') AS default_is_fail FROM every;
SELECT sqlstate_of(format('SELECT pol_compliant(%L, %L, %L)', p, '{}',
                          'maybe')) FROM every;
SELECT sqlstate_of(format('SELECT pol_check(%L, %L, %L)', p, '{}', 'FAIL'))
FROM every;

-- Over the example vendors, with the example procurement policy: the
-- report is the one `policyc check --format json` writes (but for the
-- vendor's source, which is "jsonb" here), and pol_verdicts and
-- pol_compliant say what it says. (Only agreement is shown, so the test
-- holds whatever the examples say.)
\set expected `cd :root && :policyc check --format json examples/policies/procurement.pol examples/vendors/chatwork-secure-samba.json examples/vendors/crise-cloudbot.json examples/vendors/cybozu-china.json examples/vendors/rakus-chatdealer.json examples/vendors/synergy-crm.json`
CREATE TABLE expected AS
SELECT n::int AS id, r AS result
FROM jsonb_array_elements(:'expected'::jsonb -> 'results')
     WITH ORDINALITY AS t(r, n);
SELECT v.id, e.result - 'source' = (c.report #> '{results,0}') - 'source'
               AS same_result,
       :'expected'::jsonb - 'results' - 'stamp' =
         c.report - 'results' - 'stamp' AS same_head,
       c.report #>> '{results,0,source}' AS source,
       pol_compliant(p.compiled, v.facts) = (e.result->'compliant')::bool
         AS same_compliant
FROM vendors v JOIN expected e USING (id), policies p,
     LATERAL (SELECT pol_check(p.compiled, v.facts) AS report) c
WHERE p.name = 'procurement' ORDER BY v.id;
SELECT v.id, count(*) = jsonb_array_length(e.result->'rules') AS all_rules,
       bool_and(r.verdict = e.result->'rules'->(r.n::int - 1)->>'verdict')
         AS same_verdicts,
       bool_and(r.rule = e.result->'rules'->(r.n::int - 1)->>'id')
         AS same_order,
       bool_and(r.message IS NOT DISTINCT FROM
                e.result->'rules'->(r.n::int - 1)->>'message')
         AS same_messages,
       bool_and(r.missing = ARRAY(
         SELECT m->>'path' FROM jsonb_array_elements(
           coalesce(e.result->'rules'->(r.n::int - 1)->'missing', '[]'))
           AS m)) AS same_missing
FROM vendors v JOIN expected e USING (id), policies p,
     LATERAL pol_verdicts(p.compiled, v.facts) WITH ORDINALITY
       AS r(rule, severity, verdict, message, missing, n)
WHERE p.name = 'procurement' GROUP BY v.id, e.result ORDER BY v.id;

-- Facts that are not a fact set fail the check too.
SELECT sqlstate_of(format('SELECT pol_check(%L, %L)', p, '[1]')) FROM every;
