/**
 * The policies of the fargate-workloads policy pack. Constructing a `PolicyPack` starts its server,
 * so they live here, apart from `index.ts`, where tests can import them.
 *
 * Every policy runs a pure check from `checks.ts` or `awsLimits.ts`. A value unknown at preview is
 * never taken as passing: the check throws `CannotCheckAtPreview` (an `UnknownValueError`), which
 * the policy server reports at advisory level as "cannot check at preview", after the definite
 * violations the check did find; `pulumi up` runs the check again with the real values.
 */
import { EnforcementLevel, Policies, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { checkResourceLimits, checkStackLimits } from "./awsLimits";
import * as checks from "./checks";
import { CannotCheckAtPreview, isUnknownError, unknownPaths } from "./preview";

interface PolicyInfo {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
}

/** Re-raises an unknown-value error as {@link CannotCheckAtPreview}; other errors unchanged. */
function asCannotCheck(e: unknown): unknown {
    return isUnknownError(e) && !(e instanceof CannotCheckAtPreview) ? new CannotCheckAtPreview(unknownPaths(e)) : e;
}

/** A resource policy around a pure check of (type, props). */
export function resourcePolicy(info: PolicyInfo, check: checks.ResourceCheck): ResourceValidationPolicy {
    return {
        ...info,
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            let violations: string[];
            try {
                violations = check(args.type, args.props);
            } catch (e) {
                throw asCannotCheck(e);
            }
            violations.forEach((v) => report(v));
        },
    };
}

/** The stack's resources as the checks read them. */
export function stackView(resources: readonly PolicyResource[]): checks.StackResourceView[] {
    return resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.props, opts: { protect: r.opts?.protect } }));
}

/** A stack policy around a pure check of the stack's resources. */
export function stackPolicy(info: PolicyInfo, check: (resources: checks.StackResourceView[], args: StackValidationArgs) => checks.StackFindings): StackValidationPolicy {
    return {
        ...info,
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            let findings: checks.StackFindings;
            try {
                findings = check(stackView(args.resources), args);
            } catch (e) {
                throw asCannotCheck(e);
            }
            findings.violations.forEach((v) => report(v.message, v.urn));
            if (findings.unknown.length > 0) {
                throw new CannotCheckAtPreview(findings.unknown);
            }
        },
    };
}

export const ecs2NoPublicIp = stackPolicy(
    {
        name: "ecs-2-no-public-ip",
        description:
            "Security Hub ECS.2: ECS tasks get no public IP address, so nothing on the internet reaches them except through the load balancer. Tasks in subnets the stack shows to be public (those of its internet-facing load balancers, or subnets with mapPublicIpOnLaunch) are reported by ecs-2-public-subnet-tasks instead.",
        enforcementLevel: "mandatory",
    },
    checks.noPublicIpOutsidePublicSubnets,
);

export const ecs2PublicSubnetTasks = stackPolicy(
    {
        name: "ecs-2-public-subnet-tasks",
        description:
            "Security Hub ECS.2, advisory where the stack chose public subnets for its tasks (no NAT gateway, as in a development stack): their public IPs are needed to pull images, and their security group admits only the load balancer, but the finding stays until they move to private subnets.",
        enforcementLevel: "advisory",
    },
    checks.publicSubnetTasks,
);

export const ecs4NoPrivilegedContainers = resourcePolicy(
    { name: "ecs-4-no-privileged-containers", description: "Security Hub ECS.4: a privileged container holds root on the host; Fargate refuses them, and no container should ask.", enforcementLevel: "mandatory" },
    checks.noPrivilegedContainers,
);

export const ecs5ReadOnlyRootFilesystem = resourcePolicy(
    {
        name: "ecs-5-read-only-root-filesystem",
        description:
            "Security Hub ECS.5: containers mount their root filesystem read-only (missing counts as writable), so an intruder cannot change the image's code; write to mounted volumes such as /tmp instead. One exemption: a task definition tagged fargate-workloads:exemption = ecs-5:ecs-exec whose writable containers start ECS Exec's init process, because AWS does not support ECS Exec with a read-only root (WebService sets both when enableExecuteCommand is on).",
        enforcementLevel: "mandatory",
    },
    checks.readOnlyRootFilesystem,
);

