import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Capacity, capacityProviderStrategy, CapacityProviderStrategyItem } from "./capacity";
import { Validator } from "./errors";
import { assumeRolePolicy, AwsContext, awsContext, PolicyStatement, policyDocument, validatePolicyArns, validatePolicyStatements } from "./iam";
import { childName, logGroupName, NAME_LIMITS, taskFamilyName } from "./naming";
import {
    Architecture,
    CONTAINER_HEALTH_CHECK_LIMITS,
    CPU_ARCHITECTURE,
    EPHEMERAL_STORAGE_GIB,
    resolveTaskSize,
    STOP_TIMEOUT_SECONDS,
    TaskSize,
    validateArchitecture,
    validateLogRetention,
} from "./sizing";

/** A health check that ECS runs inside the container (the image's own HEALTHCHECK is ignored). */
export interface ContainerHealthCheck {
    /** `["CMD", ...]` or `["CMD-SHELL", "..."]`. @example ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"] */
    readonly command: readonly string[];
    /** Seconds between checks, 5 to 300. @default 30 */
    readonly intervalSeconds?: number;
    /** Seconds before a check counts as failed, 2 to 60. @default 5 */
    readonly timeoutSeconds?: number;
    /** Failed checks before the container is unhealthy, 1 to 10. @default 3 */
    readonly retries?: number;
    /** Seconds after start during which failures do not count, 0 to 300. @default 0 */
    readonly startPeriodSeconds?: number;
}

/** What every container of a task accepts: the main container and each sidecar. */
export interface ContainerArgs {
    /** Image reference, such as `public.ecr.aws/nginx/nginx:1.27` or an ECR repository URI. Images in private ECR repositories get pull rights on exactly those repositories. */
    readonly image: pulumi.Input<string>;
    /** Overrides the image's entry point. @default the image's ENTRYPOINT */
    readonly entryPoint?: readonly string[];
    /** Overrides the image's command. @default the image's CMD */
    readonly command?: readonly string[];
    /** Environment variables (emitted sorted by name, so reordering causes no diff). Never put credentials here: use `secrets`. @default {} */
    readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Environment variables read from a secret store when the task starts: variable name to an SSM
     * parameter name (`/app/db-password`) or ARN, or a Secrets Manager secret ARN, optionally with
     * a JSON key (`arn:...:secret:db-AbCdEf:password::`). The execution role may read exactly these.
     * @default {}
     */
    readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * User (and group) the container runs as, such as `"1000"` or `"app:app"`. No default, because
     * only the image knows its users; Security Hub ECS.20 expects a non-root user, so set it.
     */
    readonly user?: string;
    /** Mount the root filesystem read-only (Security Hub ECS.5); a writable `/tmp` is always mounted. @default true */
    readonly readonlyRootFilesystem?: boolean;
    /** Health check ECS runs inside the container (a web service's load balancer check is separate). @default none */
    readonly containerHealthCheck?: ContainerHealthCheck;
    /** Seconds between SIGTERM and SIGKILL when the task stops, 2 to 120. @default 30 */
    readonly stopTimeoutSeconds?: number;
}

/** A container that runs beside the main one in the same task. */
export interface SidecarArgs extends ContainerArgs {
    /** Container name, unique in the task (letters, digits, `_`, `-`; not `app`). */
    readonly name: string;
    /** CPU units reserved for this container; counted when the task size is chosen. @default 0 */
    readonly cpu?: number;
    /** MiB reserved for this container; counted when the task size is chosen. @default 0 */
    readonly memory?: number;
    /** Whether the task stops when this container stops. @default true */
    readonly essential?: boolean;
    /** Container ports this sidecar listens on. @default [] */
    readonly ports?: readonly number[];
}

/** The task definition arguments shared by `WebService` and `BatchTask`. */
export interface TaskDefinitionArgs extends ContainerArgs {
    /** Task CPU units (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384. @default the smallest size that holds the containers (256) */
    readonly cpu?: number;
    /** Task memory in MiB, valid with `cpu` (see the Fargate table). @default the smallest valid for `cpu` (512 with 256) */
    readonly memory?: number;
    /** CPU architecture; `arm64` is about 20% cheaper but needs an arm64 or multi-arch image. @default "x86_64" */
    readonly architecture?: Architecture;
    /** Task ephemeral storage in GiB, 21 to 200 (20 is free and used when unset). @default 20 */
    readonly ephemeralStorageGiB?: number;
    /** Containers that run beside the main one. @default [] */
    readonly sidecars?: readonly SidecarArgs[];
    /** Days the task's logs are kept (a CloudWatch Logs retention value). @default 30 */
    readonly logRetentionDays?: number;
    /**
     * A customer-managed KMS key for what the component stores: its log groups and, where the
     * component makes them, its alerts topic and queue (a BatchTask also its schedule and state
     * machine). Its key policy must let CloudWatch Logs use it and, for the topic, EventBridge and
     * CloudWatch publish; `createEncryptionKey` makes such a key. @default AWS-owned keys
     */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** KMS keys that encrypt the `secrets`; the execution role may decrypt with exactly these. @default [] */
    readonly secretKmsKeyArns?: readonly pulumi.Input<string>[];
    /** Permissions of the application (the task role) as IAM statements. @default [] */
    readonly taskPolicyStatements?: readonly PolicyStatement[];
    /** Managed policies attached to the task role. @default [] */
    readonly taskPolicyArns?: readonly pulumi.Input<string>[];
    /** Where tasks run: on demand, spot, or a mix. @default "on-demand" */
    readonly capacity?: Capacity;
}

