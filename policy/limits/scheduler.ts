/**
 * EventBridge Scheduler: schedules (expression, time zone, flexible window, state, retry policy);
 * and `scheduleExpressionProblem`, which delegates to the BatchTask component's rule.
 */
import { BATCH_TASK_LIMITS, scheduleExpressionProblem as componentScheduleProblem } from "../../components/batchTask";
import { at } from "../preview";
import { Add, intIn, lengthAtMost } from "./common";

/** EventBridge Scheduler ranges. */
export const SCHEDULER_LIMITS = { retryAttempts: { min: 0, max: 185 }, eventAgeSeconds: { min: 60, max: 86400 }, descriptionLength: 512, timezoneLength: 50 } as const;

/**
 * Why AWS would refuse a schedule expression, or undefined when it accepts it: the components'
 * own rule (`scheduleExpressionProblem` of the BatchTask), so the pack and the components never
 * disagree on an input.
 */
export function scheduleExpressionProblem(expression: unknown): string | undefined {
    return componentScheduleProblem(expression)?.problem;
}

/** True when the runtime's time zone data knows `zone` under exactly that (canonical or alias) name. */
export function isIanaTimeZone(zone: unknown): boolean {
    if (typeof zone !== "string" || zone.length === 0 || zone.length > SCHEDULER_LIMITS.timezoneLength) {
        return false;
    }
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
    } catch {
        return false;
    }
    // Intl matches names case-insensitively; the tz database (and AWS) spell them exactly.
    const supported = (Intl as unknown as { supportedValuesOf?(key: string): string[] }).supportedValuesOf?.("timeZone") ?? [];
    return supported.includes(zone) || ["UTC", "GMT", "Etc/UTC", "Etc/GMT"].includes(zone) || /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(zone);
}

export function scheduleRules(p: Record<string, any>, add: Add): void {
    const problem = scheduleExpressionProblem(at(p, "scheduleExpression"));
    if (problem) {
        add(`scheduleExpression (${JSON.stringify(at(p, "scheduleExpression"))}) ${problem}`);
    }
    const zone = at(p, "scheduleExpressionTimezone");
    if (zone !== undefined && !isIanaTimeZone(zone)) {
        add(`scheduleExpressionTimezone (${JSON.stringify(zone)}) is not an IANA time zone name`);
    }
    lengthAtMost(add, "description", at(p, "description"), SCHEDULER_LIMITS.descriptionLength);
    const mode = at(p, "flexibleTimeWindow.mode");
    const window = at(p, "flexibleTimeWindow.maximumWindowInMinutes");
    if (mode === "FLEXIBLE") {
        const l = BATCH_TASK_LIMITS.flexibleWindowMinutes;
        if (window === undefined) {
            add("flexibleTimeWindow FLEXIBLE needs maximumWindowInMinutes");
        }
        intIn(add, "flexibleTimeWindow.maximumWindowInMinutes", window, l.min, l.max, "minutes");
    } else if (mode !== "OFF") {
        add(`flexibleTimeWindow.mode (${JSON.stringify(mode)}) must be OFF or FLEXIBLE`);
    } else if (window !== undefined) {
        add("flexibleTimeWindow OFF takes no maximumWindowInMinutes");
    }
    const state = at(p, "state");
    if (state !== undefined && state !== "ENABLED" && state !== "DISABLED") {
        add(`state (${JSON.stringify(state)}) must be ENABLED or DISABLED`);
    }
    const s = SCHEDULER_LIMITS;
    intIn(add, "target.retryPolicy.maximumRetryAttempts", at(p, "target.retryPolicy.maximumRetryAttempts"), s.retryAttempts.min, s.retryAttempts.max);
    intIn(add, "target.retryPolicy.maximumEventAgeInSeconds", at(p, "target.retryPolicy.maximumEventAgeInSeconds"), s.eventAgeSeconds.min, s.eventAgeSeconds.max, "seconds");
}
