/**
 * CloudWatch Logs: the retention of a log group.
 */
import { LOG_RETENTION_DAYS } from "../../components/sizing";
import { at } from "../preview";
import { Add } from "./common";

export function logGroupRules(p: Record<string, any>, add: Add): void {
    const days = at(p, "retentionInDays");
    if (days !== undefined && days !== 0 && !LOG_RETENTION_DAYS.includes(days)) {
        add(`retentionInDays (${JSON.stringify(days)}) is not a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(", ")})`);
    }
}