/** Defaults of {@link TaskDefinitionArgs}; the TSDoc above repeats them. */
export const TASK_DEFINITION_DEFAULTS = {
    /** Any image runs on x86_64; arm64 is an opt-in saving. */
    architecture: "x86_64" as Architecture,
    /** A month of logs covers most incident reviews at little storage cost. */
    logRetentionDays: 30,
    /** Security Hub ECS.5; `/tmp` stays writable. */
    readonlyRootFilesystem: true,
    /** The ECS default, stated so the definition shows it. */
    stopTimeoutSeconds: 30,
    /** Smallest Fargate size. */
    minimumSize: { cpu: 256, memory: 512 } as TaskSize,
} as const;

/** Name of the main container in every task definition. */
export const MAIN_CONTAINER_NAME = "app";


/** Environment variable names that Security Hub ECS.8 forbids in plain environment. */
export const FORBIDDEN_ENVIRONMENT_NAMES: readonly string[] = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"];

/** Actions the ECS Exec agent needs on the task role (AWS requires resource `*` for them). */
export const EXEC_ACTIONS: readonly string[] = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

/**
 * The tag that marks a task definition whose containers have writable root filesystems because
 * ECS Exec is on (AWS does not support Exec with a read-only root). The policy pack's ECS.5 policy
 * exempts exactly these: tagged, and every writable container started with Exec's init process.
 */
export const EXEC_EXEMPTION_TAG = { key: "fargate-workloads:exemption", value: "ecs-5:ecs-exec" } as const;

/** The ECS Exec agent looks its log group up; DescribeLogGroups has no resource-level permissions. */
export const EXEC_LOG_DISCOVERY_ACTIONS: readonly string[] = ["logs:DescribeLogGroups"];

/** The ECS Exec agent writes session output to the container's log group (cluster logging DEFAULT). */
export const EXEC_LOG_ACTIONS: readonly string[] = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"];

/** An environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A task definition holds at most 10 containers: the main one and 9 sidecars. */
export const MAX_SIDECARS = 9;
/** ECS allows 255 characters for a container name, but its `/tmp` volume is named `<container>-tmp` (4 more), which must fit 255 too. */
const CONTAINER_NAME = /^[A-Za-z0-9_-]{1,251}$/;
const USER = /^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/;
/** A KMS key ARN (aliases cannot be granted or named in key policies). */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9._\/-]+)(:[\w.-]+)?(@sha256:[a-f0-9]{64})?$/;

/** A parsed `secrets` reference. */
export type SecretReference =
    | { readonly kind: "ssm-arn"; readonly arn: string }
    | { readonly kind: "ssm-name"; readonly name: string }
    | { readonly kind: "secretsmanager"; readonly arn: string }
    /** A Secrets Manager ARN without the 6-character suffix: ECS cannot read the secret through it. */
    | { readonly kind: "secretsmanager-partial"; readonly arn: string };

/**
 * A Secrets Manager secret's full ARN: the name, then the `-` and six characters Secrets Manager
 * appends. ECS reads secrets by full ARN only, and an IAM grant on a partial ARN does not match.
 */
const SECRETS_MANAGER_ARN = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:([A-Za-z0-9\/_+=.@-]+))(:[^:]*:[^:]*:[^:]*)?$/;
const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * Parses a `secrets` value: an SSM parameter ARN or name, or a Secrets Manager secret's full ARN
 * with an optional `:json-key:version-stage:version-id` tail (the form ECS documents). A Secrets
 * Manager ARN whose name lacks the 6-character suffix is returned as `secretsmanager-partial`;
 * anything else gives undefined.
 */
export function parseSecretReference(value: string): SecretReference | undefined {
    if (/^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\/-]+$/.test(value)) {
        return { kind: "ssm-arn", arn: value };
    }
    const sm = SECRETS_MANAGER_ARN.exec(value);
    if (sm) {
        return SECRET_SUFFIX.test(sm[2]) ? { kind: "secretsmanager", arn: sm[1] } : { kind: "secretsmanager-partial", arn: sm[1] };
    }
    if (/^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(value) && !value.startsWith("arn:") && value.length <= 2048) {
        return { kind: "ssm-name", name: value };
    }
    return undefined;
}

