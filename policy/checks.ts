/**
 * The security checks of the policy pack as pure functions: a resource's type and properties in,
 * the violations out (an empty list passes). Values unknown at preview are read through
 * `./preview`, which throws `CannotCheckAtPreview` instead of guessing. `policies.ts` wraps each
 * check in a CrossGuard policy; the tests call both.
 */
import { STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS, STEP_FUNCTIONS_TRACING_ACTIONS } from "../components/batchTask";
import { LOG_RETENTION_DAYS } from "../components/sizing";
import { EXEC_ACTIONS, EXEC_EXEMPTION_TAG, EXEC_LOG_DISCOVERY_ACTIONS, FORBIDDEN_ENVIRONMENT_NAMES } from "../components/taskDefinition";
import { ELB17_SSL_POLICIES } from "../components/loadBalancer";
import { ELB_READ_ACTIONS } from "../components/deployment";
import { allStates, canonicalType, TARGET_GROUP_HEALTH_CHECK_DEFAULTS, taskArguments } from "./awsLimits";
import { at, eachKnown, known } from "./preview";

/** A resource check: its violations (empty when it passes). */
export type ResourceCheck = (type: string, props: Record<string, any>) => string[];

/** A resource of the stack as a stack policy sees it: outputs, and the options that matter here. */
export interface StackResourceView {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, any>;
    readonly opts?: { readonly protect?: boolean };
}

/** What a stack check found: violations by resource, and what it could not check at preview. */
export interface StackFindings {
    readonly violations: { urn: string; message: string }[];
    readonly unknown: string[];
}

/** The type tokens the checks look at. */
export const T = {
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    service: "aws:ecs/service:Service",
    cluster: "aws:ecs/cluster:Cluster",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    stateMachine: "aws:sfn/stateMachine:StateMachine",
    subnet: "aws:ec2/subnet:Subnet",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    userPolicy: "aws:iam/userPolicy:UserPolicy",
    groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
} as const;

// ---- Containers (ECS.4, ECS.5, ECS.8, ECS.9, ECS.20) -----------------------------------------------

/**
 * The parsed container definitions of a task definition (a JSON string in `containerDefinitions`),
 * or why they cannot be read.
 */
export function containerDefinitions(props: Record<string, any>): { containers: any[] } | { problem: string } {
    const text = at(props, "containerDefinitions");
    let parsed: unknown;
    try {
        parsed = typeof text === "string" ? JSON.parse(text) : text;
    } catch {
        parsed = undefined;
    }
    return Array.isArray(parsed) ? { containers: parsed } : { problem: `containerDefinitions is not a JSON list of containers: ${String(JSON.stringify(text)).slice(0, 80)}` };
}

function perContainer(check: (c: any, props: Record<string, any>) => string | undefined): ResourceCheck {
    return (type, props) => {
        if (type !== T.taskDefinition) {
            return [];
        }
        const parsed = containerDefinitions(props);
        if ("problem" in parsed) {
            return [parsed.problem];
        }
        return parsed.containers.map((c) => check(c, props)).filter((m): m is string => m !== undefined);
    };
}

const containerName = (c: any) => `container ${JSON.stringify(c?.name)}`;

/** ECS.4: no container runs privileged. */
export const noPrivilegedContainers = perContainer((c) => (c.privileged === true ? `${containerName(c)} runs privileged` : undefined));

/** ECS.5: every container mounts its root filesystem read-only (missing counts as false). */
export const readOnlyRootFilesystem = perContainer((c, props) => {
    if (c.readonlyRootFilesystem === true) {
        return undefined;
    }
    // The documented exemption: ECS Exec, which AWS does not support with a read-only root.
    const tags = at(props, "tags") ?? {};
    if (tags[EXEC_EXEMPTION_TAG.key] === EXEC_EXEMPTION_TAG.value && c.linuxParameters?.initProcessEnabled === true) {
        return undefined;
    }
    return `${containerName(c)} has a writable root filesystem (readonlyRootFilesystem is ${JSON.stringify(c.readonlyRootFilesystem ?? "unset")})`;
});

