import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig, STACK_DEFAULTS } from "./config";

/** What the configuration decides about the network, known before anything is created. */
export interface NetworkPlan {
    /** "existing" for a given VPC. */
    readonly natGateways: "None" | "Single" | "OnePerAz" | "existing";
    /** Tasks in public subnets with public IPs (no NAT), or in private subnets. */
    readonly assignPublicIp: boolean;
    readonly config: NetworkConfig;
}

/** Where the stack's load balancer and tasks live. */
export interface AppNetwork {
    readonly vpcId: pulumi.Input<string>;
    /** Subnets of the load balancer. */
    readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Subnets of the tasks: private ones behind NAT, or the public ones (with public IPs) without NAT. */
    readonly taskSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly assignPublicIp: boolean;
    /** The new VPC, when the stack builds one. */
    readonly vpc?: awsx.ec2.Vpc;
}

/**
 * An existing VPC (`vpcId` with its subnets) or a new one. Without NAT gateways (or without
 * private subnets in an existing VPC) tasks run in public subnets with public IPs, locked down by
 * their security group (cheapest, for development); otherwise in private subnets.
 */
export function planNetwork(config: NetworkConfig | undefined): NetworkPlan {
    const n = config ?? {};
    if (n.vpcId !== undefined) {
        return { natGateways: "existing", assignPublicIp: (n.privateSubnetIds ?? []).length === 0, config: n };
    }
    const natGateways = n.natGateways ?? STACK_DEFAULTS.network.natGateways;
    return { natGateways, assignPublicIp: natGateways === "None", config: n };
}

/** The network of a plan: the given subnets, or a VPC built by `awsx.ec2.Vpc`. */
export function createNetwork(plan: NetworkPlan, tags?: Readonly<Record<string, string>>): AppNetwork {
    const n = plan.config;
    if (plan.natGateways === "existing") {
        const publicIds = n.publicSubnetIds ?? [];
        return { vpcId: n.vpcId!, publicSubnetIds: publicIds, taskSubnetIds: plan.assignPublicIp ? publicIds : (n.privateSubnetIds ?? []), assignPublicIp: plan.assignPublicIp };
    }
    const d = STACK_DEFAULTS.network;
    const vpc = new awsx.ec2.Vpc("vpc", {
        cidrBlock: n.cidrBlock ?? d.cidrBlock,
        numberOfAvailabilityZones: n.availabilityZones ?? d.availabilityZones,
        natGateways: { strategy: plan.natGateways },
        subnetStrategy: "Auto",
        subnetSpecs: plan.assignPublicIp ? [{ type: "Public" }] : [{ type: "Public" }, { type: "Private" }],
        enableDnsHostnames: true,
        enableDnsSupport: true,
        // awsx tags the VPC and what it creates (subnets, gateways, route tables).
        tags: tags as Record<string, string> | undefined,
    });
    return {
        vpcId: vpc.vpcId,
        publicSubnetIds: vpc.publicSubnetIds,
        taskSubnetIds: plan.assignPublicIp ? vpc.publicSubnetIds : vpc.privateSubnetIds,
        assignPublicIp: plan.assignPublicIp,
        vpc,
    };
}
