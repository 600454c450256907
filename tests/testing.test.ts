import * as assert from "assert";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as testing from "../components/testing";
import { outputValue, requireFresh } from "../components/testing";
import { mocks } from "./setup";

class Parent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Parent", name, {}, {});
        new aws.sqs.Queue(`${name}-queue`, {}, { parent: this });
        this.registerOutputs({});
    }
}

const fixture = path.join(__dirname, "fixtures", "configProgram.ts");

describe("mock harness", () => {
    after(() => mocks.useStack("test"));

    it("throws on an invoke nobody mocked, naming it", async () => {
        await assert.rejects(outputValue(aws.ec2.getVpcOutput({ default: true })), /no mock for invoke aws:ec2\/getVpc:getVpc/);
    });

    it("answers the common AWS invokes with the mock account", async () => {
        assert.strictEqual(await outputValue(aws.getRegionOutput().region), "us-east-1");
        assert.strictEqual(await outputValue(aws.getCallerIdentityOutput().accountId), "123456789012");
        assert.strictEqual(await outputValue(aws.getPartitionOutput().partition), "aws");
        assert.deepStrictEqual(await outputValue(aws.getAvailabilityZonesOutput().names), ["us-east-1a", "us-east-1b", "us-east-1c"]);
        assert.deepStrictEqual(mocks.invokes.map((i) => i.token).sort(), [
            "aws:index/getAvailabilityZones:getAvailabilityZones",
            "aws:index/getCallerIdentity:getCallerIdentity",
            "aws:index/getPartition:getPartition",
            "aws:index/getRegion:getRegion",
        ]);
    });

    it("rejects, rather than hangs, when an apply throws", async () => {
        const broken = pulumi.output("x").apply(() => {
            throw new Error("boom");
        });
        await assert.rejects(outputValue(broken), /boom/);
    });

    it("records each resource with its parent, and finds children", async () => {
        const parent = new Parent("p");
        await mocks.settle();
        const parentUrn = await outputValue(parent.urn);
        const recorded = mocks.one("test:index:Parent");
        assert.strictEqual(recorded.urn, parentUrn);
        assert.strictEqual(recorded.custom, false);
        const [queue] = mocks.children(recorded);
        assert.strictEqual(queue.type, "aws:sqs/queue:Queue");
        assert.strictEqual(queue.name, "p-queue");
        assert.strictEqual(queue.urn, "urn:pulumi:test::fargate-workloads::test:index:Parent$aws:sqs/queue:Queue::p-queue");
        assert.notStrictEqual(queue.state.url, undefined);
    });

    it("one() throws when several resources match, naming them", async () => {
        new Parent("a");
        new Parent("b");
        await mocks.settle();
        assert.throws(() => mocks.one("aws:sqs/queue:Queue"), { message: "expected one aws:sqs/queue:Queue, found 2 (a-queue, b-queue)" });
        assert.throws(() => mocks.one("aws:sqs/queue:Queue", "c-queue"), { message: "expected one aws:sqs/queue:Queue named c-queue, found 0 (a-queue, b-queue)" });
        assert.strictEqual(mocks.one("aws:sqs/queue:Queue", "b-queue").name, "b-queue");
    });

    it("resets the record between tests", () => {
        assert.deepStrictEqual(mocks.resources, []);
    });

    it("evaluates a program for a named stack with that stack's config", async () => {
        mocks.useStack("staging", { config: { "fargate-workloads:greeting": "hi", "fargate-workloads:settings": { size: 3 } } });
        const first = requireFresh<typeof import("./fixtures/configProgram")>(fixture);
        assert.strictEqual(first.stack, "staging");
        assert.strictEqual(first.greeting, "hi");
        assert.deepStrictEqual(first.settings, { size: 3 });
        await mocks.settle();
        assert.match(mocks.one("aws:sqs/queue:Queue").urn, /^urn:pulumi:staging::fargate-workloads::/);

        mocks.useStack("prod", { config: { "fargate-workloads:greeting": "hello" } });
        const second = requireFresh<typeof import("./fixtures/configProgram")>(fixture);
        assert.strictEqual(second.stack, "prod");
        assert.strictEqual(second.greeting, "hello");
        assert.strictEqual(second.settings, undefined, "config of the previous stack is gone");
    });

    it("rejects on values still unknown in preview, or returns undefined when allowed", async () => {
        mocks.useStack("preview", { preview: true, config: { "fargate-workloads:greeting": "x" } });
        const queue = new aws.sqs.Queue("unknowns", {});
        await assert.rejects(outputValue(queue.deduplicationScope), /unknown \(computed during preview\)/);
        assert.strictEqual(await outputValue(queue.deduplicationScope, { allowUnknown: true }), undefined);
        assert.strictEqual(await outputValue(queue.url), "https://sqs.us-east-1.amazonaws.com/123456789012/unknowns-" + mocks.one("aws:sqs/queue:Queue").state.name.split("-").pop());
    });

    it("useFastStackTraces: Pulumi's tracked promises carry no stack trace, and every other error keeps its frames", async () => {
        // tests/setup.ts called it; calling it again changes nothing.
        testing.useFastStackTraces();
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const tracker = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: ((p: Promise<unknown>, ctx: unknown) => Promise<unknown>) & { withoutStackTraces?: true } };
        assert.strictEqual(tracker.debuggablePromise.withoutStackTraces, true, "Pulumi's promise tracker is wrapped once (the module moved if not)");
        const limit = Error.stackTraceLimit;
        const tracked = Promise.resolve(42);
        assert.strictEqual(await tracker.debuggablePromise(tracked, "resource web-tg"), 42, "the promise's value passes through");
        assert.strictEqual((tracked as unknown as { _debugStackTrace: string })._debugStackTrace, "Error", "captured without frames");
        assert.strictEqual((tracked as unknown as { _debugCtx: string })._debugCtx, "resource web-tg", "the context a report of pending promises prints");
        assert.ok(limit > 0);
        assert.strictEqual(Error.stackTraceLimit, limit, "the limit is back for every other error");
        assert.match(new Error("elsewhere").stack!, /^Error: elsewhere\n {4}at /);
        // A registration goes through the tracker and still completes.
        new aws.sqs.Queue("traced", {});
        await mocks.settle();
        assert.ok(mocks.one("aws:sqs/queue:Queue", "traced"));
    });

    it("keeps the public API of fargate-workloads/testing: its exports and MockRecorder's members", () => {
        assert.deepStrictEqual(Object.keys(testing).sort(), ["MOCK_ACCOUNT", "MockRecorder", "NO_OPTIONS", "describeUpdate", "installMocks", "isSecretValue", "outputValue", "planUpdate", "requireFresh", "snapshotOf", "unsecret", "useFastStackTraces"]);
        const methods = new Set<string>();
        for (let proto = testing.MockRecorder.prototype; proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
            Object.getOwnPropertyNames(proto).forEach((m) => methods.add(m));
        }
        methods.delete("constructor");
        assert.deepStrictEqual([...methods].sort(), ["all", "awsResources", "call", "children", "newResource", "onInvoke", "one", "reset", "settle", "snapshot", "useStack"]);
        assert.ok(mocks instanceof testing.MockRecorder);
        assert.deepStrictEqual([Array.isArray(mocks.resources), Array.isArray(mocks.invokes), mocks.account], [true, true, testing.MOCK_ACCOUNT]);
    });
});
