import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAlarm, DashboardWidget, documented, MetricRef, metricWidget, tasksBelowDesiredAlarm } from "./alarms";
import { AlertDestination, resolveAlertTopic, validateAlertDestination } from "./alerts";
import { ClusterInput, resolveCluster, ResolvedCluster, validateCluster } from "./cluster";
import { Validator } from "./errors";
import { awsContext, AwsContext, PolicyStatement } from "./iam";
import { childName, NAME_LIMITS, validateComponentName } from "./naming";
import { createTaskEgressRules, TaskNetwork, validateTaskNetwork } from "./network";
import {
    createCallRules,
    ResolvedServiceConnect,
    ServiceConnectArgs,
    ServiceConnectEndpoint,
    serviceConnectConfiguration,
    serviceConnectEndpoint,
    validateServiceConnect,
} from "./serviceConnect";
import { STOP_TIMEOUT_SECONDS } from "./sizing";
import { validateTags } from "./tags";
import { createTaskDefinition, ENV_NAME, extendTaskSpec, resolveTaskSpec, TaskDefinitionArgs, TaskSpec, validateKmsKeyArn, validateReservedEnvironment } from "./taskDefinition";
import { componentOptions, TYPE_TOKENS } from "./tokens";
import { serviceBaseArgs, serviceName, serviceSafetyArgs, validateRollingBounds } from "./deployment";
import { WEB_SERVICE_LIMITS } from "./webService";

/** A queue the component creates, with its dead-letter queue. */
export interface CreateQueueArgs {
    /**
     * Seconds a received message stays hidden from other workers: longer than a message takes,
     * and at least the container's `stopTimeoutSeconds` (else a stopping task's message goes to
     * another worker while the first still works on it). 0 to 43200. @default 300
     */
    readonly visibilityTimeoutSeconds?: number;
    /** Seconds an unprocessed message is kept, 60 to 1209600 (14 days). @default 345600 (4 days, the SQS default) */
    readonly messageRetentionSeconds?: number;
    /** Receives before a message moves to the dead-letter queue, 1 to 1000. @default 5 */
    readonly maxReceiveCount?: number;
}

/** A queue made elsewhere. */
export interface ExistingQueueArgs {
    /** ARN of the queue, in the stack's Region (its metrics and the key condition are read there): the task role may consume exactly it. */
    readonly arn: pulumi.Input<string>;
    /** Its URL, given to the container. */
    readonly url: pulumi.Input<string>;
    /** The customer-managed KMS key the queue is encrypted with: the task role may decrypt with it through SQS. @default none (SQS-managed encryption) */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** The queue's visibility timeout, when known: checked against the stop timeout. @default not checked */
    readonly visibilityTimeoutSeconds?: number;
}

/** The queue the worker consumes: give `create` (the default) or `existing`, not both. */
export interface WorkerQueueArgs {
    /** Create a queue and its dead-letter queue with these settings. @default {} when `existing` is not given */
    readonly create?: CreateQueueArgs;
    /** Consume a queue made elsewhere (its dead-letter queue, if any, is its owner's). */
    readonly existing?: ExistingQueueArgs;
    /** The environment variable that holds the queue's URL. @default "QUEUE_URL" */
    readonly urlVariable?: string;
}

/** Autoscaling: a queue worker on its backlog per task, an internal service on CPU. */
export interface WorkerScalingArgs {
    /** Fewest tasks; 0 lets an idle queue worker cost nothing, at the price of a slower first message (see docs/worker-service.md); at least 1 without a queue. @default 1 (2 without a queue) */
    readonly minCount?: number;
    /** Most tasks. @default 5 */
    readonly maxCount?: number;
    /** With a queue: visible messages per running task to keep, how many one task may have waiting (acceptable wait / seconds per message). @default 10 */
    readonly backlogPerTask?: number;
    /** Keep average CPU near this percentage, 1 to 100 (with a queue, besides the backlog: the larger count wins). @default 60 without a queue, none with one */
    readonly cpuTargetPercent?: number;
    /** Seconds after a scale-out before another. @default 60 */
    readonly scaleOutCooldownSeconds?: number;
    /** Seconds after a scale-in before another. @default 300 */
    readonly scaleInCooldownSeconds?: number;
}

/** Alarms of a worker; each costs about $0.10 a month per metric it reads. */
export interface WorkerAlarmArgs {
    /** The oldest message waited longer than this many seconds, for 3 minutes: the workers fall behind or are stuck. @default 900 */
    readonly oldestMessageAgeSeconds?: number | false;
    /** A message reached the dead-letter queue the component made: it failed `maxReceiveCount` times. @default true */
    readonly deadLetterMessages?: boolean;
    /** Fewer running tasks than desired for 5 minutes (Container Insights). @default true */
    readonly tasksBelowDesired?: boolean;
}

