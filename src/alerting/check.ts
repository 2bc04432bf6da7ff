/** `loupe check-config` for alerting: rule files and notifier sections. */
import type { Config } from "../config/index.js";
import { ConfigError } from "../lib/errors.js";
import { formatNotifiers, readNotifiers } from "./notifier-config.js";
import { formatRuleProblem, loadRuleDir } from "./rule-file.js";

/**
 * Validates `[alerting] rules_path` and every `[notifier.<name>]`; throws a ConfigError listing
 * every problem (file, line, field), else returns the text to print and a summary line.
 */
export function checkAlertingConfig(config: Config): { text: string; summary: string } {
  const a = config.alerting;
  const problems: string[] = [];
  let notifiersText = "";
  try {
    const notifiers = readNotifiers(config);
    notifiersText = formatNotifiers(config, notifiers);
  } catch (err) {
    problems.push((err as Error).message);
  }
  const rules = loadRuleDir(a.rules_path, { defaultInterval: a.default_interval, minInterval: a.min_interval });
  problems.push(...rules.problems.map(formatRuleProblem));
  if (problems.length > 0) throw new ConfigError(`alerting:\n${problems.join("\n")}`);
  const n = rules.groups.reduce((s, g) => s + g.rules.length, 0);
  return { text: notifiersText, summary: a.rules_path === "" ? "alerting: no rules_path" : `alerting: ${n} rule(s) in ${rules.groups.length} group(s) from ${rules.files.length} file(s) in ${a.rules_path}` };
}
