/*
 * render_lang.c: the words of reports in each language (--lang): headings,
 * labels and verdict words. The one place a renderer gets a word a reader
 * sees; the JSON, NDJSON and SARIF keys and the verdict codes in them
 * stay English whatever the language (they are for programs).
 * docs/report-format.md, "Languages", lists the Japanese words and why.
 */
#include "render.h"

/* [word][column]: English, Japanese (not policy.h's lang order). */
static const char *const words[NWORDS][2] = {
    [W_POLICY] = {"Policy", "ポリシー"},
    [W_POLICY_FILE] = {"Policy file", "ポリシーファイル"},
    [W_VENDOR] = {"Vendor", "事業者"},
    [W_SERVICE] = {"Service", "サービス"},
    [W_DOCUMENT] = {"Document", "資料"},
    [W_SOURCE] = {"Source", "ファイル"},
    [W_VERSION] = {"version", "版"},
    [W_RULE] = {"rule", "要件"},
    [W_SEVERITY] = {"sev", "重要度"},
    [W_TITLE] = {"title", "表題"},
    [W_VERDICT] = {"verdict", "判定"},
    [W_VALUE] = {"value", "値"},
    [W_EVIDENCE] = {"evidence", "根拠"},
    [W_MISSING] = {"missing", "不足"},
    [W_WITHHELD] = {"withheld / 非開示", "非開示"},
    [W_NOT_DISCLOSED] = {"not disclosed / 記載なし", "記載なし"},
    [W_MESSAGE] = {"message", "メッセージ"},
    [W_REASON] = {"reason", "理由"},
    [W_REFS] = {"refs", "参照"},
    [W_SUMMARY] = {"Summary", "集計"},
    [W_TOTAL] = {"total", "計"},
    [W_RESULT] = {"Result", "結果"},
    [W_COMPLIANT] = {"COMPLIANT", "適合"},
    [W_NOT_COMPLIANT] = {"NOT COMPLIANT", "不適合"},
    [W_YES] = {"yes", "適合"},
    [W_NO] = {"no", "不適合"},
    [W_VENDORS] = {"Vendors", "事業者一覧"},
    [W_COMPLIANT_COL] = {"compliant", "総合判定"},
    [W_MUST_NOT_MET] = {"Must-rules not met", "満たされない必須要件"},
    [W_NONE] = {"none", "なし"},
    [W_QUESTIONS] = {"Questions", "質問事項"},
    [W_SCORE] = {"score", "達成率"},
    [W_DISCLOSURE] = {"disclosure", "開示率"},
    [W_MATRIX] = {"Rules by vendor", "要件別判定一覧"},
    [W_DETAILS] = {"Details", "詳細"},
    [W_STAMP] = {"Stamp", "再現情報"},
    [W_ENGINE] = {"engine", "エンジン"},
    [W_AS_OF] = {"as of", "評価日"},
    [W_OPTIONS] = {"options", "オプション"},
    [W_INPUTS] = {"inputs", "入力"},
    [W_WAIVED] = {"WAIVED", "免除"},
    [W_WAIVER] = {"waiver", "免除"},
    [W_OWNER] = {"owner", "責任者"},
    [W_JUSTIFICATION] = {"justification", "理由"},
    [W_TICKET] = {"ticket", "チケット"},
    [W_EXPIRES] = {"expires", "期限"},
    [W_EXPIRED] = {"expired waiver", "期限切れの免除"},
    [W_RESIDUAL] = {"passes if", "合格条件"},
    [W_SKIPPED_WHEN] = {"not applicable: when", "対象外: 適用条件"},
    [W_FACTS] = {"facts", "事実"},
    [W_NO_VENDORS] = {"No vendors checked.", "評価した事業者はありません。"},
    [W_FAILED_MUST] = {"failed must-rules", "不適合の必須要件"},
    [W_ERROR_MUST] = {"must-rules in error", "エラーの必須要件"},
    [W_UNKNOWN_MUST_FAIL] = {"unknown must-rules (--unknown=fail, not "
                             "compliant)",
                             "未確認の必須要件（--unknown=fail: 不適合扱い）"},
    [W_UNKNOWN_MUST_WARN] = {"warning: unknown must-rules (--unknown=warn)",
                             "警告: 未確認の必須要件（--unknown=warn）"},
    [W_UNCHECKED_MUST] = {"must-rules not checked (pol_check_rule)",
                          "評価していない必須要件（pol_check_rule）"},
    [W_SETTLES] = {"Requirements", "対象要件"},
    [W_IS_FALSE] = {"is false", "を満たさない"},
    /* an input that could not be checked: its vendor is in no count */
    [W_NOT_CHECKED] = {"NOT CHECKED", "未評価"},
    [W_NOT_CHECKED_HEAD] = {"Not checked", "評価できなかった入力"},
    [W_NOT_CHECKED_WHY] = {"This input could not be read as a vendor's "
                           "fact set: no rule was checked for it, and no "
                           "count or score of this report includes it.",
                           "この入力は事業者のファクトセットとして読み取れ"
                           "なかったため、どの要件も評価していません。"
                           "この報告書の集計・達成率には含まれていません。"},
    [W_NOT_CHECKED_COUNT] = {"Inputs not checked: %s. No rule was checked "
                             "for them; this report does not cover them.",
                             "評価できなかった入力: %s 件。どの要件も評価"
                             "しておらず、この報告書には含まれていません。"},
    [W_NOT_CHECKED_MORE] = {"... and %s more not listed here (standard "
                            "error gives the first 20; --format ndjson, "
                            "json or csv lists every one).",
                            "…ほか %s 件はここに記載していません（標準エ"
                            "ラー出力に最初の 20 件、--format ndjson・"
                            "json・csv にはすべてを記載します）。"},
    [W_ERROR_TEXT] = {"Error", "エラー内容"},
    /* the text report's (render_text*.c); "%s" is where a value goes */
    [W_OPEN] = {" (", "（"},
    [W_CLOSE] = {")", "）"},
    [W_COMMA] = {", ", "、"},
    [W_VERSION_OF] = {"version %s", "%s版"},
    [W_ASSUMED] = {"Assumed", "仮定"},
    [W_ASSUMED_NOTE] = {" (--assume: a what-if, not the vendor's words)",
                        "（--assume による仮定。事業者の記載ではありません）"},
    [W_NOT_PRESENT] = {"not present", "記載なし"},
    [W_ASSUMED_MARK] = {"  (assumed)", "  （仮定）"},
    [W_DECIDED_MARK] = {"  (decided)", "  （決め手）"},
    [W_MORE_FACTS] = {"… and %s more facts read",
                      "…ほか %s 件の事実を参照"},
    [W_EVIDENCE_OF] = {"evidence (of %s)", "根拠（%s について）"},
    [W_APPLIES_IF] = {"applies if", "適用条件"},
    [W_IF_IT_APPLIES] = {"if it applies", "適用時の判定"},
    [W_FROM] = {"from", "定義元"},
    [W_WAS] = {"was", "仮定前の判定"},
    [W_WAIVED_WAS] = {"WAIVED (was %s): ", "免除（元の判定: %s）: "},
    [W_EXPIRED_STAYS] = {"expired waiver (%s stays): ",
                         "期限切れの免除（%sのまま）: "},
    [W_UNTIL] = {", until %s", "、%s まで"},
    [W_EXPIRED_ON] = {", expired %s", "、%s に期限切れ"},
    [W_RULES] = {"Rules", "要件一覧"},
    [W_OVERALL] = {"compliant", "総合判定"},
    [W_VENDOR_COL] = {"vendor", "事業者"},
    [W_WARNING_MARK] = {" (warning)", "（警告）"},
    [W_WAIVERS] = {"Waivers", "免除"},
    [W_WAIVED_CELL] = {" (%s, WAIVED)", "（%s、免除）"},
    [W_EXPIRED_CELL] = {" (%s, waiver expired)", "（%s、免除の期限切れ）"},
    [W_UNKNOWN_COUNT_FAIL] = {"Unknown must-rules count against compliance "
                              "(--unknown=fail).",
                              "未確認の必須要件は不適合として数えます"
                              "（--unknown=fail）。"},
    [W_UNKNOWN_COUNT_WARN] = {"Unknown must-rules are warnings: compliance "
                              "ignores them (--unknown=warn).",
                              "未確認の必須要件は警告とし、適合の判定には"
                              "数えません（--unknown=warn）。"},
    [W_UNKNOWN_COUNT_IGNORE] = {"Unknown must-rules are ignored "
                                "(--unknown=ignore).",
                                "未確認の必須要件は無視します"
                                "（--unknown=ignore）。"},
    [W_QUESTION_COUNT] = {"Questions: %s", "質問 %s 件"},
    [W_NO_QUESTIONS] = {"No questions: every fact the policy needs was "
                        "disclosed.",
                        "質問事項はありません（方針が必要とする事実はすべて"
                        "開示されています）。"},
    [W_NOTE_MARK] = {"Note: ", "※ "},
};

