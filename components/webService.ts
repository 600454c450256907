import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { capacityProviderStrategy } from "./capacity";
import { ClusterInput, resolveCluster, ResolvedCluster, validateCluster } from "./cluster";
import { Validator } from "./errors";
import { AccessLogsArgs, CERTIFICATE_ARN, checkEgressQuota, CoveredName, coveringName, DOMAIN_NAME, DomainArgs, LOAD_BALANCER_DEFAULTS, LOAD_BALANCER_LIMITS, LoadBalancer, LoadBalancerArgs, LoadBalancerPlan, planLoadBalancer, validateDomain } from "./loadBalancer";
import { childName, NAME_LIMITS, validateComponentName } from "./naming";
import { AlertDestination, resolveAlertTopic, validateAlertDestination } from "./alerts";
import { ABOVE_ZERO_FOR_FIVE_MINUTES, createAlarm, DashboardWidget, metricWidget, MetricRef, tasksBelowDesiredAlarm } from "./alarms";
import { awsContext } from "./iam";
import { validateTags } from "./tags";
import { componentOptions, TYPE_TOKENS } from "./tokens";
import { WafArgs } from "./waf";
import { createTaskEgressRules, portRuleName, TaskNetwork, validateTaskNetwork } from "./network";
import { Route, routeBasePath, RouteEntry, RouteTable, RoutingArgs, ROUTING_LIMITS, validateRouting } from "./routing";
import { createCallRules, ResolvedServiceConnect, ServiceConnectArgs, ServiceConnectEndpoint, serviceConnectConfiguration, serviceConnectEndpoint, validateServiceConnect } from "./serviceConnect";
import {
    createTrafficShifting,
    DEPLOYMENT_DEFAULTS,
    DeploymentArgs,
    deploymentAlarms,
    deploymentConfiguration,
    deployMinutes,
    ResolvedDeployment,
    serviceBaseArgs,
    serviceName,
    serviceSafetyArgs,
    shiftsTraffic,
    TrafficShifting,
    validateDeployment,
} from "./deployment";
import { createTaskDefinition, extendTaskSpec, MAIN_CONTAINER_NAME, resolveTaskSpec, TaskDefinitionArgs, TaskDefinitionResources, TaskSpec, validateReservedEnvironment } from "./taskDefinition";

/**
 * The one-service form of `loadBalancer`: the service makes its own {@link LoadBalancer} (a child
 * of the service) with these settings.
 */
export interface OwnLoadBalancerArgs {
    /** Subnets of the load balancer, in at least two Availability Zones (public ones unless `internal`). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Reachable only inside the VPC. @default false (internet-facing) */
    readonly internal?: boolean;
    /** Answer IPv6 clients too (dualstack; the subnets need IPv6 CIDR blocks; internet-facing only). @default false */
    readonly ipv6?: boolean;
    /**
     * Client CIDRs allowed to reach the listeners; IPv6 ones only with `ipv6`.
     * @default ["0.0.0.0/0"], plus ["::/0"] with `ipv6`
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
    /** Access logs (Security Hub ELB.5): a bucket the load balancer makes, a given one, or `false`. @default a bucket of its own, logs kept 90 days */
    readonly accessLogs?: AccessLogsArgs;
    /** A web application firewall: `{ managed: true }` or `{ webAclArn }` (see `LoadBalancer`). @default false */
    readonly waf?: WafArgs;
    /** The account's quota of inbound (and of outbound) rules per security group, per IP family (see `LoadBalancer`). @default 60 */
    readonly securityGroupRuleQuota?: number;
}

/**
 * A load balancer created outside this program (or by another stack): the service adds its target
 * group (two with a traffic-shifting deployment), a rule on `listenerArn` and the security group
 * rules between the two. Its other rules are unknown here, so no priority can be derived safely:
 * `routing.priority` is required.
 */
export interface ExistingLoadBalancerArgs {
    /** ARN of the load balancer. */
    readonly arn: pulumi.Input<string>;
    /** The listener to add the service's rule to. */
    readonly listenerArn: pulumi.Input<string>;
    /** That listener's protocol: with HTTPS, give `certificateHosts`. */
    readonly protocol: "HTTP" | "HTTPS";
    /** The names the listener's certificates cover (exact or `*.` wildcards), to check `routing.hosts`. @default none */
    readonly certificateHosts?: readonly string[];
    /** Id of a security group of the load balancer: the service admits it and lets it reach the tasks. */
    readonly securityGroupId: pulumi.Input<string>;
    /** The load balancer's DNS name, for `url` when `routing` has no exact host (HTTP only: no certificate covers it). @default none */
    readonly dnsName?: pulumi.Input<string>;
    /**
     * The host name clients reach the load balancer by, for `url` when `routing` has no exact
     * host; with HTTPS, a name `certificateHosts` covers (required then if `dnsName` is given).
     * @default none
     * @example "todo.example.com"
     */
    readonly hostName?: string;
    /** The account's quota of rules per load balancer. @default 100 */
    readonly ruleQuota?: number;
}

/**
 * Where the service's requests come from: its own load balancer ({@link OwnLoadBalancerArgs}), a
 * shared {@link LoadBalancer} of the program (or its plan, in `WebService.validate`), or one
 * created elsewhere ({@link ExistingLoadBalancerArgs}).
 */
export type WebServiceLoadBalancer = OwnLoadBalancerArgs | LoadBalancer | LoadBalancerPlan | ExistingLoadBalancerArgs;

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
     * Cluster to run in: `{ cluster, capacityProviders }` (the service waits for the association),
     * an `aws.ecs.Cluster` or a cluster ARN. It must have the FARGATE and FARGATE_SPOT capacity
     * providers associated. @default a new cluster with Container Insights and both providers
     */
    readonly cluster?: ClusterInput;
    /** Subnets and VPC of the tasks. */
    readonly network: TaskNetwork;
    /**
     * The load balancer: settings for one of its own (the simple case), a shared
     * {@link LoadBalancer}, or one created elsewhere.
     */
    readonly loadBalancer: WebServiceLoadBalancer;
    /**
     * Which requests reach the service: its listener rule's hosts, paths and priority. Required
     * with a shared load balancer. @default with its own load balancer, the host name (`domain.name`
     * or `hostName`) when HTTPS is on, else every path (`/*`)
     */
    readonly routing?: RoutingArgs;
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
    /**
     * How a new version replaces the old: a rolling deploy within its bounds, or one of ECS's
     * traffic-shifting strategies (see {@link DeploymentArgs}).
     * @default { strategy: "rolling", minHealthyPercent: 100, maxPercent: 200 }
     */
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
    /** Tags for every taggable resource the component creates; ECS copies the service's or task definition's to the tasks. @default none */
    readonly tags?: Readonly<Record<string, string>>;
    /**
     * Where the service's alarms notify, on ALARM and on OK: give the stack's topic so the
     * operator confirms one email. @default a topic of its own, without subscribers
     */
    readonly alerts?: AlertDestination;
    /** The service's alarms: thresholds, or `false` to turn one off. @default see {@link WebServiceAlarmArgs} */
    readonly alarms?: WebServiceAlarmArgs;
    /**
     * Join the stack's Service Connect namespace: with `name`, other services of the stack call
     * this one at `http://<name>:<port>` without going through the load balancer; with `calls`,
     * it calls them. @default none
     */
    readonly serviceConnect?: ServiceConnectArgs;
}

/**
 * Alarms of a web service, on its own target group and tasks (never on metrics other services of
 * a shared load balancer move). Each costs about $0.10 a month per metric it reads.
 */
