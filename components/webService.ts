import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CapacityProviderStrategyItem } from "./capacity";
import { ClusterInput, resolveCluster, ResolvedCluster, validateCluster } from "./cluster";
import { Validator } from "./errors";
import { childName, NAME_LIMITS, stableHash, validateComponentName } from "./naming";
import { componentOptions, TYPE_TOKENS } from "./tokens";
import { TaskNetwork, validateSubnetIds, validateTaskNetwork } from "./network";
import { createTaskDefinition, MAIN_CONTAINER_NAME, resolveTaskSpec, TaskDefinitionArgs, TaskDefinitionResources, TaskSpec } from "./taskDefinition";

/** TLS policies that pass Security Hub ELB.17 (the older `-TLS13-1-2-2021-06` no longer does). */
export const ELB17_SSL_POLICIES: readonly string[] = [
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
];

/** A Route 53 name for the service: the component requests and validates its certificate. */
export interface DomainArgs {
    /** Fully qualified name, such as `todo.example.com`. */
    readonly name: string;
    /** Id of the Route 53 hosted zone that holds `name`. */
    readonly zoneId: pulumi.Input<string>;
}

/** The Application Load Balancer in front of the service. */
export interface LoadBalancerArgs {
    /** Subnets of the load balancer, in at least two Availability Zones (public ones unless `internal`). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Reachable only inside the VPC. @default false (internet-facing) */
    readonly internal?: boolean;
    /**
     * Client IPv4 CIDRs allowed to reach the listeners. The load balancer is IPv4-only, so IPv6
     * CIDRs are refused (they would admit no one).
     * @default ["0.0.0.0/0"]
     */
    readonly allowedCidrs?: readonly string[];
    /**
     * An existing ACM certificate for HTTPS on 443 (HTTP on 80 then redirects). Give `hostName`
     * with it: no customer certificate covers the load balancer's own DNS name. Conflicts with
     * `domain`. @default none (HTTP only)
     */
    readonly certificateArn?: pulumi.Input<string>;
    /**
     * With `certificateArn`: the host name clients use, which the certificate covers; `url` is
     * `https://<hostName>`. Point its DNS record (a CNAME, or a Route 53 alias) at the load
     * balancer's DNS name yourself, or use `domain` to have the record made.
     * @example "todo.example.com"
     */
    readonly hostName?: string;
    /** A name in Route 53: the component creates a DNS-validated certificate and an alias record. Conflicts with `certificateArn`. @default none */
    readonly domain?: DomainArgs;
    /** TLS policy of the HTTPS listener, one that passes Security Hub ELB.17. @default "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" */
    readonly sslPolicy?: string;
    /** Seconds an idle connection stays open, 1 to 4000. @default 60 */
    readonly idleTimeoutSeconds?: number;
    /** Refuse deletion of the load balancer (Security Hub ELB.6); `pulumi destroy` then fails until it is turned off. @default false */
    readonly deletionProtection?: boolean;
    /** Write access logs to this S3 bucket (its policy must let Elastic Load Balancing write; Security Hub ELB.5). @default off */
    readonly accessLogs?: { readonly bucket: pulumi.Input<string>; readonly prefix?: string };
}

/** The target group's health check, tuned for fast deploys by default. */
export interface TargetHealthCheckArgs {
    /** Path requested, starting with `/`. @default "/" */
    readonly path?: string;
    /** Seconds between checks, 5 to 300, greater than the timeout. @default 10 */
    readonly intervalSeconds?: number;
    /** Seconds before a check fails, 2 to 120. @default 5 */
    readonly timeoutSeconds?: number;
    /** Consecutive successes before a target is healthy, 2 to 10. @default 2 */
    readonly healthyThreshold?: number;
    /** Consecutive failures before a target is unhealthy, 2 to 10. @default 3 */
    readonly unhealthyThreshold?: number;
    /**
     * HTTP codes that count as healthy: one code, a list ("200,202") or a range ("200-299"), within
     * 200 to 499. Only 200 by default: a redirect (to a login page, say) is not a healthy app.
     * @default "200"
     */
    readonly matcher?: string;
}

/** Rolling deployment bounds, as percentages of the desired count. */
export interface DeploymentArgs {
    /** Tasks that must stay running during a deploy, 0 to 100 (rounded up). @default 100 */
    readonly minHealthyPercent?: number;
    /** Tasks that may run during a deploy, 100 to 200 (rounded down). @default 200 */
    readonly maxPercent?: number;
}

/** Target tracking autoscaling of the service's task count. */
export interface AutoscalingArgs {
    /** Fewest tasks. */
    readonly minCount: number;
    /** Most tasks. */
    readonly maxCount: number;
    /** Keep average CPU near this percentage. @default 60 when no target is given */
    readonly cpuTargetPercent?: number;
    /** Keep average memory near this percentage. @default none */
    readonly memoryTargetPercent?: number;
    /** Keep load balancer requests per task (per minute) near this number. @default none */
    readonly requestsPerTarget?: number;
    /** Seconds after a scale-out before another. @default 60 */
    readonly scaleOutCooldownSeconds?: number;
    /** Seconds after a scale-in before another. @default 300 */
    readonly scaleInCooldownSeconds?: number;
}