/** Arguments of {@link WorkerService}. Defaults are in {@link WORKER_SERVICE_DEFAULTS}. */
export interface WorkerServiceArgs extends TaskDefinitionArgs {
    /** Seconds between SIGTERM and SIGKILL when a task stops, 2 to 120; at most the queue's visibility timeout. @default 120 (Fargate's maximum) */
    readonly stopTimeoutSeconds?: number;
    /** Cluster to run in, as for `WebService` (`{ cluster, capacityProviders }` makes the service wait for the association); with Container Insights: the scaling metric counts running tasks with it. @default a new cluster with Container Insights and both Fargate providers */
    readonly cluster?: ClusterInput;
    /** Subnets and VPC of the tasks. */
    readonly network: TaskNetwork;
    /**
     * The SQS queue the worker consumes, or `false` for an internal service without one (an API
     * other services call through `serviceConnect`, at `desiredCount` or scaled on CPU). @default { create: {} }
     */
    readonly queue?: WorkerQueueArgs | false;
    /**
     * Scale the task count: with a queue on the backlog per task (always), without one on CPU
     * (when given). @default with a queue { minCount: 1, maxCount: 5, backlogPerTask: 10 }; without one, off
     */
    readonly scaling?: WorkerScalingArgs;
    /** Without a queue and without `scaling`: the number of tasks. @default 2 */
    readonly desiredCount?: number;
    /** The port the main container listens on, for Service Connect callers. @default none (no port, nothing admitted) */
    readonly port?: number;
    /** Join the stack's Service Connect namespace: call other services by name, and with `name` be called. @default none */
    readonly serviceConnect?: ServiceConnectArgs;
    /** Rolling deployment bounds, percentages of the desired count. @default { minHealthyPercent: 100, maxPercent: 200 } */
    readonly deployment?: { readonly minHealthyPercent?: number; readonly maxPercent?: number };
    /** `pulumi up` waits until the deployment completes. @default true */
    readonly waitForSteadyState?: boolean;
    /** Allow `aws ecs execute-command` into the tasks. @default false */
    readonly enableExecuteCommand?: boolean;
    /** Tags for every taggable resource the component creates. @default none */
    readonly tags?: Readonly<Record<string, string>>;
    /** Where the alarms notify, on ALARM and on OK. @default a topic of its own, without subscribers */
    readonly alerts?: AlertDestination;
    /** The worker's alarms. @default see {@link WorkerAlarmArgs} */
    readonly alarms?: WorkerAlarmArgs;
}

/** Defaults of {@link WorkerServiceArgs}; the TSDoc of each argument repeats them. */
export const WORKER_SERVICE_DEFAULTS = {
    queue: {
        /** Long enough for most messages, and above the 120 s stop timeout. */
        create: { visibilityTimeoutSeconds: 300, messageRetentionSeconds: 345600, maxReceiveCount: 5 },
        /** The SQS maximum: a failed message stays longer than any message of the source queue (AWS's advice). */
        deadLetterRetentionSeconds: 1209600,
        /** Long polling: an empty receive waits up to 20 s instead of returning at once, so an idle worker makes 3 requests a minute. */
        receiveWaitTimeSeconds: 20,
        urlVariable: "QUEUE_URL",
    },
    /** Fargate's maximum: a stopping task (scale-in, deploy, spot interruption) has two minutes to finish its message. */
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS.max,
    /** One task keeps the queue polled (its metrics flowing) and answers at once; 0 is a choice. */
    scaling: { minCount: 1, maxCount: 5, backlogPerTask: 10, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 },
    /** An internal service's scaling, when given: two tasks over two zones at least, CPU as a web service's. */
    internalScaling: { minCount: 2, cpuTargetPercent: 60 },
    /** An internal service: two tasks over two zones survive one failing. */
    desiredCount: 2,
    deployment: { minHealthyPercent: 100, maxPercent: 200 },
    waitForSteadyState: true,
    enableExecuteCommand: false,
    alarms: { oldestMessageAgeSeconds: 900, deadLetterMessages: true, tasksBelowDesired: true },
} as const;

/** Limits of the arguments, from the AWS documentation (see docs/aws-behaviour.md). */
export const WORKER_SERVICE_LIMITS = {
    visibilityTimeoutSeconds: { min: 0, max: 43200 },
    messageRetentionSeconds: { min: 60, max: 1209600 },
    maxReceiveCount: { min: 1, max: 1000 },
    /** Tasks of a service and cooldowns: as for a web service. */
    count: WEB_SERVICE_LIMITS.desiredCount,
    cooldownSeconds: WEB_SERVICE_LIMITS.cooldownSeconds,
} as const;