export interface WebServiceAlarmArgs {
    /** Percent of the service's requests its tasks answer with 5xx, in 3 of 5 minutes. @default 5 */
    readonly errorRatePercent?: number | false;
    /** The service's p99 response time in seconds, in 3 of 5 minutes. @default 2 */
    readonly p99LatencySeconds?: number | false;
    /** Some target of the service unhealthy for 5 minutes. @default true */
    readonly unhealthyTargets?: boolean;
    /** Fewer running tasks than desired for 5 minutes (Container Insights metrics: on in a cluster the component creates). @default true */
    readonly tasksBelowDesired?: boolean;
    /** Average CPU percent of the service's tasks for 10 minutes. @default 90 */
    readonly cpuPercent?: number | false;
    /** Average memory percent of the service's tasks for 10 minutes. @default 90 */
    readonly memoryPercent?: number | false;
    /**
     * Fail a deployment, and roll it back, while the error-rate or latency alarm is in ALARM (ECS
     * deployment alarms): a version that starts but serves errors goes back by itself. @default true
     */
    readonly rollbackOnAlarm?: boolean;
}

/** Defaults of {@link WebServiceArgs}; the TSDoc of each argument repeats them. */
export const WEB_SERVICE_DEFAULTS = {
    /** Non-root processes cannot bind 80. */
    port: 8080,
    /** One task is not highly available: two spread over two AZs survive one failing. */
    desiredCount: 2,
    /**
     * A new target takes traffic after one passing check (the ELB guide) or `healthyThreshold` of
     * them (the ECS guide's reading; docs/aws-behaviour.md), so the interval bounds how soon; 200
     * only, so a redirect to a login page is not healthy.
     */
    healthCheck: { path: "/", intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: "200" },
    /** AWS's 300 s adds five minutes to every deploy; 30 s lets most requests finish. */
    deregistrationDelaySeconds: 30,
    slowStartSeconds: 0,
    /** Most web apps answer within a minute of starting. */
    healthCheckGracePeriodSeconds: 60,
    /** See {@link DEPLOYMENT_DEFAULTS}. */
    deployment: DEPLOYMENT_DEFAULTS,
    /** `pulumi up` waits for healthy tasks instead of returning before they start. */
    waitForSteadyState: true,
    enableExecuteCommand: false,
    /** The one-service form's load balancer: see {@link LOAD_BALANCER_DEFAULTS}. */
    loadBalancer: LOAD_BALANCER_DEFAULTS,
    autoscaling: { cpuTargetPercent: 60, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 },
    /** Cheap (about $0.90 a month in all) and what an operator needs first: errors, slowness, lost capacity. */
    alarms: { errorRatePercent: 5, p99LatencySeconds: 2, unhealthyTargets: true, tasksBelowDesired: true, cpuPercent: 90, memoryPercent: 90, rollbackOnAlarm: true },
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
    idleTimeoutSeconds: LOAD_BALANCER_LIMITS.idleTimeoutSeconds,
    cooldownSeconds: { min: 0, max: 86400 },
    /** ACM refuses a certificate whose domain name (common name) is longer. */
    certificateDomainNameLength: LOAD_BALANCER_LIMITS.certificateDomainNameLength,
} as const;

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
    readonly deployment: ResolvedDeployment;
    readonly waitForSteadyState: boolean;
    readonly enableExecuteCommand: boolean;
    readonly frontend: Frontend;
    readonly alerts: AlertDestination;
    readonly alarms: ResolvedAlarms;
    readonly serviceConnect?: ResolvedServiceConnect;
    /** The service's listener rule(s), with their priorities. */
    readonly rules: readonly RouteEntry[];
    readonly route: Route;
    readonly autoscaling?: Required<Omit<AutoscalingArgs, "memoryTargetPercent" | "requestsPerTarget" | "cpuTargetPercent">> & {
        readonly cpuTargetPercent?: number;
        readonly memoryTargetPercent?: number;
        readonly requestsPerTarget?: number;
    };
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
    // Each setting is checked on its own; interval and timeout are compared only when both are valid.
    const before = v.problemCount;
    if (typeof merged.path !== "string" || !merged.path.startsWith("/") || merged.path.length > l.pathLength) {
        v.record(v.error("healthCheck.path", merged.path, `must start with "/" and be at most ${l.pathLength} characters`, 'write it as a path, such as "/health"'));
    }
    const interval = v.check(() => v.integer("healthCheck.intervalSeconds", merged.intervalSeconds, l.intervalSeconds.min, l.intervalSeconds.max, "seconds"));
    const timeout = v.check(() => v.integer("healthCheck.timeoutSeconds", merged.timeoutSeconds, l.timeoutSeconds.min, l.timeoutSeconds.max, "seconds"));
    if (interval !== undefined && timeout !== undefined && interval <= timeout) {
        v.record(v.error("healthCheck.intervalSeconds", merged.intervalSeconds, `must be greater than healthCheck.timeoutSeconds (${merged.timeoutSeconds})`, "raise the interval or lower the timeout"));
    }
    v.check(() => v.integer("healthCheck.healthyThreshold", merged.healthyThreshold, l.threshold.min, l.threshold.max));
    v.check(() => v.integer("healthCheck.unhealthyThreshold", merged.unhealthyThreshold, l.threshold.min, l.threshold.max));
    v.check(() => validateMatcher(v, merged.matcher));
    v.throwSince(before);
    return merged;
}

/**
 * The load balancer a service sends its rule to, resolved from {@link WebServiceArgs.loadBalancer}:
 * its own (created with the service), a shared component, a shared component's plan (in
 * `validate`), or one created elsewhere.
 */
type Frontend =
    | { readonly kind: "own"; readonly args: LoadBalancerArgs; readonly plan: LoadBalancerPlan; readonly domainName?: string }
    | { readonly kind: "shared"; readonly component: LoadBalancer; readonly plan: LoadBalancerPlan }
    | { readonly kind: "planned"; readonly plan: LoadBalancerPlan }
    | { readonly kind: "existing"; readonly args: ExistingLoadBalancerArgs; readonly plan: Pick<LoadBalancerPlan, "https" | "coveredNames" | "ruleListener" | "routes" | "name"> };

/** The rules of load balancers created elsewhere, per reference, so services of one program see each other's. */
const EXISTING_ROUTES = new WeakMap<ExistingLoadBalancerArgs, RouteTable>();

function isExisting(lb: WebServiceLoadBalancer): lb is ExistingLoadBalancerArgs {
    return "listenerArn" in lb;
}

function isPlan(lb: WebServiceLoadBalancer): lb is LoadBalancerPlan {
    return "routes" in lb && (lb as LoadBalancerPlan).routes instanceof RouteTable;
}

/** Checks the one-service form's own arguments, then the load balancer they make. */
function validateOwnLoadBalancer(v: Validator, name: string, lb: OwnLoadBalancerArgs, vpcId: pulumi.Input<string>): Frontend {
    // Each problem is recorded, and the load balancer is checked even then (its subnets, say).
    const before = v.problemCount;
    if (lb.certificateArn !== undefined && lb.domain !== undefined) {
        v.record(v.conflict("loadBalancer.certificateArn", "and loadBalancer.domain are mutually exclusive (domain creates its own certificate)", "give one of them"));
    }
    if (typeof lb.certificateArn === "string" && !CERTIFICATE_ARN.test(lb.certificateArn)) {
        v.record(v.error("loadBalancer.certificateArn", lb.certificateArn, "is not an ACM certificate ARN", 'use "arn:aws:acm:REGION:ACCOUNT:certificate/ID"'));
    }
    if (lb.certificateArn !== undefined && lb.hostName === undefined && lb.domain === undefined) {
        v.record(v.conflict(
            "loadBalancer.hostName",
            "is missing: with certificateArn, clients must use a name the certificate covers (no customer certificate covers the load balancer's own DNS name)",
            'give the host name, such as hostName: "todo.example.com", and point its DNS record at the load balancer',
        ));
    }
    if (lb.hostName !== undefined) {
        if (lb.certificateArn === undefined) {
            v.record(v.error("loadBalancer.hostName", lb.hostName, "is only used with certificateArn", "remove it, or use domain to have a certificate and DNS record made for a name"));
        } else if (typeof lb.hostName !== "string" || !DOMAIN_NAME.test(lb.hostName) || lb.hostName.startsWith("*.")) {
            v.record(v.error("loadBalancer.hostName", lb.hostName, "is not a lowercase fully qualified host name", 'write it like "todo.example.com"'));
        }
    }
    if (lb.domain !== undefined) {
        v.check(() => validateDomain(v, "loadBalancer.domain", lb.domain, "bring a certificate with certificateArn"));
    }
    const refused = v.problemCount > before;
    // With those refused, the rest of the load balancer is still checked, without the certificate.
    const args = ownLoadBalancerArgs(refused ? { ...lb, domain: undefined, certificateArn: undefined, hostName: undefined } : lb, vpcId);
    // Problems of the shared settings are recorded by the plan; the service's other checks go on.
    const plan = planLoadBalancer(v, name, args, "loadBalancer.");
    if (refused) {
        // The service's rule depends on the certificate: no frontend to check it against.
        v.throwSince(before);
    }
    return { kind: "own", args, plan, ...(lb.domain ? { domainName: lb.domain.name } : {}) };
}

