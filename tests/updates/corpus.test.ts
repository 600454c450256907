/**
 * The update corpus: changes users make to a running stack, each planned from the program before
 * and after (the second `pulumi up`), and what the update must do. `npm run test:updates`.
 */
import * as assert from "assert";
import { LoadBalancer, LoadBalancerArgs } from "../../components/loadBalancer";
import { DeploymentArgs } from "../../components/deployment";
import { WebService, WebServiceArgs } from "../../components/webService";
import { RoutingArgs } from "../../components/routing";
import { planUpdate, ProgramSnapshot } from "../../components/testing";
import { expectUpdate, pair, program, stack } from "./harness";

const VPC = "vpc-0123456789abcdef0";
const ZONE = "Z0123456789ABC";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:oncall";
const lbArgs: LoadBalancerArgs = { vpcId: VPC, subnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"], alerts: { topicArn: TOPIC } };
const serviceArgs: Omit<WebServiceArgs, "loadBalancer"> = {
    image: "mcr.microsoft.com/dotnet/samples:aspnetapp",
    user: "1654",
    network: { vpcId: VPC, subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] },
    cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/todo",
    alerts: { topicArn: TOPIC },
};

/** Services sharing one load balancer ("edge"), each routed by its own path. */
function shared(services: readonly [string, RoutingArgs][], lb: Partial<LoadBalancerArgs> = {}) {
    return () =>
        program(() => {
            const edge = new LoadBalancer("edge", { ...lbArgs, ...lb });
            for (const [name, routing] of services) {
                new WebService(name, { ...serviceArgs, loadBalancer: edge, routing });
            }
        });
}

/** One service with its own load balancer. */
function alone(args: Partial<WebServiceArgs> = {}, lb: Record<string, unknown> = {}) {
    return () => program(() => new WebService("web", { ...serviceArgs, loadBalancer: { subnetIds: lbArgs.subnetIds, ...lb }, ...args }));
}

/** Three services in one specificity band (fixed starts of eight characters). */
const three: [string, RoutingArgs][] = [
    ["orders", { paths: ["/orders/*"] }],
    ["prices", { paths: ["/prices/*"] }],
    ["stocks", { paths: ["/stocks/*"] }],
];

