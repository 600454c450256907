/**
 * Every TypeScript block of the README and docs/ is a test: type-checked as a consumer's file,
 * evaluated under the run's mocks, and held to what it is expected to create (tests/docBlocks.ts
 * finds and runs them; docs/development.md says how to add one). Also: every relative link
 * between the pages resolves, anchors included.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { RecordedResource } from "../components/mockRecord";
import { blocksOf, DocBlock, docBlocks, evaluate, markdownFiles, ROOT, typeCheck } from "./docBlocks";
import { mocks } from "./setup";

/** What a block creates: resource counts by type, its exports and the titles of the tests it defines (which must pass). */
interface Expectation {
    /** Counts by type token. Every type of {@link ALWAYS_COUNTED} is compared, listed or not (absent means 0). */
    readonly creates: Readonly<Record<string, number>>;
    readonly exports?: readonly string[];
    readonly tests?: readonly string[];
}

const T = {
    web: "fargate-workloads:ecs:WebService",
    worker: "fargate-workloads:ecs:WorkerService",
    batch: "fargate-workloads:ecs:BatchTask",
    edge: "fargate-workloads:elb:LoadBalancer",
    cluster: "aws:ecs/cluster:Cluster",
    capacityProviders: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    service: "aws:ecs/service:Service",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    stateMachine: "aws:sfn/stateMachine:StateMachine",
    schedule: "aws:scheduler/schedule:Schedule",
    queue: "aws:sqs/queue:Queue",
    certificate: "aws:acm/certificate:Certificate",
    namespace: "aws:servicediscovery/httpNamespace:HttpNamespace",
    role: "aws:iam/role:Role",
    slack: "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
} as const;

/**
 * The types whose count is always compared, so a block cannot make a second cluster, topic or load
 * balancer (or lose its service) unnoticed.
 */
const ALWAYS_COUNTED = [T.web, T.worker, T.batch, T.edge, T.cluster, T.capacityProviders, T.service, T.alb, T.topic, T.subscription, T.stateMachine, T.queue];

