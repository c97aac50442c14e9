# rules40.jq: the 40 rules of tests/bench/bench40.pol in jq, the peer of
# the streaming benchmark (issue 7, T2). For each vendor of an NDJSON
# stream it prints one line of 40 verdict letters in the policy's order,
# P(ASS) F(AIL) U(NKNOWN) S(KIPPED), as floor.c does:
#
#   jq -r -f tests/bench/rules40.jq vendors.ndjson
#
# A missing fact reads as null in jq. The generator never writes null, so
# here null stands for CEL's "absent" error, and the helpers carry it as
# CEL carries an error: false && absent is false, true || absent is true,
# all() is false if any item is false, else absent if any is, and so on.
# Type errors (ERROR) are not modelled: generated facts have one type
# each. `make bench-agree` checks these verdicts against libpol's.

# f applied to a present value; absent stays absent.
def lift(f): if . == null then null else f end;

# has(x.k): a presence test on the fact tree, false when x itself is
# missing (docs/language.md, has()).
def has3($k): if . == null then false else has($k) end;

# The right side is skipped when the left decides, as in CEL.
def and3(a; b): a as $x
  | if $x == false then false
    else b as $y
      | if $y == false then false
        elif $x == null or $y == null then null
        else true end
    end;

def or3(a; b): a as $x
  | if $x == true then true
    else b as $y
      | if $y == true then true
        elif $x == null or $y == null then null
        else false end
    end;

def eq3($c): lift(. == $c);
def in3($set): lift(. as $x | any($set[]; . == $x));
def has_item($x): lift(any(.[]; . == $x));

# The macros over a list (or a map's values, for the check sheet), with
# CEL's error rules: all and exists absorb errors when an item decides,
# exists_one and filter do not. One pass each, with reduce; null is
# sticky where an error would be.
def all3(f): lift(reduce (.[] | f) as $t (true;
  if . == false or $t == false then false
  elif . == null or $t == null then null
  else true end));
def exists3(f): lift(reduce (.[] | f) as $t (false;
  if . == true or $t == true then true
  elif . == null or $t == null then null
  else false end));
def count3(f): lift(reduce (.[] | f) as $t (0;
  if . == null or $t == null then null
  elif $t then . + 1
  else . end));
def exists_one3(f): count3(f) | lift(. == 1);

def letter: if . == true then "P" elif . == false then "F" else "U" end;
def rule(r): r | letter;
def rule(w; r): w as $w
  | if $w == false then "S" elif $w == null then "U" else (r | letter) end;

[
  # backup_generations
  rule(.backup.enabled; .backup.generations | lift(. >= 7)),
  # data_in_japan
  rule(.data.location.countries | has_item("JP")),
  # contact_url_https
  rule(.contact.url | lift(startswith("https://"))),
  # subprocessor_jurisdiction
  rule(.subprocessors | lift(length > 0);
       .subprocessors | all3(.jurisdiction | in3(["JP", "EU"]))),
  # cs_access_control
  rule(.checksheet.items["3.2"].answer | eq3("○")),
  # sla
  rule(.availability.sla_percent | lift(. >= 99.9)),
  # rule_7
  rule(.encryption.at_rest.enabled),
  # company_country
  rule(.company.country | in3(["JP", "US"])),
  # company_kk
  rule(.company.name | lift(test("株式会社"))),
  # subprocessor_count
  rule(.subprocessors | lift(length <= 5)),
  # backup_frequency
  rule(.backup.enabled; .backup.frequency_hours | lift(. <= 24)),
  # iso27001
  rule(.certifications.vendor | has_item("ISO27001")),
  # support_hours
  rule(.support.hours | or3(lift(startswith("24時間"));
    lift(test("^平日 ?[0-9]{1,2}:[0-9]{2}-(1[89]|2[0-3]):[0-9]{2}$")))),
  # infra_subprocessor
  rule(.subprocessors | exists3(.purpose | lift(contains("インフラ")))),
  # cs_encryption
  rule(.checksheet.items["6.1"]
       | or3(.answer | eq3("○"); .note | lift(contains("暗号")))),
  # incident_notice
  rule(.incident.security_notice_hours | lift(. <= 72)),
  # rule_17
  rule(.auth.mfa),
  # tls_modern
  rule(.encryption.in_transit.enabled;
       .encryption.in_transit.tls_versions
       | or3(has_item("1.3"); has_item("1.2"))),
  # contact_email
  rule(.contact.email
       | lift(test("^[a-z0-9._-]+@[a-z0-9.-]+\\.[a-z]{2,}$"))),
  # payment_single
  rule(.subprocessors | exists_one3(.purpose | eq3("決済処理"))),
  # log_retention
  rule(.log.retention_days | lift(. >= 365)),
  # cs_incident
  rule(.checksheet.items
       | and3(.["1.1"].answer | eq3("○"); .["1.2"].answer | eq3("○"))),
  # cert_count
  rule(.certifications.vendor | lift(length >= 2)),
  # hosting_region
  rule(.hosting.region | lift(test(
    "^(ap-northeast-[13]|japaneast|japanwest|asia-northeast[12])$"))),
  # foreign_processing
  rule(.subprocessors
       | count3(.processing_countries | lift(any(.[]; . != "JP")))
       | lift(. <= 2)),
  # encryption_both
  rule(and3(.encryption.at_rest.enabled; .encryption.in_transit.enabled)),
  # password_length
  rule(.auth.password_min_length | lift(. >= 8)),
  # data_countries
  rule(.data.location.countries
       | all3(in3(["JP", "US", "DE", "FR", "IE"]))),
  # cs_crosses
  rule(.checksheet.items | count3(.answer | eq3("×")) | lift(. <= 5)),
  # ismap
  rule(or3(.certifications.vendor | has_item("ISMAP");
           .hosting.provider | in3(["AWS", "Azure", "GCP"]))),
  # sla_disclosed
  rule(.availability | has3("sla_percent")),
  # subprocessor_companies
  rule(.subprocessors
       | all3(and3(has("company"); .company | lift(length > 0)))),
  # tls_no_legacy
  rule(.encryption.in_transit.enabled;
       .encryption.in_transit.tls_versions | all3(. >= "1.2")),
  # cs_optional
  rule(.checksheet.items
       | and3(lift(has("7.3")); .["7.3"].answer | in3(["○", "－"]))),
  # backup_offsite
  rule(.backup.enabled; .backup.offsite),
  # contact_disclosed
  rule(.contact | or3(has3("email"); has3("url"))),
  # email_domain_jp
  rule(.contact.email | lift(endswith(".jp"))),
  # processing_in_japan
  rule(.subprocessors | all3(.processing_countries | has_item("JP"))),
  # cs_backup
  rule(.checksheet.items["5.4"].answer | lift(. != "×")),
  # notice_channels
  rule(.incident.channels | and3(lift(length >= 2); has_item("email")))
] | join("")
