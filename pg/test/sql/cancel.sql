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