/** Arguments of {@link WebService}. Defaults are in {@link WEB_SERVICE_DEFAULTS}. */
export interface WebServiceArgs extends TaskDefinitionArgs {
    /** Port the main container listens on (non-root processes cannot bind below 1024). @default 8080 */
    readonly port?: number;
    /**
     * Cluster to run in: an `aws.ecs.Cluster` or a cluster ARN. It must have the FARGATE and
     * FARGATE_SPOT capacity providers associated. @default a new cluster with Container Insights and both providers
     */
    readonly cluster?: ClusterInput;
    /** Subnets and VPC of the tasks. */
    readonly network: TaskNetwork;
    /** The load balancer. */
    readonly loadBalancer: LoadBalancerArgs;
    /** Target group health check. @default { path: "/", intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: "200" } */
    readonly healthCheck?: TargetHealthCheckArgs;
    /** Seconds the load balancer drains a target before ECS stops it, 0 to 3600 (under 120 with spot). @default 30 */
    readonly deregistrationDelaySeconds?: number;
    /** Seconds a new target ramps up its share of requests: 0 (off) or 30 to 900. @default 0 */
    readonly slowStartSeconds?: number;
    /** Send a client to the same task with a load balancer cookie for this many seconds (1 to 604800). @default off */
    readonly stickinessSeconds?: number;
    /** Seconds ECS ignores failing load balancer health checks of a new task (set it to the app's cold start). @default 60 */
    readonly healthCheckGracePeriodSeconds?: number;
    /** Tasks to run; with `autoscaling`, only the starting count (later changes are ignored so a deploy never resets a scaled-out service). @default 2 */
    readonly desiredCount?: number;
    /** Rolling deployment bounds. @default { minHealthyPercent: 100, maxPercent: 200 } */
    readonly deployment?: DeploymentArgs;
    /**
     * Make `pulumi up` wait until the deployment completes, so a rollout that never stabilises, or
     * that the circuit breaker rolls back, fails the update (the provider reports a successful
     * rollback as an error; see docs/aws-behaviour.md). @default true
     */
    readonly waitForSteadyState?: boolean;
    /** Scale the task count between bounds. @default off */
    readonly autoscaling?: AutoscalingArgs;
    /** Allow `aws ecs execute-command` into the tasks (adds the agent's permissions and writable paths). @default false */
    readonly enableExecuteCommand?: boolean;
}

/** Defaults of {@link WebServiceArgs}; the TSDoc of each argument repeats them. */
export const WEB_SERVICE_DEFAULTS = {
    /** Non-root processes cannot bind 80. */
    port: 8080,
    /** One task is not highly available: two spread over two AZs survive one failing. */
    desiredCount: 2,
    /** A new target is healthy after one passing check, so the interval bounds how soon it takes traffic; 200 only, so a redirect to a login page is not healthy. */
    healthCheck: { path: "/", intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: "200" },
    /** AWS's 300 s adds five minutes to every deploy; 30 s lets most requests finish. */
    deregistrationDelaySeconds: 30,
    slowStartSeconds: 0,
    /** Most web apps answer within a minute of starting. */
    healthCheckGracePeriodSeconds: 60,
    /** Full capacity is kept during a deploy and doubled at most. */
    deployment: { minHealthyPercent: 100, maxPercent: 200 },
    /** `pulumi up` waits for healthy tasks instead of returning before they start. */
    waitForSteadyState: true,
    enableExecuteCommand: false,
    loadBalancer: {
        internal: false,
        /** Everyone, over IPv4: the load balancer answers no IPv6 client. */
        allowedCidrs: ["0.0.0.0/0"] as readonly string[],
        /** Security Hub ELB.17's current recommendation; the API default is TLS 1.0. */
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        idleTimeoutSeconds: 60,
        /** Off so `pulumi destroy` works; stacks with data turn it on. */
        deletionProtection: false,
    },
    autoscaling: { cpuTargetPercent: 60, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 },
} as const;

/** Limits of the arguments, from AWS's documented ranges. */
export const WEB_SERVICE_LIMITS = {
    desiredCount: { min: 0, max: 5000 },
    deregistrationDelaySeconds: { min: 0, max: 3600 },
    spotDeregistrationDelaySeconds: 120,
    slowStartSeconds: { min: 30, max: 900 },
    stickinessSeconds: { min: 1, max: 604800 },
    healthCheckGracePeriodSeconds: { min: 0, max: 2147483647 },
    healthCheck: { intervalSeconds: { min: 5, max: 300 }, timeoutSeconds: { min: 2, max: 120 }, threshold: { min: 2, max: 10 }, pathLength: 1024 },
    idleTimeoutSeconds: { min: 1, max: 4000 },
    cooldownSeconds: { min: 0, max: 86400 },
    /** ACM refuses a certificate whose domain name (common name) is longer. */
    certificateDomainNameLength: 64,
} as const;

const DOMAIN_NAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

/** A short, unique, URN-safe label for a CIDR in a logical name. */
function cidrLabel(cidr: string): string {
    if (cidr === "0.0.0.0/0") {
        return "any-ipv4";
    }
    if (cidr === "::/0") {
        return "any-ipv6";
    }
    return `${cidr.includes(":") ? "ipv6" : "ipv4"}-${stableHash(cidr, 8)}`;
}

/** Everything the constructor needs, validated and with defaults filled in. */
interface WebServicePlan {
    readonly spec: TaskSpec;
    readonly port: number;
    readonly desiredCount: number;
    readonly healthCheck: Required<TargetHealthCheckArgs>;
    readonly deregistrationDelaySeconds: number;
    readonly slowStartSeconds: number;
    readonly stickinessSeconds?: number;
    readonly healthCheckGracePeriodSeconds: number;
    readonly deployment: Required<DeploymentArgs>;
    readonly waitForSteadyState: boolean;
    readonly enableExecuteCommand: boolean;
    readonly https: boolean;
    readonly loadBalancer: {
        readonly internal: boolean;
        readonly allowedCidrs: readonly string[];
        readonly sslPolicy: string;
        readonly idleTimeoutSeconds: number;
        readonly deletionProtection: boolean;
    };
    readonly autoscaling?: Required<Omit<AutoscalingArgs, "memoryTargetPercent" | "requestsPerTarget" | "cpuTargetPercent">> & {
        readonly cpuTargetPercent?: number;
        readonly memoryTargetPercent?: number;
        readonly requestsPerTarget?: number;
    };
}

