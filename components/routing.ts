import { Validator } from "./errors";
import { stableHash } from "./naming";

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
     * exact paths, then wildcard paths with the longest fixed start first, then any path) and a
     * hash of the service's name and conditions, so other services never move it; see
     * {@link derivedPriority}. Two services that hash to one priority are refused, naming both.
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

/** Priorities of one specificity class: a derived priority lies in its band, at a slot only the rule's own name and conditions choose. */
export interface PriorityBand {
    readonly first: number;
    readonly size: number;
}

/**
 * Priorities per host class (exact hosts, wildcard hosts, any host), and within each per path
 * class (exact paths, wildcard paths by the length of their fixed start, any path). Most services
 * of a shared load balancer route by exact host, so that class gets the most room: the larger a
 * band, the rarer two derived priorities collide.
 */
const HOST_CLASS_BANDS = [
    { size: 30000, exactPath: 2000, wildcardPath: 1500 },
    { size: 6000, exactPath: 500, wildcardPath: 500 },
    { size: 14000, exactPath: 1000, wildcardPath: 1250 },
] as const;
/**
 * Wildcard paths rank by the length of their fixed start, in classes (longest first): a longer
 * start is more specific (`/api/v2/*` before `/api/*`). Classes are coarse so bands are large and
 * derived priorities rarely collide; two rules of one class where one would shadow the other are
 * refused (see {@link RouteTable}). A start of one character (`/*`) matches every path.
 */
const WILDCARD_START_CLASSES: readonly number[] = [32, 24, 16, 12, 9, 7, 5, 2];
/** The first tenth of each band holds test rules (deployment.testTraffic): before every production rule of their class. */
const TEST_SHARE = 0.1;

/** The path class of one pattern: 0 exact, 1.. wildcard classes (longest start first), or the last (any path). */
function pathClass(pattern: string): number {
    if (!WILDCARD.test(pattern)) {
        return 0;
    }
    const start = fixedStart(pattern).length;
    const k = WILDCARD_START_CLASSES.findIndex((min) => start >= min);
    return k < 0 ? WILDCARD_START_CLASSES.length + 1 : k + 1;
}

/**
 * The priorities a rule's derived priority is drawn from. The listener evaluates low numbers
 * first, so bands follow specificity: rules with exact hosts, then wildcard hosts, then any host;
 * within each, exact paths, then wildcard paths by the length of their fixed start (`/api/v2/*`
 * before `/api/*` before `/*`), then any path. A rule with several values ranks by its least
 * specific one, so a catch-all never shadows a narrower rule.
 */
export function derivedPriorityBand(route: Pick<Route, "hosts" | "paths">): PriorityBand {
    const hostClass = route.hosts.length === 0 ? 2 : Math.max(...route.hosts.map((h) => (WILDCARD.test(h) ? 1 : 0)));
    const h = HOST_CLASS_BANDS[hostClass];
    const first = 1 + HOST_CLASS_BANDS.slice(0, hostClass).reduce((sum, c) => sum + c.size, 0);
    const wildcards = WILDCARD_START_CLASSES.length * h.wildcardPath;
    const any = WILDCARD_START_CLASSES.length + 1;
    const rank = route.paths.length === 0 ? any : Math.max(...route.paths.map(pathClass));
    if (rank === 0) {
        return { first, size: h.exactPath };
    }
    if (rank === any) {
        return { first: first + h.exactPath + wildcards, size: h.size - h.exactPath - wildcards };
    }
    return { first: first + h.exactPath + (rank - 1) * h.wildcardPath, size: h.wildcardPath };
}

/**
 * True when every string `narrow` matches is matched by `wide` (patterns with `*` and `?`):
 * `wide`'s wildcards may stand for `narrow`'s, never the other way. Sound; it may miss an exotic
 * case of inclusion, never claim a false one.
 */
export function patternCovers(wide: string, narrow: string): boolean {
    const memo = new Map<string, boolean>();
    const m = (i: number, j: number): boolean => {
        const key = `${i},${j}`;
        const known = memo.get(key);
        if (known !== undefined) {
            return known;
        }
        let r: boolean;
        if (i === wide.length) {
            r = j === narrow.length;
        } else if (wide[i] === "*") {
            r = m(i + 1, j) || (j < narrow.length && m(i, j + 1));
        } else if (j === narrow.length || narrow[j] === "*") {
            r = false;
        } else if (wide[i] === "?") {
            r = m(i + 1, j + 1);
        } else {
            r = wide[i] === narrow[j] && m(i + 1, j + 1);
        }
        memo.set(key, r);
        return r;
    };
    return m(0, 0);
}

