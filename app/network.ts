import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { WEB_SERVICE_DEFAULTS } from "../components/webService";
import { WORKER_SERVICE_DEFAULTS } from "../components/workerService";
import { NAMESPACE, NetworkConfig, STACK_DEFAULTS, StackConfig } from "./config";

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

/**
 * What EC2 and the load balancer take of a subnet: CIDR blocks from /16 to /28, the first four
 * and the last address of each reserved by AWS, and 8 free addresses in each of a load balancer's
 * subnets (VPC and ALB user guides; docs/aws-behaviour.md).
 */
export const SUBNET_LIMITS = { smallestMask: 28, largestMask: 16, reservedAddresses: 5, loadBalancerFreeAddresses: 8 } as const;

/** The bits awsx adds to a prefix for `count` blocks (`newBits` in awsx's `subnetDistributorNew.ts`). */
function newBits(count: number): number {
    return count === 0 ? 0 : Math.ceil(Math.log2(count));
}

/** The prefix length of each subnet awsx's "Auto" strategy carves from the VPC: one block per zone, split per subnet type. */
export function subnetMask(vpcMask: number, availabilityZones: number, subnetTypes: number): number {
    return vpcMask + newBits(availabilityZones) + newBits(subnetTypes);
}

/** Addresses a subnet of `mask` leaves to its resources. */
export function freeAddresses(mask: number): number {
    return 2 ** (32 - mask) - SUBNET_LIMITS.reservedAddresses;
}

/**
 * The most tasks the stack runs at once in one task subnet: each service at its maximum count
 * times its deployment's maximum percent (old and new tasks during a deploy), spread evenly over
 * the zones as ECS spreads a service's tasks, plus one batch run.
 */
export function peakTasksPerSubnet(config: StackConfig, availabilityZones: number): { tasks: number; how: string } {
    const web = config.web ?? {};
    const webMax = web.autoscaling?.maxCount ?? web.desiredCount ?? WEB_SERVICE_DEFAULTS.desiredCount;
    const services: [string, number, number][] = [["web", webMax, WEB_SERVICE_DEFAULTS.deployment.maxPercent]];
    if (config.worker) {
        services.push(["worker", config.worker.maxCount ?? WORKER_SERVICE_DEFAULTS.scaling.maxCount, WORKER_SERVICE_DEFAULTS.deployment.maxPercent]);
    }
    const parts = services.map(([name, count, maxPercent]) => ({ name, count, maxPercent, perSubnet: Math.ceil(Math.floor((count * maxPercent) / 100) / availabilityZones) }));
    const tasks = parts.reduce((sum, p) => sum + p.perSubnet, 0) + 1;
    const how = `${parts.map((p) => `${p.name} ${p.count} x ${p.maxPercent}% over ${availabilityZones} zones = ${p.perSubnet}`).join(", ")}, and a batch run`;
    return { tasks, how };
}

/**
 * Problems of a new VPC's range, named by the stack key: subnets EC2 would refuse (smaller than
 * /28), and task subnets with fewer free addresses than the tasks that may run in them at once
 * (with the load balancer's 8 when tasks share its subnets).
 */
export function networkSizeProblems(config: StackConfig): string[] {
    const plan = planNetwork(config.network);
    if (plan.natGateways === "existing") {
        return [];
    }
    const d = STACK_DEFAULTS.network;
    const cidr = config.network?.cidrBlock ?? d.cidrBlock;
    const vpcMask = Number(cidr.split("/")[1]);
    const zones = config.network?.availabilityZones ?? d.availabilityZones;
    const types = plan.assignPublicIp ? 1 : 2;
    const mask = subnetMask(vpcMask, zones, types);
    const key = `${NAMESPACE}:network.cidrBlock (${JSON.stringify(cidr)})`;
    const split = `the VPC's /${vpcMask}, split over ${zones} Availability Zones${types > 1 ? " and into public and private subnets" : ""}`;
    if (mask > SUBNET_LIMITS.smallestMask) {
        return [`${key} gives subnets of /${mask} (${split}), but EC2 takes subnets from /${SUBNET_LIMITS.largestMask} to /${SUBNET_LIMITS.smallestMask}; use a VPC of /${vpcMask - (mask - SUBNET_LIMITS.smallestMask)} or larger, or fewer zones`];
    }
    const problems: string[] = [];
    const peak = peakTasksPerSubnet(config, zones);
    const shared = plan.assignPublicIp ? SUBNET_LIMITS.loadBalancerFreeAddresses : 0;
    const need = peak.tasks + shared;
    const free = freeAddresses(mask);
    if (need > free) {
        problems.push(
            `${key} gives task subnets of /${mask} with ${free} free addresses each (AWS reserves ${SUBNET_LIMITS.reservedAddresses}), fewer than the ${need} a subnet may need at once (${peak.how}${shared ? `, and the load balancer's ${shared} in the same public subnets` : ""}); use a larger VPC range, or lower the maximum task counts`,
        );
    }
    return problems;
}