/**
 * The role in the service's logical name, one per capacity strategy. The AWS provider refuses to
 * change a service's strategy unless `forceNewDeployment` is on, and that flag would roll every
 * task on every later update; so a strategy change makes a new service (created, and stable,
 * before the old one is deleted) instead. On demand keeps plain "service", the name earlier
 * versions gave every service.
 */
export function serviceRole(strategy: readonly CapacityProviderStrategyItem[]): string {
    if (strategy.length === 1 && strategy[0].capacityProvider === "FARGATE" && strategy[0].weight === 1 && strategy[0].base === 0) {
        return "service";
    }
    if (strategy.length === 1 && strategy[0].capacityProvider === "FARGATE_SPOT" && strategy[0].weight === 1 && strategy[0].base === 0) {
        return "service-spot";
    }
    return `service-${strategy.map((i) => `${i.capacityProvider === "FARGATE" ? "od" : "spot"}${i.weight}b${i.base}`).join("-")}`;
}

/** True when a rolling deploy of `count` tasks can start a new task before stopping an old one, or stop one first. */
export function deploymentCanProgress(count: number, minHealthyPercent: number, maxPercent: number): boolean {
    return Math.floor((count * maxPercent) / 100) > Math.ceil((count * minHealthyPercent) / 100);
}

function validateMatcher(v: Validator, matcher: string): void {
    const path = "healthCheck.matcher";
    const fix = 'use one code ("200"), a list ("200,202") or a range ("200-399") within 200..499';
    if (typeof matcher !== "string" || !/^\d{3}(-\d{3}|(,\d{3})*)$/.test(matcher)) {
        throw v.error(path, matcher, "is not an HTTP code, list or range", fix);
    }
    const codes = matcher.split(/[-,]/).map(Number);
    if (codes.some((c) => c < 200 || c > 499) || (matcher.includes("-") && codes[0] > codes[1])) {
        throw v.error(path, matcher, "must stay within HTTP codes 200 to 499, a range from low to high", fix);
    }
}

function validateHealthCheck(v: Validator, hc: TargetHealthCheckArgs | undefined): Required<TargetHealthCheckArgs> {
    const d = WEB_SERVICE_DEFAULTS.healthCheck;
    const l = WEB_SERVICE_LIMITS.healthCheck;
    const merged = { ...d, ...(hc ?? {}) };
    if (typeof merged.path !== "string" || !merged.path.startsWith("/") || merged.path.length > l.pathLength) {
        throw v.error("healthCheck.path", merged.path, `must start with "/" and be at most ${l.pathLength} characters`, 'write it as a path, such as "/health"');
    }
    v.integer("healthCheck.intervalSeconds", merged.intervalSeconds, l.intervalSeconds.min, l.intervalSeconds.max, "seconds");
    v.integer("healthCheck.timeoutSeconds", merged.timeoutSeconds, l.timeoutSeconds.min, l.timeoutSeconds.max, "seconds");
    if (merged.intervalSeconds <= merged.timeoutSeconds) {
        throw v.error("healthCheck.intervalSeconds", merged.intervalSeconds, `must be greater than healthCheck.timeoutSeconds (${merged.timeoutSeconds})`, "raise the interval or lower the timeout");
    }
    v.integer("healthCheck.healthyThreshold", merged.healthyThreshold, l.threshold.min, l.threshold.max);
    v.integer("healthCheck.unhealthyThreshold", merged.unhealthyThreshold, l.threshold.min, l.threshold.max);
    validateMatcher(v, merged.matcher);
    return merged;
}

