/**
 * The fargate-workloads program: per stack (`Pulumi.<stack>.yaml`), the TODO-list web app as a
 * load-balanced Fargate service with its DynamoDB table, a nightly batch job that exports the
 * table to S3 and, when `worker` is configured, a queue worker that calls the web app by name.
 * It reads and validates the configuration and every component's arguments first, so a mistake
 * fails before the first resource is created, then wires the components together.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, fromConfig, problemAsStackKey, readStackConfig, STACK_DEFAULTS } from "./app/config";
import { createExportBucket, createParameters, createTable } from "./app/data";
import { EXPORT_CLIENT_TOKEN_SECONDS, EXPORT_ENTRY_POINT, EXPORT_SCRIPT, exportTaskPolicy } from "./app/exportJob";
import { createStackDashboard } from "./app/dashboard";
import { buildWebImage } from "./app/image";
import { stackAlertTopicAliases } from "./app/alerts";
import { STACK_LOAD_BALANCER_NAME, stackLoadBalancerFormerOwner } from "./app/loadBalancer";
import { createNetwork, networkSizeProblems, planNetwork } from "./app/network";
import { webTaskPolicy } from "./app/webPolicy";
import {
    ArgumentError,
    awsContext,
    BatchTask,
    BatchTaskArgs,
    BatchTaskTiming,
    ClusterInput,
    createAlertTopic,
    createCluster,
    createEncryptionKey,
    LoadBalancer,
    LoadBalancerArgs,
    LoadBalancerPlan,
    createServiceNamespace,
    RoutingArgs,
    ServiceConnectCallee,
    ServiceNamespace,
    TaskNetwork,
    WebService,
    WebServiceArgs,
    WorkerService,
    WorkerServiceArgs,
} from "./components";

const { config, secretKeys, problems } = readStackConfig();
const d = STACK_DEFAULTS;
const protect = config.protect ?? d.protect;
const logRetentionDays = config.logRetentionDays ?? d.logRetentionDays;
const web = config.web ?? {};
const batch = config.batch ?? {};
const worker = config.worker;
const webArchitecture = web.architecture ?? "x86_64";
const parameterPath = web.parameterPath ?? `/${pulumi.getProject()}/${pulumi.getStack()}/`;
const networkPlan = planNetwork(config.network);
const ctx = awsContext();
/** Every taggable resource of the stack says which project and stack it belongs to, and who owns it. */
const stackTags: Readonly<Record<string, string>> = { project: pulumi.getProject(), stack: pulumi.getStack(), ...(config.owner ? { owner: config.owner } : {}) };

/** What the components take from the rest of the stack. */
interface Wiring {
    readonly cluster: ClusterInput;
    readonly tasks: TaskNetwork;
    readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly webImage: pulumi.Input<string>;
    readonly tableName: pulumi.Input<string>;
    readonly tableArn: pulumi.Input<string>;
    readonly bucketName: pulumi.Input<string>;
    readonly bucketArn: pulumi.Input<string>;
    readonly alertTopicArn: pulumi.Input<string>;
    /** The stack's customer-managed key, with `encryption`. */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** The stack's Service Connect namespace, with a worker. */
    readonly namespace?: ServiceNamespace;
}

/** The stack's load balancer, which every web service of the stack shares. */
function loadBalancerArgs(w: Pick<Wiring, "tasks" | "publicSubnetIds" | "alertTopicArn" | "kmsKeyArn">): LoadBalancerArgs {
    return {
        alerts: { topicArn: w.alertTopicArn },
        // The web application firewall's logs are kept and encrypted as the stack's other logs.
        logRetentionDays,
        ...(w.kmsKeyArn !== undefined ? { kmsKeyArn: w.kmsKeyArn } : {}),
        vpcId: w.tasks.vpcId,
        subnetIds: w.publicSubnetIds,
        deletionProtection: protect,
        tags: stackTags,
        ...(web.waf ? { waf: { managed: true as const } } : {}),
        ...(web.domain ? { domains: [web.domain] } : {}),
        ...(web.certificateArn ? { certificates: [{ arn: fromConfig(secretKeys, "web", web.certificateArn), hosts: web.hostName ? [web.hostName] : [] }] } : {}),
    };
}

/** The TODO app answers on the stack's host name when HTTPS is on, else on every path. */
const webHost = web.domain?.name ?? web.hostName;
const webRouting: RoutingArgs = webHost !== undefined ? { hosts: [webHost] } : { paths: ["/*"] };

