import * as assert from "assert";
import { ArgumentError, Validator } from "../components/errors";
import { certificateCovers, derivedPriority, derivedPriorityBand, fixedStart, patternCovers, Route, routeBasePath, RouteTable, ROUTING_LIMITS, RoutingArgs, validateRouting } from "../components/routing";

/** The message validateRouting throws for `routing`, or undefined when it passes. */
function problem(routing: RoutingArgs | undefined, required = true): string | undefined {
    try {
        validateRouting(new Validator("api"), "routing", routing, required);
        return undefined;
    } catch (e) {
        assert.ok(e instanceof ArgumentError, String(e));
        return e.message;
    }
}

const route = (hosts: string[], paths: string[], priority?: number): Route => ({ hosts, paths, ...(priority !== undefined ? { priority } : {}) });

describe("listener rule routing", () => {
    describe("derived priorities", () => {
        it("evaluate the more specific rule first: exact hosts, wildcard hosts, any host; exact paths, longer fixed starts, any path", () => {
            // From first evaluated to last.
            const ordered = [
                route(["todo.example.com"], ["/health"]),
                route(["todo.example.com"], ["/api/v2/*"]),
                route(["todo.example.com"], ["/api/*"]),
                route(["todo.example.com"], ["/a*"]),
                route(["todo.example.com"], []),
                route(["*.example.com"], ["/api/*"]),
                route(["*.example.com"], []),
                route([], ["/health"]),
                route([], ["/api/v2/*"]),
                route([], ["/api/*"]),
                route([], []),
            ];
            const bands = ordered.map(derivedPriorityBand);
            for (let i = 1; i < bands.length; i++) {
                assert.ok(bands[i - 1].first + bands[i - 1].size <= bands[i].first, `${JSON.stringify(ordered[i - 1])} is evaluated before ${JSON.stringify(ordered[i])}`);
            }
        });

        it("stay within 1..50000 in every specificity class, in bands that never overlap", () => {
            // Every path class: exact, a wildcard after a fixed start of 0..127 characters, none.
            const pathClasses = [["/exact"], ...Array.from({ length: ROUTING_LIMITS.patternLength }, (_, n) => [n === 0 ? "*" : `/${"a".repeat(n - 1)}*`]), []];
            const bands = [["a.example.com"], ["*.example.com"], []].flatMap((hosts) => pathClasses.map((paths) => derivedPriorityBand(route(hosts, paths))));
            const sorted = [...new Map(bands.map((b) => [b.first, b])).values()].sort((x, y) => x.first - y.first);
            // Per host class: exact paths, 8 classes of wildcard paths by the length of their fixed start, any path.
            assert.strictEqual(sorted.length, 3 * (1 + 8 + 1), "one band per host class and path class");
            assert.ok(sorted[0].first >= ROUTING_LIMITS.priority.min);
            const last = sorted[sorted.length - 1];
            assert.ok(last.first + last.size - 1 <= ROUTING_LIMITS.priority.max, `the last band ends at ${last.first + last.size - 1}`);
            for (let i = 1; i < sorted.length; i++) {
                assert.ok(sorted[i - 1].first + sorted[i - 1].size <= sorted[i].first, `bands from ${sorted[i - 1].first} and ${sorted[i].first} do not overlap`);
            }
        });

        it("put a test rule before every production rule of its class, inside the class's band", () => {
            for (const r of [route(["a.example.com"], []), route([], ["/api/*"]), route([], ["/health"])]) {
                const band = derivedPriorityBand(r);
                const test = derivedPriority("web", r, true);
                const production = ["web", "api", "img"].map((s) => derivedPriority(s, r));
                assert.ok(test >= band.first && production.every((p) => test < p && p < band.first + band.size), `${JSON.stringify(r)}: test ${test} < production ${production}`);
            }
        });

        it("rank a rule with several values by its least specific one, so a catch-all never shadows a narrower rule", () => {
            assert.deepStrictEqual(derivedPriorityBand(route([], ["/api/v2/*", "/*"])), derivedPriorityBand(route([], ["/*"])));
            assert.deepStrictEqual(derivedPriorityBand(route([], ["/*"])), derivedPriorityBand(route([], [])), "/* matches every path");
            assert.deepStrictEqual(derivedPriorityBand(route(["a.example.com", "*.example.com"], [])), derivedPriorityBand(route(["*.example.com"], [])));
        });

        it("depend only on the service's name and conditions: services joining, leaving or reordered never move another's priority", () => {
            const routes: [string, Route][] = [["api", route([], ["/api/*"])], ["img", route([], ["/img/*"])], ["doc", route([], ["/doc/*"])], ["web", route(["todo.example.com"], [])]];
            const prioritiesOf = (services: [string, Route][]) => {
                const table = new RouteTable("edge");
                for (const [service, r] of services) {
                    const planned = table.plan(service, r, ["https"], 1);
                    assert.ok(Array.isArray(planned), JSON.stringify(planned));
                    table.add(planned, 1);
                }
                return Object.fromEntries(table.rules.map((r) => [r.service, r.priority]));
            };
            const all = prioritiesOf(routes);
            assert.deepStrictEqual(prioritiesOf([...routes].reverse()), all, "reordered");
            assert.deepStrictEqual(prioritiesOf(routes.filter(([s]) => s !== "api")), { img: all.img, doc: all.doc, web: all.web }, "api removed");
            assert.deepStrictEqual(prioritiesOf([["new", route([], ["/new/*"])], ...routes]), { ...all, new: derivedPriority("new", route([], ["/new/*"])) }, "a service inserted first");
            for (const [service, r] of routes) {
                const band = derivedPriorityBand(r);
                assert.ok(all[service] >= band.first && all[service] < band.first + band.size, `${service} stays in its band`);
            }
        });

        it("keep an explicit priority as given", () => {
            const table = new RouteTable("edge");
            const planned = table.plan("pinned", route([], ["/pin/*"], 7), ["https"], 1);
            assert.ok(Array.isArray(planned));
            assert.strictEqual(planned[0].priority, 7);
        });
    });

    describe("clashes and quotas", () => {
        const joined = (routes: Route[], table = new RouteTable("edge"), targetGroups = 1) => {
            routes.forEach((r, i) => {
                const planned = table.plan(`s${i}`, r, ["https"], targetGroups);
                assert.ok(Array.isArray(planned), JSON.stringify(planned));
                table.add(planned, targetGroups);
            });
            return table;
        };

        it("refuse a priority another service has on the listener", () => {
            const table = joined([route([], ["/a/*"], 10)]);
            assert.deepStrictEqual(table.plan("b", route([], ["/b/*"], 10), ["https"], 1), {
                path: "routing.priority",
                problem: "is already the priority of service s0 on the https listener of edge",
                fix: "give each service on a listener its own priority",
            });
            assert.ok(Array.isArray(table.plan("b", route([], ["/b/*"], 10), ["http"], 1)), "another listener has its own priorities");
        });

        it("refuse the same hosts and paths as another service, in any order or case", () => {
            const table = joined([route(["a.example.com", "b.example.com"], ["/x/*"])]);
            const clash = table.plan("c", route(["a.example.com", "b.example.com"], ["/x/*"]), ["https"], 1);
            assert.deepStrictEqual(clash, {
                path: "routing",
                problem: "matches the same hosts and paths as service s0 on the https listener of edge, so one of them would never receive a request",
                fix: "give the services different hosts or paths",
            });
        });

        it("refuse a rule past the load balancer's rule quota, and a target group past 100", () => {
            const full = joined(Array.from({ length: 3 }, (_, i) => route([], [`/s${i}/*`], i + 1)), new RouteTable("edge", 3));
            assert.deepStrictEqual(full.plan("x", route([], ["/x/*"]), ["https"], 1), {
                path: "routing",
                problem: "would be rule 4 of edge, over its quota of 3 rules (AWS's default quota is 100)",
                fix: "request a higher quota and set ruleQuota on the load balancer, or use another load balancer",
            });
            const many = joined(Array.from({ length: 99 }, (_, i) => route([], [`/s${i}/*`], i + 1)), new RouteTable("edge", 1000));
            assert.ok(Array.isArray(many.plan("x", route([], ["/x/*"], 100), ["https"], 1)), "the 100th target group fits");
            assert.deepStrictEqual(many.plan("x", route([], ["/x/*"], 100), ["https"], 2), {
                path: "routing",
                problem: "would bring edge to 101 target groups; AWS allows 100 per load balancer (not adjustable)",
                fix: "put further services behind another load balancer",
            });
        });

        it("refuse a derived priority on a load balancer whose other rules are unknown", () => {
            const table = new RouteTable("the given load balancer", 100, false);
            assert.strictEqual((table.plan("x", route([], ["/x/*"]), ["https"], 1) as { path: string }).path, "routing.priority");
            assert.ok(Array.isArray(table.plan("x", route([], ["/x/*"], 7), ["https"], 1)));
        });

        it("refuse a rule that another rule of the listener evaluated before it would shadow, naming both", () => {
            const table = joined([route([], ["/api/*"])]);
            // "/api/*" and "/api/v*" fall in one class of fixed starts: whichever comes first, the narrower must not come second.
            const narrow = table.plan("v", route([], ["/api/v*"]), ["https"], 1);
            const wide = derivedPriority("s0", route([], ["/api/*"]));
            const mine = derivedPriority("v", route([], ["/api/v*"]));
            if (mine > wide) {
                assert.deepStrictEqual(narrow, {
                    path: "routing",
                    problem: `would never receive a request on the https listener of edge: service s0's rule (priority ${wide}) matches every request this service's rule (priority ${mine}) matches, and is evaluated first`,
                    fix: "give the narrower rule a lower explicit priority than the wider one, or make their hosts or paths distinct",
                });
            } else {
                assert.ok(Array.isArray(narrow), "the narrower rule comes first");
            }
            assert.ok(Array.isArray(table.plan("v", route([], ["/api/v*"], 1), ["https"], 1)), "an explicit priority before the wider rule is accepted");
            assert.strictEqual((table.plan("w", route([], ["/*"], 1), ["https"], 1) as { path: string }).path, "routing", "a catch-all placed first shadows the rest");
            assert.ok(Array.isArray(joined([route(["a.example.com"], [])]).plan("w", route([], ["/*"]), ["https"], 1)), "a catch-all for any host comes after a host's rule");
        });

        it("know which path patterns cover others", () => {
            const cases: [string, string, boolean][] = [
                ["/*", "/api/*", true],
                ["/api/*", "/api/v2/*", true],
                ["/api/*", "/api/v?", true],
                ["/api/v*", "/api/*", false],
                ["/a?c", "/abc", true],
                ["/abc", "/a?c", false],
                ["*.example.com", "api.example.com", true],
                ["*.example.com", "*.example.org", false],
                ["/exact", "/exact", true],
            ];
            for (const [wide, narrow, expected] of cases) {
                assert.strictEqual(patternCovers(wide, narrow), expected, `${wide} covers ${narrow}: ${expected}`);
            }
        });

        it("refuse two services whose derived priorities collide, naming both, and accept either with an explicit priority", () => {
            // Find two paths of one band whose services hash to one slot (deterministic).
            const seen = new Map<number, string>();
            let pair: [string, string] | undefined;
            for (let i = 0; pair === undefined; i++) {
                const path = `/p${String(i).padStart(3, "0")}/*`;
                const p = derivedPriority(`svc${i}`, route([], [path]));
                pair = seen.has(p) ? [seen.get(p)!, path] : undefined;
                seen.set(p, path);
            }
            const serviceOf = (path: string) => `svc${Number(path.slice(2, 5))}`;
            const table = joined([]);
            const first = table.plan(serviceOf(pair[0]), route([], [pair[0]]), ["https"], 1);
            assert.ok(Array.isArray(first));
            table.add(first, 1);
            const p = derivedPriority(serviceOf(pair[1]), route([], [pair[1]]));
            assert.deepStrictEqual(table.plan(serviceOf(pair[1]), route([], [pair[1]]), ["https"], 1), {
                path: "routing.priority",
                problem: `cannot be derived: the priority derived from its name and conditions (${p}) is that of service ${serviceOf(pair[0])} on the https listener of edge`,
                fix: "give one of the two an explicit priority that no other rule of the listener uses",
            });
            assert.ok(Array.isArray(table.plan(serviceOf(pair[1]), route([], [pair[1]], p + 1), ["https"], 1)));
        });
    });

    describe("validation, as AWS checks a rule", () => {
        it("accepts hosts and paths AWS accepts, lowercases hosts and sorts both", () => {
            assert.deepStrictEqual(validateRouting(new Validator("api"), "routing", { hosts: ["B.example.com", "a_b.example.com", "*.example.com"], paths: ["/z", "/a/*?"], priority: 50000 }, true), {
                hosts: ["*.example.com", "a_b.example.com", "b.example.com"],
                paths: ["/a/*?", "/z"],
                priority: 50000,
            });
            assert.strictEqual(validateRouting(new Validator("api"), "routing", undefined, false), undefined);
        });

        const cases: [string, RoutingArgs | undefined, string][] = [
            ["missing on a shared load balancer", undefined, 'api: routing (undefined) is missing: a shared load balancer sends a service only the requests its rule matches; give hosts, paths or both, such as { paths: ["/api/*"] }.'],
            ["neither hosts nor paths", {}, 'api: routing ({}) has neither hosts nor paths, but a listener rule needs a condition; give hosts, paths or both, such as { paths: ["/*"] } for every request.'],
            ["an empty host list", { hosts: [] }, "api: routing.hosts ([]) must be a non-empty list; list at least one value, or leave it out."],
            ["more than five values", { hosts: ["a.example.com", "b.example.com", "c.example.com"], paths: ["/a", "/b", "/c"] }, "api: routing has 6 host and path values, but AWS allows 5 per rule in all; use wildcards to cover several values, or split the service's routes."],
            ["more than five wildcards", { paths: ["/a/*/b/*/c/*", "/d/*/e/*/f/*"] }, "api: routing has 6 wildcards in its hosts and paths, but AWS allows 5 per rule in all; use fewer wildcards."],
            ["a path over 128 characters", { paths: [`/${"a".repeat(128)}`] }, `api: routing.paths[0] ("/${"a".repeat(128)}") is not a path pattern AWS accepts (up to 128 characters: letters, digits, _-.$/~"'@:+& and the wildcards "*" and "?"); write it like "/api/*".`],
            ["a path with a space", { paths: ["/a b"] }, `api: routing.paths[0] ("/a b") is not a path pattern AWS accepts (up to 128 characters: letters, digits, _-.$/~"'@:+& and the wildcards "*" and "?"); write it like "/api/*".`],
            ["a path without its leading slash", { paths: ["api/*"] }, 'api: routing.paths[0] ("api/*") must start with "/" or a wildcard: request paths start with "/", so it would never match; write it as "/api/*".'],
            ["a host without a dot", { hosts: ["localhost"] }, 'api: routing.hosts[0] ("localhost") must contain a "." and only letters after the last "." (AWS refuses other host conditions); write it like "api.example.com" or "*.example.com".'],
            ["a host ending in digits", { hosts: ["10.0.0.1"] }, 'api: routing.hosts[0] ("10.0.0.1") must contain a "." and only letters after the last "." (AWS refuses other host conditions); write it like "api.example.com" or "*.example.com".'],
            ["a host with a port", { hosts: ["a.example.com:443"] }, 'api: routing.hosts[0] ("a.example.com:443") is not a host pattern AWS accepts (up to 128 letters, digits, "-", "_", "." and the wildcards "*" and "?"); write it like "api.example.com" or "*.example.com".'],
            ["a host listed twice", { hosts: ["a.example.com", "A.example.com"] }, 'api: routing.hosts[1] ("A.example.com") is listed twice; list each value once.'],
            ["a priority of 0", { paths: ["/*"], priority: 0 }, "api: routing.priority (0) must be a whole number from 1 to 50000; set it within 1..50000."],
            ["a priority over 50000", { paths: ["/*"], priority: 50001 }, "api: routing.priority (50001) must be a whole number from 1 to 50000; set it within 1..50000."],
        ];
        for (const [what, routing, message] of cases) {
            it(`refuses ${what}`, () => assert.strictEqual(problem(routing), message));
        }
    });

    describe("helpers", () => {
        it("find the fixed start of a pattern and the URL path of a route", () => {
            assert.deepStrictEqual(["/api/*", "/a?c", "*", "/exact"].map(fixedStart), ["/api/", "/a", "", "/exact"]);
            assert.deepStrictEqual([[], ["/*"], ["/api/*"], ["/api/v2/items*"], ["/health"]].map(routeBasePath), ["/", "/", "/api/", "/api/v2/", "/"]);
        });

        it("cover a host by an exact certificate name, or a wildcard one level deep; a wildcard host only by the same wildcard", () => {
            const covered: [string, string, boolean][] = [
                ["todo.example.com", "todo.example.com", true],
                ["todo.example.com", "TODO.example.com", true],
                ["*.example.com", "api.example.com", true],
                ["*.example.com", "example.com", false],
                ["*.example.com", "a.b.example.com", false],
                ["*.example.com", "*.example.com", true],
                ["*.example.com", "a*.example.com", false],
                ["example.com", "api.example.com", false],
            ];
            for (const [name, host, expected] of covered) {
                assert.strictEqual(certificateCovers(name, host), expected, `${name} covers ${host}: ${expected}`);
            }
        });
    });
});
