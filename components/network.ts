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
    /**
     * TCP ports the tasks may reach anywhere besides HTTPS (443), which image pulls, logs,
     * secrets and every AWS API use. DNS to the VPC's resolver is never filtered by security
     * groups. @default [] (HTTPS only)
     * @example [5432]
     */
    readonly egressPorts?: readonly number[];
    /** Let the tasks send anything anywhere, as before outbound traffic was limited. @default false */
    readonly allowAllEgress?: boolean;
}

/** Outbound traffic of a task security group: HTTPS plus the listed ports, or everything. */
export type TaskEgress = { readonly ports: readonly number[] } | "all";

/** HTTPS: image pulls, CloudWatch Logs, SSM and Secrets Manager, every AWS API. */
export const TASK_EGRESS_DEFAULT_PORTS: readonly number[] = [443];

/** The outbound traffic `network` allows (validated). */
export function taskEgress(network: TaskNetwork): TaskEgress {
    if (network.allowAllEgress) {
        return "all";
    }
    return { ports: [...new Set([...TASK_EGRESS_DEFAULT_PORTS, ...(network.egressPorts ?? [])])].sort((a, b) => a - b) };
}

const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;

/** Validates a task network: a VPC id, at least one subnet id, a boolean public IP flag. Throws every problem it finds at once. */
export function validateTaskNetwork(v: Validator, network: TaskNetwork | undefined, path = "network"): TaskNetwork {
    if (typeof network !== "object" || network === null) {
        throw v.error(path, network, "is missing", "give { vpcId, subnetIds } of the subnets the tasks run in");
    }
    const before = v.problemCount;
    if (network.vpcId === undefined || (typeof network.vpcId === "string" && !VPC_ID.test(network.vpcId))) {
        v.record(v.error(`${path}.vpcId`, network.vpcId, "is not a VPC id", 'give an id such as "vpc-0123456789abcdef0"'));
    }
    v.check(() => validateSubnetIds(v, `${path}.subnetIds`, network.subnetIds, 1));
    if (network.assignPublicIp !== undefined) {
        v.check(() => v.boolean(`${path}.assignPublicIp`, network.assignPublicIp));
    }
    if (network.allowAllEgress !== undefined) {
        v.check(() => v.boolean(`${path}.allowAllEgress`, network.allowAllEgress));
        if (network.allowAllEgress && network.egressPorts !== undefined) {
            v.record(v.conflict(`${path}.egressPorts`, `has no effect with ${path}.allowAllEgress`, "remove one of them"));
        }
    }
    if (network.egressPorts !== undefined) {
        if (!Array.isArray(network.egressPorts)) {
            v.record(v.error(`${path}.egressPorts`, network.egressPorts, "must be a list of TCP ports", "give for example [5432]"));
        }
        (Array.isArray(network.egressPorts) ? network.egressPorts : []).forEach((port, i) => {
            v.check(() => v.integer(`${path}.egressPorts[${i}]`, port, 1, 65535));
            if (network.egressPorts!.indexOf(port) !== i) {
                v.record(v.error(`${path}.egressPorts[${i}]`, port, "is listed twice", "list each port once"));
            }
        });
    }
    v.throwSince(before);
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
    const before = v.problemCount;
    // Each id, a repeat and the count are reported apart: a wrong id does not hide a missing subnet.
    subnetIds.forEach((id, i) => {
        if (typeof id === "string" && !SUBNET_ID.test(id)) {
            v.record(v.error(`${path}[${i}]`, id, "is not a subnet id", 'give an id such as "subnet-0123456789abcdef0"'));
        }
    });
    const plain = subnetIds.filter((id) => typeof id === "string");
    if (new Set(plain).size !== plain.length) {
        v.record(v.error(path, subnetIds, "lists a subnet twice", "list each subnet once"));
    }
    if (subnetIds.length < min) {
        v.record(v.error(path, subnetIds, `must list at least ${min} subnet${min > 1 ? "s" : ""}${why}`, `add subnets (in ${min > 1 ? "different Availability Zones" : "the tasks' VPC"})`));
    }
    v.throwSince(before);
}

/**
 * Characters EC2 accepts in security group and rule descriptions (no apostrophe: EC2 refuses it
 * at deploy).
 */
export const SECURITY_GROUP_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

/** The egress entries of `egress`, inline form: one per port, to any IPv4 and IPv6 address. */
export function egressEntries(egress: TaskEgress): { description: string; protocol: string; fromPort: number; toPort: number; cidrBlocks: string[]; ipv6CidrBlocks: string[] }[] {
    const anywhere = { cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] };
    if (egress === "all") {
        return [{ description: "All outbound: image pulls, secrets, logs, application calls", protocol: "-1", fromPort: 0, toPort: 0, ...anywhere }];
    }
    return egress.ports.map((port) => ({ description: port === 443 ? "HTTPS: image pulls, secrets, logs, AWS APIs" : `TCP ${port} (egressPorts)`, protocol: "tcp", fromPort: port, toPort: port, ...anywhere }));
}

/**
 * A security group that admits nothing and sends only what `egress` allows, stated inline: the
 * provider removes AWS's default allow-all egress, and tasks without HTTPS cannot pull images or
 * read secrets.
 */
export function createEgressOnlySecurityGroup(parent: pulumi.Resource, name: string, role: string, description: string, vpcId: pulumi.Input<string>, egress: TaskEgress): aws.ec2.SecurityGroup {
    // EC2 cannot change a group's description: groups made before egress was limited keep theirs
    // ("all outbound") rather than being replaced under running tasks.
    return new aws.ec2.SecurityGroup(childName(name, role), { description, vpcId, ingress: [], egress: egressEntries(egress) }, { parent, ignoreChanges: ["description"] });
}

/**
 * The outbound rules of a service's task security group, as separate rules (the group's other
 * rules are separate too). The provider removes AWS's default allow-all egress; without HTTPS
 * tasks cannot pull images or read secrets. HTTPS keeps the names the former allow-all rules had,
 * so they change in place.
 */
export function createTaskEgressRules(parent: pulumi.Resource, name: string, securityGroupId: pulumi.Input<string>, network: TaskNetwork): aws.vpc.SecurityGroupEgressRule[] {
    const rules: aws.vpc.SecurityGroupEgressRule[] = [];
    for (const entry of egressEntries(taskEgress(network))) {
        const port = entry.protocol === "tcp" && entry.fromPort !== 443 ? `${entry.fromPort}-` : "";
        for (const [suffix, cidr] of [["ipv4", { cidrIpv4: "0.0.0.0/0" }], ["ipv6", { cidrIpv6: "::/0" }]] as const) {
            rules.push(
                new aws.vpc.SecurityGroupEgressRule(
                    childName(name, `service-out-${port}${suffix}`),
                    { securityGroupId, description: entry.description, ipProtocol: entry.protocol, ...(entry.protocol === "tcp" ? { fromPort: entry.fromPort, toPort: entry.toPort } : {}), ...cidr },
                    { parent },
                ),
            );
        }
    }
    return rules;
}
