/**
 * SQS queues: message retention, visibility timeout and delay.
 */
import { at } from "../preview";
import { Add, intIn } from "./common";

export function queueRules(p: Record<string, any>, add: Add): void {
    intIn(add, "messageRetentionSeconds", at(p, "messageRetentionSeconds"), 60, 1209600, "seconds");
    intIn(add, "visibilityTimeoutSeconds", at(p, "visibilityTimeoutSeconds"), 0, 43200, "seconds");
    intIn(add, "delaySeconds", at(p, "delaySeconds"), 0, 900, "seconds");
}