/* 適合 (conforms), 不適合 (does not), 未確認 (not confirmed: the fact
 * was not disclosed), エラー, 対象外 (out of scope): the words Japanese
 * audit and procurement check sheets use for these outcomes. */
static const char *const verdicts[5][2] = {
    {"PASS", "適合"},    {"FAIL", "不適合"},  {"UNKNOWN", "未確認"},
    {"ERROR", "エラー"}, {"SKIPPED", "対象外"}};

static const char *const severities[3][2] = {
    {"must", "必須"}, {"should", "推奨"}, {"may", "任意"}};

/* The column of [l]: English unless it is Japanese. */
static unsigned col(lang l) { return l == LANG_JA; }

const char *render_word(lang l, word wd) {
  if ((unsigned)wd >= NWORDS)
    return "";
  return words[wd][col(l)];
}

void render_word_count(sbuf *b, lang l, word wd, uint64_t n) {
  const char *f = render_word(l, wd), *at = strstr(f, "%s");
  if (!at) {
    sb_puts(b, f);
    return;
  }
  sb_printf(b, "%.*s%llu%s", (int)(at - f), f, (unsigned long long)n,
            at + 2);
}

const char *render_verdict(lang l, verdict v) {
  if ((unsigned)v > VD_SKIPPED)
    return "?";
  return verdicts[v][col(l)];
}

const char *render_severity(lang l, severity s) {
  if ((unsigned)s > SEV_MAY)
    return "?";
  return severities[s][col(l)];
}
