import * as pulumi from "@pulumi/pulumi";
import { tagChildren } from "./tags";

/**
 * Type tokens of the components. They are part of every deployed resource's URN: changing one
 * without an alias would make Pulumi replace every stack's resources. They stay stable.
 */
export const TYPE_TOKENS = {
    WebService: "fargate-workloads:ecs:WebService",
    BatchTask: "fargate-workloads:ecs:BatchTask",
    LoadBalancer: "fargate-workloads:elb:LoadBalancer",
    WorkerService: "fargate-workloads:ecs:WorkerService",
} as const;

export type ComponentKind = keyof typeof TYPE_TOKENS;

/**
 * Earlier type tokens of each component. A rename adds the old token here, and the component then
 * passes it as an alias, so the engine maps existing resources to the new URNs instead of
 * replacing them. Empty: no component has been renamed.
 */
export const PREVIOUS_TYPE_TOKENS: Record<ComponentKind, string[]> = {
    WebService: [],
    BatchTask: [],
    LoadBalancer: [],
    WorkerService: [],
};

/**
 * The component's resource options with an alias for each previous type token (the user's aliases
 * kept) and, with `tags`, a transformation that tags every taggable child.
 */
export function componentOptions(kind: ComponentKind, opts?: pulumi.ComponentResourceOptions, tags?: Readonly<Record<string, string>>): pulumi.ComponentResourceOptions {
    const previous = PREVIOUS_TYPE_TOKENS[kind];
    let result: pulumi.ComponentResourceOptions = opts ?? {};
    if (previous.length > 0) {
        result = { ...result, aliases: [...(result.aliases ?? []), ...previous.map((type) => ({ type }))] };
    }
    if (tags !== undefined && Object.keys(tags).length > 0) {
        result = { ...result, transformations: [...(result.transformations ?? []), tagChildren(tags)] };
    }
    return result;
}
