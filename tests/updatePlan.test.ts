import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { changedPaths, planUpdate, PlanOptions, ProgramSnapshot, UpdatePlan } from "../components/updatePlan";
import { TypeReplacements } from "../components/replacements";
import { UPDATE_RULES } from "../components/updateRules";
import { mocks } from "./setup";

const T = {
    tg: "aws:lb/targetGroup:TargetGroup",
    rule: "aws:lb/listenerRule:ListenerRule",
    bucket: "aws:s3/bucket:Bucket",
    queue: "aws:sqs/queue:Queue",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    service: "aws:ecs/service:Service",
} as const;

/** A small replacement table, so these tests pin the planner's mechanics whatever the generated table says. */
const TABLE: Readonly<Record<string, TypeReplacements>> = {
    [T.tg]: { terraformType: "aws_lb_target_group", framework: "sdkv2", autoNamed: "name", replaceOn: [{ path: "port", how: "ForceNew", source: "tg.go:1" }, { path: "vpcId", how: "ForceNew", source: "tg.go:2" }], suppressedWhenRemoved: [] },
    "aws:lb/listener:Listener": { terraformType: "aws_lb_listener", framework: "sdkv2", replaceOn: [{ path: "loadBalancerArn", how: "ForceNew", source: "listener.go:1" }], suppressedWhenRemoved: [] },
    [T.rule]: { terraformType: "aws_lb_listener_rule", framework: "sdkv2", replaceOn: [{ path: "listenerArn", how: "ForceNew", source: "rule.go:1" }], suppressedWhenRemoved: [] },
    [T.bucket]: { terraformType: "aws_s3_bucket", framework: "sdkv2", autoNamed: "bucket", replaceOn: [{ path: "bucket", how: "ForceNew", source: "bucket.go:1" }], suppressedWhenRemoved: [] },
    [T.queue]: { terraformType: "aws_sqs_queue", framework: "sdkv2", autoNamed: "name", replaceOn: [{ path: "fifoQueue", how: "ForceNew", source: "queue.go:1" }, { path: "name", how: "ForceNew", source: "queue.go:2" }], suppressedWhenRemoved: [] },
    [T.policy]: { terraformType: "aws_s3_bucket_policy", framework: "sdkv2", replaceOn: [{ path: "bucket", how: "ForceNew", source: "policy.go:1" }], suppressedWhenRemoved: [] },
    [T.service]: {
        terraformType: "aws_ecs_service",
        framework: "sdkv2",
        autoNamed: "name",
        replaceOn: [{ path: "cluster", how: "ForceNew", source: "service.go:1" }],
        suppressedWhenRemoved: [{ path: "alarms", source: "service.go:2" }],
        refusedChanges: [{ path: "capacityProviderStrategies", how: "CustomizeDiff", source: "service.go:3", unless: "forceNewDeployment" }],
    },
};
const OPTIONS: PlanOptions = { replacements: TABLE, rules: UPDATE_RULES };

/** Runs `program` under the mocks of stack "updates" and freezes what it registered. */
async function run(program: () => void): Promise<ProgramSnapshot> {
    mocks.useStack("updates");
    program();
    return mocks.snapshot();
}

async function plan(before: () => void, after: () => void, options: PlanOptions = OPTIONS): Promise<UpdatePlan> {
    return planUpdate(await run(before), await run(after), options);
}