function validateLoadBalancer(v: Validator, lb: LoadBalancerArgs | undefined): WebServicePlan["loadBalancer"] & { https: boolean } {
    if (typeof lb !== "object" || lb === null) {
        throw v.error("loadBalancer", lb, "is missing", "give at least { subnetIds } in two Availability Zones");
    }
    const d = WEB_SERVICE_DEFAULTS.loadBalancer;
    validateSubnetIds(v, "loadBalancer.subnetIds", lb.subnetIds, 2, " (an Application Load Balancer needs two Availability Zones)");
    const internal = lb.internal === undefined ? d.internal : v.boolean("loadBalancer.internal", lb.internal);
    const allowedCidrs = lb.allowedCidrs ?? d.allowedCidrs;
    if (!Array.isArray(allowedCidrs) || allowedCidrs.length === 0) {
        throw v.error("loadBalancer.allowedCidrs", allowedCidrs, "must list at least one CIDR", 'give for example ["10.0.0.0/8"], or leave it out to allow everyone');
    }
    allowedCidrs.forEach((cidr, i) => {
        if (typeof cidr === "string" && IPV6_CIDR.test(cidr)) {
            throw v.error(`loadBalancer.allowedCidrs[${i}]`, cidr, "is an IPv6 CIDR, but the load balancer is IPv4-only (ipAddressType ipv4), so it would admit no one", "remove it; IPv6 clients cannot reach an IPv4-only load balancer");
        }
        if (typeof cidr !== "string" || !IPV4_CIDR.test(cidr)) {
            throw v.error(`loadBalancer.allowedCidrs[${i}]`, cidr, "is not an IPv4 CIDR block", 'write it like "203.0.113.0/24"');
        }
        if (allowedCidrs.indexOf(cidr) !== i) {
            throw v.error(`loadBalancer.allowedCidrs[${i}]`, cidr, "is listed twice", "list each CIDR once");
        }
    });
    if (lb.certificateArn !== undefined && lb.domain !== undefined) {
        throw v.conflict("loadBalancer.certificateArn", "and loadBalancer.domain are mutually exclusive (domain creates its own certificate)", "give one of them");
    }
    if (typeof lb.certificateArn === "string" && !CERTIFICATE_ARN.test(lb.certificateArn)) {
        throw v.error("loadBalancer.certificateArn", lb.certificateArn, "is not an ACM certificate ARN", 'use "arn:aws:acm:REGION:ACCOUNT:certificate/ID"');
    }
    if (lb.certificateArn !== undefined && lb.hostName === undefined) {
        throw v.conflict(
            "loadBalancer.hostName",
            "is missing: with certificateArn, clients must use a name the certificate covers (no customer certificate covers the load balancer's own DNS name)",
            'give the host name, such as hostName: "todo.example.com", and point its DNS record at the load balancer',
        );
    }
    if (lb.hostName !== undefined) {
        if (lb.certificateArn === undefined) {
            throw v.error("loadBalancer.hostName", lb.hostName, "is only used with certificateArn", "remove it, or use domain to have a certificate and DNS record made for a name");
        }
        if (typeof lb.hostName !== "string" || !DOMAIN_NAME.test(lb.hostName) || lb.hostName.startsWith("*.")) {
            throw v.error("loadBalancer.hostName", lb.hostName, "is not a lowercase fully qualified host name", 'write it like "todo.example.com"');
        }
    }
    if (lb.domain !== undefined) {
        if (typeof lb.domain?.name !== "string" || !DOMAIN_NAME.test(lb.domain.name)) {
            throw v.error("loadBalancer.domain.name", lb.domain?.name, "is not a lowercase fully qualified domain name", 'write it like "todo.example.com"');
        }
        if (lb.domain.name.length > WEB_SERVICE_LIMITS.certificateDomainNameLength) {
            throw v.error("loadBalancer.domain.name", lb.domain.name, `is ${lb.domain.name.length} characters, but an ACM certificate's domain name may have at most ${WEB_SERVICE_LIMITS.certificateDomainNameLength}`, "use a shorter name, or bring a certificate with certificateArn");
        }
        if (lb.domain.zoneId === undefined || lb.domain.zoneId === "") {
            throw v.error("loadBalancer.domain.zoneId", lb.domain.zoneId, "is missing", "give the id of the Route 53 hosted zone that holds the name");
        }
    }
    const sslPolicy = v.oneOf("loadBalancer.sslPolicy", lb.sslPolicy ?? d.sslPolicy, ELB17_SSL_POLICIES, `use ${d.sslPolicy} (the Security Hub ELB.17 list)`);
    const idleTimeoutSeconds = v.integer("loadBalancer.idleTimeoutSeconds", lb.idleTimeoutSeconds ?? d.idleTimeoutSeconds, WEB_SERVICE_LIMITS.idleTimeoutSeconds.min, WEB_SERVICE_LIMITS.idleTimeoutSeconds.max, "seconds");
    const deletionProtection = lb.deletionProtection === undefined ? d.deletionProtection : v.boolean("loadBalancer.deletionProtection", lb.deletionProtection);
    if (lb.accessLogs !== undefined) {
        if (lb.accessLogs.bucket === undefined || lb.accessLogs.bucket === "") {
            throw v.error("loadBalancer.accessLogs.bucket", lb.accessLogs.bucket, "is missing", "give the name of an S3 bucket that Elastic Load Balancing may write to");
        }
        const prefix = lb.accessLogs.prefix;
        if (prefix !== undefined && (typeof prefix !== "string" || prefix.startsWith("/") || prefix.endsWith("/") || prefix.includes("AWSLogs"))) {
            throw v.error("loadBalancer.accessLogs.prefix", prefix, 'must not start or end with "/" nor contain "AWSLogs"', 'write it like "todo/web"');
        }
    }
    return { internal, allowedCidrs, sslPolicy, idleTimeoutSeconds, deletionProtection, https: lb.certificateArn !== undefined || lb.domain !== undefined };
}

function validateAutoscaling(v: Validator, a: AutoscalingArgs | undefined, desiredCount: number | undefined): WebServicePlan["autoscaling"] {
    if (a === undefined) {
        return undefined;
    }
    const max = WEB_SERVICE_LIMITS.desiredCount.max;
    const minCount = v.integer("autoscaling.minCount", a.minCount, 0, max, "tasks");
    const maxCount = v.integer("autoscaling.maxCount", a.maxCount, 1, max, "tasks");
    if (minCount > maxCount) {
        throw v.error("autoscaling.minCount", minCount, `is greater than autoscaling.maxCount (${maxCount})`, "lower minCount or raise maxCount");
    }
    if (desiredCount !== undefined && (desiredCount < minCount || desiredCount > maxCount)) {
        throw v.error("desiredCount", desiredCount, `is outside autoscaling.minCount..maxCount (${minCount}..${maxCount})`, "set a starting count within the bounds, or leave desiredCount out");
    }
    const d = WEB_SERVICE_DEFAULTS.autoscaling;
    const none = a.cpuTargetPercent === undefined && a.memoryTargetPercent === undefined && a.requestsPerTarget === undefined;
    const cpuTargetPercent = none ? d.cpuTargetPercent : a.cpuTargetPercent;
    if (cpuTargetPercent !== undefined) {
        v.number("autoscaling.cpuTargetPercent", cpuTargetPercent, 1, 100);
    }
    if (a.memoryTargetPercent !== undefined) {
        v.number("autoscaling.memoryTargetPercent", a.memoryTargetPercent, 1, 100);
    }
    if (a.requestsPerTarget !== undefined) {
        v.integer("autoscaling.requestsPerTarget", a.requestsPerTarget, 1, 1000000, "requests per task per minute");
    }
    const c = WEB_SERVICE_LIMITS.cooldownSeconds;
    return {
        minCount,
        maxCount,
        cpuTargetPercent,
        memoryTargetPercent: a.memoryTargetPercent,
        requestsPerTarget: a.requestsPerTarget,
        scaleOutCooldownSeconds: v.integer("autoscaling.scaleOutCooldownSeconds", a.scaleOutCooldownSeconds ?? d.scaleOutCooldownSeconds, c.min, c.max, "seconds"),
        scaleInCooldownSeconds: v.integer("autoscaling.scaleInCooldownSeconds", a.scaleInCooldownSeconds ?? d.scaleInCooldownSeconds, c.min, c.max, "seconds"),
    };
}

