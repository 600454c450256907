import { Validator } from "./errors";

/** Which requests of a shared load balancer reach a service: a listener rule's conditions and priority. */
export interface RoutingArgs {
    /**
     * Host names the rule matches (`Host` header, case-insensitive): exact (`api.example.com`) or
     * with wildcards (`*.example.com`; `*` matches any characters, `?` one). With HTTPS on, a
     * certificate of the load balancer must cover each. @default any host
     * @example ["api.example.com"]
     */
    readonly hosts?: readonly string[];
    /**
     * Path patterns the rule matches (case-sensitive; `*` matches any characters, `?` one, the
     * query string is not part of the path). @default any path
     * @example ["/api/*"]
     */
    readonly paths?: readonly string[];
    /**
     * Evaluation order on the listener, 1 (first) to 50000, unique per listener. @default derived
     * from the rule's specificity (exact hosts before wildcard hosts before any host; within those,
     * exact paths, then wildcard paths with the longest fixed start first, then any path), in the
     * order services join; see {@link derivedPriorityBand}.
     */
    readonly priority?: number;
}

/** AWS's limits on listener rules of an Application Load Balancer (see docs/aws-behaviour.md). */
export const ROUTING_LIMITS = {
    priority: { min: 1, max: 50000 },
    /** Host and path values of one rule, in all. */
    conditionValues: 5,
    /** Values of one condition (its hosts, or its paths). */
    valuesPerCondition: 3,
    /** Wildcard characters ("*", "?") in a rule's values, in all. */
    conditionWildcards: 5,
    patternLength: 128,
    /** Rules per load balancer, default rules excluded: AWS's default quota (Service Quotas). */
    rulesPerLoadBalancer: 100,
    /** Target groups per load balancer: not adjustable. */
    targetGroupsPerLoadBalancer: 100,
} as const;

/** A validated rule: normalised conditions (hosts lowercased, both sorted) and its priority, if explicit. */
export interface Route {
    readonly hosts: readonly string[];
    readonly paths: readonly string[];
    readonly priority?: number;
}

// Characters AWS accepts in a host-header condition: letters, digits, "-", "_", ".", and the wildcards.
const HOST_PATTERN = /^[A-Za-z0-9_.*?-]+$/;
// Characters AWS accepts in a path-pattern condition ("&" is written as is; AWS stores it escaped).
const PATH_PATTERN = /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/;
const WILDCARD = /[*?]/;

/** The characters of a pattern before its first wildcard: what makes it specific. */
export function fixedStart(pattern: string): string {
    const at = pattern.search(WILDCARD);
    return at < 0 ? pattern : pattern.slice(0, at);
}

/** Checks a host-header pattern as AWS does; returns it lowercased. */
function validateHost(v: Validator, path: string, host: unknown): string {
    const fix = 'write it like "api.example.com" or "*.example.com"';
    if (typeof host !== "string" || host.length === 0 || host.length > ROUTING_LIMITS.patternLength || !HOST_PATTERN.test(host)) {
        throw v.error(path, host, `is not a host pattern AWS accepts (up to ${ROUTING_LIMITS.patternLength} letters, digits, "-", "_", "." and the wildcards "*" and "?")`, fix);
    }
    const last = host.slice(host.lastIndexOf(".") + 1);
    if (!host.includes(".") || !/^[A-Za-z]+$/.test(last)) {
        throw v.error(path, host, 'must contain a "." and only letters after the last "." (AWS refuses other host conditions)', fix);
    }
    return host.toLowerCase();
}

function validatePath(v: Validator, path: string, pattern: unknown): string {
    if (typeof pattern !== "string" || pattern.length === 0 || pattern.length > ROUTING_LIMITS.patternLength || !PATH_PATTERN.test(pattern)) {
        throw v.error(path, pattern, `is not a path pattern AWS accepts (up to ${ROUTING_LIMITS.patternLength} characters: letters, digits, _-.$/~"'@:+& and the wildcards "*" and "?")`, 'write it like "/api/*"');
    }
    if (!pattern.startsWith("/") && !pattern.startsWith("*")) {
        throw v.error(path, pattern, 'must start with "/" or a wildcard: request paths start with "/", so it would never match', `write it as "/${pattern}"`);
    }
    return pattern;
}

