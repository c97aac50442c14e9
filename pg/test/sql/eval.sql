-- eval: pol_eval(expr, facts) -> jsonb, values written as the JSON
-- report writes them.
SELECT pol_eval('1 + 2') AS three;
SELECT pol_eval('backup.generations >= 7', '{"backup": {"generations": 7}}');
SELECT pol_eval(e) AS value, e AS expr FROM (VALUES
  ('null'), ('true'), ('-5'), ('5u'), ('2.5'), ('1e100'), ('-0.0'),
  ('"s"'), ('b"abc"'), ('[1, "a", [true]]'), ('{"k": {"j": null}}'),
  ('duration("1.5s")'), ('timestamp("2009-02-13T23:31:30Z")'),
  ('int'), ('type("s")'), ('double("NaN")'), ('1.0 / 0.0'),
  ('-1.0 / 0.0'), ('0.1 + 0.2'), ('9223372036854775807'),
  ('18446744073709551615u'), ('"日本語"'), ('{"b": 1, "a": 2}'),
  ('[1, 2, 3].map(x, x * 2)'), ('[1, 2, 3].filter(x, x > 1)'),
  ('"abc".matches("^a")'), ('size("日本")')) AS t(e);
-- The result does not depend on extra_float_digits.
SET extra_float_digits = 0;
SELECT pol_eval('0.1 + 0.2') AS shortest;
RESET extra_float_digits;

-- Over the example vendors: every fact comes back as the jsonb it came
-- from (jsonb to engine values to jsonb).
SELECT id, count(*) > 0 AS facts, bool_and(pol_eval(k, facts) = facts -> k)
       AS round_trip
FROM vendors, jsonb_object_keys(facts) AS k
WHERE k NOT LIKE '$%' GROUP BY id ORDER BY id;

-- Errors. At run time: SQLSTATE 22000 with file:line:col.
SELECT pol_eval('1 / 0');
SELECT pol_eval('a.b', '{}');
SELECT pol_eval('x + 1', '{"x": "s"}');
SELECT pol_eval('9223372036854775807 + 1');
-- Error absorption, as in CEL.
SELECT pol_eval('true || 1 / 0') AS absorbed, pol_eval('false && a.b', '{}')
  AS absorbed_too;
-- Compile errors: SQLSTATE 42601.
SELECT pol_eval('1 +');
SELECT sqlstate_of($$SELECT pol_eval('(1')$$);
SELECT sqlstate_of($$SELECT pol_eval('')$$);
-- Values jsonb cannot hold: SQLSTATE 0A000.
SELECT sqlstate_of($$SELECT pol_eval('{1: 2}')$$);
SELECT sqlstate_of($$SELECT pol_eval('optional.of(1)')$$);
SELECT sqlstate_of($$SELECT pol_eval('"a\u0000b"')$$);
-- The same expression many times is compiled once (and stays right).
SELECT count(*) FILTER (WHERE pol_eval('x * 2', jsonb_build_object('x', i))
                        = to_jsonb(i * 2)) AS right
FROM generate_series(1, 1000) AS i;
