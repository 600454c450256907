/**
 * ECS across resources: a service or Step Functions task on Fargate Spot must run x86_64 Linux, and
 * a service's load balancer entry must name a container port its task definition maps. Step
 * Functions: a state machine with a Distributed Map state lets its role start, watch and stop its
 * own child executions.
 */
import { at, eachKnown, known } from "../preview";
import { allStates, taskArguments } from "./states";

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
    const maps = checkDistributedMapRoles(resources);
    return { violations: [...checked.results, ...maps.results], unknown: [...indexed.unknown, ...checked.unknown, ...maps.unknown] };
}

/** IAM's match of a policy's action or resource `pattern` (`*` any characters, `?` one) against `value`. */
function iamMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === "string");

/**
 * The requests a Distributed Map state's role must be allowed: "Step Functions needs appropriate
 * permissions to allow the state machine role to invoke the StartExecution API action for the
 * Distributed Map state" (IAM policies for using Distributed Map states), on the state machine,
 * and DescribeExecution and StopExecution on its child executions,
 * `execution:<state machine>/<label>:<id>`.
 */
function distributedMapRequests(arn: string, label: string | undefined): { action: string; resource: string }[] {
    const [head, name] = arn.split(":stateMachine:");
    const child = `${head}:execution:${name}/${label ?? "00000000-0000-0000-0000-000000000000"}:00000000-0000-0000-0000-000000000000`;
    return [
        { action: "states:StartExecution", resource: arn },
        { action: "states:DescribeExecution", resource: child },
        { action: "states:StopExecution", resource: child },
    ];
}

/** The S3 actions a ResultWriter's role needs on the objects it writes ("IAM policies for ResultWriter"); the components grant the same (a test holds them equal). */
export const RESULT_WRITER_S3_ACTIONS: readonly string[] = ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"];

/**
 * The requests a Distributed Map state's ResultWriter makes of its role ("IAM policies for
 * ResultWriter": s3:PutObject, s3:GetObject, s3:ListMultipartUploadParts and
 * s3:AbortMultipartUpload on the objects under the prefix), on a sample key under its prefix
 * (`<Prefix>/<Map Run id>/manifest.json`; a JSONata prefix by its leading literal). Undefined
 * without a ResultWriter to S3, or with a bucket, or a prefix without a fixed start, chosen at
 * run time.
 */
function resultWriterRequests(arn: string, writer: any): { bucket: string; requests: { action: string; resource: string }[] } | undefined {
    const args = writer?.Arguments ?? writer?.Parameters;
    const bucket = args?.Bucket;
    if (typeof writer?.Resource !== "string" || !writer.Resource.endsWith(":s3:putObject") || typeof bucket !== "string" || bucket.startsWith("{%")) {
        return undefined;
    }
    const prefix = typeof args.Prefix === "string" ? args.Prefix : "";
    const literal = /^\{%\s*'([^']*)'/.exec(prefix);
    // A prefix chosen at run time without a fixed start (JSONPath's `Prefix.$`, or JSONata that
    // does not start with a literal) may be anywhere the role allows: nothing to check.
    if ("Prefix.$" in args || (prefix.startsWith("{%") && !literal)) {
        return undefined;
    }
    const folder = prefix.startsWith("{%") ? `${literal![1]}run-1` : prefix;
    const key = `${folder ? `${folder}/` : ""}00000000-0000-0000-0000-000000000000/manifest.json`;
    const partition = arn.split(":")[1] ?? "aws";
    const resource = `arn:${partition}:s3:::${bucket}/${key}`;
    return { bucket, requests: RESULT_WRITER_S3_ACTIONS.map((action) => ({ action, resource })) };
}

/**
 * A state machine with a Distributed Map state whose role's inline policies (all of its policies:
 * with a managed policy attached, nothing can be told) allow no start, watch or stop of its own
 * child executions: every Map Run would fail at run time.
 */
function checkDistributedMapRoles(resources: readonly StackResource[]): { results: { urn: string; message: string }[]; unknown: string[] } {
    return eachKnown(resources, (r) => {
        if (r.type !== "aws:sfn/stateMachine:StateMachine") {
            return [];
        }
        const maps = allStates(parsedOrUndefined(at(r.props, "definition"))).filter(({ state }) => state?.Type === "Map" && state?.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED");
        if (maps.length === 0) {
            return [];
        }
        const roleArn = known(at(r.props, "roleArn"), "roleArn");
        const role = resources.find((x) => x.type === "aws:iam/role:Role" && known(at(x.props, "arn"), `${x.name}.arn`) === roleArn);
        if (!role) {
            return [];
        }
        const roleKeys = [known(at(role.props, "name"), `${role.name}.name`), at(role.props, "id")].filter((k) => typeof k === "string");
        const ofRole = (x: StackResource) => roleKeys.includes(known(at(x.props, "role"), `${x.name}.role`));
        if (resources.some((x) => x.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && ofRole(x))) {
            return [];
        }
        const statements = resources
            .filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy" && ofRole(x))
            .flatMap((x) => ([] as any[]).concat(parsedOrUndefined(known(at(x.props, "policy"), `${x.name}.policy`))?.Statement ?? []));
        const allows = (action: string, resource: string) =>
            statements.some((s: any) => s?.Effect === "Allow" && asList(s.Action).some((a) => iamMatches(a, action, true)) && asList(s.Resource).some((p) => iamMatches(p, resource, false)));
        const arn = known(at(r.props, "arn"), "arn");
        return maps.flatMap(({ name, state }) => {
            const missing = distributedMapRequests(arn, state.Label).filter((q) => !allows(q.action, q.resource));
            const writes = resultWriterRequests(arn, state.ResultWriter);
            const unwritable = (writes?.requests ?? []).filter((q) => !allows(q.action, q.resource));
            return [
                ...(missing.length === 0 ? [] : [{ urn: r.urn, message: `${r.name} state ${name} is a Distributed Map, but its role ${role.name} is not allowed ${missing.map((q) => `${q.action} on ${q.resource}`).join(", ")}: its child executions could not start or be watched` }]),
                ...(unwritable.length === 0
                    ? []
                    : [{ urn: r.urn, message: `${r.name} state ${name} writes its results to s3://${writes!.bucket}, but its role ${role.name} is not allowed ${unwritable.map((q) => q.action).join(", ")} on ${unwritable[0].resource}: its Map Runs would fail States.ResultWriterFailed` }]),
            ];
        });
    }, byName);
}