function validateList(v: Validator, path: string, list: unknown, each: (p: string, value: unknown) => string): string[] {
    if (!Array.isArray(list) || list.length === 0) {
        throw v.error(path, list, "must be a non-empty list", "list at least one value, or leave it out");
    }
    // Every wrong value is named, not only the first.
    const before = v.problemCount;
    const values = list.map((value, i) => v.check(() => each(`${path}[${i}]`, value)));
    values.forEach((value, i) => {
        if (value !== undefined && values.indexOf(value) !== i) {
            v.record(v.error(`${path}[${i}]`, list[i], "is listed twice", "list each value once"));
        }
    });
    v.throwSince(before);
    return values as string[];
}

/**
 * Checks `routing` (at `path`) as AWS would check the listener rule: patterns, at most five
 * condition values, a priority in range. `required` refuses a rule without hosts and paths
 * (a rule needs a condition; only the one-service form supplies a default).
 */
export function validateRouting(v: Validator, path: string, routing: RoutingArgs | undefined, required: boolean): Route | undefined {
    if (routing === undefined) {
        if (required) {
            throw v.error(path, routing, "is missing: a shared load balancer sends a service only the requests its rule matches", 'give hosts, paths or both, such as { paths: ["/api/*"] }');
        }
        return undefined;
    }
    if (typeof routing !== "object" || routing === null) {
        throw v.error(path, routing, "must be an object", "give { hosts?, paths?, priority? }");
    }
    // Wrong hosts do not hide wrong paths nor a wrong priority; the rule's totals need both lists.
    const before = v.problemCount;
    const hosts = routing.hosts === undefined ? [] : v.check(() => validateList(v, `${path}.hosts`, routing.hosts, (p, h) => validateHost(v, p, h)));
    const paths = routing.paths === undefined ? [] : v.check(() => validateList(v, `${path}.paths`, routing.paths, (p, value) => validatePath(v, p, value)));
    if (hosts === undefined || paths === undefined) {
        if (routing.priority !== undefined) {
            v.check(() => v.integer(`${path}.priority`, routing.priority!, ROUTING_LIMITS.priority.min, ROUTING_LIMITS.priority.max));
        }
        v.throwSince(before);
        return undefined; // not reached: a list was refused, so the line above threw
    }
    if (hosts.length === 0 && paths.length === 0) {
        throw v.error(path, routing, "has neither hosts nor paths, but a listener rule needs a condition", 'give hosts, paths or both, such as { paths: ["/*"] } for every request');
    }
    for (const [key, values] of [["hosts", hosts], ["paths", paths]] as const) {
        if (values.length > ROUTING_LIMITS.valuesPerCondition) {
            throw v.error(`${path}.${key}`, values, `has ${values.length} values, but AWS allows ${ROUTING_LIMITS.valuesPerCondition} per condition`, "use wildcards to cover several, or split the service's routes");
        }
    }
    if (hosts.length + paths.length > ROUTING_LIMITS.conditionValues) {
        throw v.conflict(`${path}`, `has ${hosts.length + paths.length} host and path values, but AWS allows ${ROUTING_LIMITS.conditionValues} per rule in all`, "use wildcards to cover several values, or split the service's routes");
    }
    const wildcards = [...hosts, ...paths].join("").replace(/[^*?]/g, "").length;
    if (wildcards > ROUTING_LIMITS.conditionWildcards) {
        throw v.conflict(`${path}`, `has ${wildcards} wildcards in its hosts and paths, but AWS allows ${ROUTING_LIMITS.conditionWildcards} per rule in all`, "use fewer wildcards");
    }
    if (routing.priority !== undefined) {
        v.integer(`${path}.priority`, routing.priority, ROUTING_LIMITS.priority.min, ROUTING_LIMITS.priority.max);
    }
    return { hosts: [...hosts].sort(), paths: [...paths].sort(), ...(routing.priority !== undefined ? { priority: routing.priority } : {}) };
}

/** Priorities of one specificity class: a derived priority is the first free one of its band. */
export interface PriorityBand {
    readonly first: number;
    readonly size: number;
}