const SQS_QUEUE_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
/** The regional endpoint (and its FIPS form), or the legacy `queue.amazonaws.com` forms. */
const SQS_QUEUE_URL = /^https:\/\/(sqs(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?|queue\.amazonaws\.com|[a-z0-9-]+\.queue\.amazonaws\.com)\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/** Seconds after the scale-from-zero policy added a task before it may add another: time for the task to start and be counted. */
export const WAKE_COOLDOWN_SECONDS = 300;

/** The actions a consumer uses on its queue: receive, delete when done, and extend or release a message. */
export const QUEUE_CONSUMER_ACTIONS: readonly string[] = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:ReceiveMessage"];

/** The worker's queue, validated. */
type ResolvedQueue =
    | { readonly kind: "create"; readonly visibilityTimeoutSeconds: number; readonly messageRetentionSeconds: number; readonly maxReceiveCount: number; readonly urlVariable: string }
    | { readonly kind: "existing"; readonly args: ExistingQueueArgs; readonly urlVariable: string };

/** Everything the constructor needs, validated and with defaults filled in. */
interface WorkerServicePlan {
    readonly spec: TaskSpec;
    readonly queue?: ResolvedQueue;
    readonly scaling?: ResolvedScaling;
    readonly desiredCount: number;
    readonly port?: number;
    readonly serviceConnect?: ResolvedServiceConnect;
    readonly deployment: { readonly minHealthyPercent: number; readonly maxPercent: number };
    readonly waitForSteadyState: boolean;
    readonly alerts: AlertDestination;
    readonly alarms: { readonly oldestMessageAgeSeconds: number | false; readonly deadLetterMessages: boolean; readonly tasksBelowDesired: boolean };
}

function validateQueue(v: Validator, queue: WorkerQueueArgs | false | undefined, stopTimeoutSeconds: number | undefined): ResolvedQueue | undefined {
    if (queue === false) {
        return undefined;
    }
    const before = v.problemCount;
    const q = queue ?? {};
    if (typeof q !== "object" || q === null) {
        throw v.error("queue", q, "must be an object or false", "give { create: {...} }, { existing: { arn, url } }, or false for a service without a queue");
    }
    if (q.create !== undefined && q.existing !== undefined) {
        v.record(v.conflict("queue", "has both create and existing", "give create to have a queue made, or existing to consume one made elsewhere, not both"));
    }
    for (const key of ["create", "existing"] as const) {
        if (q[key] !== undefined && (typeof q[key] !== "object" || q[key] === null)) {
            throw v.error(`queue.${key}`, q[key], "must be an object", key === "create" ? "give the queue's settings, or {} for the defaults" : "give { arn, url }");
        }
    }
    const d = WORKER_SERVICE_DEFAULTS.queue;
    const l = WORKER_SERVICE_LIMITS;
    const urlVariable = q.urlVariable ?? d.urlVariable;
    v.check(() => {
        if (typeof urlVariable !== "string" || !ENV_NAME.test(urlVariable)) {
            throw v.error("queue.urlVariable", urlVariable, "is not an environment variable name", 'use letters, digits and "_", not starting with a digit');
        }
    });
    const visibility = (path: string, seconds: number) => {
        v.integer(path, seconds, l.visibilityTimeoutSeconds.min, l.visibilityTimeoutSeconds.max, "seconds");
        if (stopTimeoutSeconds !== undefined && seconds < stopTimeoutSeconds) {
            throw v.error(
                path,
                seconds,
                `is shorter than the container's stop timeout (${stopTimeoutSeconds} s): a task told to stop may work on a message that another worker already received`,
                `raise it to at least ${stopTimeoutSeconds}, or lower stopTimeoutSeconds`,
            );
        }
        return seconds;
    };
    if (q.existing !== undefined) {
        const e = q.existing;
        if (typeof e.arn === "string" && !SQS_QUEUE_ARN.test(e.arn)) {
            v.check(() => {
                throw v.error("queue.existing.arn", e.arn, "is not an SQS queue ARN", 'use "arn:aws:sqs:REGION:ACCOUNT:NAME"');
            });
        }
        if (typeof e.url === "string" && !SQS_QUEUE_URL.test(e.url)) {
            v.check(() => {
                throw v.error("queue.existing.url", e.url, "is not an SQS queue URL", 'use "https://sqs.REGION.amazonaws.com/ACCOUNT/NAME"');
            });
        }
        v.check(() => validateKmsKeyArn(v, "queue.existing.kmsKeyArn", e.kmsKeyArn));
        if (e.visibilityTimeoutSeconds !== undefined) {
            v.check(() => visibility("queue.existing.visibilityTimeoutSeconds", e.visibilityTimeoutSeconds!));
        }
        if (typeof e.arn === "string" && typeof e.url === "string" && SQS_QUEUE_ARN.test(e.arn) && SQS_QUEUE_URL.test(e.url)) {
            const [account, queueName] = e.arn.split(":").slice(4);
            const [urlAccount, urlName] = e.url.split("/").slice(-2);
            if (account !== urlAccount || queueName !== urlName) {
                v.check(() => {
                    throw v.conflict("queue.existing.url", `(${e.url}) names another queue than queue.existing.arn (${e.arn})`, "give the ARN and URL of the same queue");
                });
            }
        }
        return v.problemCount > before ? undefined : { kind: "existing", args: e, urlVariable };
    }
    const c = q.create ?? {};
    const visibilityTimeoutSeconds = v.check(() => visibility("queue.create.visibilityTimeoutSeconds", c.visibilityTimeoutSeconds ?? d.create.visibilityTimeoutSeconds));
    const messageRetentionSeconds = v.check(() =>
        v.integer("queue.create.messageRetentionSeconds", c.messageRetentionSeconds ?? d.create.messageRetentionSeconds, l.messageRetentionSeconds.min, l.messageRetentionSeconds.max, "seconds"),
    );
    const maxReceiveCount = v.check(() => v.integer("queue.create.maxReceiveCount", c.maxReceiveCount ?? d.create.maxReceiveCount, l.maxReceiveCount.min, l.maxReceiveCount.max, "receives"));
    if (v.problemCount > before) {
        // Recorded, not thrown: the worker's other checks still run.
        return undefined;
    }
    return { kind: "create", visibilityTimeoutSeconds: visibilityTimeoutSeconds!, messageRetentionSeconds: messageRetentionSeconds!, maxReceiveCount: maxReceiveCount!, urlVariable };
}

/** Scaling with its defaults; `backlogPerTask` only with a queue, `cpuTargetPercent` when on. */
type ResolvedScaling = Required<Omit<WorkerScalingArgs, "backlogPerTask" | "cpuTargetPercent">> & { readonly backlogPerTask?: number; readonly cpuTargetPercent?: number };

function validateScaling(v: Validator, s: WorkerScalingArgs | undefined, hasQueue: boolean): ResolvedScaling | undefined {
    if (s !== undefined && (typeof s !== "object" || s === null)) {
        throw v.error("scaling", s, "must be an object", "give { minCount, maxCount, backlogPerTask }");
    }
    const before = v.problemCount;
    const d = WORKER_SERVICE_DEFAULTS.scaling;
    const l = WORKER_SERVICE_LIMITS;
    const a = s ?? {};
    const minCount = v.check(() => {
        const value = v.integer("scaling.minCount", a.minCount ?? (hasQueue ? d.minCount : WORKER_SERVICE_DEFAULTS.internalScaling.minCount), l.count.min, l.count.max, "tasks");
        if (!hasQueue && value < 1) {
            // No task, no answer: and a CPU metric needs a task to exist.
            throw v.error("scaling.minCount", value, "must be at least 1 without a queue: an internal service with no task cannot answer its callers, nor scale out on CPU", "set minCount to 1 or more");
        }
        return value;
    });
    const maxCount = v.check(() => v.integer("scaling.maxCount", a.maxCount ?? d.maxCount, 1, l.count.max, "tasks"));
    if (minCount !== undefined && maxCount !== undefined && minCount > maxCount) {
        v.check(() => {
            throw v.error("scaling.minCount", minCount, `is greater than scaling.maxCount (${maxCount})`, "lower minCount or raise maxCount");
        });
    }
    if (!hasQueue && a.backlogPerTask !== undefined) {
        v.check(() => {
            throw v.conflict("scaling.backlogPerTask", "needs a queue, and queue is false", "scale an internal service on cpuTargetPercent, or give it a queue");
        });
    }
    const backlogPerTask = !hasQueue
        ? undefined
        : v.check(() => {
              const value = a.backlogPerTask ?? d.backlogPerTask;
              if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
                  throw v.error("scaling.backlogPerTask", value, "must be a positive number of messages per task", "set how many waiting messages one task may have, such as 10");
              }
              return value;
          });
    const cpu = a.cpuTargetPercent ?? (hasQueue ? undefined : WORKER_SERVICE_DEFAULTS.internalScaling.cpuTargetPercent);
    const cpuTargetPercent = cpu === undefined ? undefined : v.check(() => v.number("scaling.cpuTargetPercent", cpu, 1, 100));
    const c = l.cooldownSeconds;
    const out = v.check(() => v.integer("scaling.scaleOutCooldownSeconds", a.scaleOutCooldownSeconds ?? d.scaleOutCooldownSeconds, c.min, c.max, "seconds"));
    const inn = v.check(() => v.integer("scaling.scaleInCooldownSeconds", a.scaleInCooldownSeconds ?? d.scaleInCooldownSeconds, c.min, c.max, "seconds"));
    if (v.problemCount > before) {
        return undefined;
    }
    return {
        minCount: minCount!,
        maxCount: maxCount!,
        ...(backlogPerTask !== undefined ? { backlogPerTask } : {}),
        ...(cpuTargetPercent !== undefined ? { cpuTargetPercent } : {}),
        scaleOutCooldownSeconds: out!,
        scaleInCooldownSeconds: inn!,
    };
}