/** The {@link LoadBalancer} arguments of the one-service form. */
function ownLoadBalancerArgs(lb: OwnLoadBalancerArgs, vpcId: pulumi.Input<string>): LoadBalancerArgs {
    return {
        vpcId,
        subnetIds: lb.subnetIds,
        ...(lb.internal !== undefined ? { internal: lb.internal } : {}),
        ...(lb.ipv6 !== undefined ? { ipv6: lb.ipv6 } : {}),
        ...(lb.allowedCidrs !== undefined ? { allowedCidrs: lb.allowedCidrs } : {}),
        ...(lb.domain ? { domains: [lb.domain] } : {}),
        ...(lb.certificateArn !== undefined ? { certificates: [{ arn: lb.certificateArn, hosts: [lb.hostName!] }] } : {}),
        ...(lb.sslPolicy !== undefined ? { sslPolicy: lb.sslPolicy } : {}),
        ...(lb.idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds: lb.idleTimeoutSeconds } : {}),
        ...(lb.deletionProtection !== undefined ? { deletionProtection: lb.deletionProtection } : {}),
        ...(lb.accessLogs !== undefined ? { accessLogs: lb.accessLogs } : {}),
        ...(lb.waf !== undefined ? { waf: lb.waf } : {}),
        ...(lb.securityGroupRuleQuota !== undefined ? { securityGroupRuleQuota: lb.securityGroupRuleQuota } : {}),
    };
}

function validateExistingLoadBalancer(v: Validator, lb: ExistingLoadBalancerArgs): Frontend {
    // Every missing or wrong setting is reported; the rule is checked only against a valid listener.
    const before = v.problemCount;
    const protocol = v.check(() => v.oneOf("loadBalancer.protocol", lb.protocol, ["HTTP", "HTTPS"] as const, "give the protocol of the listener"));
    for (const key of ["arn", "listenerArn", "securityGroupId"] as const) {
        if (lb[key] === undefined || lb[key] === "") {
            v.record(v.error(`loadBalancer.${key}`, lb[key], "is missing", `give the ${key === "securityGroupId" ? "id of the load balancer's security group" : key === "arn" ? "load balancer's ARN" : "ARN of the listener to add the rule to"}`));
        }
    }
    if ((protocol === "HTTPS" && (!Array.isArray(lb.certificateHosts) || lb.certificateHosts.length === 0)) || (lb.certificateHosts !== undefined && !Array.isArray(lb.certificateHosts))) {
        v.record(v.error("loadBalancer.certificateHosts", lb.certificateHosts, "must list the names the HTTPS listener's certificates cover", 'give them as on the certificates, such as ["*.example.com"]'));
    }
    (Array.isArray(lb.certificateHosts) ? lb.certificateHosts : []).forEach((h, i) => {
        if (typeof h !== "string" || !DOMAIN_NAME.test(h)) {
            v.record(v.error(`loadBalancer.certificateHosts[${i}]`, h, "is not a lowercase fully qualified domain name", 'write it like "todo.example.com" or "*.example.com"'));
        }
    });
    if (lb.hostName !== undefined) {
        if (typeof lb.hostName !== "string" || !DOMAIN_NAME.test(lb.hostName) || lb.hostName.startsWith("*.")) {
            v.record(v.error("loadBalancer.hostName", lb.hostName, "is not a lowercase fully qualified host name", 'write it like "todo.example.com"'));
        } else if (protocol === "HTTPS" && Array.isArray(lb.certificateHosts) && !coveringName({ coveredNames: lb.certificateHosts.map((name) => ({ name })) }, lb.hostName)) {
            v.record(v.error("loadBalancer.hostName", lb.hostName, `is covered by none of loadBalancer.certificateHosts (${lb.certificateHosts.join(", ")})`, "give a name the listener's certificates cover"));
        }
    }
    const ruleQuota = lb.ruleQuota === undefined ? ROUTING_LIMITS.rulesPerLoadBalancer : v.check(() => v.integer("loadBalancer.ruleQuota", lb.ruleQuota!, 1, ROUTING_LIMITS.priority.max, "rules"))!;
    v.throwSince(before);
    let routes = EXISTING_ROUTES.get(lb);
    if (!routes) {
        routes = new RouteTable("the given load balancer", ruleQuota, false);
        EXISTING_ROUTES.set(lb, routes);
    }
    const coveredNames: CoveredName[] = (lb.certificateHosts ?? []).map((name) => ({ name }));
    return { kind: "existing", args: lb, plan: { name: "the given load balancer", https: protocol === "HTTPS", coveredNames, ruleListener: protocol === "HTTPS" ? "https" : "http", routes } };
}

/**
 * On an HTTPS listener made elsewhere, `url` without an exact host of `routing` would be
 * `https://<DNS name>`, which no certificate covers: with `dnsName`, the host clients use is
 * required, as `hostName` is with the own load balancer's `certificateArn`.
 */
function validateExistingUrl(v: Validator, lb: ExistingLoadBalancerArgs, route: Route): void {
    const exactHost = route.hosts.some((h) => !/[*?]/.test(h));
    if (lb.protocol === "HTTPS" && !exactHost && lb.hostName === undefined && lb.dnsName !== undefined) {
        throw v.conflict(
            "loadBalancer.hostName",
            "is missing: with an HTTPS listener and routing without an exact host, url would be https://<the load balancer's DNS name>, which no certificate covers",
            'give the host name clients use, one loadBalancer.certificateHosts covers, such as hostName: "todo.example.com" (or route an exact host)',
        );
    }
}

/** Resolves and checks `loadBalancer`, whichever form it has. */
function validateFrontend(v: Validator, name: string, args: WebServiceArgs): Frontend {
    const lb = args.loadBalancer;
    if (typeof lb !== "object" || lb === null) {
        throw v.error("loadBalancer", lb, "is missing", "give at least { subnetIds } in two Availability Zones, or a shared LoadBalancer");
    }
    if (lb instanceof LoadBalancer) {
        return { kind: "shared", component: lb, plan: lb.plan };
    }
    if (isPlan(lb)) {
        return { kind: "planned", plan: lb };
    }
    if (isExisting(lb)) {
        return validateExistingLoadBalancer(v, lb);
    }
    return validateOwnLoadBalancer(v, name, lb, args.network?.vpcId);
}

/**
 * The service's rule: its `routing` (required on a shared load balancer; on its own, the host
 * name or every path), each host covered by a certificate when HTTPS is on, and no clash with the
 * rules other services claimed on the listener.
 */
