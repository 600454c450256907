/**
 * SNS topics: the length of the display name.
 */
import { at } from "../preview";
import { Add, lengthAtMost } from "./common";

export function topicRules(p: Record<string, any>, add: Add): void {
    lengthAtMost(add, "displayName", at(p, "displayName"), 100);
}
