import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { BatchTask } from "../components/batchTask";
import { LoadBalancer } from "../components/loadBalancer";
import * as pulumi from "@pulumi/pulumi";
import { tagChildren, TAGGABLE_TYPES } from "../components/tags";
import { outputValue } from "../components/testing";
import { createServiceNamespace } from "../components/serviceConnect";
import { WorkerService } from "../components/workerService";
import { WebService } from "../components/webService";
import { assertRejected, parsed } from "./helpers";
import { mocks } from "./setup";

const AWS_TYPES = path.join(__dirname, "..", "node_modules", "@pulumi", "aws");

/** Whether the provider's arguments type of `type` (such as "aws:lb/loadBalancer:LoadBalancer") has `tags`. */
function providerTakesTags(type: string): boolean {
    const match = /^aws:([a-z0-9]+)\/([A-Za-z0-9]+):([A-Za-z0-9]+)$/.exec(type);
    assert.ok(match, type);
    const source = fs.readFileSync(path.join(AWS_TYPES, match[1], `${match[2]}.d.ts`), "utf8");
    const start = source.indexOf(`export interface ${match[3]}Args {`);
    assert.ok(start >= 0, `${type}: no ${match[3]}Args in the provider's types`);
    const body = source.slice(start, source.indexOf("\n}", start));
    return /\n\s+tags\?:/.test(body);
}

const TAGS = { team: "payments", "cost-center": "cc-1234" };
const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] };
const lbSubnets = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"];

/** Builds every kind of child the components make, tagged. */
async function buildAll() {
    new WebService("web", {
        image: "public.ecr.aws/nginx/nginx:1.27",
        user: "1000",
        network,
        loadBalancer: { subnetIds: lbSubnets, domain: { name: "todo.example.com", zoneId: "Z0123456789ABC" } },
        autoscaling: { minCount: 1, maxCount: 3, requestsPerTarget: 100 },
        enableExecuteCommand: true,
        readonlyRootFilesystem: false,
        tags: TAGS,
    });
    const edge = new LoadBalancer("edge", { vpcId: network.vpcId, subnetIds: lbSubnets, domains: [{ name: "a.example.com", zoneId: "Z1" }, { name: "b.example.com", zoneId: "Z1" }], tags: TAGS });
    new WebService("api", { image: "public.ecr.aws/nginx/nginx:1.27", user: "1000", network, loadBalancer: edge, routing: { hosts: ["a.example.com"] }, tags: TAGS });
    new BatchTask("job", {
        image: "public.ecr.aws/docker/library/busybox:1.36",
        user: "1000",
        network,
        schedule: { expression: "rate(1 day)" },
        alerts: { email: "ops@example.com", noSuccessWithinHours: 26 },
        tags: TAGS,
    });
    const namespace = createServiceNamespace("todo-test", { tags: TAGS });
    const backend = new WorkerService("backend", { image: "public.ecr.aws/nginx/nginx:1.27", user: "1000", network, queue: false, port: 8080, serviceConnect: { namespace, name: "backend" }, tags: TAGS });
    new WorkerService("worker", { image: "public.ecr.aws/nginx/nginx:1.27", user: "1000", network, scaling: { minCount: 0 }, serviceConnect: { namespace, calls: [backend] }, tags: TAGS });
    await mocks.settle();
}