const ops = (p: UpdatePlan) => p.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}${s.deleteBeforeReplace ? " (delete first)" : ""}`);
const rules = (p: UpdatePlan) => p.problems.map((x) => `${x.severity} ${x.rule}`);

function lb() {
    return new aws.lb.Listener("http", { loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1", port: 80, defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }] });
}

describe("update planner (the second pulumi up)", () => {
    after(() => mocks.useStack("test"));

    it("finds changed leaf paths, an unknown always among them", () => {
        assert.deepStrictEqual(changedPaths({ a: 1, b: { c: [1, 2] }, d: "x" }, { a: 1, b: { c: [1, 3, 4] }, e: true }), ["b.c[1]", "b.c[2]", "d", "e"]);
        assert.deepStrictEqual(changedPaths({ a: "arn" }, { a: { __unknown: true, from: ["u"] } }), ["a"]);
        assert.deepStrictEqual(changedPaths({ a: { x: 1 } }, {}), ["a.x"], "a removed block names its leaves");
    });

    it("keeps what did not change, and updates what changed in place", async () => {
        const p = await plan(
            () => new aws.sqs.Queue("q", { delaySeconds: 0 }),
            () => new aws.sqs.Queue("q", { delaySeconds: 5 }),
        );
        assert.deepStrictEqual(ops(p), ["update q"]);
        assert.deepStrictEqual(p.steps[0].changed, ["delaySeconds"]);
        assert.deepStrictEqual(p.problems, []);
    });

    it("replaces on a ForceNew property, creating first, and deletes the old copy after every create and update", async () => {
        const p = await plan(
            () => {
                const tg = new aws.lb.TargetGroup("tg", { port: 8080, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1" });
                new aws.lb.ListenerRule("rule", { listenerArn: lb().arn, priority: 10, actions: [{ type: "forward", targetGroupArn: tg.arn }], conditions: [{ pathPattern: { values: ["/*"] } }] });
            },
            () => {
                const tg = new aws.lb.TargetGroup("tg", { port: 9090, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1" });
                new aws.lb.ListenerRule("rule", { listenerArn: lb().arn, priority: 10, actions: [{ type: "forward", targetGroupArn: tg.arn }], conditions: [{ pathPattern: { values: ["/*"] } }] });
            },
        );
        // The mocks give the new group the old ARN; the planner knows a replaced group's ARN is new.
        assert.deepStrictEqual(ops(p), ["replace tg", "update rule", "delete-replaced tg"]);
        const tg = p.steps.find((s) => s.name === "tg")!;
        assert.deepStrictEqual(tg.replaceReasons, [{ path: "port", how: "ForceNew", source: "tg.go:1" }]);
        assert.deepStrictEqual(p.steps.find((s) => s.name === "rule")!.unknown, ["actions[0].targetGroupArn"]);
        assert.deepStrictEqual(p.problems, []);
    });

    it("deletes first when the program names an auto-named resource, or asks for it", async () => {
        const named = await plan(
            () => new aws.sqs.Queue("q", { name: "jobs", fifoQueue: false }),
            () => new aws.sqs.Queue("q", { name: "jobs", fifoQueue: true }),
        );
        assert.deepStrictEqual(ops(named), ["delete-replaced q (delete first)", "replace q (delete first)"]);
        assert.match(named.steps[1].reason!, /its name is set explicitly, so the bridge deletes it before creating the replacement/);
        const asked = await plan(
            () => new aws.sqs.Queue("q", { fifoQueue: false }, { deleteBeforeReplace: true }),
            () => new aws.sqs.Queue("q", { fifoQueue: true }, { deleteBeforeReplace: true }),
        );
        assert.deepStrictEqual(ops(asked), ["delete-replaced q (delete first)", "replace q (delete first)"]);
    });

    it("follows aliases, a parent's included, instead of deleting and creating", async () => {
        class Box extends pulumi.ComponentResource {
            constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
                super("test:index:Box", name, {}, opts);
                new aws.sqs.Queue(`${name}-q`, {}, { parent: this });
            }
        }
        const moved = await plan(
            () => new aws.sqs.Queue("q", {}),
            () => new aws.sqs.Queue("renamed", {}, { aliases: [{ name: "q" }] }),
        );
        assert.deepStrictEqual(ops(moved), []);
        assert.strictEqual(moved.steps[0].oldUrn, "urn:pulumi:updates::fargate-workloads::aws:sqs/queue:Queue::q");
        const inherited = await plan(
            () => new Box("old"),
            () => new Box("new", { aliases: [{ name: "old" }] }),
        );
        assert.deepStrictEqual(ops(inherited), [], "the child new-q follows its parent's alias to old-q");
        const without = await plan(
            () => new aws.sqs.Queue("q", {}),
            () => new aws.sqs.Queue("renamed", {}),
        );
        assert.deepStrictEqual(ops(without), ["create renamed", "delete q"]);
    });

    it("hides a change behind ignoreChanges, and reports what keeps pointing at a replaced target group", async () => {
        const program = (port: number) => () => {
            const tg = new aws.lb.TargetGroup("tg", { port, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1" });
            new aws.lb.ListenerRule("rule", { listenerArn: lb().arn, priority: 10, actions: [{ type: "forward", targetGroupArn: tg.arn }], conditions: [{ pathPattern: { values: ["/*"] } }] }, { ignoreChanges: ["actions"] });
        };
        const p = await plan(program(8080), program(9090));
        assert.deepStrictEqual(ops(p), ["replace tg", "delete-replaced tg"]);
        assert.deepStrictEqual(p.steps.find((s) => s.name === "rule")!.ignored, ["actions"]);
        assert.deepStrictEqual(rules(p), ["error in-use-not-deleted"]);
        assert.match(p.problems[0].message, /^rule keeps actions pointing at tg, which is replaced or deleted, because ignoreChanges: \["actions"\] keeps the old value: ELB refuses to delete a target group a listener rule forwards to \(ResourceInUse\)/);
    });

    it("replaces a resource with replaceWith when what it names is replaced", async () => {
        const program = (port: number) => () => {
            const tg = new aws.lb.TargetGroup("tg", { port, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1" });
            new aws.lb.ListenerRule("rule", { listenerArn: lb().arn, priority: 10, actions: [{ type: "forward", targetGroupArn: tg.arn }], conditions: [{ pathPattern: { values: ["/*"] } }] }, { ignoreChanges: ["actions"], replaceWith: [tg], deleteBeforeReplace: true });
        };
        const p = await plan(program(8080), program(9090));
        assert.deepStrictEqual(ops(p), ["replace tg", "delete-replaced rule (delete first)", "replace rule (delete first)", "delete-replaced tg"]);
        assert.deepStrictEqual(p.problems, []);
    });

    describe("AWS's rules between steps", () => {
        const rule = (name: string, listener: pulumi.Input<string>, priority: number, path: string) =>
            new aws.lb.ListenerRule(name, { listenerArn: listener, priority, actions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "200" } }], conditions: [{ pathPattern: { values: [path] } }] });

        it("refuses a priority taken while its holder still has it: a removed rule is deleted last, an update runs in any order", async () => {
            const removed = await plan(
                () => {
                    const l = lb();
                    rule("a", l.arn, 1, "/a/*");
                    rule("b", l.arn, 2, "/b/*");
                },
                () => rule("b", lb().arn, 1, "/b/*"),
            );
            assert.deepStrictEqual(ops(removed), ["update b", "delete a"]);
            assert.deepStrictEqual(rules(removed), ["error unique-while-both-exist"]);
            assert.strictEqual(removed.problems[0].message, "the update of b takes priority 1 on its listener while a holds it until it is deleted, after every create and update: ELB answers PriorityInUse (priorities are unique per listener, and the provider changes each rule's priority in a call of its own, without retrying). Fix: keep every other rule's priority where it was (give explicit priorities), or move it in an update of its own first.");
            const swapped = await plan(
                () => {
                    const l = lb();
                    rule("a", l.arn, 1, "/a/*");
                    rule("b", l.arn, 2, "/b/*");
                },
                () => {
                    const l = lb();
                    rule("a", l.arn, 2, "/a/*");
                    rule("b", l.arn, 1, "/b/*");
                },
            );
            assert.deepStrictEqual(rules(swapped), ["error unique-while-both-exist", "error unique-while-both-exist"], "each may run first");
            const moved = await plan(
                () => rule("a", lb().arn, 1, "/a/*"),
                () => rule("a", lb().arn, 2, "/a/*"),
            );
            assert.deepStrictEqual(rules(moved), [], "a rule moving to a free priority");
        });

        it("refuses a create-first replacement that keeps its unique key, and a bucket policy replaced beside its bucket", async () => {
            const listenerOf = (lbId: number) => () => rule("a", new aws.lb.Listener("http", { loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/${lbId}`, port: 80, defaultActions: [] }).arn, 1, "/a/*");
            const moved = await plan(listenerOf(1), listenerOf(2));
            assert.deepStrictEqual(ops(moved), ["replace http", "replace a", "delete-replaced a", "delete-replaced http"]);
            assert.deepStrictEqual(rules(moved), [], "a rule on a replaced listener is on another listener");
            const policy = (name: string) => () => {
                const b = new aws.s3.Bucket("b", {});
                new aws.s3.BucketPolicy(name, { bucket: b.id, policy: "{}" });
            };
            const renamed = await plan(policy("p"), policy("p2"));
            assert.deepStrictEqual(ops(renamed), ["create p2", "delete p"]);
            assert.deepStrictEqual(rules(renamed), ["error one-per-owner"]);
            assert.match(renamed.problems[0].message, /^the new p2 takes the bucket's policy while p holds it until it is deleted, after every create and update: AWS keeps one of these per bucket: the new resource's write succeeds, then the old one's delete at the end of the update removes the setting/);
        });

        it("reports a removed block the provider ignores, and a change it refuses", async () => {
            const service = (extra: Record<string, unknown>) => () =>
                new aws.ecs.Service("svc", { cluster: "c", taskDefinition: "td", capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }], ...extra });
            const alarms = { alarms: { alarmNames: ["x"], enable: true, rollback: true } };
            const removed = await plan(service(alarms), service({}));
            assert.deepStrictEqual(rules(removed), ["error removed-block-ignored"]);
            assert.strictEqual(removed.problems[0].message, 'svc no longer sends alarms, but the provider ignores a removed alarms block (service.go:2): the live resource keeps {"alarmNames":["x"],"enable":true,"rollback":true}. Fix: send the block with the setting turned off instead of leaving it out.');
            assert.deepStrictEqual(rules(await plan(service(alarms), service({ alarms: { alarmNames: ["x"], enable: false, rollback: false } }))), []);
            const spot = { capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] };
            assert.deepStrictEqual(rules(await plan(service({}), service(spot))), ["error provider-refuses"]);
            assert.deepStrictEqual(rules(await plan(service({ forceNewDeployment: true }), service({ ...spot, forceNewDeployment: true }))), []);
        });

        it("refuses replacing or deleting what holds data, and touching what is protected", async () => {
            const p = await plan(
                () => {
                    new aws.sqs.Queue("jobs", {});
                    new aws.s3.Bucket("data", {}, { protect: true });
                },
                () => new aws.sqs.Queue("jobs", { fifoQueue: true }),
            );
            assert.deepStrictEqual(ops(p), ["replace jobs", "delete data", "delete-replaced jobs"]);
            assert.deepStrictEqual(rules(p), ["error stateful-kept", "error stateful-kept", "error protected"]);
            assert.match(p.problems[0].message, /^jobs \(aws:sqs\/queue:Queue\) would be replaced \(fifoQueue forces it\): that loses every message waiting in the queue/);
            assert.match(p.problems[1].message, /^data \(aws:s3\/bucket:Bucket\) would be deleted: that loses every object in the bucket/);
            assert.match(p.problems[2].message, /^data is protected, so pulumi up refuses to delete it and the update fails/);
        });

        it("says when it cannot know: a type without a table entry, an opaque component", async () => {
            const p = await plan(
                () => new aws.sns.Topic("t", { displayName: "a" }),
                () => new aws.sns.Topic("t", { displayName: "b" }),
            );
            assert.deepStrictEqual(ops(p), ["unknown t"]);
            assert.deepStrictEqual(rules(p), ["warning replacement-unknown"]);
            assert.match(p.steps[0].reason!, /^no replacement table for aws:sns\/topic:Topic: changes to displayName may replace it$/);
        });
    });
});