function webArgs(w: Wiring, loadBalancer: LoadBalancer | LoadBalancerPlan): WebServiceArgs {
    return {
        image: w.webImage,
        user: web.user ?? d.web.user,
        port: web.port ?? d.web.port,
        cpu: web.cpu,
        memory: web.memory,
        architecture: webArchitecture,
        capacity: web.capacity,
        desiredCount: web.desiredCount,
        autoscaling: web.autoscaling,
        healthCheck: { path: web.healthCheckPath ?? d.web.healthCheckPath },
        environment: {
            ASPNETCORE_ENVIRONMENT: d.web.aspnetcoreEnvironment,
            AWS_REGION: ctx.region,
            PARAMETER_PATH: parameterPath,
            TODO_TABLE_NAME: w.tableName,
            ...Object.fromEntries(Object.entries(web.environment ?? {}).map(([k, v]) => [k, fromConfig(secretKeys, "web", v)])),
        },
        secrets: web.secrets,
        taskPolicyStatements: webTaskPolicy(ctx, w.tableArn, parameterPath),
        logRetentionDays,
        cluster: w.cluster,
        network: w.tasks,
        loadBalancer,
        routing: webRouting,
        tags: stackTags,
        // The stack's one topic: the service's alarms notify it.
        alerts: { topicArn: w.alertTopicArn },
        ...(w.kmsKeyArn !== undefined ? { kmsKeyArn: w.kmsKeyArn } : {}),
        // With a worker, the web service is callable by name inside the stack.
        ...(w.namespace ? { serviceConnect: { namespace: w.namespace, name: d.worker.webServiceConnectName } } : {}),
    };
}

/**
 * With the stack's load balancer refused, the web service is still checked (its size, health
 * check, scaling...), on a load balancer without the refused domain or certificate: its rule then
 * routes every path, since the host it would route is the refused key's.
 */
function webArgsWithoutLoadBalancer(w: Wiring): WebServiceArgs {
    const plain = LoadBalancer.validate(STACK_LOAD_BALANCER_NAME, { vpcId: w.tasks.vpcId, subnetIds: w.publicSubnetIds });
    return { ...webArgs(w, plain), routing: { paths: ["/*"] } };
}

/** The stack's queue worker: it consumes its queue and may call the web service (WEB_URL). */
function workerArgs(w: Wiring, callee: ServiceConnectCallee): WorkerServiceArgs {
    const c = worker!;
    return {
        image: c.image,
        ...(c.command ? { command: c.command } : {}),
        ...(c.user !== undefined ? { user: c.user } : {}),
        cpu: c.cpu,
        memory: c.memory,
        architecture: c.architecture,
        capacity: c.capacity,
        ...(c.stopTimeoutSeconds !== undefined ? { stopTimeoutSeconds: c.stopTimeoutSeconds } : {}),
        environment: { AWS_REGION: ctx.region, ...Object.fromEntries(Object.entries(c.environment ?? {}).map(([k, v]) => [k, fromConfig(secretKeys, "worker", v)])) },
        queue: { create: { visibilityTimeoutSeconds: c.visibilityTimeoutSeconds, maxReceiveCount: c.maxReceiveCount } },
        scaling: { minCount: c.minCount, maxCount: c.maxCount, backlogPerTask: c.backlogPerTask },
        logRetentionDays,
        cluster: w.cluster,
        network: w.tasks,
        tags: stackTags,
        alerts: { topicArn: w.alertTopicArn },
        ...(w.kmsKeyArn !== undefined ? { kmsKeyArn: w.kmsKeyArn } : {}),
        serviceConnect: { namespace: w.namespace!, calls: [callee] },
    };
}

/**
 * The web service's Service Connect endpoint as the worker's check sees it before anything exists
 * (the same name, port and URL the web service will serve), so `WEB_URL` clashes fail then too.
 */
function webEndpointStandIn(w: Wiring): ServiceConnectCallee {
    const port = web.port ?? d.web.port;
    const name = d.worker.webServiceConnectName;
    // `service` orders the deploy; a check registers nothing, so nothing reads it.
    return { serviceConnectEndpoint: { component: "web", name, port, containerPort: port, url: `http://${name}:${port}`, namespace: w.namespace!, securityGroupId: unknown, service: undefined as unknown as pulumi.Resource } };
}

