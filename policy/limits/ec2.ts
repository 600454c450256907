/**
 * EC2 (VPC) security groups and their rules: the characters and length EC2 accepts in descriptions,
 * and port ranges. (Security group names are checked in names.ts.)
 */
import { SECURITY_GROUP_DESCRIPTION } from "../../components/network";
import { at, known } from "../preview";
import { Add, intIn, isInt, lengthAtMost } from "./common";

/** Characters EC2 accepts in security group names and descriptions (in a VPC) and in rule descriptions. */
export const EC2_TEXT = SECURITY_GROUP_DESCRIPTION;

/** Longest security group (and rule) description. */
export const SECURITY_GROUP_DESCRIPTION_MAX = 255;

function ec2Text(add: Add, path: string, value: unknown): void {
    if (typeof value !== "string") {
        return;
    }
    lengthAtMost(add, path, value, SECURITY_GROUP_DESCRIPTION_MAX);
    if (!EC2_TEXT.test(value)) {
        const bad = [...new Set([...value].filter((c) => !EC2_TEXT.test(c)))].map((c) => JSON.stringify(c)).join(", ");
        add(`${path} (${JSON.stringify(value)}) holds ${bad}, outside the characters EC2 accepts (letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*)`);
    }
}

export function ruleTextRules(p: Record<string, any>, add: Add): void {
    ec2Text(add, "description", at(p, "description"));
    const protocol = at(p, "ipProtocol") ?? at(p, "protocol");
    if (protocol === "tcp" || protocol === "udp" || protocol === "6" || protocol === "17") {
        const from = at(p, "fromPort");
        const to = at(p, "toPort");
        intIn(add, "fromPort", from, 0, 65535);
        intIn(add, "toPort", to, 0, 65535);
        if (isInt(from) && isInt(to) && from > to) {
            add(`fromPort (${from}) is above toPort (${to})`);
        }
    }
}

export function securityGroupRules(p: Record<string, any>, add: Add): void {
    ec2Text(add, "description", at(p, "description"));
    for (const direction of ["ingress", "egress"]) {
        ((at(p, direction) ?? []) as any[]).forEach((rule, i) => {
            ec2Text(add, `${direction}[${i}].description`, known(rule?.description, `${direction}.${i}.description`));
            const from = known(rule?.fromPort, `${direction}.${i}.fromPort`);
            const to = known(rule?.toPort, `${direction}.${i}.toPort`);
            if (isInt(from) && isInt(to) && from > to) {
                add(`${direction}[${i}]: fromPort (${from}) is above toPort (${to})`);
            }
        });
    }
}
