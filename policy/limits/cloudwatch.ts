/**
 * CloudWatch metric alarms: description, period, evaluation window and datapoints.
 */
import { at } from "../preview";
import { Add, intIn, isInt, lengthAtMost } from "./common";

/** CloudWatch alarm evaluation window: one day for periods under an hour, seven days otherwise. */
export const ALARM_WINDOW_SECONDS = { underAnHour: 86400, hourOrMore: 604800 } as const;

export function metricAlarmRules(p: Record<string, any>, add: Add): void {
    lengthAtMost(add, "alarmDescription", at(p, "alarmDescription"), 1024);
    const period = at(p, "period");
    const periods = at(p, "evaluationPeriods");
    if (period !== undefined && !(isInt(period) && ([10, 20, 30].includes(period) || (period > 0 && period % 60 === 0)))) {
        add(`period (${JSON.stringify(period)}) must be 10, 20, 30 or a multiple of 60 seconds`);
    }
    intIn(add, "evaluationPeriods", periods, 1, Number.MAX_SAFE_INTEGER);
    if (isInt(period) && isInt(periods)) {
        const limit = period < 3600 ? ALARM_WINDOW_SECONDS.underAnHour : ALARM_WINDOW_SECONDS.hourOrMore;
        if (period * periods > limit) {
            add(`period x evaluationPeriods is ${period * periods} seconds; CloudWatch evaluates at most ${limit} (${period < 3600 ? "one day for periods under an hour" : "seven days"})`);
        }
    }
    const datapoints = at(p, "datapointsToAlarm");
    if (datapoints !== undefined && isInt(periods)) {
        intIn(add, "datapointsToAlarm", datapoints, 1, periods);
    }
}