function batchArgs(w: Wiring): BatchTaskArgs {
    return {
        image: batch.image ?? d.batch.image,
        entryPoint: EXPORT_ENTRY_POINT,
        command: batch.command ?? [EXPORT_SCRIPT],
        user: d.batch.user,
        cpu: batch.cpu,
        memory: batch.memory,
        architecture: batch.architecture,
        capacity: batch.capacity,
        environment: { AWS_REGION: ctx.region, EXPORT_BUCKET: w.bucketName, HOME: "/tmp", TABLE_ARN: w.tableArn, ...(w.kmsKeyArn !== undefined ? { EXPORT_KMS_KEY: w.kmsKeyArn } : {}) },
        taskPolicyStatements: exportTaskPolicy(w.tableArn, w.bucketArn, w.kmsKeyArn),
        ...(w.kmsKeyArn !== undefined ? { kmsKeyArn: w.kmsKeyArn } : {}),
        logRetentionDays,
        cluster: w.cluster,
        network: w.tasks,
        schedule: { expression: batch.schedule ?? d.batch.schedule, timezone: batch.timezone ?? d.batch.timezone },
        timeoutSeconds: batch.timeoutSeconds ?? d.batch.timeoutSeconds,
        retries: batch.retries,
        tracing: batch.tracing ?? false,
        // Off by default: the export is one DynamoDB export, which shards cannot split (app/config.ts).
        ...(batch.parallel ? { parallel: batch.parallel } : {}),
        // The stack's one topic: its email subscription is the stack's, not the job's.
        tags: stackTags,
        alerts: { topicArn: w.alertTopicArn, ...(batch.noSuccessWithinHours !== undefined ? { noSuccessWithinHours: batch.noSuccessWithinHours } : {}) },
    };
}

// 1. Check every component's arguments while nothing exists yet (resource values stand in as
//    unknowns), so a bad stack file never leaves a half-created stack behind.
const unknown = pulumi.output(pulumi.unknown) as pulumi.Output<string>;
const preview: Wiring = {
    cluster: unknown,
    tasks: { vpcId: unknown, subnetIds: unknown as pulumi.Output<any>, assignPublicIp: networkPlan.assignPublicIp },
    publicSubnetIds: unknown as pulumi.Output<any>,
    webImage: web.build ? unknown : (web.image ?? d.web.image),
    tableName: unknown,
    tableArn: unknown,
    bucketName: unknown,
    bucketArn: unknown,
    alertTopicArn: unknown,
    ...(config.encryption ? { kmsKeyArn: typeof config.encryption === "object" ? config.encryption.kmsKeyArn : unknown } : {}),
    ...(worker ? { namespace: { arn: worker.namespaceArn ?? unknown } } : {}),
};
// Every problem of the stack in one run: the stack file's, then each component's, named by the
// keys the user wrote.
const allProblems = [...problems, ...networkSizeProblems(config)];
// The services are checked against the load balancer's plan, which records their rules.
let loadBalancerPlan: LoadBalancerPlan | undefined;
let exportTiming: BatchTaskTiming | undefined;
const checks = [
    () => (loadBalancerPlan = LoadBalancer.validate(STACK_LOAD_BALANCER_NAME, loadBalancerArgs(preview))),
    () => WebService.validate("web", loadBalancerPlan ? webArgs(preview, loadBalancerPlan) : webArgsWithoutLoadBalancer(preview)),
    () => (exportTiming = BatchTask.validate("export", batchArgs(preview))),
    () => worker && WorkerService.validate("worker", workerArgs(preview, webEndpointStandIn(preview))),
];
for (const check of checks) {
    try {
        check();
    } catch (e) {
        if (!(e instanceof ArgumentError)) {
            throw e;
        }
        allProblems.push(...e.problems.map(problemAsStackKey));
    }
}
// Every attempt of a run must reuse its export (DynamoDB cannot cancel one): all must ask within
// the client token's 8 hours of the first, capacity retries (and the spot fallback) included. Only when the job accepted its
// timeout and retries (else BatchTask.validate refused them and gave no timing).
if (exportTiming && exportTiming.lastAttemptStartSeconds > EXPORT_CLIENT_TOKEN_SECONDS) {
    allProblems.push(
        `fargate-workloads:batch.timeoutSeconds and fargate-workloads:batch.retries let the export's last attempt start ${exportTiming.lastAttemptStartSeconds} s after its first (each earlier attempt's ${exportTiming.timeoutSeconds} s timeout and the wait after it, and up to ${exportTiming.capacityWaitSeconds} s of capacity retries before each retried attempt${batch.capacity !== undefined && batch.capacity !== "on-demand" ? ", doubled by fargate-workloads:batch.capacity's fallback from spot to on demand" : ""}), past DynamoDB's ${EXPORT_CLIENT_TOKEN_SECONDS} s client-token window, so a retry could start (and bill) a second export; lower the timeout, the retries or their interval`,
    );
}
if (allProblems.length > 0) {
    // A problem of a shared key (logRetentionDays) is the same for both components: once.
    throw new ConfigError([...new Set(allProblems)]);
}

