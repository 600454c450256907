/**
 * Elastic Load Balancing (Application Load Balancers): load balancers (idle timeout, subnets,
 * security groups, access logs), listeners (ports, certificate, default actions) and target groups
 * (ports, delays, stickiness, health checks); and the `aws:alb/...` aliases of their type tokens.
 */
import { ROUTING_LIMITS } from "../../components/routing";
import { WEB_SERVICE_LIMITS } from "../../components/webService";
import { at, known } from "../preview";
import { Add, intIn } from "./common";

/** Alias type tokens of the load balancer resources (`aws:alb/...` is the old module name). */
const ALIASES: Readonly<Record<string, string>> = {
    "aws:alb/loadBalancer:LoadBalancer": "aws:lb/loadBalancer:LoadBalancer",
    "aws:alb/targetGroup:TargetGroup": "aws:lb/targetGroup:TargetGroup",
    "aws:alb/listener:Listener": "aws:lb/listener:Listener",
    "aws:alb/listenerRule:ListenerRule": "aws:lb/listenerRule:ListenerRule",
};

/** The canonical type token (`aws:alb/...` aliases become `aws:lb/...`). */
export function canonicalType(type: string): string {
    return ALIASES[type] ?? type;
}

/** One HTTP code, a list ("200,202") or a range ("200-299"), within 200..499. */
export function matcherProblem(matcher: unknown): string | undefined {
    if (typeof matcher !== "string" || !/^\d{3}(-\d{3}|(,\d{3})*)$/.test(matcher)) {
        return "is not an HTTP code, list or range";
    }
    const codes = matcher.split(/[-,]/).map(Number);
    if (codes.some((c) => c < 200 || c > 499) || (matcher.includes("-") && codes[0] > codes[1])) {
        return "must stay within HTTP codes 200 to 499 (a range from low to high)";
    }
    return undefined;
}

/** Target group health check defaults the provider applies (the provider's schema defaults). */
export const TARGET_GROUP_HEALTH_CHECK_DEFAULTS = { interval: 30, timeout: 5 } as const;

export function targetGroupRules(p: Record<string, any>, add: Add): void {
    const type = at(p, "targetType") ?? "instance";
    if (type === "lambda") {
        return;
    }
    intIn(add, "port", at(p, "port"), 1, 65535);
    const l = WEB_SERVICE_LIMITS;
    intIn(add, "deregistrationDelay", at(p, "deregistrationDelay"), l.deregistrationDelaySeconds.min, l.deregistrationDelaySeconds.max, "seconds");
    const slowStart = at(p, "slowStart");
    if (slowStart !== undefined && slowStart !== 0) {
        intIn(add, "slowStart", slowStart, l.slowStartSeconds.min, l.slowStartSeconds.max, "seconds (or 0)");
    }
    if (at(p, "stickiness.enabled") === true) {
        intIn(add, "stickiness.cookieDuration", at(p, "stickiness.cookieDuration"), l.stickinessSeconds.min, l.stickinessSeconds.max, "seconds");
    }
    const hc = at(p, "healthCheck");
    if (hc === undefined || hc.enabled === false) {
        return;
    }
    const h = l.healthCheck;
    const interval = at(hc, "interval");
    const timeout = at(hc, "timeout");
    intIn(add, "healthCheck.interval", interval, h.intervalSeconds.min, h.intervalSeconds.max, "seconds");
    intIn(add, "healthCheck.timeout", timeout, h.timeoutSeconds.min, h.timeoutSeconds.max, "seconds");
    intIn(add, "healthCheck.healthyThreshold", at(hc, "healthyThreshold"), h.threshold.min, h.threshold.max);
    intIn(add, "healthCheck.unhealthyThreshold", at(hc, "unhealthyThreshold"), h.threshold.min, h.threshold.max);
    const effectiveInterval = interval ?? TARGET_GROUP_HEALTH_CHECK_DEFAULTS.interval;
    const effectiveTimeout = timeout ?? TARGET_GROUP_HEALTH_CHECK_DEFAULTS.timeout;
    if (effectiveInterval <= effectiveTimeout) {
        add(`healthCheck.interval (${effectiveInterval}) must be greater than healthCheck.timeout (${effectiveTimeout}) ("Health check interval must be greater than the timeout")`);
    }
    const protocol = at(hc, "protocol") ?? at(p, "protocol") ?? "HTTP";
    if (protocol === "HTTP" || protocol === "HTTPS") {
        const path = at(hc, "path");
        if (path !== undefined && (typeof path !== "string" || !path.startsWith("/") || path.length > h.pathLength)) {
            add(`healthCheck.path (${JSON.stringify(path)}) must start with "/" and be at most ${h.pathLength} characters`);
        }
        const matcher = at(hc, "matcher");
        const problem = matcher === undefined ? undefined : matcherProblem(matcher);
        if (problem) {
            add(`healthCheck.matcher (${JSON.stringify(matcher)}) ${problem}`);
        }
    }
}