function validateDeployment(v: Validator, deployment: DeploymentArgs | undefined, counts: number[]): Required<DeploymentArgs> {
    const d = WEB_SERVICE_DEFAULTS.deployment;
    const minHealthyPercent = v.integer("deployment.minHealthyPercent", deployment?.minHealthyPercent ?? d.minHealthyPercent, 0, 100, "percent");
    const maxPercent = v.integer("deployment.maxPercent", deployment?.maxPercent ?? d.maxPercent, 100, 200, "percent");
    for (const count of counts.filter((c) => c > 0)) {
        if (!deploymentCanProgress(count, minHealthyPercent, maxPercent)) {
            throw v.conflict(
                "deployment",
                `(minHealthyPercent ${minHealthyPercent}, maxPercent ${maxPercent}) can never make progress with ${count} task${count > 1 ? "s" : ""}: ECS may run at most ${Math.floor((count * maxPercent) / 100)} and must keep ${Math.ceil((count * minHealthyPercent) / 100)}`,
                "raise maxPercent or lower minHealthyPercent",
            );
        }
    }
    return { minHealthyPercent, maxPercent };
}

/** Validates every argument and fills in the defaults; registers nothing. */
function planWebService(name: string, args: WebServiceArgs): WebServicePlan {
    const v = new Validator(name);
    v.check(() => validateComponentName(v, name));
    if (typeof args !== "object" || args === null) {
        v.done();
        throw v.error("args", args, "must be an object", "pass the service's arguments");
    }
    // Every independent check records its problem, so one run reports all of them.
    const d = WEB_SERVICE_DEFAULTS;
    const l = WEB_SERVICE_LIMITS;
    const port = args.port ?? d.port;
    const enableExecuteCommand = args.enableExecuteCommand === undefined ? d.enableExecuteCommand : v.check(() => v.boolean("enableExecuteCommand", args.enableExecuteCommand));
    const spec = v.check(() => resolveTaskSpec(v, name, args, { port, enableExecuteCommand: enableExecuteCommand === true }));
    v.check(() => validateCluster(v, args.cluster));
    v.check(() => validateTaskNetwork(v, args.network));
    const loadBalancer = v.check(() => validateLoadBalancer(v, args.loadBalancer));
    const healthCheck = v.check(() => validateHealthCheck(v, args.healthCheck));
    const countOk = args.desiredCount === undefined || v.check(() => v.integer("desiredCount", args.desiredCount!, l.desiredCount.min, l.desiredCount.max, "tasks")) !== undefined;
    const autoscaling = countOk ? v.check(() => validateAutoscaling(v, args.autoscaling, args.desiredCount)) : undefined;
    const desiredCount = autoscaling ? Math.min(Math.max(args.desiredCount ?? d.desiredCount, autoscaling.minCount), autoscaling.maxCount) : (args.desiredCount ?? d.desiredCount);
    const deployment = v.check(() => validateDeployment(v, args.deployment, autoscaling ? [desiredCount, autoscaling.minCount] : countOk ? [desiredCount] : []));
    const deregistrationDelaySeconds = v.check(() => {
        const delay = v.integer("deregistrationDelaySeconds", args.deregistrationDelaySeconds ?? d.deregistrationDelaySeconds, l.deregistrationDelaySeconds.min, l.deregistrationDelaySeconds.max, "seconds");
        const usesSpot = spec?.capacityProviderStrategy.some((s) => s.capacityProvider === "FARGATE_SPOT") ?? false;
        if (usesSpot && delay >= l.spotDeregistrationDelaySeconds) {
            throw v.error("deregistrationDelaySeconds", delay, `must be under ${l.spotDeregistrationDelaySeconds} seconds with Fargate Spot (an interruption gives two minutes' notice)`, "lower it, or run on demand");
        }
        return delay;
    });
    const slowStartSeconds = args.slowStartSeconds ?? d.slowStartSeconds;
    if (slowStartSeconds !== 0) {
        v.check(() => v.integer("slowStartSeconds", slowStartSeconds, l.slowStartSeconds.min, l.slowStartSeconds.max, "seconds (or 0 for off)"));
    }
    if (args.stickinessSeconds !== undefined) {
        v.check(() => v.integer("stickinessSeconds", args.stickinessSeconds!, l.stickinessSeconds.min, l.stickinessSeconds.max, "seconds"));
    }
    const grace = v.check(() => v.integer("healthCheckGracePeriodSeconds", args.healthCheckGracePeriodSeconds ?? d.healthCheckGracePeriodSeconds, l.healthCheckGracePeriodSeconds.min, l.healthCheckGracePeriodSeconds.max, "seconds"));
    const waitForSteadyState = args.waitForSteadyState === undefined ? d.waitForSteadyState : v.check(() => v.boolean("waitForSteadyState", args.waitForSteadyState));
    v.done();
    return {
        spec: spec!,
        port,
        desiredCount,
        healthCheck: healthCheck!,
        deregistrationDelaySeconds: deregistrationDelaySeconds!,
        slowStartSeconds,
        stickinessSeconds: args.stickinessSeconds,
        healthCheckGracePeriodSeconds: grace!,
        deployment: deployment!,
        waitForSteadyState: waitForSteadyState!,
        enableExecuteCommand: enableExecuteCommand!,
        https: loadBalancer!.https,
        loadBalancer: loadBalancer!,
        autoscaling,
    };
}

