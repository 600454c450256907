/**
 * Every key of the README's configuration reference, changed alone on the dev stack: what the
 * second `pulumi up` does, and which of those changes are not safe (each listed with its reason,
 * and in the README's safe ways to change a deployed stack).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { planUpdate, ProgramSnapshot } from "../../components/testing";
import { ROOT } from "../program";
import { changes, stack } from "./harness";

const dev = {
    network: { natGateways: "None" },
    web: { architecture: "arm64", desiredCount: 1 },
    batch: { architecture: "x86_64", capacity: "spot" },
} as const;
const EXISTING_VPC = { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] };
/** Moving a stack into an existing VPC: security groups and target groups are replaced there, and the VPC the stack built is deleted. */
const MOVED = { problems: ["warning replacement-unknown"], why: "the stack's own awsx VPC is deleted with its subnets, out of the mocks' sight" } as const;
const WORKER = { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000" };

/** One key's change: the dev stack's configuration after it, and what the update may report. */
interface KeyChange {
    /** Namespaced keys to set on top of dev's stack file. */
    readonly edit: Record<string, unknown>;
    /** A change to a stack with a worker (worker.* keys), planned from dev with that worker. */
    readonly withWorker?: boolean;
    /** The kinds of problem the update reports (`severity rule`), and why they are right; none means safe. */
    readonly problems?: readonly string[];
    readonly why?: string;
}

const web = (w: Record<string, unknown>) => ({ "fargate-workloads:web": { ...dev.web, ...w } });
const batch = (b: Record<string, unknown>) => ({ "fargate-workloads:batch": { ...dev.batch, ...b } });
const network = (n: Record<string, unknown>) => ({ "fargate-workloads:network": { ...dev.network, ...n } });
const worker = (w: Record<string, unknown>) => ({ "fargate-workloads:worker": { ...WORKER, ...w } });

/** By README key. */
const KEY_CHANGES: Readonly<Record<string, KeyChange>> = {
    "network.vpcId": { edit: { "fargate-workloads:network": EXISTING_VPC }, ...MOVED },
    "network.publicSubnetIds": { edit: { "fargate-workloads:network": EXISTING_VPC }, ...MOVED },
    "network.privateSubnetIds": { edit: { "fargate-workloads:network": { ...EXISTING_VPC, privateSubnetIds: ["subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"] } }, ...MOVED },
    "network.cidrBlock": { edit: network({ cidrBlock: "10.20.0.0/16" }), problems: ["warning replacement-unknown"], why: "awsx builds the network out of the mocks' sight: a new range, zone count or NAT layout may replace subnets and all that runs in them" },
    "network.availabilityZones": { edit: network({ availabilityZones: 3 }), problems: ["warning replacement-unknown"], why: "awsx builds the network out of the mocks' sight: a new range, zone count or NAT layout may replace subnets and all that runs in them" },
    "network.natGateways": { edit: network({ natGateways: "Single" }), problems: ["warning replacement-unknown"], why: "awsx builds the network out of the mocks' sight: a new range, zone count or NAT layout may replace subnets and all that runs in them" },
    "web.image": { edit: web({ image: "public.ecr.aws/nginx/nginx:1.27" }) },
    "web.build": { edit: web({ build: { context: "./app" } }) },
    "web.port": { edit: web({ port: 5000 }) },
    "web.cpu": { edit: web({ cpu: 512, memory: 1024 }) },
    "web.memory": { edit: web({ memory: 1024 }) },
    "web.architecture": { edit: web({ architecture: "x86_64" }) },
    "web.desiredCount": { edit: web({ desiredCount: 2 }) },
    "web.healthCheckPath": { edit: web({ healthCheckPath: "/healthz" }) },
    "web.autoscaling": { edit: web({ autoscaling: { minCount: 1, maxCount: 10, cpuTargetPercent: 60 } }) },
    "web.domain": { edit: web({ domain: { name: "todo.example.com", zoneId: "Z0123456789" } }) },
    "web.certificateArn": { edit: web({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555", hostName: "todo.example.com" }) },
    "web.hostName": { edit: web({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555", hostName: "todo.example.com" }) },
    "web.environment": { edit: web({ environment: { FEATURE_X: "on" } }) },
    "web.secrets": { edit: web({ secrets: { DB_PASSWORD: "/todo/db-password" } }) },
    "web.user": { edit: web({ user: "app" }) },
    "web.capacity": { edit: web({ architecture: "x86_64", capacity: "spot" }) },
    "web.waf": { edit: web({ waf: true }) },
    "web.parameterPath": { edit: web({ parameterPath: "/todo/dev/" }) },
    "batch.image": { edit: batch({ image: "public.ecr.aws/aws-cli/aws-cli:2.22.36" }) },
    "batch.command": { edit: batch({ command: ["echo", "hi"] }) },
    "batch.cpu": { edit: batch({ cpu: 512, memory: 1024 }) },
    "batch.memory": { edit: batch({ memory: 1024 }) },
    "batch.architecture": { edit: batch({ architecture: "arm64", capacity: "on-demand" }) },
    "batch.schedule": { edit: batch({ schedule: "rate(12 hours)" }) },
    "batch.timezone": { edit: batch({ timezone: "Europe/Paris" }) },
    "batch.timeoutSeconds": { edit: batch({ timeoutSeconds: 7200 }) },
    "batch.retries": { edit: batch({ retries: { attempts: 0 } }) },
    "batch.alertEmail": { edit: batch({ alertEmail: "oncall@example.com" }) },
    "batch.capacity": { edit: batch({ capacity: "on-demand" }) },
    "batch.exportRetentionDays": { edit: batch({ exportRetentionDays: 90 }) },
    "batch.tracing": { edit: batch({ tracing: true }) },
    "batch.parallel": { edit: batch({ command: ["echo shard $SHARD_INDEX of $SHARD_COUNT"], parallel: { shards: 4 } }) },
    worker: { edit: worker({}) },
    "worker.image": { edit: worker({ image: "public.ecr.aws/docker/library/busybox:1.37" }), withWorker: true },
    "worker.command": { edit: worker({ command: ["sh", "-c", "sleep 3600"] }), withWorker: true },
    "worker.user": { edit: worker({ user: "1001" }), withWorker: true },
    "worker.cpu": { edit: worker({ cpu: 1024, memory: 2048 }), withWorker: true },
    "worker.memory": { edit: worker({ memory: 2048 }), withWorker: true },
    "worker.architecture": { edit: worker({ architecture: "arm64" }), withWorker: true },
    "worker.capacity": { edit: worker({ capacity: "spot" }), withWorker: true },
    "worker.minCount": { edit: worker({ minCount: 0 }), withWorker: true },
    "worker.maxCount": { edit: worker({ maxCount: 20 }), withWorker: true },
    "worker.backlogPerTask": { edit: worker({ backlogPerTask: 50 }), withWorker: true },
    "worker.visibilityTimeoutSeconds": { edit: worker({ visibilityTimeoutSeconds: 900 }), withWorker: true },
    "worker.maxReceiveCount": { edit: worker({ maxReceiveCount: 3 }), withWorker: true },
    "worker.stopTimeoutSeconds": { edit: worker({ stopTimeoutSeconds: 60 }), withWorker: true },
    "worker.namespaceArn": {
        edit: worker({ namespaceArn: "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abcdef0123456789" }),
        withWorker: true,
        problems: ["error stateful-kept"],
        why: "the stack's own namespace is deleted once the services joined the given one",
    },
    "worker.environment": { edit: worker({ environment: { BATCH_SIZE: "10" } }), withWorker: true },
    protect: { edit: { "fargate-workloads:protect": true } },
    logRetentionDays: { edit: { "fargate-workloads:logRetentionDays": 365 } },
    encryption: { edit: { "fargate-workloads:encryption": true } },
    owner: { edit: { "fargate-workloads:owner": "platform-team" } },
};

/** The keys the README's configuration reference lists (its first column; `a`, `b` rows name several). */
function readmeKeys(): string[] {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf("## Stack configuration");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const rows = section.split("\n").filter((l) => /^\| `/.test(l));
    return rows.flatMap((row) => [...row.split("|")[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}

describe("the second pulumi up: each key of the configuration reference, changed alone on dev", function () {
    this.timeout(120000);
    let base: ProgramSnapshot;
    let baseWithWorker: ProgramSnapshot;

    before(async () => {
        base = await stack("dev");
        baseWithWorker = await stack("dev", worker({}));
    });

    it("covers every key the README lists, and no other", () => {
        assert.deepStrictEqual(Object.keys(KEY_CHANGES).sort(), [...new Set(readmeKeys())].sort());
    });

    for (const [key, change] of Object.entries(KEY_CHANGES)) {
        it(`${key}: ${change.problems?.length ? `reports ${[...new Set(change.problems)].join(", ")} (${change.why})` : "a safe update"}`, async () => {
            const edit = change.withWorker ? { ...worker({}), ...change.edit } : change.edit;
            const plan = planUpdate(change.withWorker ? baseWithWorker : base, await stack("dev", edit));
            assert.deepStrictEqual([...new Set(plan.problems.map((p) => `${p.severity} ${p.rule}`))].sort(), [...(change.problems ?? [])].sort(), `\n${changes(plan)}`);
        });
    }
});