/** The ECR repository ARN an image is pulled from, or undefined for images outside private ECR. */
export function ecrRepositoryArn(image: string): string | undefined {
    const m = ECR_IMAGE.exec(image);
    if (!m) {
        return undefined;
    }
    const [, account, region, cn, repository] = m;
    const partition = cn ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

interface ResolvedContainer {
    readonly name: string;
    readonly args: ContainerArgs;
    readonly essential: boolean;
    readonly ports: readonly number[];
    /** Service Connect: the name and protocol of the first port's mapping. */
    readonly portMapping?: { readonly name: string; readonly appProtocol: "http" | "http2" | "grpc" };
    readonly cpu?: number;
    readonly memory?: number;
}

/** Plain, validated description of a task, computed before any resource is registered. */
export interface TaskSpec {
    readonly name: string;
    readonly family: string;
    readonly logGroupName: string;
    readonly size: TaskSize;
    readonly architecture: Architecture;
    readonly ephemeralStorageGiB?: number;
    readonly logRetentionDays: number;
    readonly containers: readonly ResolvedContainer[];
    readonly capacityProviderStrategy: readonly CapacityProviderStrategyItem[];
    readonly enableExecuteCommand: boolean;
    readonly args: TaskDefinitionArgs;
}

/** What the component adds to the task definition: the main container's port and ECS Exec. */
export interface TaskSpecOptions {
    /** Container port of the main container (web services). */
    readonly port?: number;
    /** Whether ECS Exec is enabled (writable agent paths and the task role's ssmmessages rights). */
    readonly enableExecuteCommand?: boolean;
    /** Service Connect: name and application protocol of the main container's port mapping. */
    readonly portMapping?: { readonly name: string; readonly appProtocol: "http" | "http2" | "grpc" };
    /** Service Connect adds its proxy to the task: a size chosen by the component leaves it {@link SERVICE_CONNECT_PROXY_RESERVE}. */
    readonly serviceConnectProxy?: boolean;
}

/** What AWS recommends adding to a task for the Service Connect proxy: 256 CPU units and at least 64 MiB. */
export const SERVICE_CONNECT_PROXY_RESERVE: TaskSize = { cpu: 256, memory: 64 };

function validateContainer(v: Validator, path: string, c: ContainerArgs): void {
    const at = (field: string) => (path ? `${path}.${field}` : field);
    // Each check stands alone, so one run reports every problem of the container.
    v.check(() => {
        if (c.image === undefined || c.image === null || (typeof c.image === "string" && c.image.trim() === "")) {
            throw v.error(at("image"), c.image, "is empty", "give an image reference such as public.ecr.aws/docker/library/nginx:1.27");
        }
        if (typeof c.image === "string" && /\s/.test(c.image)) {
            throw v.error(at("image"), c.image, "contains white space", "remove it");
        }
    });
    for (const field of ["entryPoint", "command"] as const) {
        v.check(() => {
            const value = c[field];
            if (value !== undefined && (!Array.isArray(value) || value.some((p) => typeof p !== "string"))) {
                throw v.error(at(field), value, "must be a list of strings", 'write it as ["executable", "arg"]');
            }
        });
    }
    const envNames = Object.keys(c.environment ?? {});
    for (const name of envNames) {
        v.check(() => {
            if (!ENV_NAME.test(name)) {
                throw v.error(at(`environment.${name}`), name, "is not a valid environment variable name (letters, digits, _; not starting with a digit)", "rename the variable");
            }
            if (FORBIDDEN_ENVIRONMENT_NAMES.includes(name)) {
                throw v.error(at(`environment.${name}`), name, "puts AWS credentials in plain environment (Security Hub ECS.8)", "remove it: the task role gives the container credentials, and other credentials belong in secrets");
            }
        });
    }
    for (const [name, ref] of Object.entries(c.secrets ?? {})) {
        v.check(() => validateSecret(v, at(`secrets.${name}`), name, ref, envNames));
    }
    v.check(() => {
        if (c.user !== undefined) {
            if (typeof c.user !== "string" || !USER.test(c.user)) {
                throw v.error(at("user"), c.user, 'is not a user of the form "uid", "name", "uid:gid" or "name:group"', 'use for example "1000" or "app:app"');
            }
            if (/^(0|root)(:|$)/.test(c.user)) {
                pulumi.log.warn(`${v.component}: ${at("user")} ("${c.user}") runs the container as root; Security Hub ECS.20 expects a non-root user.`);
            }
        }
    });
    if (c.readonlyRootFilesystem !== undefined) {
        v.check(() => v.boolean(at("readonlyRootFilesystem"), c.readonlyRootFilesystem));
    }
    if (c.stopTimeoutSeconds !== undefined) {
        v.check(() => v.integer(at("stopTimeoutSeconds"), c.stopTimeoutSeconds!, STOP_TIMEOUT_SECONDS.min, STOP_TIMEOUT_SECONDS.max, "seconds"));
    }
    if (c.containerHealthCheck !== undefined) {
        const hc = c.containerHealthCheck;
        v.check(() => {
            const first = Array.isArray(hc.command) ? hc.command[0] : undefined;
            if (!Array.isArray(hc.command) || hc.command.length < 2 || (first !== "CMD" && first !== "CMD-SHELL")) {
                throw v.error(at("containerHealthCheck.command"), hc.command, 'must start with "CMD" or "CMD-SHELL" followed by the command', 'write for example ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"]');
            }
        });
        const limits = CONTAINER_HEALTH_CHECK_LIMITS;
        for (const key of ["intervalSeconds", "timeoutSeconds", "retries", "startPeriodSeconds"] as const) {
            const value = hc[key];
            if (value !== undefined) {
                v.check(() => v.integer(at(`containerHealthCheck.${key}`), value, limits[key].min, limits[key].max, key === "retries" ? "" : "seconds"));
            }
        }
    }
}

function validateSecret(v: Validator, path: string, name: string, ref: pulumi.Input<string>, envNames: readonly string[]): void {
    // The variable's name and its reference are checked apart.
    if (!ENV_NAME.test(name)) {
        v.record(v.error(path, name, "is not a valid environment variable name (letters, digits, _; not starting with a digit)", "rename the variable"));
    } else if (envNames.includes(name)) {
        v.record(v.conflict(path, "is also set in environment, and a variable can have only one source", "remove it from one of them"));
    }
    const parsed = typeof ref === "string" ? parseSecretReference(ref) : undefined;
    if (typeof ref === "string" && parsed === undefined) {
        throw v.error(path, ref, "is not an SSM parameter name or ARN, nor a Secrets Manager secret ARN", 'use "/path/name", "arn:aws:ssm:REGION:ACCOUNT:parameter/name" or "arn:aws:secretsmanager:REGION:ACCOUNT:secret:name-AbCdEf[:json-key:version-stage:version-id]"');
    }
    if (parsed?.kind === "secretsmanager-partial") {
        throw v.error(
            path,
            ref,
            "is a Secrets Manager ARN without the 6-character suffix AWS appends to the name, and ECS reads secrets by full ARN only",
            "copy the full ARN (aws secretsmanager describe-secret --secret-id NAME --query ARN), such as arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf",
        );
    }
}

/**
 * AWS does not support ECS Exec in containers with a read-only root filesystem (the ECS Exec
 * guide's considerations), so Exec needs every container's root writable, which is opt-in.
 */
function validateExecRootFilesystems(v: Validator, containers: readonly ResolvedContainer[]): void {
    // Every container that needs the change is named, not only the first.
    const before = v.problemCount;
    containers.forEach((c, i) => {
        if ((c.args.readonlyRootFilesystem ?? TASK_DEFINITION_DEFAULTS.readonlyRootFilesystem) === true) {
            const path = i === 0 ? "readonlyRootFilesystem" : `sidecars[${i - 1}].readonlyRootFilesystem`;
            const problem = "must be false with enableExecuteCommand: AWS does not support ECS Exec with a read-only root filesystem";
            const fix = `set ${path}: false (the policy pack exempts exactly this case from ECS.5), or turn enableExecuteCommand off`;
            if (c.args.readonlyRootFilesystem === undefined) {
                return v.record(v.conflict("enableExecuteCommand", `needs ${path}: false, which is true by default, and AWS does not support ECS Exec with a read-only root filesystem`, fix));
            }
            v.record(v.error(path, true, problem, fix));
        }
    });
    v.throwSince(before);
}

function validatePort(v: Validator, path: string, port: number): number {
    return v.integer(path, port, 1, 65535);
}

/**
 * Validates the task definition arguments and resolves every default (size, architecture,
 * retention, capacity strategy, containers). Records every problem it finds on `v` and throws them
 * as one {@link ArgumentError}; registers nothing.
 */
export function resolveTaskSpec(v: Validator, name: string, args: TaskDefinitionArgs, options: TaskSpecOptions = {}): TaskSpec {
    if (typeof args !== "object" || args === null) {
        throw v.error("args", args, "must be an object", "pass the component's arguments");
    }
    // Independent checks each record their problem; the spec is returned only when all passed.
    validateContainer(v, "", args);
    const architecture = v.check(() => validateArchitecture(v, "architecture", args.architecture ?? TASK_DEFINITION_DEFAULTS.architecture));
    const logRetentionDays = v.check(() => validateLogRetention(v, "logRetentionDays", args.logRetentionDays ?? TASK_DEFINITION_DEFAULTS.logRetentionDays));
    if (args.ephemeralStorageGiB !== undefined) {
        v.check(() => v.integer("ephemeralStorageGiB", args.ephemeralStorageGiB!, EPHEMERAL_STORAGE_GIB.min, EPHEMERAL_STORAGE_GIB.max, "GiB"));
    }
    if (options.port !== undefined) {
        v.check(() => validatePort(v, "port", options.port!));
    }
    const containers: ResolvedContainer[] = [
        { name: MAIN_CONTAINER_NAME, args, essential: true, ports: options.port !== undefined ? [options.port] : [], ...(options.port !== undefined && options.portMapping ? { portMapping: options.portMapping } : {}) },
    ];
    const sidecarNeeds = v.check(() => resolveSidecars(v, args, options, containers));
    // Only when the component picks the size: a given cpu and memory are the user's to size.
    const proxy = options.serviceConnectProxy && args.cpu === undefined && args.memory === undefined ? SERVICE_CONNECT_PROXY_RESERVE : { cpu: 0, memory: 0 };
    // Sidecars that are not a list reserve nothing: the size is still checked, against the smallest one.
    const needs = { cpu: (sidecarNeeds?.cpu ?? 0) + proxy.cpu, memory: (sidecarNeeds?.memory ?? 0) + proxy.memory };
    if (options.enableExecuteCommand) {
        v.check(() => validateExecRootFilesystems(v, containers));
    }
    // The main container needs room too: at least the smallest size's share beyond the sidecars.
    const minimum = TASK_DEFINITION_DEFAULTS.minimumSize;
    const size = v.check(() =>
        resolveTaskSize(v, args.cpu, args.memory, {
            cpu: needs.cpu > 0 ? needs.cpu + 128 : minimum.cpu,
            memory: needs.memory > 0 ? needs.memory + 256 : minimum.memory,
        }),
    );
    v.check(() => validatePolicyStatements(v, "taskPolicyStatements", args.taskPolicyStatements));
    v.check(() => validatePolicyArns(v, "taskPolicyArns", args.taskPolicyArns));
    (args.secretKmsKeyArns ?? []).forEach((arn, i) => {
        v.check(() => {
            if (typeof arn === "string" && !KMS_KEY_ARN.test(arn)) {
                throw v.error(`secretKmsKeyArns[${i}]`, arn, "is not a KMS key ARN", 'use "arn:aws:kms:REGION:ACCOUNT:key/KEY-ID" (aliases cannot be granted)');
            }
        });
    });
    v.check(() => validateKmsKeyArn(v, "kmsKeyArn", args.kmsKeyArn));
    // A refused architecture still lets capacity be checked, but not against it.
    const strategy = v.check(() => capacityProviderStrategy(v, args.capacity, architecture));
    v.done();
    return {
        name,
        family: taskFamilyName(name),
        logGroupName: logGroupName(name),
        size: size!,
        architecture: architecture!,
        ephemeralStorageGiB: args.ephemeralStorageGiB,
        logRetentionDays: logRetentionDays!,
        containers,
        capacityProviderStrategy: strategy!,
        enableExecuteCommand: options.enableExecuteCommand ?? false,
        args,
    };
}

/**
 * `spec` with what the component adds once its resources exist: environment variables of the
 * main container (a queue's URL, the URLs of called services) and task role statements (on that
 * queue). The names were checked against the user's when the spec was resolved.
 */
export function extendTaskSpec(spec: TaskSpec, extra: { readonly environment?: Readonly<Record<string, pulumi.Input<string>>>; readonly taskPolicyStatements?: readonly PolicyStatement[] }): TaskSpec {
    const environment = { ...(spec.args.environment ?? {}), ...(extra.environment ?? {}) };
    const args: TaskDefinitionArgs = { ...spec.args, environment, taskPolicyStatements: [...(spec.args.taskPolicyStatements ?? []), ...(extra.taskPolicyStatements ?? [])] };
    return { ...spec, args, containers: spec.containers.map((c) => (c.name === MAIN_CONTAINER_NAME ? { ...c, args: { ...c.args, environment } } : c)) };
}

/** Refuses environment variables (and secrets) of the user's that the component sets itself. */
export function validateReservedEnvironment(v: Validator, environment: Readonly<Record<string, unknown>> | undefined, reserved: Readonly<Record<string, string>>, secrets?: Readonly<Record<string, unknown>>): void {
    for (const [variable, why] of Object.entries(reserved)) {
        for (const [key, given] of [["environment", environment], ["secrets", secrets]] as const) {
            if (given !== undefined && given !== null && typeof given === "object" && Object.prototype.hasOwnProperty.call(given, variable)) {
                v.check(() => {
                    throw v.conflict(`${key}.${variable}`, `is set by the component (${why})`, "remove it, or have the component use another name");
                });
            }
        }
    }
}

/** Refuses a plain string that is not a KMS key ARN (an alias cannot be named in a key policy or a grant). */
export function validateKmsKeyArn(v: Validator, path: string, arn: pulumi.Input<string> | undefined): void {
    if (typeof arn === "string" && !KMS_KEY_ARN.test(arn)) {
        throw v.error(path, arn, "is not a KMS key ARN", 'use "arn:aws:kms:REGION:ACCOUNT:key/KEY-ID" (key policies and grants name keys, not aliases)');
    }
}

/** Validates the sidecars, adds them to `containers`, and returns the CPU and memory they reserve. */
function resolveSidecars(v: Validator, args: TaskDefinitionArgs, options: TaskSpecOptions, containers: ResolvedContainer[]): TaskSize {
    const sidecars = args.sidecars ?? [];
    if (!Array.isArray(sidecars)) {
        throw v.error("sidecars", sidecars, "must be a list", "give a list of containers");
    }
    if (sidecars.length > MAX_SIDECARS) {
        // Recorded: each sidecar is still checked.
        v.record(v.error("sidecars", `${sidecars.length} sidecars`, `is more than ${MAX_SIDECARS}: a task definition holds at most 10 containers, the main one included`, "merge some sidecars, or move them to their own service"));
    }
    const names = new Set<string>([MAIN_CONTAINER_NAME]);
    const usedPorts = new Set<number>(options.port !== undefined ? [options.port] : []);
    const needs = { cpu: 0, memory: 0 };
    sidecars.forEach((s, i) => {
        const at = `sidecars[${i}]`;
        const named = v.check(() => {
            if (typeof s?.name !== "string" || !CONTAINER_NAME.test(s.name)) {
                throw v.error(`${at}.name`, s?.name, "must be 1 to 251 letters, digits, _ or - (its /tmp volume adds -tmp within ECS's 255)", 'name it, for example "log-router"');
            }
            if (names.has(s.name)) {
                throw v.error(`${at}.name`, s.name, `is already used by another container (the main container is "${MAIN_CONTAINER_NAME}")`, "give each container its own name");
            }
            names.add(s.name);
            return true;
        });
        validateContainer(v, at, s);
        const cpu = s.cpu === undefined ? 0 : v.check(() => v.integer(`${at}.cpu`, s.cpu!, 0, 16384, "CPU units"));
        const memory = s.memory === undefined ? 0 : v.check(() => v.integer(`${at}.memory`, s.memory!, 6, 122880, "MiB"));
        if (s.essential !== undefined) {
            v.check(() => v.boolean(`${at}.essential`, s.essential));
        }
        const ports: readonly number[] = s.ports ?? [];
        ports.forEach((p: number, j: number) => {
            v.check(() => {
                validatePort(v, `${at}.ports[${j}]`, p);
                if (usedPorts.has(p)) {
                    throw v.error(`${at}.ports[${j}]`, p, "is already used by another container of the task (they share one network interface)", "pick another port");
                }
                usedPorts.add(p);
            });
        });
        // Only valid reservations count toward the task's size, so a wrong one adds no second problem.
        needs.cpu += cpu ?? 0;
        needs.memory += memory ?? 0;
        if (named) {
            containers.push({ name: s.name, args: s, essential: s.essential ?? true, ports, cpu: s.cpu, memory: s.memory });
        }
    });
    return needs;
}

/** The resources behind a task definition, exposed by both components. */
export interface TaskDefinitionResources {
    readonly taskDefinition: aws.ecs.TaskDefinition;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly executionRole: aws.iam.Role;
    readonly taskRole: aws.iam.Role;
    readonly aws: AwsContext;
}

function volumeName(container: string, purpose: string): string {
    return `${container}-${purpose}`;
}

/** Writable mounts of one container: `/tmp`, so a read-only root still has scratch space. */
function writableMounts(c: ResolvedContainer): { volume: string; path: string }[] {
    return [{ volume: volumeName(c.name, "tmp"), path: "/tmp" }];
}

function sortedEnvironment(env: Readonly<Record<string, pulumi.Input<string>>> | undefined): aws.ecs.KeyValuePair[] {
    return Object.keys(env ?? {})
        .sort()
        .map((name) => ({ name, value: (env ?? {})[name] }));
}

function containerDefinition(spec: TaskSpec, c: ResolvedContainer, region: pulumi.Output<string>): aws.ecs.ContainerDefinition {
    const a = c.args;
    const readonly = a.readonlyRootFilesystem ?? TASK_DEFINITION_DEFAULTS.readonlyRootFilesystem;
    const secrets = a.secrets ?? {};
    const hc = a.containerHealthCheck;
    const def: aws.ecs.ContainerDefinition = {
        name: c.name,
        image: a.image,
        essential: c.essential,
        ...(a.entryPoint ? { entryPoint: [...a.entryPoint] } : {}),
        ...(a.command ? { command: [...a.command] } : {}),
        ...(c.cpu !== undefined ? { cpu: c.cpu } : {}),
        ...(c.memory !== undefined ? { memoryReservation: c.memory } : {}),
        environment: sortedEnvironment(a.environment),
        secrets: Object.keys(secrets)
            .sort()
            .map((name) => ({ name, valueFrom: secrets[name] })),
        // Service Connect finds the port by its mapping's name.
        portMappings: c.ports.map((p, i) => ({ containerPort: p, protocol: "tcp", ...(i === 0 && c.portMapping ? { name: c.portMapping.name, appProtocol: c.portMapping.appProtocol } : {}) })),
        readonlyRootFilesystem: readonly,
        mountPoints: writableMounts(c).map((m) => ({ sourceVolume: m.volume, containerPath: m.path, readOnly: false })),
        ...(a.user !== undefined ? { user: a.user } : {}),
        stopTimeout: a.stopTimeoutSeconds ?? TASK_DEFINITION_DEFAULTS.stopTimeoutSeconds,
        ...(spec.enableExecuteCommand ? { linuxParameters: { initProcessEnabled: true } } : {}),
        ...(hc
            ? {
                  healthCheck: {
                      command: [...hc.command],
                      interval: hc.intervalSeconds ?? 30,
                      timeout: hc.timeoutSeconds ?? 5,
                      retries: hc.retries ?? 3,
                      startPeriod: hc.startPeriodSeconds ?? 0,
                  },
              }
            : {}),
        logConfiguration: { logDriver: "awslogs", options: awslogsOptions(spec.logGroupName, region, c.name) },
    };
    return def;
}

/** The awslogs options of every container the components log, the Service Connect proxy included. */
export function awslogsOptions(logGroupName: string, region: pulumi.Input<string>, streamPrefix: string) {
    return {
        "awslogs-group": logGroupName,
        "awslogs-region": region,
        "awslogs-stream-prefix": streamPrefix,
        // A slow log endpoint must not stall the application.
        mode: "non-blocking",
        "max-buffer-size": "25m",
    };
}

/** What a writer of a log group encrypted with a customer key needs on that key (through CloudWatch Logs only). */
export const LOGS_KEY_ACTIONS: readonly string[] = ["kms:Encrypt", "kms:ReEncrypt*", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"];

function executionPolicy(spec: TaskSpec, ctx: AwsContext, logGroupArn: pulumi.Output<string>): pulumi.Output<string> {
    const images = spec.containers.map((c) => c.args.image);
    const secretRefs = spec.containers.flatMap((c) => Object.values(c.args.secrets ?? {}));
    return pulumi
        .all([pulumi.all(images), pulumi.all(secretRefs), ctx.partition, ctx.region, ctx.accountId, logGroupArn, pulumi.all([...(spec.args.secretKmsKeyArns ?? [])]), pulumi.output(spec.args.kmsKeyArn)])
        .apply(([imgs, refs, partition, region, account, logArn, kmsKeys, logKey]) => {
            const statements: { Sid: string; Effect: "Allow"; Action: string[]; Resource: string[]; Condition?: Record<string, unknown> }[] = [];
            const repos = [...new Set(imgs.map(ecrRepositoryArn).filter((r): r is string => r !== undefined))].sort();
            if (repos.length > 0) {
                // GetAuthorizationToken has no resource-level permissions: AWS requires "*".
                statements.push({ Sid: "EcrAuth", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] });
                statements.push({ Sid: "EcrPull", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: repos });
            }
            statements.push({ Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logArn}:log-stream:*`] });
            if (logKey !== undefined) {
                // The log group is under the component's key: writes may use it, through CloudWatch Logs only.
                statements.push({ Sid: "EncryptedLogs", Effect: "Allow", Action: [...LOGS_KEY_ACTIONS], Resource: [logKey], Condition: { StringEquals: { "kms:ViaService": `logs.${region}.amazonaws.com` } } });
            }
            const parameters = new Set<string>();
            const secrets = new Set<string>();
            for (const ref of refs) {
                const parsed = parseSecretReference(ref);
                if (!parsed) {
                    throw new Error(`${spec.name}: secret reference ${JSON.stringify(ref)} is not an SSM parameter name or ARN, nor a Secrets Manager secret ARN`);
                }
                if (parsed.kind === "secretsmanager-partial") {
                    throw new Error(`${spec.name}: secret reference ${JSON.stringify(ref)} is a Secrets Manager ARN without the 6-character suffix; ECS reads secrets by full ARN only`);
                }
                if (parsed.kind === "ssm-arn") {
                    parameters.add(parsed.arn);
                } else if (parsed.kind === "ssm-name") {
                    parameters.add(`arn:${partition}:ssm:${region}:${account}:parameter/${parsed.name.replace(/^\//, "")}`);
                } else {
                    secrets.add(parsed.arn);
                }
            }
            if (parameters.size > 0) {
                statements.push({ Sid: "Parameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [...parameters].sort() });
            }
            if (secrets.size > 0) {
                statements.push({ Sid: "Secrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [...secrets].sort() });
            }
            if (kmsKeys.length > 0) {
                // Only as SSM or Secrets Manager decrypt on the role's behalf, never a direct Decrypt call.
                const via = [...(parameters.size > 0 ? [`ssm.${region}.amazonaws.com`] : []), ...(secrets.size > 0 ? [`secretsmanager.${region}.amazonaws.com`] : [])];
                statements.push({
                    Sid: "DecryptSecrets",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: [...new Set(kmsKeys)].sort(),
                    Condition: { StringEquals: { "kms:ViaService": via.length > 0 ? via : [`ssm.${region}.amazonaws.com`, `secretsmanager.${region}.amazonaws.com`] } },
                });
            }
            return JSON.stringify({ Version: "2012-10-17", Statement: statements });
        });
}

/**
 * What the ECS Exec agent needs on the task role: its ssmmessages channels, and (with the
 * cluster's default Exec logging) writing session output to the container's log group.
 */
export function execStatements(logGroupArn: pulumi.Input<string>): PolicyStatement[] {
    return [
        // The ssmmessages actions and logs:DescribeLogGroups have no resource-level permissions: AWS requires "*".
        { Sid: "EcsExec", Action: [...EXEC_ACTIONS], Resource: ["*"] },
        { Sid: "EcsExecFindLogGroup", Action: [...EXEC_LOG_DISCOVERY_ACTIONS], Resource: ["*"] },
        { Sid: "EcsExecSessionLogs", Action: [...EXEC_LOG_ACTIONS], Resource: [pulumi.interpolate`${logGroupArn}:*`] },
    ];
}

/**
 * Creates the log group, the execution role (pull the task's images, write its log group, read
 * its secrets: nothing else), the task role (the application's permissions) and the Fargate task
 * definition, all as children of `parent`.
 */
export function createTaskDefinition(parent: pulumi.Resource, spec: TaskSpec): TaskDefinitionResources {
    const opts = { parent };
    const name = spec.name;
    const ctx = awsContext(parent);

    const logGroup = new aws.cloudwatch.LogGroup(
        childName(name, "logs"),
        { name: spec.logGroupName, retentionInDays: spec.logRetentionDays, ...(spec.args.kmsKeyArn !== undefined ? { kmsKeyId: spec.args.kmsKeyArn } : {}) },
        opts,
    );

    const executionRole = new aws.iam.Role(
        childName(name, "execution", NAME_LIMITS.iamRole),
        { assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"), description: `ECS execution role of ${name}: pulls images, writes logs, reads secrets` },
        opts,
    );
    // Tasks must not start before their roles may pull, log and read secrets: the task definition
    // (and so every service or run of it) waits for the policies.
    const policies: pulumi.Resource[] = [];
    policies.push(new aws.iam.RolePolicy(childName(name, "execution-policy"), { role: executionRole.id, policy: executionPolicy(spec, ctx, logGroup.arn) }, opts));

    const taskRole = new aws.iam.Role(
        childName(name, "task", NAME_LIMITS.iamRole),
        {
            assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com", ctx.accountId, pulumi.interpolate`arn:${ctx.partition}:ecs:${ctx.region}:${ctx.accountId}:*`),
            description: `ECS task role of ${name}: the application's own permissions`,
        },
        opts,
    );
    const statements: PolicyStatement[] = [...(spec.args.taskPolicyStatements ?? [])];
    if (spec.enableExecuteCommand) {
        statements.push(...execStatements(logGroup.arn));
    }
    if (statements.length > 0) {
        policies.push(new aws.iam.RolePolicy(childName(name, "task-policy"), { role: taskRole.id, policy: policyDocument(statements) }, opts));
    }
    (spec.args.taskPolicyArns ?? []).forEach((arn, i) => {
        policies.push(new aws.iam.RolePolicyAttachment(childName(name, `task-policy-${i}`), { role: taskRole.name, policyArn: arn }, opts));
    });

    const volumes = spec.containers.flatMap((c) => writableMounts(c).map((m) => ({ name: m.volume })));
    const taskDefinition = new aws.ecs.TaskDefinition(
        childName(name, "task-definition"),
        {
            family: spec.family,
            cpu: String(spec.size.cpu),
            memory: String(spec.size.memory),
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            runtimePlatform: { cpuArchitecture: CPU_ARCHITECTURE[spec.architecture], operatingSystemFamily: "LINUX" },
            executionRoleArn: executionRole.arn,
            taskRoleArn: taskRole.arn,
            containerDefinitions: pulumi.jsonStringify(spec.containers.map((c) => containerDefinition(spec, c, ctx.region))),
            volumes,
            ...(spec.ephemeralStorageGiB !== undefined ? { ephemeralStorage: { sizeInGib: spec.ephemeralStorageGiB } } : {}),
            ...(spec.enableExecuteCommand ? { tags: { [EXEC_EXEMPTION_TAG.key]: EXEC_EXEMPTION_TAG.value } } : {}),
        },
        { parent, dependsOn: [logGroup, ...policies] },
    );
    return { taskDefinition, logGroup, executionRole, taskRole, aws: ctx };
}