/** By block id (`<file> › <heading>`, ` (n)` for the n-th block under one heading). */
const EXPECTED: Readonly<Record<string, Expectation>> = {
    // One cluster with its capacity providers, one topic with its email subscription, one service on its own load balancer.
    "README.md › Your first stack": {
        creates: { [T.web]: 1, [T.edge]: 1, [T.cluster]: 1, [T.capacityProviders]: 1, [T.service]: 1, [T.alb]: 1, [T.topic]: 1, [T.subscription]: 1 },
        exports: ["url"],
    },
    // A topic of one's own, shared with a job: the job makes no topic of its own; its runner, schedule and dead-letter queue, its own cluster.
    "docs/alarms-and-alerts.md › One topic for a stack": {
        creates: { [T.batch]: 1, [T.cluster]: 1, [T.capacityProviders]: 1, [T.topic]: 1, [T.subscription]: 1, [T.stateMachine]: 1, [T.schedule]: 1, [T.queue]: 1 },
        exports: ["alertTopicArn"],
    },
    // The topic, a chat channel with its role, and two PagerDuty subscriptions (no email on the topic itself).
    "docs/alarms-and-alerts.md › Beyond email: Slack and incident tools": {
        creates: { [T.topic]: 1, [T.subscription]: 2, [T.role]: 1, [T.slack]: 1 },
    },
    // A scheduled job with its own cluster and alerts topic (email), the schedule's dead-letter queue, the export the command line reads.
    "docs/batch-task.md › BatchTask: a container that runs to completion": {
        creates: { [T.batch]: 1, [T.cluster]: 1, [T.capacityProviders]: 1, [T.topic]: 1, [T.subscription]: 1, [T.stateMachine]: 1, [T.schedule]: 1, [T.queue]: 1 },
        exports: ["runNightly"],
    },
    // A sharded job: still one state machine (the shards are child executions of its own Distributed Map), on spot in its own cluster.
    "docs/batch-task.md › Sharded jobs": {
        creates: { [T.batch]: 1, [T.cluster]: 1, [T.capacityProviders]: 1, [T.topic]: 1, [T.subscription]: 1, [T.stateMachine]: 1, [T.schedule]: 1, [T.queue]: 1 },
    },
    // A canary service: its own cluster, load balancer and topic (no email: no subscription).
    "docs/deploy-strategies.md › The strategies": {
        creates: { [T.web]: 1, [T.edge]: 1, [T.cluster]: 1, [T.capacityProviders]: 1, [T.service]: 1, [T.alb]: 1, [T.topic]: 1 },
    },
    // Two services on one shared load balancer, in one cluster, with one topic: not 2 clusters and 3 topics.
    "docs/load-balancer.md › LoadBalancer: one for many services": {
        creates: { [T.edge]: 1, [T.web]: 2, [T.cluster]: 1, [T.capacityProviders]: 1, [T.service]: 2, [T.alb]: 1, [T.topic]: 1, [T.certificate]: 1 },
    },
    // The consumer's test/setup.ts: installs the mocks, creates nothing.
    "docs/testing.md › Test your stack with `fargate-workloads/testing`": { creates: {}, exports: ["mocks", "mochaHooks"] },
    // The consumer's test, run here against the fixture program (one WebService on its own load balancer).
    "docs/testing.md › Test your stack with `fargate-workloads/testing` (2)": {
        creates: { [T.web]: 1, [T.edge]: 1, [T.cluster]: 1, [T.capacityProviders]: 1, [T.service]: 1, [T.alb]: 1, [T.topic]: 1 },
        tests: ["puts the API's tasks behind an ip target group"],
    },
    // The update test builds the service twice (before and after), each on its own load balancer, cluster and topic.
    "docs/testing.md › What the next `pulumi up` would do": {
        creates: { [T.web]: 1, [T.edge]: 1, [T.cluster]: 1, [T.capacityProviders]: 1, [T.service]: 1, [T.alb]: 1, [T.topic]: 1 },
        tests: ["moves the API to spot without replacing anything"],
    },
    // An HTTPS service on its own load balancer with a domain: one certificate.
    "docs/web-service.md › WebService: containers behind a load balancer": {
        creates: { [T.web]: 1, [T.edge]: 1, [T.cluster]: 1, [T.capacityProviders]: 1, [T.service]: 1, [T.alb]: 1, [T.topic]: 1, [T.certificate]: 1 },
        exports: ["url"],
    },
    // A queue worker and the web app that enqueues, sharing one cluster and one topic.
    "docs/worker-service.md › A queue worker": {
        creates: { [T.worker]: 1, [T.web]: 1, [T.edge]: 1, [T.cluster]: 1, [T.capacityProviders]: 1, [T.service]: 2, [T.alb]: 1, [T.topic]: 1, [T.subscription]: 1, [T.queue]: 2 },
    },
    // An internal API and a queue worker (its queue and dead-letter queue) that calls it by name, in one namespace.
    "docs/worker-service.md › An internal API, called by name": {
        creates: { [T.worker]: 2, [T.cluster]: 1, [T.capacityProviders]: 1, [T.service]: 2, [T.topic]: 1, [T.namespace]: 1, [T.queue]: 2 },
    },
};

/** Blocks marked `**Not run:** <reason>`, by id, with the reason. Change it with the marker. */
const NOT_RUN: Readonly<Record<string, string>> = {};

/** The counts of a block's registrations: every type it expects, and every type always counted. */
function counts(resources: readonly RecordedResource[], expected: Expectation["creates"]): Record<string, number> {
    const types = [...new Set([...ALWAYS_COUNTED, ...Object.keys(expected)])].sort();
    return Object.fromEntries(types.map((t) => [t, resources.filter((r) => r.type === t).length]));
}

/**
 * The services and job runners that start tasks in a cluster the block made, without depending on
 * that cluster's capacity provider association: a first deploy could start them before it exists.
 */
function racingStarters(resources: readonly RecordedResource[]): string[] {
    const clusters = resources.filter((r) => r.type === T.cluster);
    const association = (cluster: RecordedResource) => resources.find((r) => r.type === T.capacityProviders && r.inputs.clusterName === cluster.state.name);
    const problems: string[] = [];
    for (const starter of resources.filter((r) => r.type === T.service || r.type === T.stateMachine)) {
        const text = starter.type === T.service ? String(starter.inputs.cluster) : JSON.stringify(starter.inputs.definition ?? "");
        for (const cluster of clusters.filter((c) => text.includes(c.state.arn))) {
            const capacity = association(cluster);
            if (!capacity) {
                problems.push(`${starter.name} runs in cluster ${cluster.name}, which has no capacity provider association`);
            } else if (!starter.options.dependencies.includes(capacity.urn)) {
                problems.push(`${starter.name} runs in cluster ${cluster.name} without depending on ${capacity.name}`);
            }
        }
    }
    return problems;
}