// 2. Create: the alerts topic, network, cluster, data, image, then the two workloads.
// With encryption, one customer-managed key for the stack's data, logs, topic and queues.
const kmsKeyArn: pulumi.Input<string> | undefined =
    config.encryption === true ? createEncryptionKey(`${pulumi.getProject()}-${pulumi.getStack()}`, ctx, { tags: stackTags }).key.arn : config.encryption ? config.encryption.kmsKeyArn : undefined;
// One topic for the stack, so the operator confirms one email (see app/alerts.ts).
const alerts = createAlertTopic("alerts", ctx, {
    ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
    label: `${pulumi.getProject()} ${pulumi.getStack()}`,
    email: batch.alertEmail ? fromConfig(secretKeys, "batch", batch.alertEmail) : undefined,
    tags: stackTags,
    ...stackAlertTopicAliases(),
});
const network = createNetwork(networkPlan, stackTags);
const { cluster, capacityProviders } = createCluster(undefined, "todo", stackTags);
const table = createTable(protect, stackTags, kmsKeyArn);
createParameters(parameterPath, table, stackTags);
const exportBucketResource = createExportBucket(batch.exportRetentionDays ?? d.batch.exportRetentionDays, protect, stackTags, kmsKeyArn);
const wiring: Wiring = {
    cluster,
    tasks: { vpcId: network.vpcId, subnetIds: network.taskSubnetIds, assignPublicIp: network.assignPublicIp },
    publicSubnetIds: network.publicSubnetIds,
    webImage: web.build ? buildWebImage(web.build, webArchitecture, protect, stackTags).imageUri : (web.image ?? d.web.image),
    tableName: table.name,
    tableArn: table.arn,
    bucketName: exportBucketResource.bucket,
    bucketArn: exportBucketResource.arn,
    alertTopicArn: alerts.arn,
    ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
    // Service Connect names of the stack's services, when there is more than one service to connect.
    ...(worker ? { namespace: worker.namespaceArn ? { arn: worker.namespaceArn } : createServiceNamespace(`${pulumi.getProject()}-${pulumi.getStack()}`, { tags: stackTags }) } : {}),
};
// Before it was shared, the load balancer was made by the web service itself: keep its resources.
const loadBalancer = new LoadBalancer(STACK_LOAD_BALANCER_NAME, loadBalancerArgs(wiring), {}, stackLoadBalancerFormerOwner());
// The services run on the cluster's capacity providers: create those first.
const frontend = new WebService("web", webArgs(wiring, loadBalancer), { dependsOn: [capacityProviders] });
const exportJob = new BatchTask("export", batchArgs(wiring), { dependsOn: [capacityProviders] });
const queueWorker = worker ? new WorkerService("worker", workerArgs(wiring, frontend), { dependsOn: [capacityProviders] }) : undefined;

// One dashboard for the stack: the load balancer, the web service, the batch job.
const stackDashboard = createStackDashboard(ctx, [
    { title: `Load balancer ${STACK_LOAD_BALANCER_NAME}`, widgets: loadBalancer.widgets },
    { title: "Web service web", widgets: frontend.widgets },
    { title: "Batch task export", widgets: exportJob.widgets },
    ...(queueWorker ? [{ title: "Worker worker", widgets: queueWorker.widgets }] : []),
]);

export const url = frontend.url;
export const clusterName = cluster.name;
export const serviceName = frontend.service.name;
export const tableName = table.name;
export const exportBucket = exportBucketResource.bucket;
export const batchRunCommand = exportJob.runCommand;
export const alertTopicArn = alerts.arn;
export const batchStateMachineArn = exportJob.stateMachine.arn;
export const dashboardUrl = stackDashboard.url;
export const workerQueueUrl = queueWorker?.queueUrl;