function validateRoute(v: Validator, name: string, args: WebServiceArgs, frontend: Frontend, deployment: ResolvedDeployment): { route: Route; rules: RouteEntry[] } {
    const own = frontend.kind === "own";
    let route = validateRouting(v, "routing", args.routing, !own);
    if (!route) {
        const lb = args.loadBalancer as OwnLoadBalancerArgs;
        const host = lb.domain?.name ?? lb.hostName;
        if (host !== undefined && host.length > ROUTING_LIMITS.patternLength) {
            const path = lb.domain ? "loadBalancer.domain.name" : "loadBalancer.hostName";
            throw v.error(path, host, `is ${host.length} characters, but a listener rule's host condition holds at most ${ROUTING_LIMITS.patternLength}`, "use a shorter name");
        }
        route = host !== undefined ? { hosts: [host], paths: [] } : { hosts: [], paths: ["/*"] };
    }
    const plan = frontend.plan;
    // Every uncovered host is named, and the rule's place on the listener is checked still.
    const before = v.problemCount;
    if (plan.https) {
        route.hosts.forEach((host, i) => {
            if (!coveringName(plan, host)) {
                const names = plan.coveredNames.map((c) => c.name).join(", ");
                v.record(v.error(`routing.hosts[${i}]`, host, `is covered by no certificate of ${plan.name}'s HTTPS listener (they cover ${names})`, "add a domain or certificate for it to the load balancer, or route another host"));
            }
        });
    }
    if (deployment.testTraffic && route.hosts.length + route.paths.length + 1 > ROUTING_LIMITS.conditionValues) {
        v.record(v.conflict("deployment.testTraffic", `adds its header value to the ${route.hosts.length + route.paths.length} host and path values of routing, over AWS's ${ROUTING_LIMITS.conditionValues} per rule`, "route with fewer values, or drop testTraffic"));
    }
    const planned = plan.routes.plan(name, route, [plan.ruleListener], shiftsTraffic(deployment) ? 2 : 1, deployment.testTraffic);
    if (!Array.isArray(planned)) {
        const conflict = planned;
        throw conflict.path === "routing.priority" && route.priority !== undefined ? v.error(conflict.path, route.priority, conflict.problem, conflict.fix) : v.conflict(conflict.path, conflict.problem, conflict.fix);
    }
    v.throwSince(before);
    return { route, rules: planned };
}

function validateAutoscaling(v: Validator, a: AutoscalingArgs | undefined, desiredCount: number | undefined): WebServicePlan["autoscaling"] {
    if (a === undefined) {
        return undefined;
    }
    const max = WEB_SERVICE_LIMITS.desiredCount.max;
    // Each setting is checked on its own; the bounds are compared only when both are valid.
    const before = v.problemCount;
    const minCount = v.check(() => v.integer("autoscaling.minCount", a.minCount, 0, max, "tasks"));
    const maxCount = v.check(() => v.integer("autoscaling.maxCount", a.maxCount, 1, max, "tasks"));
    if (minCount !== undefined && maxCount !== undefined && minCount > maxCount) {
        v.record(v.error("autoscaling.minCount", minCount, `is greater than autoscaling.maxCount (${maxCount})`, "lower minCount or raise maxCount"));
    } else if (minCount !== undefined && maxCount !== undefined && desiredCount !== undefined && (desiredCount < minCount || desiredCount > maxCount)) {
        v.record(v.error("desiredCount", desiredCount, `is outside autoscaling.minCount..maxCount (${minCount}..${maxCount})`, "set a starting count within the bounds, or leave desiredCount out"));
    }
    const d = WEB_SERVICE_DEFAULTS.autoscaling;
    const none = a.cpuTargetPercent === undefined && a.memoryTargetPercent === undefined && a.requestsPerTarget === undefined;
    const cpuTargetPercent = none ? d.cpuTargetPercent : a.cpuTargetPercent;
    if (cpuTargetPercent !== undefined) {
        v.check(() => v.number("autoscaling.cpuTargetPercent", cpuTargetPercent, 1, 100));
    }
    if (a.memoryTargetPercent !== undefined) {
        v.check(() => v.number("autoscaling.memoryTargetPercent", a.memoryTargetPercent!, 1, 100));
    }
    if (a.requestsPerTarget !== undefined) {
        v.check(() => v.integer("autoscaling.requestsPerTarget", a.requestsPerTarget!, 1, 1000000, "requests per task per minute"));
    }
    const c = WEB_SERVICE_LIMITS.cooldownSeconds;
    const resolved = {
        minCount: minCount!,
        maxCount: maxCount!,
        cpuTargetPercent,
        memoryTargetPercent: a.memoryTargetPercent,
        requestsPerTarget: a.requestsPerTarget,
        scaleOutCooldownSeconds: v.check(() => v.integer("autoscaling.scaleOutCooldownSeconds", a.scaleOutCooldownSeconds ?? d.scaleOutCooldownSeconds, c.min, c.max, "seconds"))!,
        scaleInCooldownSeconds: v.check(() => v.integer("autoscaling.scaleInCooldownSeconds", a.scaleInCooldownSeconds ?? d.scaleInCooldownSeconds, c.min, c.max, "seconds"))!,
    };
    v.throwSince(before);
    return resolved;
}

/** Alarm settings with the defaults filled in; `false` is off. */
interface ResolvedAlarms {
    readonly errorRatePercent: number | false;
    readonly p99LatencySeconds: number | false;
    readonly unhealthyTargets: boolean;
    readonly tasksBelowDesired: boolean;
    readonly cpuPercent: number | false;
    readonly memoryPercent: number | false;
    readonly rollbackOnAlarm: boolean;
}