describe("tags", () => {
    it("knows which resources take tags, as the provider's types say, for every type the components create", async () => {
        await buildAll();
        const created = [...new Set(mocks.awsResources().map((r) => r.type))].sort();
        assert.ok(created.length > 25, `built ${created.length} types`);
        const wrong = created.filter((type) => TAGGABLE_TYPES.has(type) !== providerTakesTags(type));
        assert.deepStrictEqual(wrong, [], "each created type is in TAGGABLE_TYPES exactly when its arguments take tags");
        assert.deepStrictEqual([...TAGGABLE_TYPES].filter((type) => !providerTakesTags(type)), [], "and every listed type takes them");
    });

    it("tag every taggable resource of every component, keeping a child's own tags", async () => {
        await buildAll();
        const taggable = mocks.awsResources().filter((r) => TAGGABLE_TYPES.has(r.type));
        assert.ok(taggable.length > 40, `${taggable.length} taggable resources`);
        for (const r of taggable) {
            assert.deepStrictEqual({ team: r.inputs.tags?.team, "cost-center": r.inputs.tags?.["cost-center"] }, TAGS, `${r.type} ${r.name}`);
        }
        const taskDefinition = mocks.one("aws:ecs/taskDefinition:TaskDefinition", "web-task-definition").inputs;
        assert.deepStrictEqual(taskDefinition.tags, { ...TAGS, "fargate-workloads:exemption": "ecs-5:ecs-exec" });
    });

    it("let a child's own tag win over the component's tag of the same key", async () => {
        // The component tags every child with the exemption key too; the task definition's own value must stay.
        new WebService("web", {
            image: "public.ecr.aws/nginx/nginx:1.27",
            user: "1000",
            network,
            loadBalancer: { subnetIds: lbSubnets },
            enableExecuteCommand: true,
            readonlyRootFilesystem: false,
            tags: { ...TAGS, "fargate-workloads:exemption": "none" },
        });
        await mocks.settle();
        assert.strictEqual(mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs.tags["fargate-workloads:exemption"], "ecs-5:ecs-exec");
        assert.strictEqual(mocks.one("aws:ecs/service:Service").inputs.tags["fargate-workloads:exemption"], "none", "children without their own value take the component's");
        // The same holds when the child's tags are an Output.
        const transform = tagChildren({ team: "component", shared: "component" });
        for (const own of [{ team: "child" }, pulumi.output({ team: "child" })]) {
            const result = transform({ type: "aws:sns/topic:Topic", name: "t", props: { tags: own }, opts: {}, resource: undefined as never });
            assert.deepStrictEqual(await outputValue(pulumi.output(result!.props.tags)), { team: "child", shared: "component" });
        }
    });

    it("reach the tasks: the service propagates its tags, the batch runner the task definition's", async () => {
        await buildAll();
        assert.strictEqual(mocks.one("aws:ecs/service:Service", "web-service").inputs.propagateTags, "SERVICE");
        const definition = parsed(mocks.one("aws:sfn/stateMachine:StateMachine").inputs.definition);
        assert.strictEqual(definition.States.RunTask.Arguments.PropagateTags, "TASK_DEFINITION");
    });

    it("leave resources untagged when none are given", async () => {
        new LoadBalancer("edge", { vpcId: network.vpcId, subnetIds: lbSubnets });
        await mocks.settle();
        assert.deepStrictEqual(
            mocks.awsResources().filter((r) => r.inputs.tags !== undefined),
            [],
        );
    });

    const cases: [string, Record<string, string>, string][] = [
        ["a key starting with aws:", { "aws:team": "x" }, 'edge: tags.aws:team ("aws:team") is not a tag key AWS accepts (1 to 128 letters, digits, spaces and _.:/=+-@, not starting with "aws:"); rename the key.'],
        ["a value with a character AWS refuses", { team: "a|b" }, 'edge: tags.team ("a|b") is not a tag value AWS accepts (up to 256 letters, digits, spaces and _.:/=+-@); change the value.'],
        ["a value over 256 characters", { team: "v".repeat(257) }, `edge: tags.team ("${"v".repeat(257)}") is not a tag value AWS accepts (up to 256 letters, digits, spaces and _.:/=+-@); change the value.`],
        ["more than 45 tags", Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`k${i}`, "v"])), 'edge: tags hold 46 tags, more than 45 (AWS allows 50 per resource; the library keeps 5 for its own); drop some.'],
    ];
    for (const [what, tags, message] of cases) {
        it(`refuse ${what}`, () => assertRejected(() => new LoadBalancer("edge", { vpcId: network.vpcId, subnetIds: lbSubnets, tags }), message));
    }
});