export const ecs8NoCredentialsInEnvironment = resourcePolicy(
    {
        name: "ecs-8-no-credentials-in-environment",
        description: "Security Hub ECS.8: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ECS_ENGINE_AUTH_DATA never sit in plain environment variables, which anyone who can describe the task definition reads; use the task role or secrets.",
        enforcementLevel: "mandatory",
    },
    checks.noCredentialsInEnvironment,
);

export const ecs9ContainerLogging = resourcePolicy(
    { name: "ecs-9-container-logging", description: "Security Hub ECS.9: every container has a log configuration, so what it prints survives the task.", enforcementLevel: "mandatory" },
    checks.containerLogging,
);

export const ecs10LatestPlatformVersion = resourcePolicy(
    {
        name: "ecs-10-latest-platform-version",
        description: "Security Hub ECS.10 (and checkov CKV_AWS_332): Fargate services and runs leave the platform version unset or LATEST, so they get AWS's security patches without a change.",
        enforcementLevel: "mandatory",
    },
    checks.latestPlatformVersion,
);

export const ecs12ContainerInsights = resourcePolicy(
    { name: "ecs-12-container-insights", description: "Security Hub ECS.12: clusters have Container Insights, the per-task CPU, memory and network metrics an incident review needs.", enforcementLevel: "mandatory" },
    checks.containerInsights,
);

export const ecs20NonRootUser = resourcePolicy(
    {
        name: "ecs-20-non-root-user",
        description: "Security Hub ECS.20: containers of Linux tasks run as a named non-root user; a missing user means the image's user, root for most images, which turns a code execution bug into root in the container.",
        enforcementLevel: "mandatory",
    },
    checks.nonRootUser,
);

export const elb1HttpRedirectsToHttps = resourcePolicy(
    {
        name: "elb-1-http-redirects-to-https",
        description: "Security Hub ELB.1: HTTP listeners only redirect to HTTPS, so no request or cookie crosses the internet in clear text. Give the service a certificate or a domain.",
        enforcementLevel: "mandatory",
    },
    checks.httpRedirectsToHttps,
);

export const elb4DropInvalidHeaders = resourcePolicy(
    { name: "elb-4-drop-invalid-headers", description: "Security Hub ELB.4: Application Load Balancers drop HTTP headers with invalid names, a request smuggling vector (the provider's default keeps them).", enforcementLevel: "mandatory" },
    checks.dropInvalidHeaders,
);

export const elb6DeletionProtection = stackPolicy(
    {
        name: "elb-6-deletion-protection-when-protected",
        description:
            "Security Hub ELB.6, for stacks that protect their data (any resource with protect: true): their Application Load Balancers have deletion protection, so a stray destroy cannot take production offline. Stacks that protect nothing (development) are not held to it.",
        enforcementLevel: "mandatory",
    },
    (resources, args) => {
        if (!checks.isProtectedStack(resources)) {
            args.notApplicable("the stack protects no resource");
        }
        return checks.deletionProtectionWhenProtected(resources);
    },
);

export const elb12DesyncMitigation = resourcePolicy(
    { name: "elb-12-desync-mitigation", description: "Security Hub ELB.12: Application Load Balancers mitigate HTTP desync (defensive, AWS's default, or strictest), which blocks request smuggling.", enforcementLevel: "mandatory" },
    checks.desyncMitigation,
);

export const elb13MultipleZones = resourcePolicy(
    { name: "elb-13-multiple-availability-zones", description: "Security Hub ELB.13: load balancers span at least two Availability Zones, so one zone's outage does not take the service down.", enforcementLevel: "mandatory" },
    checks.multipleZones,
);

export const elb17TlsPolicy = resourcePolicy(
    {
        name: "elb-17-tls-policy",
        description: "Security Hub ELB.17: HTTPS and TLS listeners use a TLS 1.3 policy from Security Hub's list; without one the API picks ELBSecurityPolicy-2016-08, which still accepts TLS 1.0.",
        enforcementLevel: "mandatory",
    },
    checks.tlsPolicy,
);

