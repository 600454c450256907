/**
 * The limits AWS enforces on the resources a Fargate workload is made of, as pure functions over a
 * resource's type and properties: what `pulumi preview` does not check and AWS rejects at deploy
 * (or accepts into a state that can never work, such as a deployment that cannot progress).
 * Shared by the `aws-limits` policy and the property tests of the components.
 *
 * Sources: the AWS documentation of each service (docs/aws-behaviour.md cites the run-time ones), the EC2 API reference for security group
 * texts, the ACM API reference for certificate names, the CloudWatch API reference for alarm
 * windows, the ECS and IAM quotas. Numbers the components already hold are imported, not repeated.
 */
import { BATCH_TASK_LIMITS, scheduleExpressionProblem as componentScheduleProblem } from "../components/batchTask";
import { CAPACITY_LIMITS } from "../components/capacity";
import { AUTO_NAME_SUFFIX_LENGTH, NAME_LIMITS } from "../components/naming";
import { SECURITY_GROUP_DESCRIPTION } from "../components/network";
import { CONTAINER_HEALTH_CHECK_LIMITS, EPHEMERAL_STORAGE_GIB, FARGATE_SIZES, LOG_RETENTION_DAYS, STOP_TIMEOUT_SECONDS } from "../components/sizing";
import { MAX_SIDECARS } from "../components/taskDefinition";
import { deploymentCanProgress, WEB_SERVICE_LIMITS } from "../components/webService";
import { Add, intIn, isInt, lengthAtMost, parseJson, Rule } from "./limits/common";
import { at, eachKnown, isUnknownError, known, unknownPaths } from "./preview";

/** What {@link checkResourceLimits} found: definite violations, and paths it could not read at preview. */
export interface LimitReport {
    readonly violations: string[];
    readonly unknown: string[];
}

/** Characters EC2 accepts in security group names and descriptions (in a VPC) and in rule descriptions. */
export const EC2_TEXT = SECURITY_GROUP_DESCRIPTION;

/** Longest security group (and rule) description. */
export const SECURITY_GROUP_DESCRIPTION_MAX = 255;

/** An ACM certificate's domain name is its subject's common name: at most 64 characters (RFC 5280). */
export const ACM_DOMAIN_NAME_MAX = WEB_SERVICE_LIMITS.certificateDomainNameLength;

/** ECS quotas that are not adjustable. */
export const ECS_QUOTAS = { containersPerTaskDefinition: MAX_SIDECARS + 1, taskDefinitionBytes: 65536, subnetsPerService: 16, securityGroupsPerService: 5 } as const;

/** IAM quotas (characters, white space excluded). */
export const IAM_QUOTAS = { inlineRolePoliciesChars: 10240, managedPolicyChars: 6144, trustPolicyChars: 2048, roleDescription: 1000, policyName: 128 } as const;

/** EventBridge Scheduler ranges. */
export const SCHEDULER_LIMITS = { retryAttempts: { min: 0, max: 185 }, eventAgeSeconds: { min: 60, max: 86400 }, descriptionLength: 512, timezoneLength: 50 } as const;

/** CloudWatch alarm evaluation window: one day for periods under an hour, seven days otherwise. */
export const ALARM_WINDOW_SECONDS = { underAnHour: 86400, hourOrMore: 604800 } as const;

/** Step Functions ranges of a Task state. */
export const STATES_LIMITS = { seconds: { min: 1, max: 99999999 }, maxAttempts: { min: 0, max: 99999999 }, definitionBytes: 1048576 } as const;

interface NameRule {
    readonly max: number;
    readonly min?: number;
    readonly pattern: RegExp;
    readonly charsetText: string;
    readonly prefixMax?: number;
    readonly extra?: (name: string) => string | undefined;
}

const ALNUM_HYPHEN = /^[A-Za-z0-9-]+$/;
const ALNUM_UNDERSCORE_HYPHEN = /^[A-Za-z0-9_-]+$/;
const noEdgeHyphen = (n: string) => (n.startsWith("-") || n.endsWith("-") ? "must not start or end with a hyphen" : undefined);