/**
 * A long-running Fargate service behind an Application Load Balancer: one stable HTTP or HTTPS
 * endpoint, tasks spread over Availability Zones and replaced when they stop, rolling deploys
 * that roll back by themselves, and `pulumi up` waits until the service is stable.
 *
 * Built only from `@pulumi/aws` resources, every one a child of this component and reachable
 * through the public fields. Every argument is validated before anything is created.
 *
 * @example
 * const web = new WebService("web", {
 *     image: "mcr.microsoft.com/dotnet/samples:aspnetapp",
 *     user: "1654",
 *     network: { vpcId, subnetIds: privateSubnetIds },
 *     loadBalancer: { subnetIds: publicSubnetIds, domain: { name: "todo.example.com", zoneId } },
 * });
 * export const url = web.url;
 */
export class WebService extends pulumi.ComponentResource {
    /** `https://` plus `domain.name` or `hostName` when HTTPS is on, else `http://` plus the load balancer's DNS name. */
    public readonly url: pulumi.Output<string>;
    public readonly loadBalancer: aws.lb.LoadBalancer;
    public readonly targetGroup: aws.lb.TargetGroup;
    /** HTTP:80: forwards, or redirects to HTTPS when HTTPS is on. */
    public readonly httpListener: aws.lb.Listener;
    /** HTTPS:443, when a certificate or domain is given. */
    public readonly httpsListener?: aws.lb.Listener;
    public readonly service: aws.ecs.Service;
    public readonly taskDefinition: aws.ecs.TaskDefinition;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly executionRole: aws.iam.Role;
    public readonly taskRole: aws.iam.Role;
    public readonly loadBalancerSecurityGroup: aws.ec2.SecurityGroup;
    public readonly serviceSecurityGroup: aws.ec2.SecurityGroup;
    /** The autoscaling target, when `autoscaling` is given. */
    public readonly scalingTarget?: aws.appautoscaling.Target;
    /** The DNS-validated certificate, when `domain` is given. */
    public readonly certificate?: aws.acm.Certificate;
    /** The cluster, when the component created it. */
    public readonly cluster?: aws.ecs.Cluster;
    /** Name of the cluster the service runs in. */
    public readonly clusterName: pulumi.Output<string>;

    /**
     * Checks `args` as the constructor would, without creating anything: a program can check all
     * its components before it creates its first resource (values that are Outputs are skipped).
     */
    static validate(name: string, args: WebServiceArgs): void {
        planWebService(name, args);
    }

    constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planWebService(name, args);
        super(TYPE_TOKENS.WebService, name, {}, componentOptions("WebService", opts));

        const cluster = resolveCluster(this, name, args.cluster);
        const task = createTaskDefinition(this, plan.spec);
        const { loadBalancerSecurityGroup, serviceSecurityGroup, taskEgress } = this.createSecurityGroups(name, args, plan);
        const targetGroup = this.createTargetGroup(name, args, plan);
        const loadBalancer = this.createLoadBalancer(name, args, plan, loadBalancerSecurityGroup);
        const certificateArn = this.resolveCertificate(name, args);
        const listeners = this.createListeners(name, plan, loadBalancer, targetGroup, certificateArn?.arn);
        const service = this.createService(name, args, plan, cluster, task, serviceSecurityGroup, targetGroup, [...listeners, ...cluster.dependencies, ...taskEgress]);
        if (args.loadBalancer.domain) {
            this.createAliasRecord(name, args.loadBalancer.domain, loadBalancer);
        }
        this.scalingTarget = plan.autoscaling ? this.createAutoscaling(name, plan, cluster, service, loadBalancer, targetGroup) : undefined;