const HOST_CLASSES = 3;
const BAND_PER_HOST_CLASS = 16000;
/** 0 exact path, 1..129 wildcard paths by fixed start (longest first), 130 any path. */
const PATH_CLASSES = ROUTING_LIMITS.patternLength + 3;
const SLOTS_PER_BAND = Math.floor(BAND_PER_HOST_CLASS / PATH_CLASSES);

/**
 * The priorities a rule's derived priority is drawn from. The listener evaluates low numbers
 * first, so bands follow specificity: rules with exact hosts, then wildcard hosts, then any host;
 * within each, exact paths, then wildcard paths by the length of their fixed start (`/api/v2/*`
 * before `/api/*` before `/*`), then any path. A rule with several values ranks by its least
 * specific one, so a catch-all never shadows a narrower rule. Each band holds 122 priorities.
 */
export function derivedPriorityBand(route: Pick<Route, "hosts" | "paths">): PriorityBand {
    const hostClass = route.hosts.length === 0 ? HOST_CLASSES - 1 : Math.max(...route.hosts.map((h) => (WILDCARD.test(h) ? 1 : 0)));
    const pathClass =
        route.paths.length === 0 ? PATH_CLASSES - 1 : Math.max(...route.paths.map((p) => (WILDCARD.test(p) ? 1 + ROUTING_LIMITS.patternLength - fixedStart(p).length : 0)));
    return { first: 1 + hostClass * BAND_PER_HOST_CLASS + pathClass * SLOTS_PER_BAND, size: SLOTS_PER_BAND };
}

/** One rule on a listener, as recorded by a {@link RouteTable}. */
export interface RouteEntry extends Route {
    /** The service the rule forwards to. */
    readonly service: string;
    readonly listener: string;
    readonly priority: number;
    /** A test rule of a traffic-shifting deployment: the header (`name=value`) its requests carry. */
    readonly testHeader?: string;
}

/** Why a route cannot join a table: the message's problem and fix. */
export interface RouteConflict {
    readonly path: string;
    readonly problem: string;
    readonly fix: string;
}

/**
 * The listener rules and target groups of one load balancer, as services join it. Services
 * constructed in the same program check their rules against it, so clashes fail before any of
 * the service's resources is registered.
 */
export class RouteTable {
    private readonly entries: RouteEntry[] = [];
    private targetGroupCount = 0;

    /**
     * @param loadBalancer name of the load balancer, for messages
     * @param ruleQuota the account's quota of rules per load balancer
     * @param derive whether priorities may be derived (not on a load balancer whose other rules are unknown)
     */
    constructor(
        public readonly loadBalancer: string,
        public readonly ruleQuota: number = ROUTING_LIMITS.rulesPerLoadBalancer,
        public readonly derive: boolean = true,
    ) {}

    /** The rules recorded so far. */
    get rules(): readonly RouteEntry[] {
        return this.entries;
    }

    /** Target groups of the services recorded so far. */
    get targetGroups(): number {
        return this.targetGroupCount;
    }