/** Name rules per resource type (the AWS name limits of each service), with the auto-name limits of naming.ts. */
export const NAME_RULES: Readonly<Record<string, NameRule>> = {
    "aws:lb/loadBalancer:LoadBalancer": {
        max: NAME_LIMITS.loadBalancer,
        pattern: ALNUM_HYPHEN,
        charsetText: "letters, digits and hyphens",
        prefixMax: 6,
        extra: (n) => noEdgeHyphen(n) ?? (/^internal-/i.test(n) ? 'must not start with "internal-"' : undefined),
    },
    "aws:lb/targetGroup:TargetGroup": { max: NAME_LIMITS.targetGroup, pattern: ALNUM_HYPHEN, charsetText: "letters, digits and hyphens", prefixMax: 6, extra: noEdgeHyphen },
    "aws:ecs/cluster:Cluster": { max: NAME_LIMITS.ecsCluster, pattern: ALNUM_UNDERSCORE_HYPHEN, charsetText: "letters, digits, _ and -" },
    "aws:ecs/service:Service": { max: 255, pattern: ALNUM_UNDERSCORE_HYPHEN, charsetText: "letters, digits, _ and -" },
    "aws:iam/role:Role": { max: NAME_LIMITS.iamRole, pattern: /^[\w+=,.@-]+$/, charsetText: "letters, digits and +=,.@_-", prefixMax: 38 },
    "aws:iam/rolePolicy:RolePolicy": { max: IAM_QUOTAS.policyName, pattern: /^[\w+=,.@-]+$/, charsetText: "letters, digits and +=,.@_-" },
    "aws:ec2/securityGroup:SecurityGroup": {
        max: NAME_LIMITS.securityGroup,
        pattern: EC2_TEXT,
        charsetText: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
        extra: (n) => (/^sg-/i.test(n) ? 'must not start with "sg-"' : undefined),
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        max: NAME_LIMITS.logGroup,
        pattern: /^[A-Za-z0-9_./#-]+$/,
        charsetText: "letters, digits and _./#-",
        extra: (n) => (n.startsWith("aws/") ? 'must not start with "aws/"' : undefined),
    },
    "aws:ecr/repository:Repository": { max: 256, min: 2, pattern: /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, charsetText: "lowercase letters and digits separated by . _ - or /" },
    "aws:scheduler/schedule:Schedule": { max: NAME_LIMITS.schedule, pattern: /^[0-9A-Za-z_.-]+$/, charsetText: "letters, digits and _.-", prefixMax: 38 },
    "aws:cloudwatch/eventRule:EventRule": { max: NAME_LIMITS.eventRule, pattern: /^[0-9A-Za-z_.-]+$/, charsetText: "letters, digits and _.-" },
    "aws:sfn/stateMachine:StateMachine": { max: NAME_LIMITS.stateMachine, pattern: ALNUM_UNDERSCORE_HYPHEN, charsetText: "letters, digits, _ and -" },
    "aws:sqs/queue:Queue": { max: NAME_LIMITS.sqsQueue, pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/, charsetText: "letters, digits, _ and -" },
    "aws:sns/topic:Topic": { max: NAME_LIMITS.snsTopic, pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/, charsetText: "letters, digits, _ and -" },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { max: NAME_LIMITS.alarm, pattern: /^[^\x00-\x1f\x7f]+$/, charsetText: "printable characters" },
};

/** Alias type tokens of the load balancer resources (`aws:alb/...` is the old module name). */
const ALIASES: Readonly<Record<string, string>> = {
    "aws:alb/loadBalancer:LoadBalancer": "aws:lb/loadBalancer:LoadBalancer",
    "aws:alb/targetGroup:TargetGroup": "aws:lb/targetGroup:TargetGroup",
    "aws:alb/listener:Listener": "aws:lb/listener:Listener",
};

/** The canonical type token (`aws:alb/...` aliases become `aws:lb/...`). */
export function canonicalType(type: string): string {
    return ALIASES[type] ?? type;
}

function ec2Text(add: Add, path: string, value: unknown): void {
    if (typeof value !== "string") {
        return;
    }
    lengthAtMost(add, path, value, SECURITY_GROUP_DESCRIPTION_MAX);
    if (!EC2_TEXT.test(value)) {
        const bad = [...new Set([...value].filter((c) => !EC2_TEXT.test(c)))].map((c) => JSON.stringify(c)).join(", ");
        add(`${path} (${JSON.stringify(value)}) holds ${bad}, outside the characters EC2 accepts (letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*)`);
    }
}

/** JSON length without white space outside strings, as IAM counts policy size. */
function compactLength(json: string): number {
    try {
        return JSON.stringify(JSON.parse(json)).length;
    } catch {
        return json.length;
    }
}

/**
 * Checks the physical name of a resource, or, when Pulumi names it, the auto-name: the logical name,
 * "-" and 7 random characters (AUTO_NAME_SUFFIX_LENGTH in all).
 */
function nameRule(rule: NameRule): Rule {
    return (p, add, logicalName) => {
        const name = p.name;
        const prefix = p.namePrefix;
        let candidate: string | undefined;
        let what: string;
        if (typeof name === "string") {
            candidate = name;
            what = `name ${JSON.stringify(name)}`;
        } else if (typeof prefix === "string") {
            if (rule.prefixMax !== undefined && prefix.length > rule.prefixMax) {
                add(`namePrefix ${JSON.stringify(prefix)} is ${prefix.length} characters long; AWS accepts at most ${rule.prefixMax}`);
            }
            candidate = `${prefix}x`;
            what = `namePrefix ${JSON.stringify(prefix)}`;
        } else if (name === undefined && logicalName !== undefined) {
            candidate = `${logicalName}-${"0".repeat(AUTO_NAME_SUFFIX_LENGTH - 1)}`;
            what = `auto-name of ${JSON.stringify(logicalName)} (the logical name plus ${AUTO_NAME_SUFFIX_LENGTH} characters)`;
        } else {
            return;
        }
        if (candidate.length > rule.max) {
            add(`${what} makes a name of ${candidate.length} characters; AWS accepts at most ${rule.max}`);
        }
        if (rule.min !== undefined && candidate.length < rule.min) {
            add(`${what} makes a name shorter than ${rule.min} characters`);
        }
        if (!rule.pattern.test(candidate)) {
            add(`${what} holds characters AWS refuses in this name (allowed: ${rule.charsetText})`);
        }
        const extra = rule.extra?.(candidate);
        if (extra) {
            add(`${what} ${extra}`);
        }
    };
}

// ---- Schedule expressions (EventBridge Scheduler and rules) -------------------------------------

/**
 * Why AWS would refuse a schedule expression, or undefined when it accepts it: the components'
 * own rule (`scheduleExpressionProblem` of the BatchTask), so the pack and the components never
 * disagree on an input.
 */
export function scheduleExpressionProblem(expression: unknown): string | undefined {
    return componentScheduleProblem(expression)?.problem;
}

/** True when the runtime's time zone data knows `zone` under exactly that (canonical or alias) name. */
export function isIanaTimeZone(zone: unknown): boolean {
    if (typeof zone !== "string" || zone.length === 0 || zone.length > SCHEDULER_LIMITS.timezoneLength) {
        return false;
    }
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
    } catch {
        return false;
    }
    // Intl matches names case-insensitively; the tz database (and AWS) spell them exactly.
    const supported = (Intl as unknown as { supportedValuesOf?(key: string): string[] }).supportedValuesOf?.("timeZone") ?? [];
    return supported.includes(zone) || ["UTC", "GMT", "Etc/UTC", "Etc/GMT"].includes(zone) || /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(zone);
}

// ---- Per-type rules -------------------------------------------------------------------------------

const FARGATE_LOG_DRIVERS = ["awslogs", "splunk", "awsfirelens"];
const STATE_MACHINE_LOG_LEVELS = ["ALL", "ERROR", "FATAL", "OFF"];

