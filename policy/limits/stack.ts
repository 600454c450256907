/**
 * ECS across resources: a service or Step Functions task on Fargate Spot must run x86_64 Linux, and
 * a service's load balancer entry must name a container port its task definition maps.
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
    return { violations: checked.results, unknown: [...indexed.unknown, ...checked.unknown] };
}