/** GitHub's anchor of a heading: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/`/g, "")
        .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
}

/** The anchors the headings of a markdown text make (a repeated heading gets `-1`, `-2`), outside code blocks. */
function anchorsOf(text: string): Set<string> {
    const anchors = new Set<string>();
    const seen = new Map<string, number>();
    let fence: string | undefined;
    for (const line of text.split("\n")) {
        const f = /^\s*(`{3,}|~{3,})/.exec(line);
        if (f) {
            fence = fence === undefined ? f[1][0] : line.trim().startsWith(fence) ? undefined : fence;
            continue;
        }
        const h = fence === undefined ? /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line) : null;
        if (h) {
            const base = slug(h[1]);
            const n = seen.get(base) ?? 0;
            seen.set(base, n + 1);
            anchors.add(n === 0 ? base : `${base}-${n}`);
        }
    }
    return anchors;
}

/** The relative links of a markdown text (outside code blocks and code spans): target file and anchor. */
function linksOf(text: string): { target: string; anchor?: string; line: number }[] {
    const links: { target: string; anchor?: string; line: number }[] = [];
    let inFence = false;
    text.split("\n").forEach((line, i) => {
        if (/^\s*(`{3,}|~{3,})/.test(line)) {
            inFence = !inFence;
            return;
        }
        if (inFence) {
            return;
        }
        for (const m of line.replace(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)\)/g)) {
            const href = m[1];
            if (/^[a-z]+:/i.test(href)) {
                continue;
            }
            const [target, anchor] = href.split("#");
            links.push({ target, anchor, line: i + 1 });
        }
    });
    return links;
}

describe("the TypeScript blocks of the README and docs/", () => {
    const { blocks, problems } = docBlocks();
    const run = blocks.filter((b) => b.notRun === undefined);
    const marked = blocks.filter((b) => b.notRun !== undefined);

    it("finds the blocks, each with a unique id and well-formed markers", () => {
        assert.deepStrictEqual(problems, []);
        assert.ok(blocks.length >= 10, `found ${blocks.length} blocks`);
        const ids = blocks.map((b) => b.id);
        assert.deepStrictEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], "ids repeat");
    });

    it(`counts the blocks not run, each with its reason (${marked.length} of ${blocks.length} marked; ${run.length} evaluated)`, () => {
        assert.deepStrictEqual(Object.fromEntries(marked.map((b) => [b.id, b.notRun])), NOT_RUN);
    });

    it("has an expectation for every evaluated block, and none for a block that is gone or not run", () => {
        assert.deepStrictEqual(run.map((b) => b.id).sort(), Object.keys(EXPECTED).sort());
    });

    it("imports only the package and its peers, never the repository's sources", () => {
        for (const b of blocks) {
            const imports = [...b.code.matchAll(/(?:from|import)\s+"([^"]+)"/g)].map((m) => m[1]);
            assert.deepStrictEqual(imports.filter((i) => i.startsWith(".")), [], `${b.file}:${b.line} (${b.id})`);
        }
    });

    it("type-check as a consumer's files against the package (strict), in one compiler run", () => {
        const diagnostics = typeCheck(blocks);
        assert.deepStrictEqual(diagnostics, []);
    });

    for (const block of run) {
        it(`${block.id} (${block.file}:${block.line}) runs under the mocks and creates what it should`, async () => {
            mocks.useStack("test");
            const expected = EXPECTED[block.id];
            assert.ok(expected, `no expectation for ${block.id}`);
            const result = await evaluate(block);
            await mocks.settle();
            const resources = mocks.all();
            assert.deepStrictEqual(counts(resources, expected.creates), expectedCounts(expected.creates), "what it creates");
            assert.deepStrictEqual(Object.keys(result.exports).sort(), [...(expected.exports ?? [])].sort(), "its exports");
            assert.deepStrictEqual(result.tests, expected.tests ?? [], "the tests it defines, all passed");
            assert.deepStrictEqual(racingStarters(resources), [], "every service and job runner waits for its cluster's capacity providers");
        });
    }
});

/** The expected counts in the form {@link counts} gives: every type always counted, 0 unless listed. */
function expectedCounts(creates: Expectation["creates"]): Record<string, number> {
    const types = [...new Set([...ALWAYS_COUNTED, ...Object.keys(creates)])].sort();
    return Object.fromEntries(types.map((t) => [t, creates[t] ?? 0]));
}