function taskDefinitionRules(p: Record<string, any>, add: Add): void {
    const family = at(p, "family");
    if (typeof family !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
        add(`family ${JSON.stringify(family)} must be 1 to 255 letters, digits, _ or -`);
    }
    const compat: unknown = at(p, "requiresCompatibilities");
    const fargate = Array.isArray(compat) && compat.includes("FARGATE");
    const os = at(p, "runtimePlatform.operatingSystemFamily") ?? "LINUX";
    const arch = at(p, "runtimePlatform.cpuArchitecture");
    if (arch !== undefined && arch !== "X86_64" && arch !== "ARM64") {
        add(`runtimePlatform.cpuArchitecture (${JSON.stringify(arch)}) must be X86_64 or ARM64`);
    }
    if (arch === "ARM64" && os !== "LINUX") {
        add(`runtimePlatform.cpuArchitecture ARM64 runs only on LINUX, not ${os}`);
    }
    if (fargate) {
        if (at(p, "networkMode") !== "awsvpc") {
            add(`networkMode (${JSON.stringify(at(p, "networkMode"))}) must be "awsvpc" on Fargate`);
        }
        const cpu = Number(at(p, "cpu"));
        const memory = Number(at(p, "memory"));
        const memories = FARGATE_SIZES.get(cpu);
        if (!memories || !memories.includes(memory)) {
            add(`cpu ${JSON.stringify(at(p, "cpu"))} with memory ${JSON.stringify(at(p, "memory"))} is not a Fargate size ("No Fargate configuration exists for given values")`);
        } else if (os !== "LINUX" && (cpu < 1024 || cpu > 4096)) {
            add(`cpu ${cpu} is not available for ${os} tasks (1024 to 4096)`);
        }
        const storage = at(p, "ephemeralStorage.sizeInGib");
        intIn(add, "ephemeralStorage.sizeInGib", storage, EPHEMERAL_STORAGE_GIB.min, EPHEMERAL_STORAGE_GIB.max, "GiB");
        if (at(p, "pidMode") !== undefined && at(p, "pidMode") !== "task") {
            add(`pidMode (${JSON.stringify(at(p, "pidMode"))}) must be "task" or unset on Fargate`);
        }
        if (at(p, "ipcMode") !== undefined) {
            add("ipcMode is not supported on Fargate");
        }
    }
    const volumes: any[] = at(p, "volumes") ?? [];
    const volumeNames = new Set<string>();
    volumes.forEach((v, i) => {
        const name = known(v?.name, `volumes.${i}.name`);
        if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
            add(`volumes[${i}].name (${typeof name === "string" ? `${name.length} characters` : JSON.stringify(name)}) must be 1 to 255 letters, digits, _ or -`);
        }
        volumeNames.add(name);
        if (fargate && (known(v?.dockerVolumeConfiguration, `volumes.${i}.dockerVolumeConfiguration`) !== undefined || known(v?.hostPath, `volumes.${i}.hostPath`) !== undefined)) {
            add(`volumes[${i}] uses a Docker volume or host path, which Fargate does not support`);
        }
    });
    const rawDefinitions = at(p, "containerDefinitions");
    if (typeof rawDefinitions === "string") {
        if (Buffer.byteLength(rawDefinitions) > ECS_QUOTAS.taskDefinitionBytes) {
            add(`containerDefinitions is ${Buffer.byteLength(rawDefinitions)} bytes; a task definition may be at most ${ECS_QUOTAS.taskDefinitionBytes}`);
        }
    }
    const containers = parseJson(add, "containerDefinitions", rawDefinitions);
    if (!Array.isArray(containers) || containers.length === 0) {
        add("containerDefinitions must list at least one container");
        return;
    }
    checkContainers(containers, { fargate, taskCpu: Number(at(p, "cpu")), taskMemory: Number(at(p, "memory")), volumeNames, hasExecutionRole: at(p, "executionRoleArn") !== undefined }, add);
}

interface TaskContext {
    readonly fargate: boolean;
    readonly taskCpu: number;
    readonly taskMemory: number;
    readonly volumeNames: ReadonlySet<string>;
    readonly hasExecutionRole: boolean;
}

function checkContainers(containers: any[], t: TaskContext, add: Add): void {
    if (containers.length > ECS_QUOTAS.containersPerTaskDefinition) {
        add(`containerDefinitions lists ${containers.length} containers; a task definition may hold at most ${ECS_QUOTAS.containersPerTaskDefinition}`);
    }
    const names = new Set<string>();
    const ports = new Set<string>();
    let cpu = 0;
    let memory = 0;
    containers.forEach((c, i) => {
        const where = `container ${JSON.stringify(c?.name ?? i)}`;
        if (typeof c?.name !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(c.name)) {
            add(`${where}: name must be 1 to 255 letters, digits, _ or -`);
        } else if (names.has(c.name)) {
            add(`${where}: name is used twice`);
        }
        names.add(c?.name);
        if (typeof c?.image !== "string" || c.image.trim() === "") {
            add(`${where}: image is missing`);
        }
        if (t.fargate) {
            if (c.privileged === true) {
                add(`${where}: privileged containers do not run on Fargate`);
            }
            if (c.links !== undefined) {
                add(`${where}: links are not supported with awsvpc`);
            }
            const lp = c.linuxParameters ?? {};
            if (lp.devices !== undefined) {
                add(`${where}: linuxParameters.devices is not supported on Fargate`);
            }
            const capabilities: unknown[] = lp.capabilities?.add ?? [];
            if (capabilities.some((cap) => cap !== "SYS_PTRACE")) {
                add(`${where}: Fargate lets a container add only the SYS_PTRACE capability`);
            }
            intIn(add, `${where}: stopTimeout`, c.stopTimeout, 0, STOP_TIMEOUT_SECONDS.max, "seconds");
            const logDriver = c.logConfiguration?.logDriver;
            if (logDriver !== undefined && !FARGATE_LOG_DRIVERS.includes(logDriver)) {
                add(`${where}: log driver ${JSON.stringify(logDriver)} is not available on Fargate (${FARGATE_LOG_DRIVERS.join(", ")})`);
            }
        }
        if ((c.logConfiguration?.logDriver === "awslogs" || (c.secrets ?? []).length > 0) && !t.hasExecutionRole) {
            add(`${where}: awslogs and secrets need the task's executionRoleArn`);
        }
        const hc = c.healthCheck;
        if (hc !== undefined) {
            const l = CONTAINER_HEALTH_CHECK_LIMITS;
            if (!Array.isArray(hc.command) || hc.command.length === 0 || !["CMD", "CMD-SHELL", "NONE"].includes(hc.command[0])) {
                add(`${where}: healthCheck.command must start with CMD, CMD-SHELL or NONE`);
            }
            intIn(add, `${where}: healthCheck.interval`, hc.interval, l.intervalSeconds.min, l.intervalSeconds.max, "seconds");
            intIn(add, `${where}: healthCheck.timeout`, hc.timeout, l.timeoutSeconds.min, l.timeoutSeconds.max, "seconds");
            intIn(add, `${where}: healthCheck.retries`, hc.retries, l.retries.min, l.retries.max);
            intIn(add, `${where}: healthCheck.startPeriod`, hc.startPeriod, l.startPeriodSeconds.min, l.startPeriodSeconds.max, "seconds");
        }
        for (const [j, m] of ((c.portMappings ?? []) as any[]).entries()) {
            intIn(add, `${where}: portMappings[${j}].containerPort`, m?.containerPort, 1, 65535);
            if (m?.hostPort !== undefined && m.hostPort !== m.containerPort) {
                add(`${where}: portMappings[${j}].hostPort must equal containerPort with awsvpc`);
            }
            const key = `${m?.containerPort}/${m?.protocol ?? "tcp"}`;
            if (ports.has(key)) {
                add(`${where}: port ${key} is already mapped by a container of the task`);
            }
            ports.add(key);
        }
        for (const [j, m] of ((c.mountPoints ?? []) as any[]).entries()) {
            if (!t.volumeNames.has(m?.sourceVolume)) {
                add(`${where}: mountPoints[${j}].sourceVolume ${JSON.stringify(m?.sourceVolume)} is not a volume of the task`);
            }
        }
        cpu += typeof c.cpu === "number" ? c.cpu : 0;
        const reserved = typeof c.memory === "number" ? c.memory : typeof c.memoryReservation === "number" ? c.memoryReservation : 0;
        if (reserved !== 0 && reserved < 6) {
            add(`${where}: memory reservation ${reserved} MiB is under the 6 MiB minimum`);
        }
        memory += reserved;
    });
    if (!containers.some((c) => c?.essential !== false)) {
        add("at least one container must be essential");
    }
    if (Number.isFinite(t.taskCpu) && cpu > t.taskCpu) {
        add(`the containers reserve ${cpu} CPU units, more than the task's ${t.taskCpu}`);
    }
    if (Number.isFinite(t.taskMemory) && memory > t.taskMemory) {
        add(`the containers reserve ${memory} MiB, more than the task's ${t.taskMemory}`);
    }
}

