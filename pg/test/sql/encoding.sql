-- encoding: in a database whose encoding is not UTF-8 (EUC_JP here),
-- text is converted to UTF-8 for libpol and back: the same results.
\set regress_db :DBNAME
CREATE DATABASE policyc_eucjp ENCODING 'EUC_JP' LC_COLLATE 'C' LC_CTYPE 'C'
  TEMPLATE template0;
\c policyc_eucjp
SET client_encoding = 'UTF8';
CREATE EXTENSION policyc;
SELECT pol_eval('s + "！"', '{"s": "株式会社テストクラウド"}') AS facts_and_result;
SELECT pol_eval('size(s)', '{"s": "日本語"}') AS code_points;
SELECT pol_eval('{"日本": k}', '{"k": "東京"}') AS keys;
SELECT r.rule, r.verdict, r.message, r.missing
FROM pol_verdicts(pol_compile(
  'rule backup { title "バックアップ" require backup["世代"] >= 7 '
  'message "保管世代数は {backup.generations} 世代" }
   rule notice { require notice["時間"] <= 72 }', '方針.pol'),
  '{"backup": {"世代": 9, "generations": 9}, "notice": {}}') AS r;
SELECT (pol_check(pol_compile('must region: region == "日本"', '方針.pol'),
                  '{"$vendor": {"name": "株式会社"}, "region": "日本"}')
        #> '{results,0}') - 'rules' AS result;
SELECT pol_compile('rule a { title "規則" require x > }', '方針.pol');
-- A limit's error names the policy as pol_compile was told, converted
-- too (it was raised in UTF-8: "invalid byte sequence for encoding
-- EUC_JP", SQLSTATE 22021 instead of 54000).
SET pol.max_steps = 5;
SELECT pol_compliant(pol_compile('must a: [1, 2, 3, 4, 5, 6, 7].all(x, x > 0)',
                                 '方針.pol'), '{}');
RESET pol.max_steps;
SELECT pol_eval('"日本" + 1');
\c :regress_db
DROP DATABASE policyc_eucjp;