function validateWorkerAlarms(v: Validator, alarms: WorkerAlarmArgs | undefined): WorkerServicePlan["alarms"] | undefined {
    const d = WORKER_SERVICE_DEFAULTS.alarms;
    if (alarms !== undefined && (typeof alarms !== "object" || alarms === null)) {
        throw v.error("alarms", alarms, "must be an object", "give thresholds such as { oldestMessageAgeSeconds: 600 }, or false for an alarm to turn it off");
    }
    const a = alarms ?? {};
    const age = a.oldestMessageAgeSeconds ?? d.oldestMessageAgeSeconds;
    const resolved = {
        oldestMessageAgeSeconds: age === false ? false : v.check(() => v.integer("alarms.oldestMessageAgeSeconds", age, 60, WORKER_SERVICE_LIMITS.messageRetentionSeconds.max, "seconds")),
        deadLetterMessages: a.deadLetterMessages === undefined ? d.deadLetterMessages : v.check(() => v.boolean("alarms.deadLetterMessages", a.deadLetterMessages)),
        tasksBelowDesired: a.tasksBelowDesired === undefined ? d.tasksBelowDesired : v.check(() => v.boolean("alarms.tasksBelowDesired", a.tasksBelowDesired)),
    };
    return Object.values(resolved).includes(undefined) ? undefined : (resolved as WorkerServicePlan["alarms"]);
}

