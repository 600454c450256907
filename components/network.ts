import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./errors";
import { childName } from "./naming";

/** Where the tasks run. */
export interface TaskNetwork {
    /** VPC of the subnets. */
    readonly vpcId: pulumi.Input<string>;
    /** Subnets of the tasks; private subnets with a NAT gateway, or public ones with `assignPublicIp`. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Give each task a public IP: needed in public subnets without a NAT gateway to pull images.
     * Security Hub ECS.2 flags it; the task's security group still admits only what the component allows.
     * @default false
     */
    readonly assignPublicIp?: boolean;
}

const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;

/** Validates a task network: a VPC id, at least one subnet id, a boolean public IP flag. */
export function validateTaskNetwork(v: Validator, network: TaskNetwork | undefined, path = "network"): TaskNetwork {
    if (typeof network !== "object" || network === null) {
        throw v.error(path, network, "is missing", "give { vpcId, subnetIds } of the subnets the tasks run in");
    }
    if (network.vpcId === undefined || (typeof network.vpcId === "string" && !VPC_ID.test(network.vpcId))) {
        throw v.error(`${path}.vpcId`, network.vpcId, "is not a VPC id", 'give an id such as "vpc-0123456789abcdef0"');
    }
    validateSubnetIds(v, `${path}.subnetIds`, network.subnetIds, 1);
    if (network.assignPublicIp !== undefined) {
        v.boolean(`${path}.assignPublicIp`, network.assignPublicIp);
    }
    return network;
}

/** Checks a plain subnet list: at least `min` distinct subnet ids. Outputs are checked by AWS. */
export function validateSubnetIds(v: Validator, path: string, subnetIds: unknown, min: number, why = ""): void {
    if (subnetIds === undefined || subnetIds === null) {
        throw v.error(path, subnetIds, "is missing", "give the subnet ids");
    }
    if (!Array.isArray(subnetIds)) {
        return;
    }
    subnetIds.forEach((id, i) => {
        if (typeof id === "string" && !SUBNET_ID.test(id)) {
            throw v.error(`${path}[${i}]`, id, "is not a subnet id", 'give an id such as "subnet-0123456789abcdef0"');
        }
    });
    const plain = subnetIds.filter((id) => typeof id === "string");
    if (new Set(plain).size !== plain.length) {
        throw v.error(path, subnetIds, "lists a subnet twice", "list each subnet once");
    }
    if (subnetIds.length < min) {
        throw v.error(path, subnetIds, `must list at least ${min} subnet${min > 1 ? "s" : ""}${why}`, `add subnets (in ${min > 1 ? "different Availability Zones" : "the tasks' VPC"})`);
    }
}

/**
 * Characters EC2 accepts in security group and rule descriptions (no apostrophe: EC2 refuses it
 * at deploy).
 */
export const SECURITY_GROUP_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

/**
 * A security group that admits nothing and sends anywhere, with both stated inline: the provider
 * removes AWS's default allow-all egress, and tasks without it cannot pull images or read secrets.
 */
export function createEgressOnlySecurityGroup(parent: pulumi.Resource, name: string, role: string, description: string, vpcId: pulumi.Input<string>): aws.ec2.SecurityGroup {
    return new aws.ec2.SecurityGroup(
        childName(name, role),
        {
            description,
            vpcId,
            ingress: [],
            egress: [{ description: "All outbound: image pulls, secrets, logs, application calls", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }],
        },
        { parent },
    );
}