    /**
     * The rules `route` would add on `listeners`, with their priorities, or the first reason it
     * cannot join (a clash with a recorded rule, a quota). Records nothing.
     */
    plan(service: string, route: Route, listeners: readonly string[], targetGroups: number, testTraffic?: { readonly header: string; readonly value: string }): RouteEntry[] | RouteConflict {
        const q = ROUTING_LIMITS;
        const planned: RouteEntry[] = [];
        for (const listener of listeners) {
            const onListener = this.entries.filter((e) => e.listener === listener);
            const same = onListener.find((e) => sameConditions(e, route));
            if (same) {
                return { path: "routing", problem: `matches the same hosts and paths as service ${same.service} on the ${listener} listener of ${this.loadBalancer}, so one of them would never receive a request`, fix: "give the services different hosts or paths" };
            }
            let priority = route.priority;
            if (priority !== undefined) {
                const taken = onListener.find((e) => e.priority === priority);
                if (taken) {
                    return { path: "routing.priority", problem: `is already the priority of service ${taken.service} on the ${listener} listener of ${this.loadBalancer}`, fix: "give each service on a listener its own priority" };
                }
            } else if (!this.derive) {
                return { path: "routing.priority", problem: `is missing: ${this.loadBalancer} was created elsewhere and may hold rules this program cannot see, so no priority can be derived safely`, fix: "give a priority (1..50000) that no other rule of the listener uses" };
            } else {
                const band = derivedPriorityBand(route);
                const used = new Set(onListener.map((e) => e.priority));
                priority = Array.from({ length: band.size }, (_, i) => band.first + i).find((p) => !used.has(p));
                if (priority === undefined) {
                    return { path: "routing.priority", problem: `cannot be derived: the ${band.size} priorities from ${band.first} for rules this specific are all taken on ${this.loadBalancer}`, fix: "give the service an explicit priority" };
                }
            }
            planned.push({ service, listener, hosts: route.hosts, paths: route.paths, priority });
            if (testTraffic) {
                if (!this.derive) {
                    return { path: "deployment.testTraffic", problem: `needs a load balancer of this program: ${this.loadBalancer} was created elsewhere and may hold the priority the test rule needs`, fix: "remove testTraffic, or share a LoadBalancer of this program" };
                }
                // Just before the production rule: requests with the header reach the new version first.
                const used = new Set([...onListener.map((e) => e.priority), priority]);
                const test = Array.from({ length: priority - 1 }, (_, i) => priority - 1 - i).find((p) => !used.has(p));
                if (test === undefined) {
                    return { path: "deployment.testTraffic", problem: `needs a free priority below ${priority} on the ${listener} listener of ${this.loadBalancer}`, fix: "give routing a higher priority" };
                }
                planned.push({ service, listener, hosts: route.hosts, paths: route.paths, priority: test, testHeader: `${testTraffic.header}=${testTraffic.value}` });
            }
        }
        if (this.entries.length + planned.length > this.ruleQuota) {
            return { path: "routing", problem: `would be rule ${this.entries.length + planned.length} of ${this.loadBalancer}, over its quota of ${this.ruleQuota} rules (AWS's default quota is ${q.rulesPerLoadBalancer})`, fix: "request a higher quota and set ruleQuota on the load balancer, or use another load balancer" };
        }
        if (this.targetGroupCount + targetGroups > q.targetGroupsPerLoadBalancer) {
            return { path: "routing", problem: `would bring ${this.loadBalancer} to ${this.targetGroupCount + targetGroups} target groups; AWS allows ${q.targetGroupsPerLoadBalancer} per load balancer (not adjustable)`, fix: "put further services behind another load balancer" };
        }
        return planned;
    }

    /** Records the rules `plan` returned (and the service's target groups). */
    add(rules: readonly RouteEntry[], targetGroups: number): void {
        this.entries.push(...rules);
        this.targetGroupCount += targetGroups;
    }
}

function sameConditions(a: Pick<RouteEntry, "hosts" | "paths" | "testHeader">, b: Pick<RouteEntry, "hosts" | "paths" | "testHeader">): boolean {
    return a.hosts.join("\n") === b.hosts.join("\n") && a.paths.join("\n") === b.paths.join("\n") && a.testHeader === b.testHeader;
}

/**
 * True when a certificate for `name` (exact, or `*.` and one label) serves TLS for hosts matching
 * `host`. A wildcard host pattern needs a certificate with the same pattern: `*` in a host
 * condition also matches dots, which a wildcard certificate does not.
 */
export function certificateCovers(name: string, host: string): boolean {
    const n = name.toLowerCase();
    const h = host.toLowerCase();
    if (n === h) {
        return true;
    }
    if (!n.startsWith("*.") || WILDCARD.test(h)) {
        return false;
    }
    const dot = h.indexOf(".");
    return dot > 0 && h.slice(dot + 1) === n.slice(2);
}

/** The URL path a route's paths start with (its first path's fixed start, up to the last "/"). */
export function routeBasePath(paths: readonly string[]): string {
    if (paths.length === 0) {
        return "/";
    }
    const start = fixedStart(paths[0]);
    return start.slice(0, start.lastIndexOf("/") + 1) || "/";
}