function validateAlarms(v: Validator, alarms: WebServiceAlarmArgs | undefined): ResolvedAlarms {
    const d = WEB_SERVICE_DEFAULTS.alarms;
    if (alarms !== undefined && (typeof alarms !== "object" || alarms === null)) {
        throw v.error("alarms", alarms, "must be an object", "give thresholds such as { errorRatePercent: 2 }, or false for an alarm to turn it off");
    }
    const a = alarms ?? {};
    // Each threshold is checked on its own (undefined when refused).
    const before = v.problemCount;
    const level = (key: "errorRatePercent" | "p99LatencySeconds" | "cpuPercent" | "memoryPercent", min: number, max: number): number | false => {
        const value = a[key] ?? d[key];
        return value === false ? false : v.check(() => v.number(`alarms.${key}`, value, min, max))!;
    };
    const flag = (key: "unhealthyTargets" | "tasksBelowDesired" | "rollbackOnAlarm"): boolean => (a[key] === undefined ? d[key] : v.check(() => v.boolean(`alarms.${key}`, a[key]))!);
    const resolved: ResolvedAlarms = {
        errorRatePercent: level("errorRatePercent", 0.1, 100),
        p99LatencySeconds: level("p99LatencySeconds", 0.001, 4000),
        unhealthyTargets: flag("unhealthyTargets"),
        tasksBelowDesired: flag("tasksBelowDesired"),
        cpuPercent: level("cpuPercent", 1, 100),
        memoryPercent: level("memoryPercent", 1, 100),
        rollbackOnAlarm: flag("rollbackOnAlarm"),
    };
    if (resolved.rollbackOnAlarm === true && resolved.errorRatePercent === false && resolved.p99LatencySeconds === false) {
        v.record(v.conflict("alarms.rollbackOnAlarm", "needs alarms.errorRatePercent or alarms.p99LatencySeconds: those are the alarms a deployment rolls back on", "keep one of them, or set rollbackOnAlarm: false"));
    }
    // Turned off, the deployment alarms are sent off, naming an alarm: ECS requires one, the
    // provider drops an empty list, and a block left out keeps the last setting live.
    if (resolved.rollbackOnAlarm === false && resolved.errorRatePercent === false && resolved.p99LatencySeconds === false && resolved.unhealthyTargets === false) {
        v.record(
            v.conflict(
                "alarms.rollbackOnAlarm",
                "false needs one of alarms.errorRatePercent, p99LatencySeconds or unhealthyTargets: the service's deployment alarms are sent turned off, naming one of them (ECS requires a name, and a setting left out would keep rolling back)",
                "keep one of those alarms",
            ),
        );
    }
    v.throwSince(before);
    return resolved;
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
    const serviceConnect = v.check(() => validateServiceConnect(v, name, args.serviceConnect, port));
    const spec = v.check(() =>
        resolveTaskSpec(v, name, args, {
            port,
            enableExecuteCommand: enableExecuteCommand === true,
            ...(serviceConnect?.server ? { portMapping: { name: serviceConnect.server.portName, appProtocol: serviceConnect.server.appProtocol } } : {}),
                ...(serviceConnect ? { serviceConnectProxy: true } : {}),
        }),
    );
    validateReservedEnvironment(v, args.environment, Object.fromEntries(Object.keys(serviceConnect?.environment ?? {}).map((k) => [k, "a called service's URL"])), args.secrets);
    v.check(() => validateCluster(v, args.cluster));
    v.check(() => validateTaskNetwork(v, args.network, "network", serviceConnect?.calls.length ?? 0));
    const frontend = v.check(() => validateFrontend(v, name, args));
    const healthCheck = v.check(() => validateHealthCheck(v, args.healthCheck));
    const countOk = args.desiredCount === undefined || v.check(() => v.integer("desiredCount", args.desiredCount!, l.desiredCount.min, l.desiredCount.max, "tasks")) !== undefined;
    // A refused desiredCount is left out of the bounds check, which still runs.
    const autoscaling = v.check(() => validateAutoscaling(v, args.autoscaling, countOk ? args.desiredCount : undefined));
    const desiredCount = autoscaling ? Math.min(Math.max(args.desiredCount ?? d.desiredCount, autoscaling.minCount), autoscaling.maxCount) : (args.desiredCount ?? d.desiredCount);
    const deployment = v.check(() => validateDeployment(v, args.deployment, autoscaling ? [desiredCount, autoscaling.minCount] : countOk ? [desiredCount] : []));
    if (autoscaling?.requestsPerTarget !== undefined && deployment && shiftsTraffic(deployment)) {
        v.check(() => {
            throw v.conflict(
                "autoscaling.requestsPerTarget",
                `cannot follow a ${deployment.strategy} service: its requests move between two target groups and the scaling metric reads one`,
                "scale on cpuTargetPercent or memoryTargetPercent",
            );
        });
    }
    // The rules go last: a traffic-shifting deployment adds a test rule and a second target group.
    // With the deployment refused, the rule is checked as a rolling one's; without a load balancer, only routing's own values.
    const routing = frontend ? v.check(() => validateRoute(v, name, args, frontend, deployment ?? { strategy: "rolling", minHealthyPercent: d.deployment.minHealthyPercent, maxPercent: d.deployment.maxPercent, hooks: [] })) : undefined;
    if (!frontend) {
        v.check(() => validateRouting(v, "routing", args.routing, typeof args.loadBalancer === "object" && args.loadBalancer !== null && isExisting(args.loadBalancer)));
    }
    if (frontend?.kind === "existing" && routing) {
        v.check(() => validateExistingUrl(v, frontend.args, routing.route));
    }
    // The load balancer's group gets an outbound rule to this service's tasks (one made elsewhere holds rules this program cannot see).
    if (frontend && frontend.kind !== "existing") {
        v.check(() => checkEgressQuota(v, frontend.plan, name));
    }
    const deregistrationDelaySeconds = v.check(() => {
        const delay = v.integer("deregistrationDelaySeconds", args.deregistrationDelaySeconds ?? d.deregistrationDelaySeconds, l.deregistrationDelaySeconds.min, l.deregistrationDelaySeconds.max, "seconds");
        // With the task refused, its capacity alone still says whether tasks run on Spot.
        const scratch = new Validator(name);
        const strategy = spec?.capacityProviderStrategy ?? scratch.check(() => capacityProviderStrategy(scratch, args.capacity, undefined));
        const usesSpot = strategy?.some((s) => s.capacityProvider === "FARGATE_SPOT") ?? false;
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
    v.check(() => validateTags(v, args.tags));
    const alarms = v.check(() => validateAlarms(v, args.alarms));
    if (args.alerts !== undefined) {
        v.check(() => validateAlertDestination(v, args.alerts!));
    }
    v.done();
    return {
        alerts: args.alerts ?? {},
        alarms: alarms!,
        ...(serviceConnect ? { serviceConnect } : {}),
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
        frontend: frontend!,
        route: routing!.route,
        rules: routing!.rules,
        autoscaling,
    };
}

/** Dimensions of the service's load balancer metrics: its load balancer and its own target group. */
type TrafficMetrics = { readonly LoadBalancer: pulumi.Output<string>; readonly TargetGroup: pulumi.Output<string> };
/** Dimensions of the service's task metrics. */
type TaskMetrics = { readonly ClusterName: pulumi.Output<string>; readonly ServiceName: pulumi.Output<string> };

/** The service's dashboard widgets: requests and errors, latency, targets, CPU and memory. */
function serviceWidgets(name: string, region: pulumi.Input<string>, traffic: TrafficMetrics[], tasks: TaskMetrics): pulumi.Output<DashboardWidget>[] {
    // With two target groups (a traffic-shifting deployment), a line for each: the version taking traffic is in either.
    const alb = (metricName: string, stat: string, label: string) =>
        traffic.map((dimensions, i) => ({ namespace: "AWS/ApplicationELB", metricName, dimensions, stat, label: i === 0 ? label : `${label} (alternate)` }));
    const ecs = (metricName: string, label: string) => ({ namespace: "AWS/ECS", metricName, dimensions: tasks, stat: "Average", label });
    return [
        metricWidget(`${name}: requests and errors`, region, [...alb("RequestCount", "Sum", "requests"), ...alb("HTTPCode_Target_5XX_Count", "Sum", "5xx"), ...alb("HTTPCode_Target_4XX_Count", "Sum", "4xx")]),
        metricWidget(`${name}: response time (s)`, region, [...alb("TargetResponseTime", "p50", "p50"), ...alb("TargetResponseTime", "p99", "p99")]),
        metricWidget(`${name}: targets`, region, [...alb("HealthyHostCount", "Minimum", "healthy"), ...alb("UnHealthyHostCount", "Maximum", "unhealthy")]),
        metricWidget(`${name}: CPU and memory (%)`, region, [ecs("CPUUtilization", "CPU"), ecs("MemoryUtilization", "memory")]),
    ];
}

/** What the service's resources need of its load balancer, whichever form it has. */
interface ResolvedFrontend {
    /** The LoadBalancer component, own or shared. */
    readonly component?: LoadBalancer;
    readonly listenerArn: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    /** For request-count scaling's resource label. */
    readonly arnSuffix: pulumi.Output<string>;
    /** `scheme://host` without a trailing slash, when no exact host of the route gives one. */
    readonly baseUrl?: pulumi.Output<string>;
}

/** `url`'s base on a load balancer made elsewhere: its host name, else (HTTP only) its DNS name. */
function existingBaseUrl(lb: ExistingLoadBalancerArgs): { baseUrl?: pulumi.Output<string> } {
    const scheme = lb.protocol === "HTTPS" ? "https" : "http";
    if (lb.hostName !== undefined) {
        return { baseUrl: pulumi.output(`${scheme}://${lb.hostName}`) };
    }
    return lb.dnsName !== undefined && scheme === "http" ? { baseUrl: pulumi.interpolate`http://${lb.dnsName}` } : {};
}

/** The path part of an ALB ARN (`app/NAME/ID`), which CloudWatch dimensions and scaling labels use. */
function loadBalancerArnSuffix(arn: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(arn).apply((a) => a.slice(a.indexOf(":loadbalancer/") + ":loadbalancer/".length));
}

/**
 * A long-running Fargate service behind an Application Load Balancer: one stable HTTP or HTTPS
 * endpoint, tasks spread over Availability Zones and replaced when they stop, rolling deploys
 * that roll back by themselves, and `pulumi up` waits until the service is stable.
 *
 * The load balancer is the service's own (give its settings) or shared with other services (give
 * a {@link LoadBalancer} and `routing`): either way the service adds its target group, one
 * listener rule (a traffic-shifting deployment adds a second target group, and `testTraffic` a
 * test rule) and the security group rules, named after the container port, that let the load
 * balancer, and only it, reach the tasks.
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
    /**
     * Where the service answers: `https://` (or `http://` without HTTPS) plus its rule's first
     * exact host, or else the load balancer's address, plus the fixed start of its first path.
     */
    public readonly url: pulumi.Output<string>;
    /** The load balancer's LoadBalancer component: the service's own, or the shared one (none for one created elsewhere). */
    public readonly loadBalancerComponent?: LoadBalancer;
    /** The load balancer itself, when it is the service's own or a shared component. */
    public readonly loadBalancer?: aws.lb.LoadBalancer;
    public readonly targetGroup: aws.lb.TargetGroup;
    /** HTTP:80 of the load balancer component: redirects when HTTPS is on, else holds the rules. */
    public readonly httpListener?: aws.lb.Listener;
    /** HTTPS:443 of the load balancer component, when it has a certificate. */
    public readonly httpsListener?: aws.lb.Listener;
    /** The rule that forwards the service's requests to its target group (the production rule of a traffic-shifting deployment). */
    public readonly listenerRule: aws.lb.ListenerRule;
    /** Traffic-shifting strategies: the target group the new version starts in. */
    public readonly alternateTargetGroup?: aws.lb.TargetGroup;
    /** With `deployment.testTraffic`: the rule that sends requests with the test header to the new version. */
    public readonly testListenerRule?: aws.lb.ListenerRule;
    /** Traffic-shifting strategies: the role ECS uses to move traffic between the target groups. */
    public readonly infrastructureRole?: aws.iam.Role;
    /** Its conditions and priority, as validated (hosts lowercased and sorted). */
    public readonly routing: RouteEntry;
    /** Route 53 alias records of the rule's exact hosts whose zone the load balancer knows (A, and AAAA when dualstack), children of the load balancer component. */
    public readonly aliasRecords: aws.route53.Record[];
    public readonly service: aws.ecs.Service;
    public readonly taskDefinition: aws.ecs.TaskDefinition;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly executionRole: aws.iam.Role;
    public readonly taskRole: aws.iam.Role;
    /** The load balancer component's security group (none for a load balancer created elsewhere). */
    public readonly loadBalancerSecurityGroup?: aws.ec2.SecurityGroup;
    public readonly serviceSecurityGroup: aws.ec2.SecurityGroup;
    /** The autoscaling target, when `autoscaling` is given. */
    public readonly scalingTarget?: aws.appautoscaling.Target;
    /** The DNS-validated certificate, when the service's own load balancer has a `domain`. */
    public readonly certificate?: aws.acm.Certificate;
    /** The cluster, when the component created it. */
    public readonly cluster?: aws.ecs.Cluster;
    /** Name of the cluster the service runs in. */
    public readonly clusterName: pulumi.Output<string>;
    /** The service's alarms (see `alarms`). */
    public readonly alarms: aws.cloudwatch.MetricAlarm[];
    /** The topic they notify: the given one, or the service's own. */
    public readonly alertTopicArn: pulumi.Output<string>;
    /** Dashboard widgets: requests and errors, latency, targets, CPU and memory (see `dashboardBody`). */
    public readonly widgets: pulumi.Output<DashboardWidget>[];
    /** With `serviceConnect.name`: where the stack's other services reach it. */
    public readonly serviceConnectEndpoint?: ServiceConnectEndpoint;

    /**
     * Checks `args` as the constructor would, without creating anything: a program can check all
     * its components before it creates its first resource (values that are Outputs are skipped).
     * Against a {@link LoadBalancerPlan} (from `LoadBalancer.validate`), the service's rule is
     * recorded in the plan, so the next service's check sees it.
     */
    static validate(name: string, args: WebServiceArgs): void {
        const plan = planWebService(name, args);
        if (plan.frontend.kind === "planned") {
            plan.frontend.plan.routes.add(plan.rules, shiftsTraffic(plan.deployment) ? 2 : 1);
        }
    }

    constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planWebService(name, args);
        if (plan.frontend.kind === "planned") {
            // Refused before anything is registered: a plan has no listener to add a rule to.
            throw new Validator(name).conflict("loadBalancer", "is a LoadBalancerPlan, which only stands in for a load balancer in WebService.validate", "pass the LoadBalancer component to the constructor");
        }
        super(TYPE_TOKENS.WebService, name, {}, componentOptions("WebService", opts, args.tags));
        // Claimed at once, so the next service on the load balancer sees this one's rule.
        plan.frontend.plan.routes.add(plan.rules, shiftsTraffic(plan.deployment) ? 2 : 1);

        const ctx = awsContext(this);
        const cluster = resolveCluster(this, name, args.cluster);
        const calls = plan.serviceConnect?.calls ?? [];
        // The URLs of the called services reach the container (and a new one rolls the tasks, which see only the servers that existed when they started).
        const task = createTaskDefinition(this, calls.length > 0 ? extendTaskSpec(plan.spec, { environment: plan.serviceConnect!.environment }) : plan.spec);
        const alertTopic = resolveAlertTopic(this, name, plan.alerts, ctx, args.kmsKeyArn);
        const frontend = this.resolveFrontend(name, plan, alertTopic.arn);
        const { serviceSecurityGroup, taskEgress } = this.createSecurityGroups(name, args, plan, frontend);
        const callRules = createCallRules(this, name, serviceSecurityGroup.id, calls);
        const targetGroup = this.createTargetGroup(name, args, plan, "tg");
        // A traffic-shifting deployment runs the new version in a second target group.
        const alternateTargetGroup = shiftsTraffic(plan.deployment) ? this.createTargetGroup(name, args, plan, "tg-alt") : undefined;
        const targetGroups = [targetGroup, ...(alternateTargetGroup ? [alternateTargetGroup] : [])];
        const [listenerRule, testListenerRule] = this.createListenerRules(name, plan, frontend, targetGroups);
        const traffic: TrafficMetrics[] = targetGroups.map((tg) => ({ LoadBalancer: frontend.arnSuffix, TargetGroup: tg.arnSuffix }));
        const trafficAlarms = this.createTrafficAlarms(name, plan, traffic, alertTopic.arn);
        // The deployment alarms: the error-rate and latency alarms; turned off, any traffic alarm names the disabled setting.
        const deploymentAlarmNames = (plan.alarms.rollbackOnAlarm ? [trafficAlarms.errorRate, trafficAlarms.latency] : [trafficAlarms.errorRate, trafficAlarms.latency, trafficAlarms.unhealthy])
            .filter((a): a is aws.cloudwatch.MetricAlarm => a !== undefined)
            .map((a) => a.name);
        const shifting = alternateTargetGroup
            ? createTrafficShifting(this, name, plan.deployment, targetGroups, [listenerRule, ...(testListenerRule ? [testListenerRule] : [])], alternateTargetGroup, listenerRule, testListenerRule)
            : undefined;
        const service = this.createService(name, args, plan, cluster, task, serviceSecurityGroup, targetGroup, [listenerRule, ...(testListenerRule ? [testListenerRule] : []), ...cluster.dependencies, ...taskEgress, ...(shifting?.ready ?? []), ...callRules, ...calls.map((c) => c.service)], deploymentAlarmNames, shifting);
        const tasks = { ClusterName: cluster.name, ServiceName: service.name };
        this.alarms = [...Object.values(trafficAlarms).filter((a): a is aws.cloudwatch.MetricAlarm => a !== undefined), ...this.createTaskAlarms(name, plan, tasks, alertTopic.arn)];
        this.alertTopicArn = alertTopic.arn;
        this.widgets = serviceWidgets(name, ctx.region, traffic, tasks);
        this.alternateTargetGroup = alternateTargetGroup;
        this.testListenerRule = testListenerRule;
        this.infrastructureRole = shifting?.role;
        // Made by the load balancer, once per host, for every service that routes it.
        this.aliasRecords = frontend.component ? plan.route.hosts.flatMap((host) => frontend.component!.aliasRecordsFor(host)) : [];
        this.scalingTarget = plan.autoscaling ? this.createAutoscaling(name, plan, cluster, service, frontend.arnSuffix, targetGroup) : undefined;

        this.cluster = cluster.cluster;
        this.clusterName = cluster.name;
        this.loadBalancerComponent = frontend.component;
        this.loadBalancer = frontend.component?.loadBalancer;
        this.httpListener = frontend.component?.httpListener;
        this.httpsListener = frontend.component?.httpsListener;
        this.loadBalancerSecurityGroup = frontend.component?.securityGroup;
        this.certificate = plan.frontend.kind === "own" ? frontend.component?.certificates[0] : undefined;
        this.targetGroup = targetGroup;
        this.listenerRule = listenerRule;
        this.routing = plan.rules[0];
        this.service = service;
        this.taskDefinition = task.taskDefinition;
        this.logGroup = task.logGroup;
        this.executionRole = task.executionRole;
        this.taskRole = task.taskRole;
        this.serviceSecurityGroup = serviceSecurityGroup;
        this.url = this.serviceUrl(plan, frontend);
        this.serviceConnectEndpoint = serviceConnectEndpoint(name, plan.serviceConnect, serviceSecurityGroup.id, service);
        this.registerOutputs({ url: this.url, serviceName: service.name, clusterName: this.clusterName, listenerRuleArn: listenerRule.arn });
    }

    /** The own load balancer is made here, as a child keeping the URNs its resources had when the service made them directly. */
    private resolveFrontend(name: string, plan: WebServicePlan, alertTopicArn: pulumi.Output<string>): ResolvedFrontend {
        const f = plan.frontend;
        if (f.kind === "existing") {
            return {
                listenerArn: pulumi.output(f.args.listenerArn),
                securityGroupId: pulumi.output(f.args.securityGroupId),
                arnSuffix: loadBalancerArnSuffix(f.args.arn),
                ...existingBaseUrl(f.args),
            };
        }
        if (f.kind === "planned") {
            throw new Error(`${name}: unreachable, the constructor refuses a LoadBalancerPlan`);
        }
        // Its web ACL's logs, if any, are kept and encrypted as the service's own.
        const logs = { logRetentionDays: plan.spec.logRetentionDays, ...(plan.spec.args.kmsKeyArn !== undefined ? { kmsKeyArn: plan.spec.args.kmsKeyArn } : {}) };
        const component = f.kind === "own" ? new LoadBalancer(name, { ...f.args, ...logs, alerts: { topicArn: alertTopicArn } }, { parent: this }, { name, parent: this }) : f.component;
        if (f.kind === "own") {
            component.plan.routes.add(plan.rules, shiftsTraffic(plan.deployment) ? 2 : 1);
        }
        const listener = f.plan.https ? component.httpsListener! : component.httpListener;
        return { component, listenerArn: listener.arn, securityGroupId: component.securityGroup.id, arnSuffix: component.loadBalancer.arnSuffix, baseUrl: component.url };
    }

    private serviceUrl(plan: WebServicePlan, frontend: ResolvedFrontend): pulumi.Output<string> {
        const host = plan.route.hosts.find((h) => !/[*?]/.test(h));
        const path = routeBasePath(plan.route.paths);
        const suffix = path === "/" ? "" : path;
        if (host !== undefined) {
            return pulumi.output(`${plan.frontend.plan.https ? "https" : "http"}://${host}${suffix}`);
        }
        if (frontend.baseUrl === undefined) {
            return pulumi.output(`(route ${plan.route.paths.join(", ")} on the given load balancer)`);
        }
        return pulumi.interpolate`${frontend.baseUrl}${suffix}`;
    }

    /** The tasks admit only the load balancer's security group, which may send to them only on the container port. */
    private createSecurityGroups(name: string, args: WebServiceArgs, plan: WebServicePlan, frontend: ResolvedFrontend) {
        const opts = { parent: this };
        const vpcId = args.network.vpcId;
        const serviceSecurityGroup = new aws.ec2.SecurityGroup(childName(name, "service-sg"), { vpcId, description: `Tasks of ${name}: the container port from the load balancer only` }, opts);
        const out = portRuleName(name, "alb-out-tasks", plan.port);
        new aws.vpc.SecurityGroupEgressRule(
            out.name,
            { securityGroupId: frontend.securityGroupId, description: `Requests and health checks to the tasks of ${name}`, ipProtocol: "tcp", fromPort: plan.port, toPort: plan.port, referencedSecurityGroupId: serviceSecurityGroup.id },
            { ...opts, ...out.opts },
        );
        const inbound = portRuleName(name, "service-in-alb", plan.port);
        new aws.vpc.SecurityGroupIngressRule(
            inbound.name,
            { securityGroupId: serviceSecurityGroup.id, description: "Container port from the load balancer", ipProtocol: "tcp", fromPort: plan.port, toPort: plan.port, referencedSecurityGroupId: frontend.securityGroupId },
            { ...opts, ...inbound.opts },
        );
        const taskEgressRules = createTaskEgressRules(this, name, serviceSecurityGroup.id, args.network);
        return { serviceSecurityGroup, taskEgress: taskEgressRules };
    }

    private createTargetGroup(name: string, args: WebServiceArgs, plan: WebServicePlan, role: "tg" | "tg-alt"): aws.lb.TargetGroup {
        const hc = plan.healthCheck;
        return new aws.lb.TargetGroup(
            childName(name, role, NAME_LIMITS.targetGroup),
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
            // ECS registers each task with its container port, and the health check uses the
            // port a target was registered with ("traffic-port"), so the group's own port is
            // never used. A change of it would replace the group (and empty it) for nothing.
            { parent: this, ignoreChanges: ["port"] },
        );
    }

    /**
     * The rule on the listener that holds rules (HTTPS when on, else HTTP) forwarding the route's
     * requests, and with `testTraffic` a test rule just before it. For a traffic-shifting
     * deployment both forward to the two target groups (all to the first), and ECS rewrites their
     * weights during and after every deployment: `pulumi up` must not put them back, so their
     * actions are ignored after creation (terraform-provider-aws issue 43905). A replaced target
     * group would then stay in the ignored actions, so the rules are replaced with it
     * (`replaceWith`), deleting first: the new rule takes the old one's priority.
     */
    private createListenerRules(name: string, plan: WebServicePlan, frontend: ResolvedFrontend, targetGroups: aws.lb.TargetGroup[]): [aws.lb.ListenerRule, aws.lb.ListenerRule | undefined] {
        const shifting = targetGroups.length > 1;
        const actions = shifting
            ? [{ type: "forward", forward: { targetGroups: targetGroups.map((tg, i) => ({ arn: tg.arn, weight: i === 0 ? 100 : 0 })) } }]
            : [{ type: "forward", targetGroupArn: targetGroups[0].arn }];
        const opts = { parent: this, ...(shifting ? { ignoreChanges: ["actions"], replaceWith: targetGroups, deleteBeforeReplace: true } : {}) };
        const rules = plan.rules.map((rule) =>
            new aws.lb.ListenerRule(
                childName(name, rule.testHeader ? `${rule.listener}-test-rule` : `${rule.listener}-rule`),
                {
                    listenerArn: frontend.listenerArn,
                    priority: rule.priority,
                    actions,
                    conditions: [
                        ...(rule.hosts.length > 0 ? [{ hostHeader: { values: [...rule.hosts] } }] : []),
                        ...(rule.paths.length > 0 ? [{ pathPattern: { values: [...rule.paths] } }] : []),
                        ...(rule.testHeader ? [{ httpHeader: { httpHeaderName: plan.deployment.testTraffic!.header, values: [plan.deployment.testTraffic!.value] } }] : []),
                    ],
                },
                opts,
            ),
        );
        return [rules[0], rules[1]];
    }

    /**
     * Alarms on the service's own target group: 5xx rate and p99 latency (the deployment alarms)
     * and unhealthy targets. Never the load balancer-wide `HTTPCode_ELB_5XX_Count`: on a shared
     * load balancer another service's errors would roll this one back.
     */
    private createTrafficAlarms(name: string, plan: WebServicePlan, traffic: TrafficMetrics[], topicArn: pulumi.Input<string>) {
        const a = plan.alarms;
        const target = (dimensions: TrafficMetrics, metricName: string, stat: string): MetricRef => ({ namespace: "AWS/ApplicationELB", metricName, dimensions, stat });
        // With two target groups (a traffic-shifting deployment) the alarm covers both: the version
        // taking traffic is in either.
        const each = (prefix: string, metricName: string, stat: string) => Object.fromEntries(traffic.map((t, i) => [`${prefix}${traffic.length > 1 ? i : ""}`, target(t, metricName, stat)]));
        const ids = (prefix: string) => traffic.map((_, i) => `${prefix}${traffic.length > 1 ? i : ""}`);
        const worst = (prefix: string, metricName: string, stat: string, label: string) =>
            traffic.length > 1 ? { expression: { expression: `MAX([${ids(prefix).join(", ")}])`, label, metrics: each(prefix, metricName, stat) } } : { metric: target(traffic[0], metricName, stat) };
        const sum = (prefix: string) => (traffic.length > 1 ? `(${ids(prefix).map((id) => `FILL(${id}, 0)`).join(" + ")})` : `FILL(${prefix}, 0)`);
        const errorRate = traffic.length > 1 ? `100 * ${sum("errors")} / ${sum("requests")}` : "100 * FILL(errors, 0) / requests";
        const minutes = { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 } as const;
        return {
            errorRate:
                a.errorRatePercent === false
                    ? undefined
                    : createAlarm(
                          this,
                          name,
                          {
                              role: "5xx-rate",
                              description: `${name}: over ${a.errorRatePercent}% of requests answered 5xx by the tasks in 3 of 5 minutes. A deploy in progress rolls back; otherwise check the service's logs.`,
                              expression: { expression: errorRate, label: "5xx % of requests", metrics: { ...each("errors", "HTTPCode_Target_5XX_Count", "Sum"), ...each("requests", "RequestCount", "Sum") } },
                              comparison: "GreaterThanThreshold",
                              threshold: a.errorRatePercent,
                              ...minutes,
                          },
                          topicArn,
                      ),
            latency:
                a.p99LatencySeconds === false
                    ? undefined
                    : createAlarm(
                          this,
                          name,
                          {
                              role: "p99-latency",
                              description: `${name}: p99 response time over ${a.p99LatencySeconds} s in 3 of 5 minutes. A deploy in progress rolls back; otherwise check load and dependencies.`,
                              ...worst("latency", "TargetResponseTime", "p99", "p99 response time (s)"),
                              comparison: "GreaterThanThreshold",
                              threshold: a.p99LatencySeconds,
                              ...minutes,
                          },
                          topicArn,
                      ),
            unhealthy: !a.unhealthyTargets
                ? undefined
                : createAlarm(
                      this,
                      name,
                      {
                          role: "unhealthy-targets",
                          description: `${name}: a task has failed the load balancer's health check for 5 minutes. ECS replaces such tasks; if this stays, check the health check path and the app.`,
                          ...worst("unhealthy", "UnHealthyHostCount", "Maximum", "unhealthy targets"),
                          ...ABOVE_ZERO_FOR_FIVE_MINUTES,
                      },
                      topicArn,
                  ),
        };
    }

    /** Alarms on the service's tasks: fewer running than desired, CPU and memory high. */
    private createTaskAlarms(name: string, plan: WebServicePlan, tasks: TaskMetrics, topicArn: pulumi.Input<string>): aws.cloudwatch.MetricAlarm[] {
        const a = plan.alarms;
        const alarms: aws.cloudwatch.MetricAlarm[] = [];
        if (a.tasksBelowDesired) {
            alarms.push(tasksBelowDesiredAlarm(this, name, tasks, topicArn));
        }
        for (const [role, metricName, percent] of [["cpu-high", "CPUUtilization", a.cpuPercent], ["memory-high", "MemoryUtilization", a.memoryPercent]] as const) {
            if (percent === false) {
                continue;
            }
            alarms.push(
                createAlarm(
                    this,
                    name,
                    {
                        role,
                        description: `${name}: average ${metricName === "CPUUtilization" ? "CPU" : "memory"} of the tasks over ${percent}% for 10 minutes. Scale out, or give the tasks more.`,
                        metric: { namespace: "AWS/ECS", metricName, dimensions: tasks, stat: "Average" },
                        comparison: "GreaterThanThreshold",
                        threshold: percent,
                        periodSeconds: 60,
                        evaluationPeriods: 10,
                        datapointsToAlarm: 10,
                    },
                    topicArn,
                ),
            );
        }
        return alarms;
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
        alarmNames: pulumi.Output<string>[],
        shifting: TrafficShifting | undefined,
    ): aws.ecs.Service {
        const strategy = plan.spec.capacityProviderStrategy;
        const logical = serviceName(name, strategy);
        return new aws.ecs.Service(
            logical.name,
            {
                ...serviceBaseArgs(cluster, task.taskDefinition, plan.desiredCount, strategy, args.network, securityGroup),
                loadBalancers: [
                    {
                        targetGroupArn: targetGroup.arn,
                        containerName: MAIN_CONTAINER_NAME,
                        containerPort: plan.port,
                        ...(shifting
                            ? {
                                  advancedConfiguration: {
                                      alternateTargetGroupArn: shifting.alternateTargetGroup.arn,
                                      productionListenerRule: shifting.productionRule.arn,
                                      ...(shifting.testRule ? { testListenerRule: shifting.testRule.arn } : {}),
                                      roleArn: shifting.role.arn,
                                  },
                              }
                            : {}),
                    },
                ],
                healthCheckGracePeriodSeconds: plan.healthCheckGracePeriodSeconds,
                // Rolling bounds; a traffic-shifting deploy starts the whole new version beside the old.
                ...(shifting ? { deploymentConfiguration: deploymentConfiguration(plan.deployment, shifting) } : { deploymentMinimumHealthyPercent: plan.deployment.minHealthyPercent, deploymentMaximumPercent: plan.deployment.maxPercent }),
                ...serviceSafetyArgs(plan.enableExecuteCommand, plan.waitForSteadyState),
                ...(plan.serviceConnect ? { serviceConnectConfiguration: serviceConnectConfiguration(plan.serviceConnect, plan.spec.logGroupName, task.aws.region) } : {}),
                // A deployment fails, and rolls back, while the service's own error-rate or latency alarm is in ALARM.
                ...deploymentAlarms(alarmNames, plan.alarms.rollbackOnAlarm),
            },
            // The target group must be attached to a listener before ECS registers targets in it,
            // and tasks need their outbound rules to pull images.
            {
                parent: this,
                aliases: logical.aliases,
                dependsOn,
                ignoreChanges: plan.autoscaling ? ["desiredCount"] : [],
                // pulumi up waits through the bake times (and pauses) of a traffic-shifting deploy.
                ...(shifting && plan.waitForSteadyState ? { customTimeouts: { create: `${deployMinutes(plan.deployment)}m`, update: `${deployMinutes(plan.deployment)}m` } } : {}),
            },
        );
    }

    private createAutoscaling(name: string, plan: WebServicePlan, cluster: ResolvedCluster, service: aws.ecs.Service, loadBalancerArnSuffix: pulumi.Output<string>, targetGroup: aws.lb.TargetGroup): aws.appautoscaling.Target {
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
            ["requests", a.requestsPerTarget, "ALBRequestCountPerTarget", pulumi.interpolate`${loadBalancerArnSuffix}/${targetGroup.arnSuffix}`],
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