describe("the doc blocks' harness (tests/docBlocks.ts)", () => {
    it("finds ts and typescript blocks with their heading and line, and skips the others", () => {
        const { blocks, problems } = blocksOf("x.md", md("# A", "```ts", "const a = 1;", "```", "```sh", "ls", "```", "## B", "```typescript", "  const b = 2;", "```", "```ts", "const c = 3;", "```"));
        assert.deepStrictEqual(problems, []);
        assert.deepStrictEqual(
            blocks.map((b) => [b.id, b.line, b.code]),
            [
                ["x.md › A", 3, "const a = 1;"],
                ["x.md › B", 10, "  const b = 2;"],
                ["x.md › B (2)", 13, "const c = 3;"],
            ],
        );
    });

    it("reads a not-run marker on the line before a block, and refuses one the page would hide or that stands before another language", () => {
        const { blocks, problems } = blocksOf("x.md", md("**Not run:** needs a real account", "", "```ts", "x();", "```", "<!-- not run: hidden on the page -->", "```ts", "y();", "```", "**Not run:** a shell line", "```sh", "ls", "```"));
        assert.deepStrictEqual(blocks.map((b) => b.notRun), ["needs a real account", undefined]);
        assert.deepStrictEqual(problems, ['x.md:6: a not-run marker must read "**Not run:** <reason>"', "x.md:10: a not-run marker stands before a sh block, not a TypeScript one"]);
    });

    it("reports a block that does not type-check, at its line in the markdown file", () => {
        const block: DocBlock = { file: "x.md", line: 10, id: "x.md › A", code: 'import { WebService } from "fargate-workloads";\nconst n: number = "one";\nnew WebService("w", { image: "i" });' };
        const diagnostics = typeCheck([block]);
        assert.ok(diagnostics.some((d) => d.at === "x.md:11:7" && /TS2322/.test(d.message)), JSON.stringify(diagnostics));
        assert.ok(diagnostics.some((d) => d.at.startsWith("x.md:12:") && /network/.test(d.message)), JSON.stringify(diagnostics));
    });

    it("rejects with a block's own error, and fails a test it defines", async () => {
        mocks.useStack("test");
        await assert.rejects(evaluate({ file: "x.md", line: 1, id: "x", code: 'import { WebService } from "fargate-workloads";\nnew WebService("w", { image: "nginx latest", user: "1", network: { vpcId, subnetIds: privateSubnetIds }, loadBalancer: { subnetIds: publicSubnetIds } });' }), /white space/);
        await assert.rejects(evaluate({ file: "x.md", line: 1, id: "x", code: 'import * as assert from "assert";\nit("fails", () => assert.strictEqual(1, 2));' }), /1 !== 2|Expected values to be strictly equal/);
    });

    it("sees a service started in a cluster given without its capacity providers", async () => {
        mocks.useStack("test");
        await evaluate({
            file: "x.md",
            line: 1,
            id: "x",
            code: [
                'import * as aws from "@pulumi/aws";',
                'import { WebService } from "fargate-workloads";',
                'const cluster = new aws.ecs.Cluster("platform", {});',
                'new aws.ecs.ClusterCapacityProviders("platform-cp", { clusterName: cluster.name, capacityProviders: ["FARGATE"] });',
                'new WebService("api", { image: "nginx", user: "101", cluster, network: { vpcId, subnetIds: privateSubnetIds }, loadBalancer: { subnetIds: publicSubnetIds } });',
            ].join("\n"),
        });
        await mocks.settle();
        assert.deepStrictEqual(racingStarters(mocks.all()), ["api-service runs in cluster platform without depending on platform-cp"]);
    });
});

describe("the links between the README and docs/", () => {
    const files = markdownFiles();

    it("makes GitHub's anchors of headings", () => {
        const anchors = anchorsOf(md("# What it is", "## `plan --compare`: the update", "## Alarms & alerts (SNS)", "## What it is", "```sh", "# not a heading", "```"));
        assert.deepStrictEqual([...anchors], ["what-it-is", "plan---compare-the-update", "alarms--alerts-sns", "what-it-is-1"]);
    });

    it("resolve: every relative link names a file that exists and an anchor its headings make", () => {
        const broken: string[] = [];
        for (const file of files) {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            for (const link of linksOf(text)) {
                const target = link.target === "" ? file : path.normalize(path.join(path.dirname(file), link.target));
                const where = `${file}:${link.line}: ${link.target}${link.anchor !== undefined ? `#${link.anchor}` : ""}`;
                if (!fs.existsSync(path.join(ROOT, target))) {
                    broken.push(`${where} (no such file)`);
                } else if (link.anchor !== undefined && target.endsWith(".md") && !anchorsOf(fs.readFileSync(path.join(ROOT, target), "utf8")).has(link.anchor)) {
                    broken.push(`${where} (no such heading)`);
                }
            }
        }
        assert.deepStrictEqual(broken, []);
    });
});

function md(...lines: string[]): string {
    return lines.join("\n");
}
