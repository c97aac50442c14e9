-- policyc--1.0--1.1.sql: ALTER EXTENSION policyc UPDATE from 1.0, and
-- the second step of CREATE EXTENSION policyc (after policyc--1.0.sql).
--
-- now() in a rule or an expression is the evaluation date: midnight UTC
-- of current_date, the transaction's start date in the session's time
-- zone (in 1.0 it read the clock at each call). A function whose result
-- depends on the date is STABLE, as current_date is, not IMMUTABLE: the
-- planner must not fold a call into a constant of a cached plan, nor let
-- it index an expression whose value changes with the day. pol_compile
-- evaluates nothing and stays IMMUTABLE. docs/postgresql.md says more.

\echo Use "ALTER EXTENSION policyc UPDATE" to load this file. \quit

ALTER FUNCTION pol_check(bytea, jsonb, text) STABLE;
ALTER FUNCTION pol_verdicts(bytea, jsonb) STABLE;
ALTER FUNCTION pol_compliant(bytea, jsonb, text) STABLE;
ALTER FUNCTION pol_eval(text, jsonb) STABLE;