describe("the second pulumi up: the update corpus", function () {
    // Every pair evaluates a program twice; the demo stack takes about a second each.
    this.timeout(120000);

    describe("services on a shared load balancer", () => {
        it("adds a service: its resources are created, no other rule moves", async () => {
            const plan = await pair(shared(three), shared([...three, ["users", { paths: ["/users/*"] }]]));
            expectUpdate(plan, { create: ["users-service", "users-http-rule"], problems: [] });
        });

        it("removes a service between two others of its band: theirs keep their priorities (PriorityInUse on the old design)", async () => {
            const plan = await pair(shared(three), shared([three[0], three[2]]));
            // Its log group goes with it: a reviewer allows that explicitly.
            expectUpdate(plan, { delete: ["prices-http-rule", "prices-service", "prices-tg", "prices-logs"], problems: ["error stateful-kept"] });
        });

        it("inserts a service before the others: theirs keep their priorities", async () => {
            const plan = await pair(shared(three), shared([["basket", { paths: ["/basket/*"] }], ...three]));
            expectUpdate(plan, { create: ["basket-http-rule"], problems: [] });
        });

        it("changes a service's paths: only its own rule changes", async () => {
            const plan = await pair(shared(three), shared([three[0], ["prices", { paths: ["/pricing/*"] }], three[2]]));
            expectUpdate(plan, { update: { "prices-http-rule": "conditions" }, problems: [] });
        });

        it("changes a service's hosts on an HTTPS load balancer", async () => {
            const domains = { domains: [{ name: "*.example.com", zoneId: ZONE }] };
            const plan = await pair(shared([["api", { hosts: ["api.example.com"] }]], domains), shared([["api", { hosts: ["v2.example.com"] }]], domains));
            expectUpdate(plan, { update: { "api-https-rule": "conditions" }, problems: [] });
        });
    });

    describe("HTTPS and domains", () => {
        it("turns HTTPS on: the rule moves to the new HTTPS listener, HTTP redirects", async () => {
            const plan = await pair(alone(), alone({}, { domain: { name: "todo.example.com", zoneId: ZONE } }));
            expectUpdate(plan, { create: ["web-https", "web-https-rule"], delete: ["web-http-rule"], problems: [] });
        });

        it("turns HTTPS on under blue/green: the new rule starts at 100/0, which may be the idle target group", async () => {
            const bg = { deployment: { strategy: "blueGreen" } as DeploymentArgs };
            const plan = await pair(alone(bg), alone(bg, { domain: { name: "todo.example.com", zoneId: ZONE } }));
            expectUpdate(plan, { create: ["web-https-rule"], problems: ["warning traffic-shifting-rule-new"] });
        });

        it("adds a second domain to a shared load balancer", async () => {
            const one = { domains: [{ name: "todo.example.com", zoneId: ZONE }] };
            const two = { domains: [{ name: "todo.example.com", zoneId: ZONE }, { name: "api.example.com", zoneId: ZONE }] };
            const plan = await pair(shared([["web", { hosts: ["todo.example.com"] }]], one), shared([["web", { hosts: ["todo.example.com"] }], ["api", { hosts: ["api.example.com"] }]], two));
            expectUpdate(plan, { create: ["api-https-rule"], problems: [] });
        });
    });

    describe("a port change under each deploy strategy: the target groups stay (ECS registers tasks with their port)", () => {
        for (const strategy of ["rolling", "blueGreen", "canary", "linear"] as const) {
            it(strategy, async () => {
                const args = { deployment: { strategy } as DeploymentArgs };
                const plan = await pair(alone({ ...args, port: 8080 }), alone({ ...args, port: 9090 }));
                // The new port's rules are made before the old ones go: the running tasks stay reachable.
                expectUpdate(plan, { update: { "web-service": "loadBalancers" }, create: ["web-alb-out-tasks-9090", "web-service-in-alb-9090"], delete: ["web-alb-out-tasks-8080", "web-service-in-alb-8080"], problems: [] });
            });
        }
    });

    describe("moving between rolling and a traffic-shifting strategy (not supported in place)", () => {
        it("rolling to blueGreen: the rule's ignored actions would never name the second target group", async () => {
            const plan = await pair(alone(), alone({ deployment: { strategy: "blueGreen" } }));
            expectUpdate(plan, { create: ["web-tg-alt"], problems: ["error ignored-change"] });
        });

        it("blueGreen to rolling: the rule is pointed at the first target group, whichever holds the tasks", async () => {
            const plan = await pair(alone({ deployment: { strategy: "blueGreen" } }), alone());
            expectUpdate(plan, { delete: ["web-tg-alt"], problems: ["error traffic-shifting-ended"] });
        });
    });

    describe("upgrading from the previous version", () => {
        it("keeps the security group rules named without their port, and a spot service named after its strategy", async () => {
            const current = await program(() => new WebService("web", { ...serviceArgs, loadBalancer: { subnetIds: lbArgs.subnetIds }, capacity: "spot" }));
            // The previous version's names for the same resources.
            const former = asNamed(current, { "web-service": "web-service-spot", "web-alb-out-tasks-8080": "web-alb-out-tasks", "web-service-in-alb-8080": "web-service-in-alb" });
            expectUpdate(planUpdate(former, current), { update: { "web-service": "forceNewDeployment" }, problems: [] });
            assert.deepStrictEqual(planUpdate(former, current).steps.filter((s) => s.op === "create" || s.op === "delete" || s.op === "replace"), []);
        });
    });

    describe("capacity: on demand and spot", () => {
        it("moves a web service to spot in place (a new deployment), keeping its running count", async () => {
            const plan = await pair(alone({ capacity: "on-demand", autoscaling: { minCount: 2, maxCount: 10 } }), alone({ capacity: "spot", autoscaling: { minCount: 2, maxCount: 10 } }));
            expectUpdate(plan, { update: { "web-service": "capacityProviderStrategies" }, problems: [] });
        });

        it("moves the demo's Service Connect server (web, with a worker) to spot in place: no second service claims its name", async () => {
            const withWorker = { "fargate-workloads:worker": { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000" } };
            const web = { architecture: "x86_64", desiredCount: 1 };
            const plan = await pair(
                () => stack("dev", { ...withWorker, "fargate-workloads:web": web }),
                () => stack("dev", { ...withWorker, "fargate-workloads:web": { ...web, capacity: "spot" } }),
            );
            expectUpdate(plan, { update: { "web-service": "capacityProviderStrategies" }, problems: [] });
        });

        it("moves the demo's worker (a Service Connect client) to spot in place", async () => {
            const worker = { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000" };
            const plan = await pair(() => stack("dev", { "fargate-workloads:worker": worker }), () => stack("dev", { "fargate-workloads:worker": { ...worker, capacity: "spot" } }));
            expectUpdate(plan, { update: { "worker-service": "capacityProviderStrategies" }, problems: [] });
        });
    });

    describe("alarms and scaling", () => {
        it("turns rollback on alarm off: the setting reaches the service, turned off", async () => {
            const plan = await pair(alone(), alone({ alarms: { rollbackOnAlarm: false } }));
            expectUpdate(plan, { update: { "web-service": "alarms.enable" }, problems: [] });
        });

        it("turns rollback on alarm back on", async () => {
            const plan = await pair(alone({ alarms: { rollbackOnAlarm: false } }), alone());
            expectUpdate(plan, { update: { "web-service": "alarms.enable" }, problems: [] });
        });

        it("turns an alarm off: it is deleted", async () => {
            const plan = await pair(alone(), alone({ alarms: { cpuPercent: false } }));
            expectUpdate(plan, { delete: ["web-alarm-cpu-high"], problems: [] });
        });

        it("changes autoscaling bounds in place", async () => {
            const plan = await pair(() => stack("prod"), () => stack("prod", { "fargate-workloads:web": { ...prodWeb(), autoscaling: { ...prodWeb().autoscaling, maxCount: 20 } } }));
            expectUpdate(plan, { update: { "web-scaling-target": "maxCapacity" }, problems: [] });
        });
    });

    describe("the demo's stack-wide settings", () => {
        it("turns a customer-managed key on for an existing stack", async () => {
            const plan = await pair(() => stack("dev"), () => stack("dev", { "fargate-workloads:encryption": true }));
            expectUpdate(plan, { create: ["fargate-workloads-dev-key"], problems: [] });
        });

        it("turns the firewall on and off", async () => {
            const on = await pair(() => stack("dev"), () => stack("dev", { "fargate-workloads:web": { ...devWeb(), waf: true } }));
            expectUpdate(on, { create: ["todo-waf"], problems: [] });
            const off = await pair(() => stack("dev", { "fargate-workloads:web": { ...devWeb(), waf: true } }), () => stack("dev"));
            // The firewall's request logs go with it: a reviewer allows that explicitly.
            expectUpdate(off, { delete: ["todo-waf", "todo-waf-logs"], problems: ["error stateful-kept"] });
        });

        it("adds and removes a worker: removing it deletes its queue, with the messages in it", async () => {
            const worker = { "fargate-workloads:worker": { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000" } };
            expectUpdate(await pair(() => stack("dev"), () => stack("dev", worker)), { create: ["worker-service", "worker-queue"], problems: [] });
            expectUpdate(await pair(() => stack("dev", worker), () => stack("dev")), {
                delete: ["worker-service", "worker-queue"],
                problems: ["error stateful-kept", "error stateful-kept", "error stateful-kept", "error stateful-kept"],
            });
        });

        it("changes a worker's queue settings in place", async () => {
            const worker = { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000" };
            const plan = await pair(() => stack("dev", { "fargate-workloads:worker": worker }), () => stack("dev", { "fargate-workloads:worker": { ...worker, visibilityTimeoutSeconds: 900, maxReceiveCount: 3 } }));
            expectUpdate(plan, { update: { "worker-queue": "visibilityTimeoutSeconds" }, problems: [] });
        });
    });

    describe("the batch task", () => {
        it("changes its schedule", async () => {
            const plan = await pair(() => stack("dev"), () => stack("dev", { "fargate-workloads:batch": { ...devBatch(), schedule: "rate(12 hours)" } }));
            expectUpdate(plan, { update: { "export-schedule": "scheduleExpression" }, problems: [] });
        });

        it("changes its timeout", async () => {
            const plan = await pair(() => stack("dev"), () => stack("dev", { "fargate-workloads:batch": { ...devBatch(), timeoutSeconds: 1800 } }));
            expectUpdate(plan, { update: { "export-runner": "definition" }, problems: [] });
        });

        it("turns parallel on: the runner, its role's policy, the failure rule and the long-run alarm change in place", async () => {
            const command = ["echo shard $SHARD_INDEX of $SHARD_COUNT"];
            const plan = await pair(() => stack("dev", { "fargate-workloads:batch": { ...devBatch(), command } }), () => stack("dev", { "fargate-workloads:batch": { ...devBatch(), command, parallel: { shards: 4 } } }));
            expectUpdate(plan, { update: { "export-runner": "definition", "export-runner-list-runs": "policy", "export-run-failed": "eventPattern", "export-alarm-long-run": "dimensions" }, problems: [] });
        });

        it("turns parallel off: the same resources change back in place", async () => {
            const command = ["echo shard $SHARD_INDEX of $SHARD_COUNT"];
            const plan = await pair(() => stack("dev", { "fargate-workloads:batch": { ...devBatch(), command, parallel: { shards: 4 } } }), () => stack("dev", { "fargate-workloads:batch": { ...devBatch(), command } }));
            expectUpdate(plan, { update: { "export-runner": "definition", "export-runner-list-runs": "policy", "export-run-failed": "eventPattern", "export-alarm-long-run": "dimensions" }, problems: [] });
        });

        it("changes its shards: only the runner's definition", async () => {
            const command = ["echo shard $SHARD_INDEX of $SHARD_COUNT"];
            const plan = await pair(() => stack("dev", { "fargate-workloads:batch": { ...devBatch(), command, parallel: { shards: 4 } } }), () => stack("dev", { "fargate-workloads:batch": { ...devBatch(), command, parallel: { shards: 400, maxConcurrent: 40 } } }));
            expectUpdate(plan, { update: { "export-runner": "definition" }, problems: [] });
            assert.deepStrictEqual(
                plan.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`),
                ["update export-runner"],
            );
        });

        it("turns a tolerance on: the results bucket and its settings are created, the runner and its role's policy change in place", async () => {
            const command = ["echo shard $SHARD_INDEX of $SHARD_COUNT"];
            const plan = await pair(
                () => stack("dev", { "fargate-workloads:batch": { ...devBatch(), command, parallel: { shards: 200 } } }),
                () => stack("dev", { "fargate-workloads:batch": { ...devBatch(), command, parallel: { shards: 200, toleratedFailurePercent: 1 } } }),
            );
            const bucket = ["export-results", "export-results-public-access", "export-results-ownership", "export-results-encryption", "export-results-tls-only", "export-results-expiry"];
            expectUpdate(plan, { create: bucket, update: { "export-runner": "definition", "export-runner-policy": "policy" }, problems: [] });
            assert.deepStrictEqual(
                plan.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`).sort(),
                [...bucket.map((n) => `create ${n}`), "update export-runner", "update export-runner-policy"].sort(),
            );
        });

        it("turns the tolerance off: the runner and its policy change back, and the bucket goes, flagged for review (its last 14 days of results)", async () => {
            const command = ["echo shard $SHARD_INDEX of $SHARD_COUNT"];
            const plan = await pair(
                () => stack("dev", { "fargate-workloads:batch": { ...devBatch(), command, parallel: { shards: 200, toleratedFailurePercent: 1 } } }),
                () => stack("dev", { "fargate-workloads:batch": { ...devBatch(), command, parallel: { shards: 200 } } }),
            );
            // forceDestroy empties it, so AWS deletes it; the loss of its objects is a reviewer's to allow, as a removed service's logs are.
            expectUpdate(plan, { delete: ["export-results", "export-results-expiry"], update: { "export-runner": "definition", "export-runner-policy": "policy" }, problems: ["error stateful-kept"] });
            assert.deepStrictEqual(plan.problems.map((p) => p.message), ["export-results (aws:s3/bucket:Bucket) would be deleted: that loses every object in the bucket. Fix: keep it (an alias if it moved), or, if that is meant, allow it explicitly."]);
        });

        it("moves to on-demand capacity", async () => {
            const plan = await pair(() => stack("dev"), () => stack("dev", { "fargate-workloads:batch": { ...devBatch(), capacity: "on-demand" } }));
            expectUpdate(plan, { update: { "export-runner": "definition" }, problems: [] });
        });
    });
});

function devWeb(): Record<string, any> {
    return { architecture: "arm64", desiredCount: 1 };
}

function devBatch(): Record<string, any> {
    return { architecture: "x86_64", capacity: "spot" };
}

function prodWeb(): Record<string, any> {
    return { architecture: "arm64", cpu: 512, memory: 1024, desiredCount: 2, autoscaling: { minCount: 2, maxCount: 10, cpuTargetPercent: 60, requestsPerTarget: 1000 }, domain: { name: "todo.example.com", zoneId: "Z0123456789EXAMPLE" }, waf: true };
}

/**
 * `snapshot` as a version that named some resources otherwise: each renamed resource (name and
 * URN), with its inputs as they are, and its old inputs where this version changed them.
 */
function asNamed(snapshot: ProgramSnapshot, names: Readonly<Record<string, string>>): ProgramSnapshot {
    const renamed = (urn: string) => {
        const at = urn.lastIndexOf("::");
        const name = urn.slice(at + 2);
        return names[name] !== undefined ? `${urn.slice(0, at + 2)}${names[name]}` : urn;
    };
    return {
        ...snapshot,
        resources: snapshot.resources.map((r) => ({
            ...r,
            name: names[r.name] ?? r.name,
            urn: renamed(r.urn),
            // The previous version sent forceNewDeployment false, and no aliases.
            inputs: r.type === "aws:ecs/service:Service" ? { ...r.inputs, forceNewDeployment: false } : r.inputs,
            options: { ...r.options, aliases: [] },
        })),
    };
}