/** ECS.8: no AWS credentials in plain environment variables. */
export const noCredentialsInEnvironment = perContainer((c) => {
    const names = ((c.environment ?? []) as any[]).map((e) => e?.name).filter((n) => FORBIDDEN_ENVIRONMENT_NAMES.includes(n));
    return names.length > 0 ? `${containerName(c)} sets ${names.join(", ")} in plain environment; use the task role, or secrets for other credentials` : undefined;
});

/** ECS.9: every container has a log configuration. */
export const containerLogging = perContainer((c) => (typeof c.logConfiguration?.logDriver === "string" ? undefined : `${containerName(c)} has no logConfiguration`));

const ROOT_USER = /^(0|root)(:|$)/;

/** ECS.20: containers of Linux tasks run as a non-root user (a missing user means root). */
export const nonRootUser = perContainer((c, props) => {
    const os = at(props, "runtimePlatform.operatingSystemFamily") ?? "LINUX";
    if (os !== "LINUX") {
        return undefined;
    }
    if (typeof c.user !== "string" || c.user === "") {
        return `${containerName(c)} sets no user, so it runs as the image's user (root unless the image says otherwise)`;
    }
    return ROOT_USER.test(c.user) ? `${containerName(c)} runs as root (user ${JSON.stringify(c.user)})` : undefined;
});

// ---- ECS services, clusters, state machines (ECS.10, ECS.12) -------------------------------------

const RUN_TASK = /^arn:aws[a-z-]*:states:::ecs:runTask(\.sync|\.waitForTaskToken)?$/;

/** The `ecs:runTask` states of a state machine definition (nested states included). */
export function runTaskStates(props: Record<string, any>): { name: string; parameters: any }[] {
    const text = at(props, "definition");
    let definition: any;
    try {
        definition = JSON.parse(text);
    } catch {
        return [];
    }
    return allStates(definition)
        .filter(({ state }) => RUN_TASK.test(state?.Resource ?? ""))
        .map(({ name, state }) => ({ name, parameters: taskArguments(state) }));
}

/** ECS.10: Fargate services and runs use the latest platform version (unset or `LATEST`). */
export const latestPlatformVersion: ResourceCheck = (type, props) => {
    const problem = (where: string, version: unknown) => (version === undefined || version === "LATEST" ? [] : [`${where} pins platformVersion ${JSON.stringify(version)}; leave it unset or "LATEST"`]);
    if (type === T.service) {
        const launchType = at(props, "launchType");
        if (launchType !== undefined && launchType !== "FARGATE") {
            return [];
        }
        return problem("the service", at(props, "platformVersion"));
    }
    if (type === T.stateMachine) {
        return runTaskStates(props).flatMap((s) => problem(`state ${s.name}`, s.parameters.PlatformVersion));
    }
    return [];
};

/** ECS.12: clusters have Container Insights (`enabled` or `enhanced`). */
export const containerInsights: ResourceCheck = (type, props) => {
    if (type !== T.cluster) {
        return [];
    }
    const settings: any[] = at(props, "settings") ?? [];
    const value = settings.find((s) => known(s?.name, "settings.name") === "containerInsights")?.value;
    return value === "enabled" || value === "enhanced" ? [] : [`Container Insights is ${JSON.stringify(value ?? "unset")}; add settings [{ name: "containerInsights", value: "enabled" }]`];
};

// ---- Load balancers and target groups (ELB.1, ELB.4, ELB.12, ELB.13, ELB.17, checkov) ----------------

const isApplication = (props: Record<string, any>) => (at(props, "loadBalancerType") ?? "application") === "application";