function capacityStrategyRules(add: Add, path: string, items: unknown): void {
    if (!Array.isArray(items) || items.length === 0) {
        return;
    }
    const c = CAPACITY_LIMITS;
    items.forEach((item: any, i: number) => {
        intIn(add, `${path}[${i}].base`, item?.base, c.base.min, c.base.max);
        intIn(add, `${path}[${i}].weight`, item?.weight, c.weight.min, c.weight.max);
    });
    if (items.filter((item: any) => (item?.base ?? 0) > 0).length > 1) {
        add(`${path}: only one capacity provider may have a base`);
    }
    if (items.every((item: any) => (item?.weight ?? 0) === 0)) {
        add(`${path}: at least one capacity provider needs a weight above 0`);
    }
}

function serviceRules(p: Record<string, any>, add: Add): void {
    const desired = at(p, "desiredCount");
    intIn(add, "desiredCount", desired, 0, Number.MAX_SAFE_INTEGER);
    const min = at(p, "deploymentMinimumHealthyPercent") ?? 100;
    const max = at(p, "deploymentMaximumPercent") ?? 200;
    intIn(add, "deploymentMinimumHealthyPercent", min, 0, 100, "percent");
    if (!isInt(max) || max < min) {
        add(`deploymentMaximumPercent (${JSON.stringify(max)}) must be a whole number not below deploymentMinimumHealthyPercent (${min})`);
    }
    if (isInt(desired) && desired > 0 && isInt(min) && isInt(max) && !deploymentCanProgress(desired, min, max)) {
        add(`a rolling deploy of ${desired} task(s) can never progress at minimum ${min}% / maximum ${max}% (ECS may run ${Math.floor((desired * max) / 100)} and must keep ${Math.ceil((desired * min) / 100)})`);
    }
    const l = WEB_SERVICE_LIMITS;
    intIn(add, "healthCheckGracePeriodSeconds", at(p, "healthCheckGracePeriodSeconds"), l.healthCheckGracePeriodSeconds.min, l.healthCheckGracePeriodSeconds.max, "seconds");
    const version = at(p, "platformVersion");
    if (version !== undefined && version !== "LATEST" && version !== "1.4.0") {
        add(`platformVersion ${JSON.stringify(version)} is not LATEST or 1.4.0 (1.3.0 is retired)`);
    }
    if (at(p, "launchType") !== undefined && (at(p, "capacityProviderStrategies") ?? []).length > 0) {
        add("launchType and capacityProviderStrategies are mutually exclusive");
    }
    capacityStrategyRules(add, "capacityProviderStrategies", at(p, "capacityProviderStrategies"));
    const subnets = at(p, "networkConfiguration.subnets");
    if (Array.isArray(subnets) && (subnets.length === 0 || subnets.length > ECS_QUOTAS.subnetsPerService)) {
        add(`networkConfiguration.subnets lists ${subnets.length} subnets; give 1 to ${ECS_QUOTAS.subnetsPerService}`);
    }
    const groups = at(p, "networkConfiguration.securityGroups");
    if (Array.isArray(groups) && groups.length > ECS_QUOTAS.securityGroupsPerService) {
        add(`networkConfiguration.securityGroups lists ${groups.length} groups; at most ${ECS_QUOTAS.securityGroupsPerService}`);
    }
    ((at(p, "loadBalancers") ?? []) as any[]).forEach((lb, i) => intIn(add, `loadBalancers[${i}].containerPort`, known(lb?.containerPort, `loadBalancers.${i}.containerPort`), 1, 65535));
}

/** One HTTP code, a list ("200,202") or a range ("200-299"), within 200..499. */
export function matcherProblem(matcher: unknown): string | undefined {
    if (typeof matcher !== "string" || !/^\d{3}(-\d{3}|(,\d{3})*)$/.test(matcher)) {
        return "is not an HTTP code, list or range";
    }
    const codes = matcher.split(/[-,]/).map(Number);
    if (codes.some((c) => c < 200 || c > 499) || (matcher.includes("-") && codes[0] > codes[1])) {
        return "must stay within HTTP codes 200 to 499 (a range from low to high)";
    }
    return undefined;
}

/** Target group health check defaults the provider applies (the provider's schema defaults). */
export const TARGET_GROUP_HEALTH_CHECK_DEFAULTS = { interval: 30, timeout: 5 } as const;