export const targetGroupIpWithHealthCheck = resourcePolicy(
    {
        name: "target-group-ip-with-health-check",
        description: "Fargate tasks (awsvpc) register in target groups by IP (the provider's default type, instance, cannot hold them), and checkov CKV_AWS_261: the target group checks their health, so traffic goes only to tasks that answer.",
        enforcementLevel: "mandatory",
    },
    checks.ipTargetsWithHealthCheck,
);

export const targetGroupIntervalAboveTimeout = resourcePolicy(
    {
        name: "target-group-interval-above-timeout",
        description: "A target group's health check interval is greater than its timeout; the provider accepts the opposite at preview and AWS rejects it at deploy, halfway through pulumi up.",
        enforcementLevel: "mandatory",
    },
    checks.healthCheckIntervalAboveTimeout,
);

export const logGroupRetention = resourcePolicy(
    { name: "log-group-retention", description: "checkov CKV_AWS_66: log groups expire their events after a retention CloudWatch Logs accepts; without one, logs (and their cost) grow for ever.", enforcementLevel: "mandatory" },
    checks.logRetention,
);

export const executionRoleDiffersFromTaskRole = resourcePolicy(
    {
        name: "execution-role-differs-from-task-role",
        description: "checkov CKV_AWS_249: the execution role (ECS's: pull images, write logs, read the task's secrets) is not the task role (the application's), so the application cannot read secrets or images beyond its own rights.",
        enforcementLevel: "mandatory",
    },
    checks.separateRoles,
);

export const iamNoWildcardActions = resourcePolicy(
    {
        name: "iam-no-wildcard-actions",
        description: 'Least privilege: no identity policy allows "*" or "service:*" (or everything but a list, with NotAction), and no role gets AWS\'s AdministratorAccess, PowerUserAccess or *FullAccess policies; name the actions the workload uses.',
        enforcementLevel: "mandatory",
    },
    checks.noWildcardActions,
);

export const iamNoWildcardResources = resourcePolicy(
    {
        name: "iam-no-wildcard-resources",
        description: `Least privilege: no identity policy allows actions on resource "*" (or NotResource) except the actions AWS grants only on "*": ${checks.WILDCARD_RESOURCE_ACTIONS.join(", ")}.`,
        enforcementLevel: "mandatory",
    },
    checks.noWildcardResources,
);

export const awsLimits: ResourceValidationPolicy = {
    name: "aws-limits",
    description:
        "Values AWS rejects at deploy, which the provider does not check at preview: Fargate sizes, name lengths (auto-names included) and characters, security group texts, ports and health check ranges, log retention values, schedule expressions, alarm windows, deployments that can never progress, quotas such as 10 containers per task definition.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        let result;
        try {
            result = checkResourceLimits(args.type, args.props, args.name);
        } catch (e) {
            throw asCannotCheck(e);
        }
        result.violations.forEach((v) => report(v));
        if (result.unknown.length > 0) {
            throw new CannotCheckAtPreview(result.unknown);
        }
    },
};

export const awsLimitsAcrossResources = stackPolicy(
    {
        name: "aws-limits-across-resources",
        description: "Limits AWS checks across resources at deploy: a task on Fargate Spot must be Linux x86_64, a service's load balancer must target a port its task definition maps, and a state machine's Distributed Map state needs a role that may start, watch and stop its child executions and write its results where its ResultWriter puts them.",
        enforcementLevel: "mandatory",
    },
    (resources) => checkStackLimits(resources),
);

/** Every policy of the pack, in the order `pulumi preview` lists them. */
export const policies: Policies = [
    ecs2NoPublicIp,
    ecs2PublicSubnetTasks,
    ecs4NoPrivilegedContainers,
    ecs5ReadOnlyRootFilesystem,
    ecs8NoCredentialsInEnvironment,
    ecs9ContainerLogging,
    ecs10LatestPlatformVersion,
    ecs12ContainerInsights,
    ecs20NonRootUser,
    elb1HttpRedirectsToHttps,
    elb4DropInvalidHeaders,
    elb6DeletionProtection,
    elb12DesyncMitigation,
    elb13MultipleZones,
    elb17TlsPolicy,
    targetGroupIpWithHealthCheck,
    targetGroupIntervalAboveTimeout,
    logGroupRetention,
    executionRoleDiffersFromTaskRole,
    iamNoWildcardActions,
    iamNoWildcardResources,
    awsLimits,
    awsLimitsAcrossResources,
];
