-- memory: 100,000 checks, and thousands of other calls and errors, in one
-- backend leave its memory flat: the memory contexts
-- (pg_backend_memory_contexts) and the resident size of the process,
-- where libpol's own allocations (malloc) show. The numbers go to the
-- server log, where run.sh finds them; the test says whether they stayed
-- flat after a warm-up that fills the caches.
CREATE FUNCTION backend_memory(OUT contexts bigint, OUT rss_kb bigint)
LANGUAGE sql AS $$
  SELECT (SELECT sum(total_bytes) FROM pg_backend_memory_contexts),
         (regexp_match(pg_read_file('/proc/self/status'),
                       'VmRSS:\s*(\d+) kB'))[1]::bigint
$$;
CREATE TABLE small_vendors AS
SELECT i AS n, jsonb_build_object(
         'backup_generations', i % 10,
         'data_region', (ARRAY['JP', 'US'])[1 + i % 2],
         'notes', repeat('備考', i % 50)) AS facts
FROM generate_series(1, 1000) AS i;

-- [k] thousand checks of small vendors with the minimal policy, and
-- for every thousand: 20 checks of the example vendors with the
-- procurement policy, 20 pol_verdicts, 10 pol_check, 20 pol_eval, and
-- 10 of each error (run time, facts, compile, bad bytes, limit, cancel),
-- each caught.
CREATE FUNCTION workout(k int) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  total bigint := 0;
  minimal bytea := (SELECT compiled FROM policies WHERE name = 'minimal');
  procurement bytea :=
    (SELECT compiled FROM policies WHERE name = 'procurement');
  i int;
BEGIN
  SELECT count(*) FILTER (WHERE pol_compliant(minimal, s.facts, 'ignore'))
    INTO total FROM generate_series(1, k) AS g, small_vendors s;
  SELECT total + count(*) FILTER (WHERE pol_compliant(procurement, v.facts))
    INTO total FROM generate_series(1, 4 * k) AS g, vendors v;
  SELECT total + count(*) INTO total FROM generate_series(1, 4 * k) AS g,
    vendors v, pol_verdicts(procurement, v.facts) AS r;
  SELECT total + sum(length(pol_check(procurement, v.facts)::text))
    INTO total FROM generate_series(1, 2 * k) AS g, vendors v;
  SELECT total + count(*) FILTER (WHERE pol_eval('[1, 2, 3].exists(x, x == 2)',
                                                 v.facts) = 'true')
    INTO total FROM generate_series(1, 4 * k) AS g, vendors v;
  FOR i IN 1 .. 10 * k LOOP
    BEGIN PERFORM pol_eval('1 / 0');
    EXCEPTION WHEN OTHERS THEN total := total + 1; END;
    BEGIN PERFORM pol_check(minimal, '[1, 2, {"a": "b"}]');
    EXCEPTION WHEN OTHERS THEN total := total + 1; END;
    BEGIN PERFORM pol_compile('rule a { require x > }');
    EXCEPTION WHEN OTHERS THEN total := total + 1; END;
    BEGIN PERFORM pol_check('\x504f4c43', '{}');
    EXCEPTION WHEN OTHERS THEN total := total + 1; END;
    BEGIN
      SET LOCAL pol.max_steps = 10;
      PERFORM pol_eval('l.all(x, x > 0)', '{"l": [1,2,3,4,5,6,7,8,9,10,11]}');
    EXCEPTION WHEN OTHERS THEN total := total + 1; END;
    BEGIN -- a cancel request to ourselves stops a long evaluation
      PERFORM pg_cancel_backend(pg_backend_pid());
      PERFORM pol_eval('l.all(x, l.all(y, l.all(z, x + y + z > 0)))',
        '{"l": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}');
    EXCEPTION WHEN query_canceled THEN total := total + 1; END;
    PERFORM length(pol_compile('must x: a.b > ' || i));
  END LOOP;
  RETURN total;
END $$;

-- Warm up: caches fill, arenas grow to what the workload needs. The
-- snapshots go into a table made before, so that making it does not
-- count.
CREATE TABLE snapshots (label text, contexts bigint, rss_kb bigint);
INSERT INTO snapshots SELECT 'start', * FROM backend_memory();
SELECT workout(10) > 0 AS warm;
INSERT INTO snapshots SELECT 'before', * FROM backend_memory();
SELECT workout(100) > 0 AS done;
INSERT INTO snapshots SELECT 'after', * FROM backend_memory();
DO $$
DECLARE b record; a record;
BEGIN
  SELECT * INTO b FROM snapshots WHERE label = 'before';
  SELECT * INTO a FROM snapshots WHERE label = 'after';
  RAISE LOG 'policyc memory test: contexts % -> % bytes, RSS % -> % kB',
    b.contexts, a.contexts, b.rss_kb, a.rss_kb;
END $$;
SELECT a.contexts - b.contexts <= 65536 AS contexts_flat,
       a.rss_kb - b.rss_kb <= 2048 AS rss_flat
FROM snapshots b, snapshots a WHERE b.label = 'before' AND a.label = 'after';