function targetGroupRules(p: Record<string, any>, add: Add): void {
    const type = at(p, "targetType") ?? "instance";
    if (type === "lambda") {
        return;
    }
    intIn(add, "port", at(p, "port"), 1, 65535);
    const l = WEB_SERVICE_LIMITS;
    intIn(add, "deregistrationDelay", at(p, "deregistrationDelay"), l.deregistrationDelaySeconds.min, l.deregistrationDelaySeconds.max, "seconds");
    const slowStart = at(p, "slowStart");
    if (slowStart !== undefined && slowStart !== 0) {
        intIn(add, "slowStart", slowStart, l.slowStartSeconds.min, l.slowStartSeconds.max, "seconds (or 0)");
    }
    if (at(p, "stickiness.enabled") === true) {
        intIn(add, "stickiness.cookieDuration", at(p, "stickiness.cookieDuration"), l.stickinessSeconds.min, l.stickinessSeconds.max, "seconds");
    }
    const hc = at(p, "healthCheck");
    if (hc === undefined || hc.enabled === false) {
        return;
    }
    const h = l.healthCheck;
    const interval = at(hc, "interval");
    const timeout = at(hc, "timeout");
    intIn(add, "healthCheck.interval", interval, h.intervalSeconds.min, h.intervalSeconds.max, "seconds");
    intIn(add, "healthCheck.timeout", timeout, h.timeoutSeconds.min, h.timeoutSeconds.max, "seconds");
    intIn(add, "healthCheck.healthyThreshold", at(hc, "healthyThreshold"), h.threshold.min, h.threshold.max);
    intIn(add, "healthCheck.unhealthyThreshold", at(hc, "unhealthyThreshold"), h.threshold.min, h.threshold.max);
    const effectiveInterval = interval ?? TARGET_GROUP_HEALTH_CHECK_DEFAULTS.interval;
    const effectiveTimeout = timeout ?? TARGET_GROUP_HEALTH_CHECK_DEFAULTS.timeout;
    if (effectiveInterval <= effectiveTimeout) {
        add(`healthCheck.interval (${effectiveInterval}) must be greater than healthCheck.timeout (${effectiveTimeout}) ("Health check interval must be greater than the timeout")`);
    }
    const protocol = at(hc, "protocol") ?? at(p, "protocol") ?? "HTTP";
    if (protocol === "HTTP" || protocol === "HTTPS") {
        const path = at(hc, "path");
        if (path !== undefined && (typeof path !== "string" || !path.startsWith("/") || path.length > h.pathLength)) {
            add(`healthCheck.path (${JSON.stringify(path)}) must start with "/" and be at most ${h.pathLength} characters`);
        }
        const matcher = at(hc, "matcher");
        const problem = matcher === undefined ? undefined : matcherProblem(matcher);
        if (problem) {
            add(`healthCheck.matcher (${JSON.stringify(matcher)}) ${problem}`);
        }
    }
}

function loadBalancerRules(p: Record<string, any>, add: Add): void {
    const type = at(p, "loadBalancerType") ?? "application";
    if (type !== "application") {
        return;
    }
    const l = WEB_SERVICE_LIMITS.idleTimeoutSeconds;
    intIn(add, "idleTimeout", at(p, "idleTimeout"), l.min, l.max, "seconds");
    const subnets = at(p, "subnets");
    const mappings = at(p, "subnetMappings");
    const count = Array.isArray(subnets) ? new Set(subnets).size : Array.isArray(mappings) ? mappings.length : undefined;
    if (count !== undefined && count < 2) {
        add(`an Application Load Balancer needs subnets in at least two Availability Zones (got ${count})`);
    }
    const groups = at(p, "securityGroups");
    if (Array.isArray(groups) && groups.length > 5) {
        add(`securityGroups lists ${groups.length} groups; at most 5`);
    }
    const mode = at(p, "desyncMitigationMode");
    if (mode !== undefined && !["monitor", "defensive", "strictest"].includes(mode)) {
        add(`desyncMitigationMode ${JSON.stringify(mode)} must be monitor, defensive or strictest`);
    }
    const prefix = at(p, "accessLogs.prefix");
    if (typeof prefix === "string" && (prefix.startsWith("/") || prefix.endsWith("/") || prefix.includes("AWSLogs"))) {
        add(`accessLogs.prefix ${JSON.stringify(prefix)} must not start or end with "/" nor contain "AWSLogs"`);
    }
}

function listenerRules(p: Record<string, any>, add: Add): void {
    intIn(add, "port", at(p, "port"), 1, 65535);
    const protocol = at(p, "protocol");
    if (protocol === "HTTPS" && at(p, "certificateArn") === undefined) {
        add("an HTTPS listener needs certificateArn");
    }
    const actions: any[] = at(p, "defaultActions") ?? [];
    if (actions.length === 0) {
        add("defaultActions must hold at least one action");
    }
    actions.forEach((a, i) => {
        const type = known(a?.type, `defaultActions.${i}.type`);
        if (type === "forward" && known(a?.targetGroupArn, `defaultActions.${i}.targetGroupArn`) === undefined && a?.forward === undefined) {
            add(`defaultActions[${i}] forwards to no target group`);
        }
        if (type === "redirect" && !["HTTP_301", "HTTP_302"].includes(known(a?.redirect?.statusCode, `defaultActions.${i}.redirect.statusCode`))) {
            add(`defaultActions[${i}].redirect.statusCode must be HTTP_301 or HTTP_302`);
        }
    });
}

function ruleTextRules(p: Record<string, any>, add: Add): void {
    ec2Text(add, "description", at(p, "description"));
    const protocol = at(p, "ipProtocol") ?? at(p, "protocol");
    if (protocol === "tcp" || protocol === "udp" || protocol === "6" || protocol === "17") {
        const from = at(p, "fromPort");
        const to = at(p, "toPort");
        intIn(add, "fromPort", from, 0, 65535);
        intIn(add, "toPort", to, 0, 65535);
        if (isInt(from) && isInt(to) && from > to) {
            add(`fromPort (${from}) is above toPort (${to})`);
        }
    }
}

function securityGroupRules(p: Record<string, any>, add: Add): void {
    ec2Text(add, "description", at(p, "description"));
    for (const direction of ["ingress", "egress"]) {
        ((at(p, direction) ?? []) as any[]).forEach((rule, i) => {
            ec2Text(add, `${direction}[${i}].description`, known(rule?.description, `${direction}.${i}.description`));
            const from = known(rule?.fromPort, `${direction}.${i}.fromPort`);
            const to = known(rule?.toPort, `${direction}.${i}.toPort`);
            if (isInt(from) && isInt(to) && from > to) {
                add(`${direction}[${i}]: fromPort (${from}) is above toPort (${to})`);
            }
        });
    }
}

function logGroupRules(p: Record<string, any>, add: Add): void {
    const days = at(p, "retentionInDays");
    if (days !== undefined && days !== 0 && !LOG_RETENTION_DAYS.includes(days)) {
        add(`retentionInDays (${JSON.stringify(days)}) is not a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(", ")})`);
    }
}

