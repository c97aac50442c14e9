-- cancel: a long evaluation stops for statement_timeout and for a
-- cancel request, and the backend goes on working afterwards.
\set big '(SELECT jsonb_build_object(''l'', jsonb_agg(i)) FROM generate_series(1, 3000) i)'
SET pol.max_steps = 0; -- 2.7e10 iterations: only a cancel stops them

CREATE TABLE slow (p bytea);
INSERT INTO slow SELECT pol_compile(
  'must endless: l.all(x, l.all(y, l.all(z, x + y + z > 0)))', 'slow.pol');

SET statement_timeout = '300ms';
SELECT pol_eval('l.all(x, l.all(y, l.all(z, x + y + z > 0)))', :big);
SELECT pol_check(p, :big) FROM slow;
SELECT count(*) FROM slow, pol_verdicts(p, :big);
RESET statement_timeout;

-- A loop of few heavy iterations stops as soon as one of many light
-- ones: libpol polls by the work done as well, not only every 1,024
-- iterations. Each iteration here scans a list of 500,000 items eight
-- times (some 10 ms); polled every 1,024 iterations only, the cancel of
-- the 300 ms timeout waited for the 1,024th, ten seconds on.
CREATE TABLE heavy AS
SELECT jsonb_build_object('l', jsonb_agg(i)) AS j
FROM generate_series(1, 500000) AS i;
CREATE TABLE heavy_took (seconds float8);
SET statement_timeout = '300ms';
DO $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  PERFORM pol_eval('l.all(x, !(x + 1000000 in l) && !(x + 2000000 in l) && '
                   '!(x + 3000000 in l) && !(x + 4000000 in l) && '
                   '!(x + 5000000 in l) && !(x + 6000000 in l) && '
                   '!(x + 7000000 in l) && !(x + 8000000 in l))', j)
  FROM heavy;
EXCEPTION WHEN query_canceled THEN
  INSERT INTO heavy_took
  VALUES (extract(epoch FROM clock_timestamp() - t0));
END $$;
SELECT seconds < 3 AS heavy_loop_stopped_at_once FROM heavy_took;
RESET statement_timeout;
DROP TABLE heavy, heavy_took;

-- Interrupts that do not end the statement do not stop an evaluation
-- either: client_connection_check_interval's timer ticks every 10 ms
-- here, and evaluations of a few hundred milliseconds still finish. (A
-- stopped evaluation starts again: stopped at each tick, they never
-- finished, until statement_timeout ended them.)
SET client_connection_check_interval = '10ms';
SET statement_timeout = '20s';
SELECT pol_eval('l.all(x, l.all(y, x + y > 0))', :big) AS finishes;
SELECT pol_compliant(p, :big) AS finishes
FROM (SELECT pol_compile('must a: l.all(x, l.all(y, x + y > 0))') AS p) s;
RESET statement_timeout;
RESET client_connection_check_interval;

-- Still working, same results.
SELECT pol_eval('l.all(x, x > 0)', :big) AS after_timeout;
SELECT pol_compliant(p, '{"l": [1, 2]}') AS after_timeout FROM slow;

-- A cancel from another session (pg_cancel_backend through dblink).
CREATE EXTENSION dblink;
SELECT dblink_connect('other',
  format('host=%s port=%s dbname=%s user=%s options=-cpol.max_steps=0',
         current_setting('unix_socket_directories'), current_setting('port'),
         current_database(), current_user));
SELECT dblink_send_query('other',
  'SELECT pol_eval(''l.all(x, l.all(y, l.all(z, x + y + z > 0)))'', '
  || quote_literal((SELECT jsonb_build_object('l', jsonb_agg(i))
                    FROM generate_series(1, 3000) i)::text) || ')');
DO $$
DECLARE n int := 0;
BEGIN
  LOOP -- until the other session runs pol_eval
    PERFORM 1 FROM pg_stat_activity
    WHERE query LIKE '%pol_eval(''l.all%' AND state = 'active'
      AND pid <> pg_backend_pid();
    EXIT WHEN FOUND OR n > 6000; -- a minute, on a busy machine
    PERFORM pg_sleep(0.01);
    n := n + 1;
  END LOOP;
END $$;
SELECT pg_cancel_backend(pid) FROM pg_stat_activity
WHERE query LIKE '%pol_eval(''l.all%' AND state = 'active'
  AND pid <> pg_backend_pid();
SELECT * FROM dblink_get_result('other') AS t(r jsonb);
SELECT * FROM dblink_get_result('other') AS t(r jsonb); -- the end
SELECT * FROM dblink('other', 'SELECT pol_eval(''1 + 1'')') AS t(r jsonb);
SELECT dblink_disconnect('other');

-- The conversion of the facts lets a pending cancel through too (a
-- 60 MB document takes seconds): with a cancel already pending, the
-- statement stops inside pol_eval and never reaches nextval. (It used to
-- convert the facts, evaluate, and go on to nextval, whose count showed
-- it.) The backend then converts and checks as before.
CREATE SEQUENCE reached;
SELECT pg_cancel_backend(pg_backend_pid()),
       pol_eval('1', '{"a": [1, 2, 3], "b": {"c": "d"}}'), nextval('reached');
SELECT is_called AS nextval_reached FROM reached;
SELECT pol_eval('a[2] + size(b)', '{"a": [1, 2, 3], "b": {"c": "d"}}');
DROP SEQUENCE reached;