/** ELB.1: an HTTP listener only redirects to HTTPS. */
export const httpRedirectsToHttps: ResourceCheck = (type, props) => {
    // An ALB listener without a protocol is HTTP (the provider's default); NLB listeners always name theirs.
    if (canonicalType(type) !== T.listener || (at(props, "protocol") ?? "HTTP") !== "HTTP") {
        return [];
    }
    const actions: any[] = at(props, "defaultActions") ?? [];
    const redirects = actions.length > 0 && actions.every((a) => a?.type === "redirect" && a?.redirect?.protocol === "HTTPS");
    return redirects ? [] : [`the HTTP listener on port ${at(props, "port")} has default action ${actions.map((a) => a?.type).join(", ") || "none"} instead of a redirect to HTTPS`];
};

/** ELB.4: application load balancers drop invalid header fields. */
export const dropInvalidHeaders: ResourceCheck = (type, props) =>
    canonicalType(type) === T.loadBalancer && isApplication(props) && at(props, "dropInvalidHeaderFields") !== true ? ["dropInvalidHeaderFields is not true (the provider's default is false)"] : [];

/** ELB.12: desync mitigation is defensive (AWS's default) or strictest. */
export const desyncMitigation: ResourceCheck = (type, props) => {
    if (canonicalType(type) !== T.loadBalancer || !isApplication(props)) {
        return [];
    }
    const mode = at(props, "desyncMitigationMode") ?? "defensive";
    return mode === "defensive" || mode === "strictest" ? [] : [`desyncMitigationMode is ${JSON.stringify(mode)}`];
};

/** ELB.13: a load balancer spans at least two Availability Zones (an ALB takes one subnet per zone). */
export const multipleZones: ResourceCheck = (type, props) => {
    if (canonicalType(type) !== T.loadBalancer) {
        return [];
    }
    const subnets = at(props, "subnets");
    const mappings = at(props, "subnetMappings");
    const count = Array.isArray(subnets) && subnets.length > 0 ? new Set(subnets.map((s, i) => known(s, `subnets.${i}`))).size : Array.isArray(mappings) ? mappings.length : 0;
    return count >= 2 ? [] : [`the load balancer has ${count} subnet(s); give subnets in at least two Availability Zones`];
};

/** ELB.17: HTTPS and TLS listeners use a TLS policy that Security Hub accepts. */
export const tlsPolicy: ResourceCheck = (type, props) => {
    if (canonicalType(type) !== T.listener) {
        return [];
    }
    const protocol = at(props, "protocol");
    if (protocol !== "HTTPS" && protocol !== "TLS") {
        return [];
    }
    const policy = at(props, "sslPolicy");
    return ELB17_SSL_POLICIES.includes(policy)
        ? []
        : [`sslPolicy is ${JSON.stringify(policy ?? "unset (the API default ELBSecurityPolicy-2016-08 allows TLS 1.0)")}; use one of ${ELB17_SSL_POLICIES.join(", ")}`];
};

/** checkov CKV_AWS_261 and Fargate: target groups register tasks by IP and check their health. */
export const ipTargetsWithHealthCheck: ResourceCheck = (type, props) => {
    if (canonicalType(type) !== T.targetGroup) {
        return [];
    }
    const targetType = at(props, "targetType") ?? "instance";
    if (targetType === "lambda" || targetType === "alb") {
        return [];
    }
    const found: string[] = [];
    if (targetType !== "ip") {
        found.push(`targetType is ${JSON.stringify(targetType)}; Fargate tasks (awsvpc) register only as "ip" targets`);
    }
    const hc = at(props, "healthCheck");
    if (hc === undefined || at(hc, "enabled") === false) {
        found.push("the target group defines no enabled health check");
    }
    return found;
};

/** AWS rejects at deploy a target group whose health check interval is not above its timeout. */
export const healthCheckIntervalAboveTimeout: ResourceCheck = (type, props) => {
    if (canonicalType(type) !== T.targetGroup || at(props, "healthCheck.enabled") === false) {
        return [];
    }
    const interval = at(props, "healthCheck.interval") ?? TARGET_GROUP_HEALTH_CHECK_DEFAULTS.interval;
    const timeout = at(props, "healthCheck.timeout") ?? TARGET_GROUP_HEALTH_CHECK_DEFAULTS.timeout;
    return interval > timeout ? [] : [`healthCheck.interval (${interval}) is not greater than healthCheck.timeout (${timeout})`];
};