function roleRules(p: Record<string, any>, add: Add): void {
    const description = at(p, "description");
    lengthAtMost(add, "description", description, IAM_QUOTAS.roleDescription);
    if (typeof description === "string" && !/^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/.test(description)) {
        add("description holds characters IAM refuses");
    }
    const trust = at(p, "assumeRolePolicy");
    if (typeof trust === "string" && compactLength(trust) > IAM_QUOTAS.trustPolicyChars) {
        add(`assumeRolePolicy is ${compactLength(trust)} characters; IAM accepts ${IAM_QUOTAS.trustPolicyChars} by default`);
    }
    intIn(add, "maxSessionDuration", at(p, "maxSessionDuration"), 3600, 43200, "seconds");
}

function policyDocumentRules(max: number): Rule {
    return (p, add) => {
        const text = at(p, "policy");
        const doc = parseJson(add, "policy", text);
        if (doc === undefined) {
            return;
        }
        if (typeof text === "string" && compactLength(text) > max) {
            add(`policy is ${compactLength(text)} characters without white space; IAM accepts at most ${max}`);
        }
        const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
        statements.forEach((s: any, i: number) => {
            if (s?.Effect !== "Allow" && s?.Effect !== "Deny") {
                add(`Statement[${i}].Effect must be Allow or Deny`);
            }
            const actions = [s?.Action ?? s?.NotAction].flat();
            if (actions.length === 0 || actions.some((a: unknown) => a === undefined)) {
                add(`Statement[${i}] names no action`);
            }
            for (const action of actions) {
                if (typeof action === "string" && action !== "*" && !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) {
                    add(`Statement[${i}] action ${JSON.stringify(action)} is not of the form service:Action`);
                }
            }
            if (s?.Resource === undefined && s?.NotResource === undefined) {
                add(`Statement[${i}] names no resource`);
            }
        });
    };
}

function scheduleRules(p: Record<string, any>, add: Add): void {
    const problem = scheduleExpressionProblem(at(p, "scheduleExpression"));
    if (problem) {
        add(`scheduleExpression (${JSON.stringify(at(p, "scheduleExpression"))}) ${problem}`);
    }
    const zone = at(p, "scheduleExpressionTimezone");
    if (zone !== undefined && !isIanaTimeZone(zone)) {
        add(`scheduleExpressionTimezone (${JSON.stringify(zone)}) is not an IANA time zone name`);
    }
    lengthAtMost(add, "description", at(p, "description"), SCHEDULER_LIMITS.descriptionLength);
    const mode = at(p, "flexibleTimeWindow.mode");
    const window = at(p, "flexibleTimeWindow.maximumWindowInMinutes");
    if (mode === "FLEXIBLE") {
        const l = BATCH_TASK_LIMITS.flexibleWindowMinutes;
        if (window === undefined) {
            add("flexibleTimeWindow FLEXIBLE needs maximumWindowInMinutes");
        }
        intIn(add, "flexibleTimeWindow.maximumWindowInMinutes", window, l.min, l.max, "minutes");
    } else if (mode !== "OFF") {
        add(`flexibleTimeWindow.mode (${JSON.stringify(mode)}) must be OFF or FLEXIBLE`);
    } else if (window !== undefined) {
        add("flexibleTimeWindow OFF takes no maximumWindowInMinutes");
    }
    const state = at(p, "state");
    if (state !== undefined && state !== "ENABLED" && state !== "DISABLED") {
        add(`state (${JSON.stringify(state)}) must be ENABLED or DISABLED`);
    }
    const s = SCHEDULER_LIMITS;
    intIn(add, "target.retryPolicy.maximumRetryAttempts", at(p, "target.retryPolicy.maximumRetryAttempts"), s.retryAttempts.min, s.retryAttempts.max);
    intIn(add, "target.retryPolicy.maximumEventAgeInSeconds", at(p, "target.retryPolicy.maximumEventAgeInSeconds"), s.eventAgeSeconds.min, s.eventAgeSeconds.max, "seconds");
}

