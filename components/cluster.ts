import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./errors";
import { childName } from "./naming";

/**
 * A cluster with its capacity provider association, as {@link createCluster} returns it. Given as
 * `cluster`, the component's service (or a job's runner) waits for the association: a first
 * `pulumi up` would otherwise create the service while FARGATE and FARGATE_SPOT are not yet
 * associated, and ECS refuses a capacity provider strategy that names a provider the cluster lacks.
 */
export interface ClusterWithCapacityProviders {
    /** The cluster. */
    readonly cluster: aws.ecs.Cluster;
    /** Its association with the FARGATE and FARGATE_SPOT capacity providers. */
    readonly capacityProviders: aws.ecs.ClusterCapacityProviders;
}

/**
 * The ECS cluster to run in: `{ cluster, capacityProviders }` (the component waits for the
 * association), an `aws.ecs.Cluster` or a cluster ARN. A given cluster must have the FARGATE and
 * FARGATE_SPOT capacity providers associated (the tasks use a capacity provider strategy); given
 * alone, a cluster made in the same program must have them before the component's resources are
 * created (pass the pair, or `dependsOn` the association). Without a cluster the component creates
 * one that has them and Container Insights.
 */
export type ClusterInput = aws.ecs.Cluster | ClusterWithCapacityProviders | pulumi.Input<string>;

/** The cluster a component runs in, whichever way it came. */
export interface ResolvedCluster {
    readonly arn: pulumi.Output<string>;
    readonly name: pulumi.Output<string>;
    /** Set when the component created the cluster. */
    readonly cluster?: aws.ecs.Cluster;
    /** Resources the tasks must wait for (the capacity provider association of a created cluster). */
    readonly dependencies: pulumi.Resource[];
}

const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/;

/** Rejects a plain string that is not an ECS cluster ARN. */
export function validateCluster(v: Validator, cluster: ClusterInput | undefined): void {
    if (typeof cluster === "string" && !CLUSTER_ARN.test(cluster)) {
        throw v.error("cluster", cluster, "is not an ECS cluster ARN", 'pass an aws.ecs.Cluster or "arn:aws:ecs:REGION:ACCOUNT:cluster/NAME"');
    }
}

/**
 * Creates an ECS cluster with Container Insights (Security Hub ECS.12) and both Fargate capacity
 * providers, FARGATE by default.
 */
export function createCluster(parent: pulumi.Resource | undefined, name: string, tags?: Readonly<Record<string, string>>): ClusterWithCapacityProviders {
    const cluster = new aws.ecs.Cluster(childName(name, "cluster"), { settings: [{ name: "containerInsights", value: "enabled" }], ...(tags ? { tags } : {}) }, { parent });
    const capacityProviders = new aws.ecs.ClusterCapacityProviders(
        childName(name, "capacity-providers"),
        {
            clusterName: cluster.name,
            capacityProviders: ["FARGATE", "FARGATE_SPOT"],
            defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }],
        },
        { parent },
    );
    return { cluster, capacityProviders };
}

/** The given cluster, or a new one created under `parent`. */
export function resolveCluster(parent: pulumi.Resource, name: string, cluster: ClusterInput | undefined): ResolvedCluster {
    if (cluster === undefined) {
        const created = createCluster(parent, name);
        return { arn: created.cluster.arn, name: created.cluster.name, cluster: created.cluster, dependencies: [created.capacityProviders] };
    }
    if (cluster instanceof aws.ecs.Cluster) {
        return { arn: cluster.arn, name: cluster.name, dependencies: [] };
    }
    if (isClusterWithCapacityProviders(cluster)) {
        return { arn: cluster.cluster.arn, name: cluster.cluster.name, dependencies: [cluster.capacityProviders] };
    }
    const arn = pulumi.output(cluster);
    return { arn, name: arn.apply((a) => a.split("/").pop() ?? a), dependencies: [] };
}

function isClusterWithCapacityProviders(cluster: ClusterInput): cluster is ClusterWithCapacityProviders {
    return typeof cluster === "object" && cluster !== null && "capacityProviders" in cluster && cluster.cluster instanceof aws.ecs.Cluster;
}