function planWorkerService(name: string, args: WorkerServiceArgs): WorkerServicePlan {
    const v = new Validator(name);
    v.check(() => validateComponentName(v, name));
    if (typeof args !== "object" || args === null) {
        v.done();
        throw v.error("args", args, "must be an object", "pass the worker's arguments");
    }
    const d = WORKER_SERVICE_DEFAULTS;
    const stopTimeoutSeconds = args.stopTimeoutSeconds ?? d.stopTimeoutSeconds;
    // Checked with the task (resolveTaskSpec): a port mapping's range.
    const port = args.port;
    const enableExecuteCommand = args.enableExecuteCommand === undefined ? d.enableExecuteCommand : v.check(() => v.boolean("enableExecuteCommand", args.enableExecuteCommand)) === true;
    const serviceConnect = v.check(() => validateServiceConnect(v, name, args.serviceConnect, port));
    const spec = v.check(() =>
        resolveTaskSpec(
            v,
            name,
            { ...args, stopTimeoutSeconds },
            {
                ...(port !== undefined ? { port } : {}),
                enableExecuteCommand,
                ...(serviceConnect?.server ? { portMapping: { name: serviceConnect.server.portName, appProtocol: serviceConnect.server.appProtocol } } : {}),
                ...(serviceConnect ? { serviceConnectProxy: true } : {}),
            },
        ),
    );
    v.check(() => validateCluster(v, args.cluster));
    v.check(() => validateTaskNetwork(v, args.network));
    // A refused stop timeout (the task reports it) is no measure for the visibility timeout.
    const stopValid = Number.isInteger(stopTimeoutSeconds) && stopTimeoutSeconds >= STOP_TIMEOUT_SECONDS.min && stopTimeoutSeconds <= STOP_TIMEOUT_SECONDS.max;
    const queue = v.check(() => validateQueue(v, args.queue, stopValid ? stopTimeoutSeconds : undefined));
    const reserved: Record<string, string> = {};
    for (const variable of Object.keys(serviceConnect?.environment ?? {})) {
        reserved[variable] = "a called service's URL";
    }
    const queueVariable = args.queue === false ? undefined : (args.queue?.urlVariable ?? d.queue.urlVariable);
    if (typeof queueVariable === "string") {
        if (reserved[queueVariable] !== undefined) {
            v.check(() => {
                throw v.conflict("serviceConnect.calls", `give ${queueVariable} to a called service and to the queue's URL`, "set queue.urlVariable to another name");
            });
        }
        reserved[queueVariable] = "the queue's URL";
    }
    validateReservedEnvironment(v, args.environment, reserved, args.secrets);
    let scaling: ResolvedScaling | undefined;
    let desiredCount: number = d.desiredCount;
    if (args.queue === false && args.scaling === undefined) {
        desiredCount = v.check(() => v.integer("desiredCount", args.desiredCount ?? d.desiredCount, WORKER_SERVICE_LIMITS.count.min, WORKER_SERVICE_LIMITS.count.max, "tasks")) ?? d.desiredCount;
    } else {
        if (args.desiredCount !== undefined) {
            v.check(() => {
                throw v.conflict("desiredCount", `is set by the scaling of ${args.queue === false ? "the service" : "a worker with a queue"}`, "set scaling.minCount and scaling.maxCount instead");
            });
        }
        scaling = v.check(() => validateScaling(v, args.scaling, args.queue !== false));
        desiredCount = scaling?.minCount ?? 0;
    }
    const deployment = v.check(() => {
        if (args.deployment !== undefined && (typeof args.deployment !== "object" || args.deployment === null)) {
            throw v.error("deployment", args.deployment, "must be an object", "give { minHealthyPercent, maxPercent }");
        }
        // With scaling refused, its defaults stand in, so this check still runs in the same pass.
        const bounds = scaling ?? (args.queue === false && args.scaling === undefined ? undefined : d.scaling);
        return validateRollingBounds(v, args.deployment ?? {}, d.deployment, bounds ? [Math.max(bounds.minCount, 1), bounds.maxCount] : [desiredCount]);
    });
    const waitForSteadyState = args.waitForSteadyState === undefined ? d.waitForSteadyState : v.check(() => v.boolean("waitForSteadyState", args.waitForSteadyState));
    v.check(() => validateTags(v, args.tags));
    const alarms = v.check(() => validateWorkerAlarms(v, args.alarms));
    if (args.alerts !== undefined) {
        v.check(() => validateAlertDestination(v, args.alerts!));
    }
    v.done();
    return {
        spec: spec!,
        ...(queue ? { queue } : {}),
        ...(scaling ? { scaling } : {}),
        desiredCount,
        ...(port !== undefined ? { port } : {}),
        ...(serviceConnect ? { serviceConnect } : {}),
        deployment: deployment!,
        waitForSteadyState: waitForSteadyState!,
        alerts: args.alerts ?? {},
        alarms: alarms!,
    };
}

/** The queue's name, as its metrics are dimensioned, from its ARN. */
function queueNameOf(arn: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(arn).apply((a) => a.slice(a.lastIndexOf(":") + 1));
}

/** Exactly what a consumer of `queueArn` needs: receive, delete, change visibility; with a customer key, decrypt through SQS. */
export function queueConsumerStatements(queueArn: pulumi.Input<string>, kmsKeyArn: pulumi.Input<string> | undefined, ctx: Pick<AwsContext, "region">): PolicyStatement[] {
    return [
        { Sid: "ConsumeQueue", Action: [...QUEUE_CONSUMER_ACTIONS], Resource: [queueArn] },
        ...(kmsKeyArn !== undefined
            ? [{ Sid: "DecryptQueue", Action: ["kms:Decrypt"], Resource: [kmsKeyArn], Condition: pulumi.output(ctx.region).apply((r) => ({ StringEquals: { "kms:ViaService": `sqs.${r}.amazonaws.com` } })) }]
            : []),
    ];
}

/**
 * A long-running Fargate service with no load balancer: a queue worker that takes messages from
 * SQS and scales with the backlog per task (down to zero if allowed), or, with `queue: false`, an
 * internal service that other services of the stack call by name through ECS Service Connect.
 *
 * The tasks admit nothing but the Service Connect callers that name this service in their
 * `calls`. A stopping task gets SIGTERM and `stopTimeoutSeconds` (120 by default, Fargate's
 * maximum) before SIGKILL: a worker should stop receiving, finish or release its message, and exit.
 *
 * Built only from `@pulumi/aws` resources, every one a child of this component. Every argument is
 * validated before anything is created.
 *
 * @example
 * const worker = new WorkerService("thumbnails", {
 *     image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/thumbnails:1.4.2",
 *     user: "1000",
 *     network: { vpcId, subnetIds: privateSubnetIds },
 *     scaling: { minCount: 0, maxCount: 20, backlogPerTask: 50 },
 * });
 * export const queueUrl = worker.queueUrl;
 */