function eventRuleRules(p: Record<string, any>, add: Add): void {
    lengthAtMost(add, "description", at(p, "description"), 512);
    parseJson(add, "eventPattern", at(p, "eventPattern"));
    const expression = at(p, "scheduleExpression");
    if (expression !== undefined) {
        // Rules take rate() and cron() like Scheduler, but not at().
        const problem = /^at\(/.test(expression) ? "uses at(), which only EventBridge Scheduler accepts" : scheduleExpressionProblem(expression);
        if (problem) {
            add(`scheduleExpression (${JSON.stringify(expression)}) ${problem}`);
        }
    }
}

function eventTargetRules(p: Record<string, any>, add: Add): void {
    const transformer = at(p, "inputTransformer");
    if (transformer === undefined) {
        return;
    }
    const paths: Record<string, unknown> = at(transformer, "inputPaths") ?? {};
    const keys = Object.keys(paths);
    if (keys.length > 100) {
        add(`inputTransformer.inputPaths holds ${keys.length} keys; at most 100`);
    }
    const template = at(transformer, "inputTemplate");
    lengthAtMost(add, "inputTransformer.inputTemplate", template, 8192);
    for (const m of String(template ?? "").matchAll(/<([A-Za-z0-9_.-]+)>/g)) {
        if (!keys.includes(m[1]) && !m[1].startsWith("aws.events.")) {
            add(`inputTransformer.inputTemplate uses <${m[1]}>, which inputPaths does not define`);
        }
    }
}

function metricAlarmRules(p: Record<string, any>, add: Add): void {
    lengthAtMost(add, "alarmDescription", at(p, "alarmDescription"), 1024);
    const period = at(p, "period");
    const periods = at(p, "evaluationPeriods");
    if (period !== undefined && !(isInt(period) && ([10, 20, 30].includes(period) || (period > 0 && period % 60 === 0)))) {
        add(`period (${JSON.stringify(period)}) must be 10, 20, 30 or a multiple of 60 seconds`);
    }
    intIn(add, "evaluationPeriods", periods, 1, Number.MAX_SAFE_INTEGER);
    if (isInt(period) && isInt(periods)) {
        const limit = period < 3600 ? ALARM_WINDOW_SECONDS.underAnHour : ALARM_WINDOW_SECONDS.hourOrMore;
        if (period * periods > limit) {
            add(`period x evaluationPeriods is ${period * periods} seconds; CloudWatch evaluates at most ${limit} (${period < 3600 ? "one day for periods under an hour" : "seven days"})`);
        }
    }
    const datapoints = at(p, "datapointsToAlarm");
    if (datapoints !== undefined && isInt(periods)) {
        intIn(add, "datapointsToAlarm", datapoints, 1, periods);
    }
}

function walkStates(states: Record<string, any> | undefined, visit: (name: string, state: any) => void): void {
    for (const [name, state] of Object.entries(states ?? {})) {
        visit(name, state);
        for (const branch of state?.Branches ?? []) {
            walkStates(branch?.States, visit);
        }
        walkStates((state?.ItemProcessor ?? state?.Iterator)?.States, visit);
    }
}

/** A Task state's request: `Arguments` (JSONata) or `Parameters` (JSONPath). */
export function taskArguments(state: any): any {
    return state?.Arguments ?? state?.Parameters ?? {};
}

/** Every state of an Amazon States Language definition, nested ones included. */
export function allStates(definition: any): { name: string; state: any }[] {
    const found: { name: string; state: any }[] = [];
    walkStates(definition?.States, (name, state) => found.push({ name, state }));
    return found;
}

function stateMachineRules(p: Record<string, any>, add: Add): void {
    const text = at(p, "definition");
    if (typeof text === "string" && Buffer.byteLength(text) > STATES_LIMITS.definitionBytes) {
        add(`definition is ${Buffer.byteLength(text)} bytes; at most ${STATES_LIMITS.definitionBytes}`);
    }
    const definition = parseJson(add, "definition", text);
    if (definition !== undefined) {
        if (typeof definition.StartAt !== "string" || definition.States?.[definition.StartAt] === undefined) {
            add("definition.StartAt must name one of its States");
        }
        const s = STATES_LIMITS.seconds;
        for (const { name, state } of allStates(definition)) {
            intIn(add, `${name}.TimeoutSeconds`, state.TimeoutSeconds, s.min, s.max, "seconds");
            intIn(add, `${name}.HeartbeatSeconds`, state.HeartbeatSeconds, s.min, s.max, "seconds");
            ((state.Retry ?? []) as any[]).forEach((r, i) => {
                intIn(add, `${name}.Retry[${i}].IntervalSeconds`, r.IntervalSeconds, s.min, s.max, "seconds");
                intIn(add, `${name}.Retry[${i}].MaxAttempts`, r.MaxAttempts, STATES_LIMITS.maxAttempts.min, STATES_LIMITS.maxAttempts.max);
                if (r.BackoffRate !== undefined && !(typeof r.BackoffRate === "number" && Number.isFinite(r.BackoffRate) && r.BackoffRate >= 1)) {
                    add(`${name}.Retry[${i}].BackoffRate (${JSON.stringify(r.BackoffRate)}) must be a number of at least 1.0`);
                }
            });
            if (/^arn:aws[a-z-]*:states:::ecs:runTask/.test(state.Resource ?? "")) {
                const args = taskArguments(state);
                capacityStrategyRules(add, `${name}.${state.Arguments ? "Arguments" : "Parameters"}.CapacityProviderStrategy`, (args.CapacityProviderStrategy ?? []).map((i: any) => ({ base: i?.Base, weight: i?.Weight })));
                const assign = args.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp;
                if (assign !== undefined && assign !== "ENABLED" && assign !== "DISABLED") {
                    add(`${name}: AssignPublicIp (${JSON.stringify(assign)}) must be ENABLED or DISABLED`);
                }
            }
        }
    }
    const level = at(p, "loggingConfiguration.level");
    if (level !== undefined && !STATE_MACHINE_LOG_LEVELS.includes(level)) {
        add(`loggingConfiguration.level (${JSON.stringify(level)}) must be one of ${STATE_MACHINE_LOG_LEVELS.join(", ")}`);
    }
    const destination = at(p, "loggingConfiguration.logDestination");
    if (typeof destination === "string" && !destination.endsWith(":*")) {
        add('loggingConfiguration.logDestination must be a log group ARN ending in ":*"');
    }
}

function queueRules(p: Record<string, any>, add: Add): void {
    intIn(add, "messageRetentionSeconds", at(p, "messageRetentionSeconds"), 60, 1209600, "seconds");
    intIn(add, "visibilityTimeoutSeconds", at(p, "visibilityTimeoutSeconds"), 0, 43200, "seconds");
    intIn(add, "delaySeconds", at(p, "delaySeconds"), 0, 900, "seconds");
}

function topicRules(p: Record<string, any>, add: Add): void {
    lengthAtMost(add, "displayName", at(p, "displayName"), 100);
}

function certificateRules(p: Record<string, any>, add: Add): void {
    const domain = at(p, "domainName");
    if (typeof domain === "string" && domain.length > ACM_DOMAIN_NAME_MAX) {
        add(`domainName is ${domain.length} characters; a certificate's domain name (its common name) may have at most ${ACM_DOMAIN_NAME_MAX} (RFC 5280); longer names go in subjectAlternativeNames`);
    }
}

function scalingTargetRules(p: Record<string, any>, add: Add): void {
    const min = at(p, "minCapacity");
    const max = at(p, "maxCapacity");
    intIn(add, "minCapacity", min, 0, Number.MAX_SAFE_INTEGER);
    intIn(add, "maxCapacity", max, 0, Number.MAX_SAFE_INTEGER);
    if (isInt(min) && isInt(max) && min > max) {
        add(`minCapacity (${min}) is above maxCapacity (${max})`);
    }
    const resourceId = at(p, "resourceId");
    if (at(p, "serviceNamespace") === "ecs" && typeof resourceId === "string" && !/^service\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/.test(resourceId)) {
        add(`resourceId ${JSON.stringify(resourceId)} is not "service/<cluster>/<service>"`);
    }
}

function scalingPolicyRules(p: Record<string, any>, add: Add): void {
    const config = at(p, "targetTrackingScalingPolicyConfiguration");
    if (config === undefined) {
        return;
    }
    const value = at(config, "targetValue");
    if (typeof value !== "number" || !(value > 0)) {
        add(`targetTrackingScalingPolicyConfiguration.targetValue (${JSON.stringify(value)}) must be above 0`);
    }
    intIn(add, "scaleInCooldown", at(config, "scaleInCooldown"), 0, Number.MAX_SAFE_INTEGER, "seconds");
    intIn(add, "scaleOutCooldown", at(config, "scaleOutCooldown"), 0, Number.MAX_SAFE_INTEGER, "seconds");
    const metric = at(config, "predefinedMetricSpecification");
    if (metric?.predefinedMetricType === "ALBRequestCountPerTarget") {
        const label = at(metric, "resourceLabel");
        if (typeof label !== "string" || !/^app\/[^/]+\/[^/]+\/targetgroup\/[^/]+\/[^/]+$/.test(label) || label.length > 1023) {
            add(`ALBRequestCountPerTarget needs resourceLabel "app/<lb>/<id>/targetgroup/<tg>/<id>" (got ${JSON.stringify(label)})`);
        }
    }
}

const RULES: Readonly<Record<string, readonly Rule[]>> = {
    "aws:ecs/taskDefinition:TaskDefinition": [taskDefinitionRules],
    "aws:ecs/service:Service": [serviceRules],
    "aws:lb/targetGroup:TargetGroup": [targetGroupRules],
    "aws:lb/loadBalancer:LoadBalancer": [loadBalancerRules],
    "aws:lb/listener:Listener": [listenerRules],
    "aws:ec2/securityGroup:SecurityGroup": [securityGroupRules],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [ruleTextRules],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [ruleTextRules],
    "aws:ec2/securityGroupRule:SecurityGroupRule": [ruleTextRules],
    "aws:cloudwatch/logGroup:LogGroup": [logGroupRules],
    "aws:iam/role:Role": [roleRules],
    "aws:iam/rolePolicy:RolePolicy": [policyDocumentRules(IAM_QUOTAS.inlineRolePoliciesChars)],
    "aws:iam/policy:Policy": [policyDocumentRules(IAM_QUOTAS.managedPolicyChars)],
    "aws:scheduler/schedule:Schedule": [scheduleRules],
    "aws:cloudwatch/eventRule:EventRule": [eventRuleRules],
    "aws:cloudwatch/eventTarget:EventTarget": [eventTargetRules],
    "aws:cloudwatch/metricAlarm:MetricAlarm": [metricAlarmRules],
    "aws:sfn/stateMachine:StateMachine": [stateMachineRules],
    "aws:sqs/queue:Queue": [queueRules],
    "aws:sns/topic:Topic": [topicRules],
    "aws:acm/certificate:Certificate": [certificateRules],
    "aws:appautoscaling/target:Target": [scalingTargetRules],
    "aws:appautoscaling/policy:Policy": [scalingPolicyRules],
    "aws:ecs/cluster:Cluster": [],
};

/** Resource types {@link checkResourceLimits} knows (others pass unchecked). */
export const LIMIT_CHECKED_TYPES: readonly string[] = [...new Set([...Object.keys(RULES), ...Object.keys(NAME_RULES)])];

/**
 * Checks one resource against the AWS limits of its type. `props` are its inputs (as a policy or
 * the mocks see them); with `logicalName`, a name Pulumi will generate is checked too. Values
 * unknown at preview are not guessed: their paths are returned in `unknown`.
 */
export function checkResourceLimits(type: string, props: Record<string, any>, logicalName?: string): LimitReport {
    const canonical = canonicalType(type);
    const violations: string[] = [];
    const unknown: string[] = [];
    const rules: Rule[] = [...(RULES[canonical] ?? [])];
    const nameRuleOfType = NAME_RULES[canonical];
    if (nameRuleOfType) {
        rules.unshift(nameRule(nameRuleOfType));
    }
    for (const rule of rules) {
        try {
            rule(props, (m) => violations.push(m), logicalName);
        } catch (e) {
            if (!isUnknownError(e)) {
                throw e;
            }
            unknown.push(...unknownPaths(e));
        }
    }
    return { violations, unknown };
}

/** A resource of a stack, as a stack policy (or the mocks) sees it. */
export interface StackResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, any>;
}