// ---- Logs and roles (checkov CKV_AWS_66, CKV_AWS_249) ----------------------------------------------

/** CKV_AWS_66: log groups expire their events after a CloudWatch Logs retention. */
export const logRetention: ResourceCheck = (type, props) => {
    if (type !== T.logGroup) {
        return [];
    }
    const days = at(props, "retentionInDays");
    if (days === undefined || days === 0) {
        return ["retentionInDays is not set, so the logs are kept (and billed) for ever"];
    }
    return LOG_RETENTION_DAYS.includes(days) ? [] : [`retentionInDays (${days}) is not a value CloudWatch Logs accepts`];
};

/** CKV_AWS_249: the execution role (ECS's) is not the task role (the application's). */
export const separateRoles: ResourceCheck = (type, props) => {
    if (type !== T.taskDefinition) {
        return [];
    }
    const execution = at(props, "executionRoleArn");
    const task = at(props, "taskRoleArn");
    return execution !== undefined && execution === task ? [`executionRoleArn and taskRoleArn are the same role (${execution}): the application would hold ECS's rights to pull images and read every secret of the task`] : [];
};

// ---- IAM (no * action, no * resource except where AWS requires it) ----------------------------------

/**
 * Actions that have no resource-level permissions, so AWS requires `Resource: "*"` for them: ECR's
 * authorization token, the ECS Exec agent's ssmmessages channels and log group lookup, Step
 * Functions' log delivery and tracing, and the load balancer reads ECS needs to shift traffic.
 */
export const WILDCARD_RESOURCE_ACTIONS: readonly string[] = [...new Set(["ecr:GetAuthorizationToken", ...EXEC_ACTIONS, ...EXEC_LOG_DISCOVERY_ACTIONS, ...STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS, ...STEP_FUNCTIONS_TRACING_ACTIONS, ...ELB_READ_ACTIONS])];

/** One statement of an identity policy, normalized. */
export interface IamStatement {
    readonly sid?: string;
    readonly effect: string;
    readonly actions: string[];
    readonly notActions: boolean;
    readonly resources: string[];
    readonly notResources: boolean;
    readonly condition?: Record<string, unknown>;
}

