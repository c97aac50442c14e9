-- parallel: the functions run in parallel workers (Gather over a
-- Parallel Seq Scan whose filter calls them), and the parallel result
-- equals the serial one.
CREATE TABLE many AS
SELECT i AS id,
       jsonb_build_object(
         '$vendor', jsonb_build_object('name', 'vendor ' || i),
         'backup', CASE WHEN i % 7 <> 0 THEN
                     jsonb_build_object('generations', i % 12) END,
         'data', jsonb_build_object('region',
                   (ARRAY['JP', 'US', 'JP', 'EU'])[1 + i % 4]),
         'sso', jsonb_build_object('offered', i % 3 = 0, 'saml', i % 5 = 0),
         'audit', CASE WHEN i % 11 <> 0 THEN
                    jsonb_build_object('report', 'SOC2') END)
       - CASE WHEN i % 13 = 0 THEN 'data' ELSE '' END AS facts
FROM generate_series(1, 10000) AS i;
ANALYZE many;
CREATE TABLE every_policy AS SELECT pol_compile($$
must generations: backup.generations >= 7
must region: data.region == "JP"
should sso: sso.offered ? sso.saml : true
rule skip { severity may when sso.offered require sso.saml }
should audit: audit.report == "SOC2"
may broken: int(data.region) > 1
$$, 'many.pol') AS p;

-- Serial first.
SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial_counts AS
SELECT r.verdict, count(*) FROM many, every_policy,
  LATERAL pol_verdicts(p, facts) r GROUP BY r.verdict;
CREATE TABLE serial_compliant AS
SELECT count(*) FILTER (WHERE pol_compliant(p, facts)) AS compliant,
       count(*) FILTER (WHERE pol_compliant(p, facts, 'ignore')) AS ignoring
FROM many, every_policy;

-- Then two workers doing all the scanning (the leader only gathers).
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
-- A generic plan shows the policy as $1, not as its bytes.
SET plan_cache_mode = force_generic_plan;
PREPARE compliant_count(bytea) AS
  SELECT count(*) FROM many WHERE pol_compliant($1, facts);
EXPLAIN (COSTS OFF) EXECUTE compliant_count('\x');
PREPARE verdict_counts(bytea) AS
  SELECT r.verdict, count(*) FROM many, LATERAL pol_verdicts($1, facts) r
  GROUP BY r.verdict;
EXPLAIN (COSTS OFF) EXECUTE verdict_counts('\x');

-- Run for real: two workers launched, and the scan with the filter ran in
-- two processes (its loops), neither of them the leader.
CREATE FUNCTION plan_facts(q text)
RETURNS TABLE(node text, launched text, loops text, calls text)
LANGUAGE plpgsql AS $$
DECLARE plan jsonb;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || q INTO plan;
  RETURN QUERY -- the filter shows the policy's bytes: cut them
  SELECT CASE WHEN (n->'Parallel Aware')::bool THEN 'Parallel ' ELSE '' END
           || (n->>'Node Type'),
         n->>'Workers Launched', n->>'Actual Loops',
         regexp_replace(coalesce(n->>'Filter', n->>'Function Name'),
                        '''\\x[0-9a-f]*''::bytea', 'POLICY')
  FROM jsonb_path_query(plan, 'strict $.** ? (exists (@."Node Type"))')
       AS n
  WHERE n->>'Node Type' IN ('Gather', 'Gather Merge', 'Function Scan')
     OR (n->'Parallel Aware')::bool;
END $$;
SELECT * FROM plan_facts(format(
  'SELECT count(*) FROM many WHERE pol_compliant(%L::bytea, facts)',
  (SELECT p FROM every_policy)));
SELECT * FROM plan_facts(format(
  'SELECT r.verdict, count(*) FROM many, pol_verdicts(%L::bytea, facts) r
   GROUP BY 1', (SELECT p FROM every_policy)));
SELECT p AS policy FROM every_policy \gset
EXECUTE compliant_count(:'policy');
SELECT compliant AS serial FROM serial_compliant;

-- The same verdict counts, serial and parallel.
CREATE TABLE parallel_counts AS
SELECT r.verdict, count(*) FROM many, every_policy,
  LATERAL pol_verdicts(p, facts) r GROUP BY r.verdict;
SELECT s.verdict, s.count AS serial, p.count AS parallel,
       s.count = p.count AS same
FROM serial_counts s FULL JOIN parallel_counts p USING (verdict)
ORDER BY 1;
SELECT count(*) FILTER (WHERE pol_compliant(p, facts)) AS compliant,
       count(*) FILTER (WHERE pol_compliant(p, facts, 'ignore')) AS ignoring
FROM many, every_policy;
SELECT * FROM serial_compliant;