const byName = (r: StackResource) => r.name;

function parsedOrUndefined(text: unknown): any {
    try {
        return typeof text === "string" ? JSON.parse(text) : undefined;
    } catch {
        return undefined;
    }
}

/**
 * Limits that span resources: a Fargate Spot task must be x86_64 Linux, and a service's load
 * balancer entry must name a container port its task definition maps. `props` are the resources'
 * outputs (ARNs known), as a stack policy receives them.
 */
export function checkStackLimits(resources: readonly StackResource[]): { violations: { urn: string; message: string }[]; unknown: string[] } {
    const taskDefinitions = new Map<string, Record<string, any>>();
    const indexed = eachKnown(resources, (r) => {
        if (r.type === "aws:ecs/taskDefinition:TaskDefinition") {
            taskDefinitions.set(known(at(r.props, "arn"), "arn"), r.props);
        }
        return [];
    }, byName);
    const spotProblem = (td: Record<string, any>) => {
        const arch = at(td, "runtimePlatform.cpuArchitecture") ?? "X86_64";
        const os = at(td, "runtimePlatform.operatingSystemFamily") ?? "LINUX";
        return arch !== "X86_64" || os !== "LINUX" ? `runs ${os} ${arch} tasks on FARGATE_SPOT, which runs only LINUX X86_64` : undefined;
    };
    const usesSpot = (strategy: any[], provider: string, weight: string, base: string) => strategy.some((s) => s?.[provider] === "FARGATE_SPOT" && (s?.[weight] > 0 || s?.[base] > 0));
    const checked = eachKnown(resources, (r) => {
        const found: { urn: string; message: string }[] = [];
        if (r.type === "aws:ecs/service:Service") {
            const td = taskDefinitions.get(known(at(r.props, "taskDefinition"), "taskDefinition"));
            if (!td) {
                return found;
            }
            const problem = usesSpot(at(r.props, "capacityProviderStrategies") ?? [], "capacityProvider", "weight", "base") ? spotProblem(td) : undefined;
            if (problem) {
                found.push({ urn: r.urn, message: `${r.name} ${problem}` });
            }
            const containers: any[] = parsedOrUndefined(at(td, "containerDefinitions")) ?? [];
            ((at(r.props, "loadBalancers") ?? []) as any[]).forEach((lb, i) => {
                const name = known(lb?.containerName, `loadBalancers.${i}.containerName`);
                const port = known(lb?.containerPort, `loadBalancers.${i}.containerPort`);
                const container = containers.find((c) => c?.name === name);
                if (!container || !((container.portMappings ?? []) as any[]).some((m) => m?.containerPort === port)) {
                    found.push({ urn: r.urn, message: `${r.name}: load balancer target ${name}:${port} is not a port mapping of its task definition` });
                }
            });
        }
        if (r.type === "aws:sfn/stateMachine:StateMachine") {
            for (const { name, state } of allStates(parsedOrUndefined(at(r.props, "definition")))) {
                const params = taskArguments(state);
                const td = taskDefinitions.get(params.TaskDefinition);
                const problem = td && usesSpot(params.CapacityProviderStrategy ?? [], "CapacityProvider", "Weight", "Base") ? spotProblem(td) : undefined;
                if (problem) {
                    found.push({ urn: r.urn, message: `${r.name} state ${name} ${problem}` });
                }
            }
        }
        return found;
    }, byName);
    return { violations: checked.results, unknown: [...indexed.unknown, ...checked.unknown] };
}
