/**
 * EventBridge rules and targets: descriptions, event patterns, schedule expressions (as Scheduler,
 * but without at()) and input transformers.
 */
import { at } from "../preview";
import { Add, lengthAtMost, parseJson } from "./common";
import { scheduleExpressionProblem } from "./scheduler";

export function eventRuleRules(p: Record<string, any>, add: Add): void {
    lengthAtMost(add, "description", at(p, "description"), 512);
    parseJson(add, "eventPattern", at(p, "eventPattern"));
    const expression = at(p, "scheduleExpression");
    if (expression !== undefined) {
        // Rules take rate() and cron() like Scheduler, but not at().
        const problem = /^at\(/.test(expression) ? "uses at(), which only EventBridge Scheduler accepts" : scheduleExpressionProblem(expression);
        if (problem) {
            add(`scheduleExpression (${JSON.stringify(expression)}) ${problem}`);
        }
    }
}

export function eventTargetRules(p: Record<string, any>, add: Add): void {
    const transformer = at(p, "inputTransformer");
    if (transformer === undefined) {
        return;
    }
    const paths: Record<string, unknown> = at(transformer, "inputPaths") ?? {};
    const keys = Object.keys(paths);
    if (keys.length > 100) {
        add(`inputTransformer.inputPaths holds ${keys.length} keys; at most 100`);
    }
    const template = at(transformer, "inputTemplate");
    lengthAtMost(add, "inputTransformer.inputTemplate", template, 8192);
    for (const m of String(template ?? "").matchAll(/<([A-Za-z0-9_.-]+)>/g)) {
        if (!keys.includes(m[1]) && !m[1].startsWith("aws.events.")) {
            add(`inputTransformer.inputTemplate uses <${m[1]}>, which inputPaths does not define`);
        }
    }
}