export class WorkerService extends pulumi.ComponentResource {
    /** The queue the component created (none for an existing one, or `queue: false`). */
    public readonly queue?: aws.sqs.Queue;
    /** Its dead-letter queue. */
    public readonly deadLetterQueue?: aws.sqs.Queue;
    /** URL of the queue the worker consumes (also in the container's `QUEUE_URL`, or `queue.urlVariable`). */
    public readonly queueUrl?: pulumi.Output<string>;
    /** ARN of the queue the worker consumes: producers need `sqs:SendMessage` on it (and, with a customer-managed key, `kms:GenerateDataKey` and `kms:Decrypt` on the key). */
    public readonly queueArn?: pulumi.Output<string>;
    public readonly service: aws.ecs.Service;
    public readonly taskDefinition: aws.ecs.TaskDefinition;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly executionRole: aws.iam.Role;
    public readonly taskRole: aws.iam.Role;
    public readonly serviceSecurityGroup: aws.ec2.SecurityGroup;
    /** The autoscaling target, for a worker with a queue or a scaled internal service. */
    public readonly scalingTarget?: aws.appautoscaling.Target;
    /** The backlog-per-task target tracking policy, with `minCount` 0 the step policy that starts the first task, and the CPU policy when `cpuTargetPercent` is set (or there is no queue). */
    public readonly scalingPolicies: aws.appautoscaling.Policy[];
    /** The cluster, when the component created it. */
    public readonly cluster?: aws.ecs.Cluster;
    public readonly clusterName: pulumi.Output<string>;
    /** The worker's alarms (see `alarms`), and with `minCount` 0 the alarm that wakes it. */
    public readonly alarms: aws.cloudwatch.MetricAlarm[];
    public readonly alertTopicArn: pulumi.Output<string>;
    /** With `serviceConnect.name`: where callers reach it. */
    public readonly serviceConnectEndpoint?: ServiceConnectEndpoint;
    /** Dashboard widgets: the queue, its dead-letter queue, the tasks. */
    public readonly widgets: pulumi.Output<DashboardWidget>[];

    /** Checks `args` as the constructor would, without creating anything. */
    static validate(name: string, args: WorkerServiceArgs): void {
        planWorkerService(name, args);
    }

    constructor(name: string, args: WorkerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planWorkerService(name, args);
        super(TYPE_TOKENS.WorkerService, name, {}, componentOptions("WorkerService", opts, args.tags));
        const o = { parent: this };
        const ctx = awsContext(this);
        const cluster = resolveCluster(this, name, args.cluster);
        const alertTopic = resolveAlertTopic(this, name, plan.alerts, ctx, args.kmsKeyArn);

        const queue = plan.queue ? this.createQueue(name, plan.queue, args.kmsKeyArn) : undefined;
        const environment: Record<string, pulumi.Input<string>> = { ...(plan.serviceConnect?.environment ?? {}) };
        const statements: PolicyStatement[] = [];
        if (plan.queue && queue) {
            environment[plan.queue.urlVariable] = queue.url;
            statements.push(...queueConsumerStatements(queue.arn, queue.kmsKeyArn, ctx));
        }
        const task = createTaskDefinition(this, extendTaskSpec(plan.spec, { environment, taskPolicyStatements: statements }));

        const serviceSecurityGroup = new aws.ec2.SecurityGroup(
            childName(name, "service-sg"),
            { vpcId: args.network.vpcId, description: `Tasks of ${name}: nothing inbound but its Service Connect callers` },
            o,
        );
        const egress = createTaskEgressRules(this, name, serviceSecurityGroup.id, args.network);
        const calls = plan.serviceConnect?.calls ?? [];
        const callRules = createCallRules(this, name, serviceSecurityGroup.id, calls);
        const strategy = plan.spec.capacityProviderStrategy;
        const logical = serviceName(name, strategy);
        const service = new aws.ecs.Service(
            logical.name,
            {
                ...serviceBaseArgs(cluster, task.taskDefinition, plan.desiredCount, strategy, args.network, serviceSecurityGroup),
                deploymentMinimumHealthyPercent: plan.deployment.minHealthyPercent,
                deploymentMaximumPercent: plan.deployment.maxPercent,
                ...serviceSafetyArgs(plan.spec.enableExecuteCommand, plan.waitForSteadyState),
                ...(plan.serviceConnect ? { serviceConnectConfiguration: serviceConnectConfiguration(plan.serviceConnect, plan.spec.logGroupName, ctx.region) } : {}),
            },
            {
                parent: this,
                aliases: logical.aliases,
                // A caller's tasks see only the servers that existed when they started: the callees first.
                dependsOn: [...cluster.dependencies, ...egress, ...callRules, ...calls.map((c) => c.service)],
                ignoreChanges: plan.scaling ? ["desiredCount"] : [],
            },
        );
        const tasks = { ClusterName: cluster.name, ServiceName: service.name };
        const scaled = plan.scaling ? this.createScaling(name, plan.scaling, cluster, service, queue?.name) : undefined;
        this.alarms = [...this.createAlarms(name, plan, queue, tasks, alertTopic.arn), ...(scaled?.wakeAlarm ? [scaled.wakeAlarm] : [])];
        this.widgets = workerWidgets(name, ctx.region, queue, tasks);

        this.queue = queue?.queue;
        this.deadLetterQueue = queue?.deadLetterQueue;
        this.queueUrl = queue?.url;
        this.queueArn = queue?.arn;
        this.service = service;
        this.taskDefinition = task.taskDefinition;
        this.logGroup = task.logGroup;
        this.executionRole = task.executionRole;
        this.taskRole = task.taskRole;
        this.serviceSecurityGroup = serviceSecurityGroup;
        this.scalingTarget = scaled?.target;
        this.scalingPolicies = scaled?.policies ?? [];
        this.cluster = cluster.cluster;
        this.clusterName = cluster.name;
        this.alertTopicArn = alertTopic.arn;
        this.serviceConnectEndpoint = serviceConnectEndpoint(name, plan.serviceConnect, serviceSecurityGroup.id, service);
        this.registerOutputs({ serviceName: service.name, clusterName: this.clusterName, queueUrl: this.queueUrl });
    }