export function loadBalancerRules(p: Record<string, any>, add: Add): void {
    const type = at(p, "loadBalancerType") ?? "application";
    if (type !== "application") {
        return;
    }
    const l = WEB_SERVICE_LIMITS.idleTimeoutSeconds;
    intIn(add, "idleTimeout", at(p, "idleTimeout"), l.min, l.max, "seconds");
    const subnets = at(p, "subnets");
    const mappings = at(p, "subnetMappings");
    const count = Array.isArray(subnets) ? new Set(subnets).size : Array.isArray(mappings) ? mappings.length : undefined;
    if (count !== undefined && count < 2) {
        add(`an Application Load Balancer needs subnets in at least two Availability Zones (got ${count})`);
    }
    const groups = at(p, "securityGroups");
    if (Array.isArray(groups) && groups.length > 5) {
        add(`securityGroups lists ${groups.length} groups; at most 5`);
    }
    const mode = at(p, "desyncMitigationMode");
    if (mode !== undefined && !["monitor", "defensive", "strictest"].includes(mode)) {
        add(`desyncMitigationMode ${JSON.stringify(mode)} must be monitor, defensive or strictest`);
    }
    const prefix = at(p, "accessLogs.prefix");
    if (typeof prefix === "string" && (prefix.startsWith("/") || prefix.endsWith("/") || prefix.includes("AWSLogs"))) {
        add(`accessLogs.prefix ${JSON.stringify(prefix)} must not start or end with "/" nor contain "AWSLogs"`);
    }
}

export function listenerRules(p: Record<string, any>, add: Add): void {
    intIn(add, "port", at(p, "port"), 1, 65535);
    const protocol = at(p, "protocol");
    if (protocol === "HTTPS" && at(p, "certificateArn") === undefined) {
        add("an HTTPS listener needs certificateArn");
    }
    const actions: any[] = at(p, "defaultActions") ?? [];
    if (actions.length === 0) {
        add("defaultActions must hold at least one action");
    }
    actions.forEach((a, i) => {
        const type = known(a?.type, `defaultActions.${i}.type`);
        if (type === "forward" && known(a?.targetGroupArn, `defaultActions.${i}.targetGroupArn`) === undefined && a?.forward === undefined) {
            add(`defaultActions[${i}] forwards to no target group`);
        }
        if (type === "redirect" && !["HTTP_301", "HTTP_302"].includes(known(a?.redirect?.statusCode, `defaultActions.${i}.redirect.statusCode`))) {
            add(`defaultActions[${i}].redirect.statusCode must be HTTP_301 or HTTP_302`);
        }
        if (type === "fixed-response") {
            fixedResponseRules(a?.fixedResponse, `defaultActions[${i}].fixedResponse`, add);
        }
    });
}

const FIXED_RESPONSE_CONTENT_TYPES = ["text/plain", "text/css", "text/html", "application/javascript", "application/json"];

function fixedResponseRules(r: any, path: string, add: Add): void {
    const contentType = r?.contentType;
    if (contentType !== undefined && !FIXED_RESPONSE_CONTENT_TYPES.includes(contentType)) {
        add(`${path}.contentType ${JSON.stringify(contentType)} must be one of ${FIXED_RESPONSE_CONTENT_TYPES.join(", ")}`);
    }
    const body = r?.messageBody;
    if (typeof body === "string" && body.length > 1024) {
        add(`${path}.messageBody is ${body.length} characters; at most 1024`);
    }
    if (typeof r?.statusCode === "string" && !/^[245]\d\d$/.test(r.statusCode)) {
        add(`${path}.statusCode ${JSON.stringify(r.statusCode)} must be a 2XX, 4XX or 5XX code`);
    }
}

/** Listener rules: priority 1..50000, at least one condition, at most 5 condition values and 5 wildcards in all, patterns up to 128 characters. */
export function listenerRuleRules(p: Record<string, any>, add: Add): void {
    const priority = at(p, "priority");
    if (priority !== undefined) {
        intIn(add, "priority", priority, ROUTING_LIMITS.priority.min, ROUTING_LIMITS.priority.max);
    }
    const conditions: any[] = at(p, "conditions") ?? [];
    if (conditions.length === 0) {
        add("conditions must hold at least one condition");
    }
    const values = conditions.flatMap((c) => [...(c?.hostHeader?.values ?? []), ...(c?.pathPattern?.values ?? []), ...(c?.httpHeader?.values ?? []), ...(c?.sourceIp?.values ?? []), ...(c?.httpRequestMethod?.values ?? []), ...(c?.queryStrings ?? [])]);
    if (values.length > ROUTING_LIMITS.conditionValues) {
        add(`conditions hold ${values.length} values in all; a rule may have at most ${ROUTING_LIMITS.conditionValues}`);
    }
    const patterns = values.filter((v) => typeof v === "string");
    const wildcards = patterns.join("").replace(/[^*?]/g, "").length;
    if (wildcards > ROUTING_LIMITS.conditionWildcards) {
        add(`conditions hold ${wildcards} wildcards in all; a rule may have at most ${ROUTING_LIMITS.conditionWildcards}`);
    }
    for (const v of patterns.filter((v) => v.length > ROUTING_LIMITS.patternLength)) {
        add(`condition value ${JSON.stringify(v.slice(0, 20))}... is ${v.length} characters; at most ${ROUTING_LIMITS.patternLength}`);
    }
    const actions: any[] = at(p, "actions") ?? [];
    if (actions.length === 0) {
        add("actions must hold at least one action");
    }
}
