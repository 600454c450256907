// npm run bench: how long it takes to evaluate N components under Pulumi's mocks (the cost of
// `pulumi preview`'s program run and of every test), for N = 1, 10, 50. Growth should be linear.
import { performance } from "perf_hooks";
import { installMocks, useFastStackTraces } from "../components/testing";
import { BatchTask, BatchTaskArgs } from "../components/batchTask";
import { describeDeployTime, rollingDeployEstimate } from "../components/deployTime";
import { TASK_DEFINITION_DEFAULTS } from "../components/taskDefinition";
import { LoadBalancer } from "../components/loadBalancer";
import { WEB_SERVICE_DEFAULTS, WebService, WebServiceArgs } from "../components/webService";
import { WorkerService } from "../components/workerService";

if (!process.env.SOURCE_MAPS) {
    useFastStackTraces();
}
const mocks = installMocks({ stack: "bench" });

const webArgs: WebServiceArgs = {
    image: "mcr.microsoft.com/dotnet/samples:aspnetapp-10.0",
    user: "1654",
    cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/bench",
    network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] },
    loadBalancer: { subnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"], certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/bench", hostName: "bench.example.com" },
    autoscaling: { minCount: 2, maxCount: 10, requestsPerTarget: 500 },
};

const batchArgs: BatchTaskArgs = {
    image: "public.ecr.aws/docker/library/busybox:1.36",
    user: "1000",
    cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/bench",
    network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] },
    schedule: { expression: "cron(0 3 * * ? *)", timezone: "Europe/Paris" },
    alerts: { email: "oncall@example.com", noSuccessWithinHours: 26 },
};

interface Subject {
    readonly label: string;
    /** Runs once per measurement, before the components (and inside its time). */
    prepare?(round: number, count: number): void;
    create(name: string, index: number): void;
}

/** The load balancer the shared-form services of a measurement join. */
let shared: LoadBalancer | undefined;

const subjects: Subject[] = [
    { label: "WebService", create: (name) => new WebService(name, webArgs) },
    { label: "BatchTask", create: (name) => new BatchTask(name, batchArgs) },
    {
        label: "WebService on one LoadBalancer",
        prepare: (round, count) => {
            shared = new LoadBalancer(`edge-${round}-${count}`, { vpcId: webArgs.network.vpcId, subnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"], certificates: [{ arn: "arn:aws:acm:us-east-1:123456789012:certificate/bench", hosts: ["*.example.com"] }] });
        },
        create: (name, i) => new WebService(name, { ...webArgs, loadBalancer: shared!, routing: { hosts: [`s${i}.example.com`] } }),
    },
    {
        label: "WorkerService (queue, scale from zero)",
        create: (name) => new WorkerService(name, { image: batchArgs.image, user: "1000", cluster: batchArgs.cluster, network: batchArgs.network, scaling: { minCount: 0, maxCount: 10 } }),
    },
];

async function measure(subject: Subject, count: number, round: number): Promise<{ ms: number; resources: number }> {
    mocks.reset();
    const start = performance.now();
    subject.prepare?.(round, count);
    for (let i = 0; i < count; i++) {
        subject.create(`${subject.label.split(" ")[0].toLowerCase()}-${round}-${count}-${i}`, i);
    }
    await mocks.settle();
    return { ms: performance.now() - start, resources: mocks.resources.length };
}

async function main(): Promise<void> {
    console.log(`node ${process.version}, ${new Date().toISOString()}`);
    for (const subject of subjects) {
        await measure(subject, 1, 0); // warm-up: module loading and JIT
        const rows: string[] = [];
        let perOne = 0;
        for (const count of [1, 10, 50]) {
            const { ms, resources } = await measure(subject, count, 1);
            const per = ms / count;
            if (count === 1) {
                perOne = per;
            }
            rows.push(`${subject.label} x${String(count).padEnd(3)} ${ms.toFixed(0).padStart(6)} ms total  ${per.toFixed(1).padStart(6)} ms each  ${resources} resources  (x${(per / perOne).toFixed(2)} of one)`);
        }
        rows.forEach((r) => console.log(r));
    }
    const d = WEB_SERVICE_DEFAULTS;
    const deploy = rollingDeployEstimate({
        healthCheckIntervalSeconds: d.healthCheck.intervalSeconds,
        healthyThreshold: d.healthCheck.healthyThreshold,
        deregistrationDelaySeconds: d.deregistrationDelaySeconds,
        stopTimeoutSeconds: TASK_DEFINITION_DEFAULTS.stopTimeoutSeconds,
        deploymentAlarms: d.alarms.rollbackOnAlarm,
    });
    console.log(`WebService rolling deploy with the defaults, modeled: ${describeDeployTime(deploy)}`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
