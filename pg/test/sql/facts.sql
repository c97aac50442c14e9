-- facts: jsonb read into engine values, kind by kind, and the shapes
-- that are not facts. pol_eval shows what each value became.

-- Numbers: an integer literal is an int while it fits int64, a uint
-- while it fits uint64, else a double; a literal with a fraction is a
-- double, even 99.0 (jsonb keeps the scale). An exponent is lost by
-- jsonb itself: 1e2 is stored as 100, so it is an int.
SELECT x AS jsonb, pol_eval('type(x)', jsonb_build_object('x', x)) AS kind,
       pol_eval('x', jsonb_build_object('x', x)) AS value
FROM (VALUES ('0'::jsonb), ('-0'), ('7'), ('-12'),
             ('9223372036854775807'), ('-9223372036854775808'),
             ('9223372036854775808'), ('18446744073709551615'),
             ('18446744073709551616'), ('-9223372036854775809'),
             ('99.0'), ('99.95'), ('0.1'), ('1e2'), ('1.5e1'),
             ('123456789012345678901234567890')) AS t(x);
-- Below a double's range it is 0, as strtod says.
SELECT pol_eval('x == 0.0 && type(x) == double', '{"x": 1e-400}') AS underflow;
-- Exact: int64 and uint64 to the last digit, doubles correctly rounded.
SELECT pol_eval('x == 9223372036854775807 && y == 18446744073709551615u',
  '{"x": 9223372036854775807, "y": 18446744073709551615}') AS exact_ints;
SELECT pol_eval('x == 0.1 && x + y == 0.30000000000000004',
  '{"x": 0.1, "y": 0.2}') AS exact_doubles;
-- Beyond a double's range, as libpol's JSON reader says.
SELECT sqlstate_of($$SELECT pol_eval('x', '{"x": 1e400}')$$);
-- The error names the fact: the path of the number from the root.
SELECT sqlstate_of($$SELECT pol_eval('1', '{"ok": 1, "保管": {"世代": [7, -1e999]}}')$$);

-- Strings, keys and nesting.
SELECT pol_eval('s + "!"', '{"s": "株式会社テストクラウド"}') AS japanese;
SELECT pol_eval('size(s)', '{"s": "😀é"}') AS code_points;
SELECT pol_eval('m["$k"] + m[""]', '{"m": {"$k": 1, "": 2}}') AS odd_keys;
SELECT pol_eval('a', '{"a": [null, true, false, [], {}, [[1]], {"b": {}}]}')
  AS nested;
SELECT pol_eval('{"x": x}', '{"x": {"z": 1, "a": 2, "long key": 3}}')
  AS keys_in_jsonb_order;
SELECT pol_eval('size(a)', jsonb_build_object('a',
  (SELECT jsonb_agg(i) FROM generate_series(1, 100000) AS i)))
  AS big_array;

-- Nesting: 512 containers pass, 513 do not (SQLSTATE 54000), as in the
-- JSON reader.
SELECT pol_eval('true', ('{"a":' || repeat('[', 511) || repeat(']', 511)
  || '}')::jsonb) AS depth_512;
SELECT sqlstate_of(format('SELECT pol_eval(%L, %L)', 'true',
  '{"a":' || repeat('[', 512) || repeat(']', 512) || '}'));

-- Shapes that are not a fact set: SQLSTATE 22023.
SELECT sqlstate_of(format('SELECT pol_eval(%L, %L)', 'true', f))
FROM (VALUES ('[]'), ('[{"a": 1}]'), ('"facts"'), ('42'), ('true'),
             ('null')) AS t(f);
-- The empty object is a fact set with nothing in it.
SELECT sqlstate_of($$SELECT pol_eval('x', '{}')$$);
SELECT pol_eval('has(x.y)', '{"x": {}}') AS has_not;