    /** The queue and its dead-letter queue, encrypted with the component's key or by SQS; or the existing queue's handles. */
    private createQueue(name: string, q: ResolvedQueue, kmsKeyArn: pulumi.Input<string> | undefined) {
        if (q.kind === "existing") {
            const arn = pulumi.output(q.args.arn);
            return { url: pulumi.output(q.args.url), arn, name: queueNameOf(arn), kmsKeyArn: q.args.kmsKeyArn, queue: undefined, deadLetterQueue: undefined };
        }
        const d = WORKER_SERVICE_DEFAULTS.queue;
        const o = { parent: this };
        const encryption = kmsKeyArn !== undefined ? { kmsMasterKeyId: kmsKeyArn } : { sqsManagedSseEnabled: true };
        const deadLetterQueue = new aws.sqs.Queue(childName(name, "dlq", NAME_LIMITS.sqsQueue), { messageRetentionSeconds: d.deadLetterRetentionSeconds, ...encryption }, o);
        const queue = new aws.sqs.Queue(
            childName(name, "queue", NAME_LIMITS.sqsQueue),
            {
                visibilityTimeoutSeconds: q.visibilityTimeoutSeconds,
                messageRetentionSeconds: q.messageRetentionSeconds,
                receiveWaitTimeSeconds: d.receiveWaitTimeSeconds,
                redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount: q.maxReceiveCount }),
                ...encryption,
            },
            o,
        );
        return { url: queue.url, arn: queue.arn, name: queue.name, kmsKeyArn, queue, deadLetterQueue };
    }

    /**
     * Target tracking on visible messages per running task (AWS's metric math example); with
     * `minCount` 0 also a step policy that sets one task when messages wait and none runs: the
     * backlog per task has no value at zero tasks (a division by zero drops the point).
     */
    private createScaling(name: string, s: ResolvedScaling, cluster: ResolvedCluster, service: aws.ecs.Service, queueName: pulumi.Output<string> | undefined) {
        const o = { parent: this };
        const target = new aws.appautoscaling.Target(
            childName(name, "scaling-target"),
            { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`, minCapacity: s.minCount, maxCapacity: s.maxCount },
            o,
        );
        const scope = { serviceNamespace: target.serviceNamespace, scalableDimension: target.scalableDimension, resourceId: target.resourceId };
        const cpu =
            s.cpuTargetPercent === undefined
                ? []
                : [
                      new aws.appautoscaling.Policy(
                          childName(name, "scale-cpu"),
                          {
                              policyType: "TargetTrackingScaling",
                              ...scope,
                              targetTrackingScalingPolicyConfiguration: {
                                  targetValue: s.cpuTargetPercent,
                                  predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                                  scaleOutCooldown: s.scaleOutCooldownSeconds,
                                  scaleInCooldown: s.scaleInCooldownSeconds,
                              },
                          },
                          o,
                      ),
                  ];
        if (queueName === undefined || s.backlogPerTask === undefined) {
            return { target, policies: cpu };
        }
        const visible: MetricRef = { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: queueName }, stat: "Sum" };
        const running: MetricRef = { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", dimensions: { ClusterName: cluster.name, ServiceName: service.name }, stat: "Average" };
        // Checked against the documented dimension sets, as every alarm and widget is.
        const stat = (id: string, metric: MetricRef) => {
            const m = documented(metric);
            return { id, returnData: false, metricStat: { metric: { namespace: m.namespace, metricName: m.metricName, dimensions: Object.entries(m.dimensions).map(([n, value]) => ({ name: n, value })) }, stat: m.stat } };
        };
        const backlog = new aws.appautoscaling.Policy(
            childName(name, "scale-backlog"),
            {
                policyType: "TargetTrackingScaling",
                ...scope,
                targetTrackingScalingPolicyConfiguration: {
                    targetValue: s.backlogPerTask,
                    customizedMetricSpecification: { metrics: [stat("visible", visible), stat("running", running), { id: "backlog", expression: "visible / running", label: "visible messages per running task", returnData: true }] },
                    scaleOutCooldown: s.scaleOutCooldownSeconds,
                    scaleInCooldown: s.scaleInCooldownSeconds,
                },
            },
            o,
        );
        if (s.minCount > 0) {
            return { target, policies: [backlog, ...cpu] };
        }
        const wake = new aws.appautoscaling.Policy(
            childName(name, "scale-from-zero"),
            {
                policyType: "StepScaling",
                ...scope,
                // One more task, never a set count: should the alarm fire while tasks run (a late task
                // count), it adds one instead of scaling a busy service in. The cooldown keeps the
                // alarm, invoked every minute while in ALARM, from adding more before the first task counts.
                stepScalingPolicyConfiguration: { adjustmentType: "ChangeInCapacity", cooldown: WAKE_COOLDOWN_SECONDS, metricAggregationType: "Maximum", stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }] },
            },
            o,
        );
        const wakeAlarm = createAlarm(
            this,
            name,
            {
                role: "messages-waiting",
                description: `${name}: messages wait and no task runs; starts one task (scaling, not an incident).`,
                expression: { expression: "IF(FILL(running, 0) < 1 AND FILL(visible, 0) > 0, 1, 0)", label: "messages waiting with no task", metrics: { visible, running } },
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                periodSeconds: 60,
                // Two minutes, so one late task count does not start a task.
                evaluationPeriods: 2,
                datapointsToAlarm: 2,
            },
            { alarmActions: [wake.arn] },
        );
        return { target, policies: [backlog, wake, ...cpu], wakeAlarm };
    }

    private createAlarms(name: string, plan: WorkerServicePlan, queue: { name: pulumi.Output<string>; deadLetterQueue?: aws.sqs.Queue } | undefined, tasks: { ClusterName: pulumi.Output<string>; ServiceName: pulumi.Output<string> }, topicArn: pulumi.Input<string>): aws.cloudwatch.MetricAlarm[] {
        const a = plan.alarms;
        const alarms: aws.cloudwatch.MetricAlarm[] = [];
        if (queue && a.oldestMessageAgeSeconds !== false) {
            alarms.push(
                createAlarm(
                    this,
                    name,
                    {
                        role: "oldest-message",
                        description: `${name}: a message has waited over ${a.oldestMessageAgeSeconds} s for 3 minutes. The workers fall behind (raise scaling.maxCount) or fail on it (check the logs).`,
                        metric: { namespace: "AWS/SQS", metricName: "ApproximateAgeOfOldestMessage", dimensions: { QueueName: queue.name }, stat: "Maximum" },
                        comparison: "GreaterThanThreshold",
                        threshold: a.oldestMessageAgeSeconds,
                        periodSeconds: 60,
                        evaluationPeriods: 3,
                        datapointsToAlarm: 3,
                    },
                    topicArn,
                ),
            );
        }
        if (queue?.deadLetterQueue && a.deadLetterMessages) {
            alarms.push(
                createAlarm(
                    this,
                    name,
                    {
                        role: "dead-letters",
                        description: `${name}: a message failed ${plan.queue?.kind === "create" ? plan.queue.maxReceiveCount : "its maximum"} receives and is in the dead-letter queue. Inspect it, fix the cause, then redrive it.`,
                        metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: queue.deadLetterQueue.name }, stat: "Maximum" },
                        comparison: "GreaterThanThreshold",
                        threshold: 0,
                        periodSeconds: 60,
                        evaluationPeriods: 1,
                        datapointsToAlarm: 1,
                        // SQS stops sending metrics of a queue nobody touches for six hours: the alarm
                        // keeps its state then, instead of turning OK while the message is still there.
                        treatMissingData: "ignore",
                    },
                    topicArn,
                ),
            );
        }
        if (a.tasksBelowDesired) {
            alarms.push(tasksBelowDesiredAlarm(this, name, tasks, topicArn));
        }
        return alarms;
    }
}

/** The worker's dashboard widgets: its queue, dead-letter queue and tasks. */
function workerWidgets(name: string, region: pulumi.Input<string>, queue: { name: pulumi.Output<string>; deadLetterQueue?: aws.sqs.Queue } | undefined, tasks: { ClusterName: pulumi.Output<string>; ServiceName: pulumi.Output<string> }): pulumi.Output<DashboardWidget>[] {
    const sqs = (queueName: pulumi.Output<string>, metricName: string, stat: string, label: string) => ({ namespace: "AWS/SQS", metricName, dimensions: { QueueName: queueName }, stat, label });
    const ecs = (metricName: string, label: string) => ({ namespace: "AWS/ECS", metricName, dimensions: tasks, stat: "Average", label });
    const insights = (metricName: string, label: string) => ({ namespace: "ECS/ContainerInsights", metricName, dimensions: tasks, stat: "Average", label });
    return [
        ...(queue
            ? [
                  metricWidget(`${name}: queue`, region, [
                      sqs(queue.name, "ApproximateNumberOfMessagesVisible", "Maximum", "waiting"),
                      sqs(queue.name, "ApproximateNumberOfMessagesNotVisible", "Maximum", "in progress"),
                      ...(queue.deadLetterQueue ? [sqs(queue.deadLetterQueue.name, "ApproximateNumberOfMessagesVisible", "Maximum", "dead letters")] : []),
                  ]),
                  metricWidget(`${name}: oldest message (s)`, region, [sqs(queue.name, "ApproximateAgeOfOldestMessage", "Maximum", "age")]),
              ]
            : []),
        metricWidget(`${name}: tasks`, region, [insights("RunningTaskCount", "running"), insights("DesiredTaskCount", "desired")]),
        metricWidget(`${name}: CPU and memory (%)`, region, [ecs("CPUUtilization", "CPU"), ecs("MemoryUtilization", "memory")]),
    ];
}