const list = (value: unknown): any[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The statements of a policy document (a JSON string or an object). */
export function statementsOf(document: unknown): IamStatement[] {
    const doc = typeof document === "string" ? JSON.parse(document) : document;
    return list((doc as any)?.Statement).map((s: any) => ({
        sid: s?.Sid,
        effect: s?.Effect,
        actions: list(s?.Action ?? s?.NotAction),
        notActions: s?.NotAction !== undefined,
        resources: list(s?.Resource ?? s?.NotResource),
        notResources: s?.NotResource !== undefined,
        condition: s?.Condition,
    }));
}

/** The identity policy documents a resource carries: `policy` of inline and managed policies, a role's `inlinePolicies`. */
export function identityPolicies(type: string, props: Record<string, any>): { where: string; statements: IamStatement[] }[] {
    const parse = (where: string, document: unknown) => {
        try {
            return { where, statements: statementsOf(document) };
        } catch {
            throw new InvalidPolicyDocument(where);
        }
    };
    if ([T.rolePolicy, T.policy, T.userPolicy, T.groupPolicy].includes(type as any)) {
        return [parse("policy", at(props, "policy"))];
    }
    if (type === T.role) {
        return ((at(props, "inlinePolicies") ?? []) as any[]).map((p, i) => parse(`inlinePolicies[${i}] ${JSON.stringify(p?.name)}`, known(p?.policy, `inlinePolicies.${i}.policy`)));
    }
    return [];
}

/** A policy document that is not JSON (AWS refuses it; the IAM checks report it as their violation). */
class InvalidPolicyDocument extends Error {
    constructor(public readonly where: string) {
        super(`${where} is not a JSON policy document`);
    }
}

/** Runs an IAM check, turning an unreadable policy document into its violation. */
function onPolicies(check: ResourceCheck): ResourceCheck {
    return (type, props) => {
        try {
            return check(type, props);
        } catch (e) {
            if (e instanceof InvalidPolicyDocument) {
                return [e.message];
            }
            throw e;
        }
    };
}

/** `*`, `service:*` (and `*:*`): every action (of a service). */
export function isWildcardAction(action: string): boolean {
    return action === "*" || /^[^:]+:\*+$/.test(action);
}

/** AWS managed policies that grant every action of one or all services. */
const BROAD_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(.*\/)?(AdministratorAccess|PowerUserAccess|[A-Za-z0-9]+FullAccess)$/;

/** No Allow statement grants `*` or `service:*`, or everything but a list (NotAction); no broad AWS managed policy is attached. */
export const noWildcardActions: ResourceCheck = onPolicies((type, props) => {
    if (type === T.rolePolicyAttachment) {
        const arn = at(props, "policyArn");
        return typeof arn === "string" && BROAD_MANAGED_POLICY.test(arn) ? [`attaches ${arn}, which grants every action of a service (or of all)`] : [];
    }
    return identityPolicies(type, props).flatMap(({ where, statements }) =>
        statements
            .filter((s) => s.effect === "Allow")
            .flatMap((s) => {
                const label = `${where} statement ${JSON.stringify(s.sid ?? "(no Sid)")}`;
                if (s.notActions) {
                    return [`${label} allows every action except ${s.actions.join(", ")} (NotAction)`];
                }
                const wild = s.actions.filter((a) => typeof a === "string" && isWildcardAction(a));
                return wild.length > 0 ? [`${label} allows ${wild.join(", ")}`] : [];
            }),
    );
});

/** No Allow statement applies to resource `*` (or NotResource) unless all its actions are ones AWS grants only on `*`. */
export const noWildcardResources: ResourceCheck = onPolicies((type, props) => {
    const allowed = new Set(WILDCARD_RESOURCE_ACTIONS.map((a) => a.toLowerCase()));
    return identityPolicies(type, props).flatMap(({ where, statements }) =>
        statements
            .filter((s) => s.effect === "Allow" && (s.notResources || s.resources.includes("*")))
            .flatMap((s) => {
                const label = `${where} statement ${JSON.stringify(s.sid ?? "(no Sid)")}`;
                const others = s.notActions ? ["(NotAction)"] : s.actions.filter((a) => typeof a !== "string" || !allowed.has(a.toLowerCase()));
                return others.length > 0 ? [`${label} grants ${others.join(", ")} on ${s.notResources ? "every resource but a list (NotResource)" : '"*"'}; name the resources`] : [];
            }),
    );
});

// ---- Stack checks (ECS.2, ELB.6) ------------------------------------------------------------------

const byName = (r: StackResourceView) => r.name;

/** A task placement that gets public IPs: a service, or an `ecs:runTask` state of a state machine. */
interface PublicIpPlacement {
    readonly urn: string;
    readonly what: string;
    readonly subnets: string[];
}

function publicIpPlacements(r: StackResourceView): PublicIpPlacement[] {
    if (r.type === T.service && at(r.props, "networkConfiguration.assignPublicIp") === true) {
        const subnets: unknown[] = at(r.props, "networkConfiguration.subnets") ?? [];
        return [{ urn: r.urn, what: `service ${r.name}`, subnets: subnets.map((s, i) => known(s, `networkConfiguration.subnets.${i}`) as string) }];
    }
    if (r.type === T.stateMachine) {
        return runTaskStates(r.props)
            .filter((s) => s.parameters?.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp === "ENABLED")
            .map((s) => ({ urn: r.urn, what: `state machine ${r.name} (state ${s.name})`, subnets: [...(s.parameters.NetworkConfiguration.AwsvpcConfiguration.Subnets ?? [])] }));
    }
    return [];
}

/**
 * The subnets this stack shows to be public: those of its internet-facing load balancers (which
 * work only in subnets routed to an internet gateway), and subnets it defines with
 * `mapPublicIpOnLaunch`.
 */
export function publicSubnetsOf(resources: readonly StackResourceView[]): { subnets: Set<string>; unknown: string[] } {
    const subnets = new Set<string>();
    const { unknown } = eachKnown(resources, (r) => {
        const type = canonicalType(r.type);
        if (type === T.loadBalancer && at(r.props, "internal") !== true) {
            ((at(r.props, "subnets") ?? []) as unknown[]).forEach((s, i) => subnets.add(known(s, `subnets.${i}`) as string));
        }
        if (type === T.subnet && at(r.props, "mapPublicIpOnLaunch") === true) {
            subnets.add(known(at(r.props, "id"), "id"));
        }
        return [];
    }, byName);
    return { subnets, unknown };
}

/** Splits the public-IP placements into those in the stack's public subnets (a choice) and the others. */
export function classifyPublicIps(resources: readonly StackResourceView[]): { chosen: PublicIpPlacement[]; other: PublicIpPlacement[]; unknown: string[] } {
    const publicSubnets = publicSubnetsOf(resources);
    const placements = eachKnown(resources, publicIpPlacements, byName);
    const chosen = placements.results.filter((p) => p.subnets.length > 0 && p.subnets.every((s) => publicSubnets.subnets.has(s)));
    const other = placements.results.filter((p) => !chosen.includes(p));
    // Without all the public subnets known, a placement can only be called "chosen", never "other".
    return { chosen, other: publicSubnets.unknown.length > 0 ? [] : other, unknown: [...placements.unknown, ...(other.length > 0 ? publicSubnets.unknown : [])] };
}

/** ECS.2 (mandatory part): tasks get no public IP outside the subnets the stack shows to be public. */
export function noPublicIpOutsidePublicSubnets(resources: readonly StackResourceView[]): StackFindings {
    const { other, unknown } = classifyPublicIps(resources);
    return {
        violations: other.map((p) => ({ urn: p.urn, message: `${p.what} assigns public IPs to its tasks in subnets (${p.subnets.join(", ")}) that this stack does not show to be public: use private subnets with a NAT gateway, or turn assignPublicIp off` })),
        unknown,
    };
}

/** ECS.2 (advisory part): tasks that get public IPs because the stack runs them in public subnets. */
export function publicSubnetTasks(resources: readonly StackResourceView[]): StackFindings {
    const { chosen, unknown } = classifyPublicIps(resources);
    return {
        violations: chosen.map((p) => ({
            urn: p.urn,
            message: `${p.what} runs its tasks in public subnets with public IPs (a stack without NAT gateways); they admit only what their security group allows, but Security Hub ECS.2 flags them: add NAT gateways and private subnets to clear it`,
        })),
        unknown,
    };
}

/** True when the stack protects any resource (`protect: true`): it holds data it means to keep. */
export function isProtectedStack(resources: readonly StackResourceView[]): boolean {
    return resources.some((r) => r.opts?.protect === true);
}

/** ELB.6 when protected: in a stack that protects resources, application load balancers have deletion protection. */
export function deletionProtectionWhenProtected(resources: readonly StackResourceView[]): StackFindings {
    if (!isProtectedStack(resources)) {
        return { violations: [], unknown: [] };
    }
    const { results, unknown } = eachKnown(resources, (r) =>
        canonicalType(r.type) === T.loadBalancer && isApplication(r.props) && at(r.props, "enableDeletionProtection") !== true
            ? [{ urn: r.urn, message: `load balancer ${r.name} has no deletion protection in a stack that protects its data (enableDeletionProtection is ${JSON.stringify(at(r.props, "enableDeletionProtection") ?? "unset")})` }]
            : [],
        byName,
    );
    return { violations: results, unknown };
}
