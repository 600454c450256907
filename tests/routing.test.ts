import * as assert from "assert";
import { ArgumentError, Validator } from "../components/errors";
import { certificateCovers, derivedPriorityBand, fixedStart, Route, routeBasePath, RouteTable, ROUTING_LIMITS, RoutingArgs, validateRouting } from "../components/routing";

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
                route(["todo.example.com"], ["/*"]),
                route(["todo.example.com"], []),
                route(["*.example.com"], ["/api/*"]),
                route(["*.example.com"], []),
                route([], ["/health"]),
                route([], ["/api/v2/*"]),
                route([], ["/api/*"]),
                route([], ["/*"]),
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
            const sorted = [...bands].sort((x, y) => x.first - y.first);
            assert.strictEqual(new Set(sorted.map((b) => b.first)).size, 3 * (ROUTING_LIMITS.patternLength + 2), "one band per host class and path class");
            assert.ok(sorted[0].first >= ROUTING_LIMITS.priority.min);
            const last = sorted[sorted.length - 1];
            assert.ok(last.first + last.size - 1 <= ROUTING_LIMITS.priority.max, `the last band ends at ${last.first + last.size - 1}`);
            for (let i = 1; i < sorted.length; i++) {
                assert.ok(sorted[i - 1].first + sorted[i - 1].size <= sorted[i].first, `bands from ${sorted[i - 1].first} and ${sorted[i].first} do not overlap`);
            }
        });

        it("rank a rule with several values by its least specific one, so a catch-all never shadows a narrower rule", () => {
            assert.deepStrictEqual(derivedPriorityBand(route([], ["/api/v2/*", "/*"])), derivedPriorityBand(route([], ["/*"])));
            assert.deepStrictEqual(derivedPriorityBand(route(["a.example.com", "*.example.com"], [])), derivedPriorityBand(route(["*.example.com"], [])));
        });

        it("are the first free priority of the band, in the order services join; a later service never renumbers an earlier one", () => {
            const table = new RouteTable("edge");
            const first = derivedPriorityBand(route([], ["/api/*"])).first;
            const add = (service: string, r: Route) => {
                const planned = table.plan(service, r, ["https"], 1);
                assert.ok(Array.isArray(planned), JSON.stringify(planned));
                table.add(planned, 1);
                return planned[0].priority;
            };
            assert.strictEqual(add("api", route([], ["/api/*"])), first);
            assert.strictEqual(add("img", route([], ["/img/*"])), first + 1);
            assert.strictEqual(add("pinned", route([], ["/pin/*"], first + 2)), first + 2, "an explicit priority is kept");
            assert.strictEqual(add("doc", route([], ["/doc/*"])), first + 3, "and skipped by the next derived one");
            assert.deepStrictEqual(table.rules.map((r) => [r.service, r.priority]), [["api", first], ["img", first + 1], ["pinned", first + 2], ["doc", first + 3]]);
            assert.strictEqual(table.targetGroups, 4);
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
            const full = joined(Array.from({ length: 3 }, (_, i) => route([], [`/s${i}/*`])), new RouteTable("edge", 3));
            assert.deepStrictEqual(full.plan("x", route([], ["/x/*"]), ["https"], 1), {
                path: "routing",
                problem: "would be rule 4 of edge, over its quota of 3 rules (AWS's default quota is 100)",
                fix: "request a higher quota and set ruleQuota on the load balancer, or use another load balancer",
            });
            const many = joined(Array.from({ length: 99 }, (_, i) => route([], [`/s${i}/*`])), new RouteTable("edge", 1000));
            assert.ok(Array.isArray(many.plan("x", route([], ["/x/*"]), ["https"], 1)), "the 100th target group fits");
            assert.deepStrictEqual(many.plan("x", route([], ["/x/*"]), ["https"], 2), {
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

        it("say so when a band is full instead of taking a priority of another band", () => {
            const band = derivedPriorityBand(route([], ["/ab/*"]));
            // band.size distinct paths with the same fixed start length ("/xy/").
            const letters = "abcdefghijklmnopqrstuvwxyz";
            const paths = Array.from({ length: band.size }, (_, i) => `/${letters[i % 26]}${letters[Math.floor(i / 26)]}/*`);
            const table = joined(paths.map((p) => route([], [p])), new RouteTable("edge", 1000), 0);
            assert.strictEqual(table.rules.length, band.size);
            assert.deepStrictEqual(table.plan("x", route([], ["/zz/*"]), ["https"], 0), {
                path: "routing.priority",
                problem: `cannot be derived: the ${band.size} priorities from ${band.first} for rules this specific are all taken on edge`,
                fix: "give the service an explicit priority",
            });
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
