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
    /**
     * The account's quota of inbound (and of outbound) rules per security group, per IP family:
     * raise it after AWS raised the quota. @default 60
     */
    readonly securityGroupRuleQuota?: number;
}

/**
 * AWS's quotas on security group rules (VPC quotas page): inbound and outbound rules per group,
 * each counted separately for IPv4 and IPv6 (adjustable), and rules per group x security groups
 * per network interface, which may not pass 1,000.
 */
export const SECURITY_GROUP_LIMITS = { rulesPerGroup: 60, rulesTimesGroupsPerInterface: 1000 } as const;

/** Rules of one direction of a security group, per IP family, as AWS counts them toward its quota. */
export interface RuleCount {
    readonly ipv4: number;
    readonly ipv6: number;
}

/**
 * How rules count: a CIDR in its own family, a referenced security group in both (the
 * conservative reading of "counts as one rule": it admits both families).
 */
export function countRules(sources: readonly ({ readonly cidr: string } | { readonly securityGroup: true })[]): RuleCount {
    let ipv4 = 0;
    let ipv6 = 0;
    for (const source of sources) {
        if ("securityGroup" in source) {
            ipv4++;
            ipv6++;
        } else if (source.cidr.includes(":")) {
            ipv6++;
        } else {
            ipv4++;
        }
    }
    return { ipv4, ipv6 };
}

/** Checks a user's `securityGroupRuleQuota` (at `path`); returns it, or AWS's default. */
export function validateRuleQuota(v: Validator, path: string, quota: number | undefined): number {
    if (quota === undefined) {
        return SECURITY_GROUP_LIMITS.rulesPerGroup;
    }
    const max = SECURITY_GROUP_LIMITS.rulesTimesGroupsPerInterface;
    if (typeof quota !== "number" || !Number.isInteger(quota) || quota < 1 || quota > max) {
        throw v.error(path, quota, `must be a whole number from 1 to ${max} rules (AWS allows rules per security group x security groups per network interface of at most ${max})`, "give the quota AWS set for the account");
    }
    return quota;
}

/** The IP family whose count is over `quota`, with its count, or undefined when both fit. */
export function overQuota(count: RuleCount, quota: number): { family: "IPv4" | "IPv6"; rules: number } | undefined {
    if (count.ipv4 > quota) {
        return { family: "IPv4", rules: count.ipv4 };
    }
    return count.ipv6 > quota ? { family: "IPv6", rules: count.ipv6 } : undefined;
}

/** The outbound rules per IP family of a task security group: one per port in each family (or one allowing all), and one per referenced group. */
export function taskEgressRuleCount(egress: TaskEgress, referencedGroups = 0): RuleCount {
    const ports = egress === "all" ? 1 : egress.ports.length;
    return { ipv4: ports + referencedGroups, ipv6: ports + referencedGroups };
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

/**
 * Validates a task network: a VPC id, at least one subnet id, a boolean public IP flag, and
 * outbound rules within the security group quota (`callsOut`: the security groups the tasks also
 * send to, one outbound rule each). Throws every problem it finds at once; the quota is counted
 * once the ports are valid.
 */
export function validateTaskNetwork(v: Validator, network: TaskNetwork | undefined, path = "network", callsOut = 0): TaskNetwork {
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
    const quota = validateRuleQuota(v, `${path}.securityGroupRuleQuota`, network.securityGroupRuleQuota);
    const over = overQuota(taskEgressRuleCount(taskEgress(network), callsOut), quota);
    if (over) {
        const calls = callsOut > 0 ? ` and ${callsOut} to called services` : "";
        throw v.conflict(
            `${path}.egressPorts`,
            `give the tasks' security group ${over.rules} outbound ${over.family} rules (one per port, HTTPS included${calls}), over AWS's quota of ${quota} per security group and IP family`,
            `send to fewer ports, allow all outbound traffic (${path}.allowAllEgress: true, one rule), or raise the quota with AWS and set ${path}.securityGroupRuleQuota`,
        );
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

/**
 * The logical name and options of a security group rule that opens one port to a service's tasks:
 * the port is part of the name, so a new port is a new rule, created before the old one is
 * deleted (an in-place update would close the old port while the running tasks still listen on
 * it, until the new ones are up). The alias adopts the rule an earlier version named without its
 * port: an update that also changes the port changes that rule in place (the provider updates a
 * rule's ports without replacing it), so upgrade first, then change the port.
 */
export function portRuleName(component: string, role: string, port: number): { name: string; opts: { aliases: pulumi.Alias[] } } {
    return { name: childName(component, `${role}-${port}`), opts: { aliases: [{ name: childName(component, role) }] } };
}