        this.cluster = cluster.cluster;
        this.clusterName = cluster.name;
        this.loadBalancer = loadBalancer;
        this.targetGroup = targetGroup;
        this.httpListener = listeners[0];
        this.httpsListener = listeners[1];
        this.service = service;
        this.taskDefinition = task.taskDefinition;
        this.logGroup = task.logGroup;
        this.executionRole = task.executionRole;
        this.taskRole = task.taskRole;
        this.loadBalancerSecurityGroup = loadBalancerSecurityGroup;
        this.serviceSecurityGroup = serviceSecurityGroup;
        this.certificate = certificateArn?.certificate;
        const hostName = args.loadBalancer.domain?.name ?? args.loadBalancer.hostName;
        this.url = hostName !== undefined ? pulumi.output(`https://${hostName}`) : pulumi.interpolate`http://${loadBalancer.dnsName}`;
        this.registerOutputs({ url: this.url, serviceName: service.name, clusterName: this.clusterName, loadBalancerArn: loadBalancer.arn });
    }

    /** The load balancer admits its listener ports from the allowed CIDRs and sends only to the tasks' port; the tasks admit only the load balancer. */
    private createSecurityGroups(name: string, args: WebServiceArgs, plan: WebServicePlan) {
        const opts = { parent: this };
        const vpcId = args.network.vpcId;
        const loadBalancerSecurityGroup = new aws.ec2.SecurityGroup(childName(name, "alb-sg"), { vpcId, description: `Load balancer of ${name}: listener ports in, the task port out` }, opts);
        const serviceSecurityGroup = new aws.ec2.SecurityGroup(childName(name, "service-sg"), { vpcId, description: `Tasks of ${name}: the container port from the load balancer only` }, opts);
        const ports = plan.https ? [80, 443] : [80];
        for (const port of ports) {
            for (const cidr of plan.loadBalancer.allowedCidrs) {
                const ipv6 = cidr.includes(":");
                new aws.vpc.SecurityGroupIngressRule(
                    childName(name, `alb-in-${port}-${cidrLabel(cidr)}`),
                    { securityGroupId: loadBalancerSecurityGroup.id, description: `HTTP${port === 443 ? "S" : ""} from ${cidr}`, ipProtocol: "tcp", fromPort: port, toPort: port, ...(ipv6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }) },
                    opts,
                );
            }
        }
        new aws.vpc.SecurityGroupEgressRule(
            childName(name, "alb-out-tasks"),
            { securityGroupId: loadBalancerSecurityGroup.id, description: "Requests and health checks to the tasks", ipProtocol: "tcp", fromPort: plan.port, toPort: plan.port, referencedSecurityGroupId: serviceSecurityGroup.id },
            opts,
        );
        new aws.vpc.SecurityGroupIngressRule(
            childName(name, "service-in-alb"),
            { securityGroupId: serviceSecurityGroup.id, description: "Container port from the load balancer", ipProtocol: "tcp", fromPort: plan.port, toPort: plan.port, referencedSecurityGroupId: loadBalancerSecurityGroup.id },
            opts,
        );
        // The provider removes AWS's default allow-all egress; without it tasks cannot pull images or read secrets.
        const taskEgress: pulumi.Resource[] = [];
        for (const [suffix, cidr] of [["ipv4", { cidrIpv4: "0.0.0.0/0" }], ["ipv6", { cidrIpv6: "::/0" }]] as const) {
            const rule = new aws.vpc.SecurityGroupEgressRule(
                childName(name, `service-out-${suffix}`),
                { securityGroupId: serviceSecurityGroup.id, description: "All outbound: image pulls, secrets, logs, application calls", ipProtocol: "-1", ...cidr },
                opts,
            );
            taskEgress.push(rule);
        }
        return { loadBalancerSecurityGroup, serviceSecurityGroup, taskEgress };
    }

    private createTargetGroup(name: string, args: WebServiceArgs, plan: WebServicePlan): aws.lb.TargetGroup {
        const hc = plan.healthCheck;
        return new aws.lb.TargetGroup(
            childName(name, "tg", NAME_LIMITS.targetGroup),
            {
                vpcId: args.network.vpcId,
                // Fargate tasks (awsvpc) register by IP; the provider's default, instance, cannot hold them.
                targetType: "ip",
                port: plan.port,
                protocol: "HTTP",
                deregistrationDelay: plan.deregistrationDelaySeconds,
                slowStart: plan.slowStartSeconds,
                healthCheck: {
                    enabled: true,
                    path: hc.path,
                    protocol: "HTTP",
                    port: "traffic-port",
                    interval: hc.intervalSeconds,
                    timeout: hc.timeoutSeconds,
                    healthyThreshold: hc.healthyThreshold,
                    unhealthyThreshold: hc.unhealthyThreshold,
                    matcher: hc.matcher,
                },
                stickiness: plan.stickinessSeconds !== undefined ? { type: "lb_cookie", enabled: true, cookieDuration: plan.stickinessSeconds } : { type: "lb_cookie", enabled: false },
            },
            { parent: this },
        );
    }

    private createLoadBalancer(name: string, args: WebServiceArgs, plan: WebServicePlan, securityGroup: aws.ec2.SecurityGroup): aws.lb.LoadBalancer {
        const lb = plan.loadBalancer;
        const logs = args.loadBalancer.accessLogs;
        return new aws.lb.LoadBalancer(
            childName(name, "alb", NAME_LIMITS.loadBalancer),
            {
                loadBalancerType: "application",
                internal: lb.internal,
                subnets: args.loadBalancer.subnetIds,
                securityGroups: [securityGroup.id],
                ipAddressType: "ipv4",
                dropInvalidHeaderFields: true,
                desyncMitigationMode: "defensive",
                idleTimeout: lb.idleTimeoutSeconds,
                enableDeletionProtection: lb.deletionProtection,
                ...(logs ? { accessLogs: { bucket: logs.bucket, enabled: true, ...(logs.prefix ? { prefix: logs.prefix } : {}) } } : {}),
            },
            { parent: this },
        );
    }

    /** The certificate ARN for HTTPS: the given one, or a new DNS-validated one for `domain`. */
    private resolveCertificate(name: string, args: WebServiceArgs): { arn: pulumi.Output<string>; certificate?: aws.acm.Certificate } | undefined {
        const lb = args.loadBalancer;
        if (lb.certificateArn !== undefined) {
            return { arn: pulumi.output(lb.certificateArn) };
        }
        if (lb.domain === undefined) {
            return undefined;
        }
        const opts = { parent: this };
        const domain = lb.domain;
        const certificate = new aws.acm.Certificate(childName(name, "certificate"), { domainName: domain.name, validationMethod: "DNS" }, { parent: this });
        const option = certificate.domainValidationOptions.apply((o) => o[0]);
        const record = new aws.route53.Record(
            childName(name, "certificate-validation-record"),
            { zoneId: domain.zoneId, name: option.resourceRecordName, type: option.resourceRecordType, records: [option.resourceRecordValue], ttl: 60, allowOverwrite: true },
            opts,
        );
        const validation = new aws.acm.CertificateValidation(childName(name, "certificate-validation"), { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] }, opts);
        return { arn: validation.certificateArn, certificate };
    }

    /** HTTP:80 forwards, or, with a certificate, redirects to HTTPS:443, which forwards. */
    private createListeners(name: string, plan: WebServicePlan, loadBalancer: aws.lb.LoadBalancer, targetGroup: aws.lb.TargetGroup, certificateArn?: pulumi.Output<string>): aws.lb.Listener[] {
        const opts = { parent: this };
        const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
        if (!certificateArn) {
            return [new aws.lb.Listener(childName(name, "http"), { loadBalancerArn: loadBalancer.arn, port: 80, protocol: "HTTP", defaultActions: forward }, opts)];
        }
        const http = new aws.lb.Listener(
            childName(name, "http"),
            { loadBalancerArn: loadBalancer.arn, port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] },
            opts,
        );
        const https = new aws.lb.Listener(
            childName(name, "https"),
            { loadBalancerArn: loadBalancer.arn, port: 443, protocol: "HTTPS", sslPolicy: plan.loadBalancer.sslPolicy, certificateArn, defaultActions: forward },
            opts,
        );
        return [http, https];
    }

    private createService(
        name: string,
        args: WebServiceArgs,
        plan: WebServicePlan,
        cluster: ResolvedCluster,
        task: TaskDefinitionResources,
        securityGroup: aws.ec2.SecurityGroup,
        targetGroup: aws.lb.TargetGroup,
        dependsOn: pulumi.Resource[],
    ): aws.ecs.Service {
        const strategy = plan.spec.capacityProviderStrategy;
        return new aws.ecs.Service(
            childName(name, serviceRole(strategy)),
            {
                cluster: cluster.arn,
                taskDefinition: task.taskDefinition.arn,
                desiredCount: plan.desiredCount,
                capacityProviderStrategies: strategy.map((s) => ({ capacityProvider: s.capacityProvider, weight: s.weight, base: s.base })),
                platformVersion: "LATEST",
                networkConfiguration: { subnets: args.network.subnetIds, securityGroups: [securityGroup.id], assignPublicIp: args.network.assignPublicIp ?? false },
                loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: MAIN_CONTAINER_NAME, containerPort: plan.port }],
                healthCheckGracePeriodSeconds: plan.healthCheckGracePeriodSeconds,
                deploymentMinimumHealthyPercent: plan.deployment.minHealthyPercent,
                deploymentMaximumPercent: plan.deployment.maxPercent,
                deploymentCircuitBreaker: { enable: true, rollback: true },
                availabilityZoneRebalancing: "ENABLED",
                propagateTags: "SERVICE",
                enableEcsManagedTags: true,
                enableExecuteCommand: plan.enableExecuteCommand,
                waitForSteadyState: plan.waitForSteadyState,
                // The provider sends this flag with every update, so true would roll every task on a
                // scaling or grace-period change. A new task definition revision deploys by itself.
                forceNewDeployment: false,
            },
            // The target group must be attached to a listener before ECS registers targets in it,
            // and tasks need their outbound rules to pull images.
            { parent: this, dependsOn, ignoreChanges: plan.autoscaling ? ["desiredCount"] : [] },
        );
    }

    private createAliasRecord(name: string, domain: DomainArgs, loadBalancer: aws.lb.LoadBalancer): aws.route53.Record {
        return new aws.route53.Record(
            childName(name, "alias"),
            { zoneId: domain.zoneId, name: domain.name, type: "A", aliases: [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true }] },
            { parent: this },
        );
    }

    private createAutoscaling(name: string, plan: WebServicePlan, cluster: ResolvedCluster, service: aws.ecs.Service, loadBalancer: aws.lb.LoadBalancer, targetGroup: aws.lb.TargetGroup): aws.appautoscaling.Target {
        const a = plan.autoscaling!;
        const opts = { parent: this };
        const target = new aws.appautoscaling.Target(
            childName(name, "scaling-target"),
            {
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
                minCapacity: a.minCount,
                maxCapacity: a.maxCount,
            },
            opts,
        );
        const policies: [string, number | undefined, string, pulumi.Input<string> | undefined][] = [
            ["cpu", a.cpuTargetPercent, "ECSServiceAverageCPUUtilization", undefined],
            ["memory", a.memoryTargetPercent, "ECSServiceAverageMemoryUtilization", undefined],
            ["requests", a.requestsPerTarget, "ALBRequestCountPerTarget", pulumi.interpolate`${loadBalancer.arnSuffix}/${targetGroup.arnSuffix}`],
        ];
        for (const [role, value, metric, label] of policies) {
            if (value === undefined) {
                continue;
            }
            new aws.appautoscaling.Policy(
                childName(name, `scale-${role}`),
                {
                    policyType: "TargetTrackingScaling",
                    serviceNamespace: target.serviceNamespace,
                    scalableDimension: target.scalableDimension,
                    resourceId: target.resourceId,
                    targetTrackingScalingPolicyConfiguration: {
                        targetValue: value,
                        predefinedMetricSpecification: { predefinedMetricType: metric, ...(label ? { resourceLabel: label } : {}) },
                        scaleOutCooldown: a.scaleOutCooldownSeconds,
                        scaleInCooldown: a.scaleInCooldownSeconds,
                    },
                },
                opts,
            );
        }
        return target;
    }
}