/** True when rule `a` matches every request rule `b` matches (no test header on `a`, or the same one). */
function shadows(a: Pick<RouteEntry, "hosts" | "paths" | "testHeader">, b: Pick<RouteEntry, "hosts" | "paths" | "testHeader">): boolean {
    const covers = (wide: readonly string[], narrow: readonly string[]) => wide.length === 0 || (narrow.length > 0 && narrow.every((n) => wide.some((w) => patternCovers(w, n))));
    return (a.testHeader === undefined || a.testHeader === b.testHeader) && covers(a.hosts, b.hosts) && covers(a.paths.filter((p) => p !== "/*" && p !== "*").length === a.paths.length ? a.paths : [], b.paths);
}

/**
 * A rule's derived priority: a slot of its band chosen by a hash of the service's name and the
 * rule's conditions, so adding or removing another service never moves it (a listener cannot
 * hold one priority twice, and the provider moves rules one call at a time: a rule that moved
 * onto a priority another rule still held would fail the update). Test rules take the first
 * tenth of the band, production rules the rest.
 */
export function derivedPriority(service: string, route: Pick<Route, "hosts" | "paths">, test = false): number {
    const band = derivedPriorityBand(route);
    const testSlots = Math.floor(band.size * TEST_SHARE);
    const slots = test ? testSlots : band.size - testSlots;
    const digest = stableHash([service, route.hosts.join(","), route.paths.join(","), test ? "test" : ""].join("\n"), 8);
    return band.first + (test ? 0 : testSlots) + (parseInt(digest, 16) % slots);
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
                priority = derivedPriority(service, route);
                const taken = onListener.find((e) => e.priority === priority);
                if (taken) {
                    return {
                        path: "routing.priority",
                        problem: `cannot be derived: the priority derived from its name and conditions (${priority}) is that of service ${taken.service} on the ${listener} listener of ${this.loadBalancer}`,
                        fix: `give one of the two an explicit priority that no other rule of the listener uses`,
                    };
                }
            }
            planned.push({ service, listener, hosts: route.hosts, paths: route.paths, priority });
            if (testTraffic) {
                if (!this.derive) {
                    return { path: "deployment.testTraffic", problem: `needs a load balancer of this program: ${this.loadBalancer} was created elsewhere and may hold the priority the test rule needs`, fix: "remove testTraffic, or share a LoadBalancer of this program" };
                }
                // Before every production rule as specific: requests with the header reach the new version first.
                const test = route.priority === undefined ? derivedPriority(service, route, true) : priority - 1;
                const taken = onListener.find((e) => e.priority === test);
                if (test < ROUTING_LIMITS.priority.min || taken) {
                    return {
                        path: "deployment.testTraffic",
                        problem: `needs priority ${test} for its test rule${route.priority === undefined ? "" : " (just below routing.priority)"}, ${taken ? `which is that of service ${taken.service}` : "which is not a priority"} on the ${listener} listener of ${this.loadBalancer}`,
                        fix: route.priority === undefined ? "give routing an explicit priority, with the one below it free for the test rule" : "give routing a priority whose predecessor is free",
                    };
                }
                planned.push({ service, listener, hosts: route.hosts, paths: route.paths, priority: test, testHeader: `${testTraffic.header}=${testTraffic.value}` });
            }
        }
        for (const rule of planned) {
            for (const other of this.entries.filter((e) => e.listener === rule.listener)) {
                const [first, second] = other.priority < rule.priority ? [other, rule] : [rule, other];
                if (shadows(first, second)) {
                    const who = (e: RouteEntry) => (e === rule ? `this service's ${e.testHeader ? "test " : ""}rule` : `service ${e.service}'s ${e.testHeader ? "test " : ""}rule`);
                    return {
                        path: rule.testHeader ? "deployment.testTraffic" : "routing",
                        problem: `would never receive a request on the ${rule.listener} listener of ${this.loadBalancer}: ${who(first)} (priority ${first.priority}) matches every request ${who(second)} (priority ${second.priority}) matches, and is evaluated first`,
                        fix: "give the narrower rule a lower explicit priority than the wider one, or make their hosts or paths distinct",
                    };
                }
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
