/**
 * Who may do what, one line each, for the plan's resource tree: IAM policy statements with their
 * conditions, and security group rules with their direction, protocol, ports and peer.
 */

/** Names a reference (ARN, id) by the logical name of the resource behind it, or returns it as is. */
export type Labeller = (ref: unknown) => unknown;

const list = (value: unknown): unknown[] => (value === undefined ? [] : ([] as unknown[]).concat(value));

// Condition operators as a reviewer reads them; the rest are shown by their IAM name.
const OPERATORS: Readonly<Record<string, string>> = {
    StringEquals: "=",
    ArnEquals: "=",
    NumericEquals: "=",
    DateEquals: "=",
    Bool: "=",
    BinaryEquals: "=",
    StringNotEquals: "!=",
    ArnNotEquals: "!=",
    NumericNotEquals: "!=",
    DateNotEquals: "!=",
    StringLike: "like",
    ArnLike: "like",
    StringNotLike: "not like",
    ArnNotLike: "not like",
    NumericLessThan: "<",
    DateLessThan: "<",
    NumericLessThanEquals: "<=",
    DateLessThanEquals: "<=",
    NumericGreaterThan: ">",
    DateGreaterThan: ">",
    NumericGreaterThanEquals: ">=",
    DateGreaterThanEquals: ">=",
    IpAddress: "in",
    NotIpAddress: "not in",
};

/**
 * A statement's Condition block as text: `kms:ViaService = ssm.us-east-1.amazonaws.com`. Several
 * values of one key read "or", several keys "and", as IAM evaluates them; `ForAnyValue:`,
 * `ForAllValues:` and `...IfExists` are kept in words.
 */
export function conditionText(condition: unknown, label: Labeller = (x) => x): string {
    if (typeof condition !== "object" || condition === null) {
        return "";
    }
    const parts: string[] = [];
    for (const [qualified, keys] of Object.entries(condition as Record<string, Record<string, unknown>>)) {
        const [set, operatorName] = qualified.includes(":") ? qualified.split(":") : [undefined, qualified];
        const ifExists = operatorName.endsWith("IfExists");
        const operator = ifExists ? operatorName.slice(0, -"IfExists".length) : operatorName;
        for (const [key, value] of Object.entries(keys ?? {})) {
            const values = list(value).map((v) => String(label(v)));
            const subject = set === "ForAnyValue" ? `any of ${key}` : set === "ForAllValues" ? `all of ${key}` : key;
            const test = operator === "Null" ? (values.join() === "true" ? "is absent" : "is present") : `${OPERATORS[operator] ?? operator} ${values.join(" or ")}`;
            parts.push(`${subject} ${test}${ifExists ? " (if present)" : ""}`);
        }
    }
    return parts.join(" and ");
}

/** A resource policy's Principal: `anyone`, service names, or the accounts and roles it names. */
function principalText(principal: unknown, label: Labeller): string {
    if (principal === "*") {
        return "anyone";
    }
    const named = Object.entries((principal ?? {}) as Record<string, unknown>).flatMap(([kind, who]) => list(who).map((w) => (w === "*" && kind === "AWS" ? "anyone" : String(label(w)))));
    return named.join(", ");
}

/**
 * One policy statement: `Allow kms:Decrypt on <key ARN> when kms:ViaService = ssm.us-east-1.amazonaws.com`,
 * or with a Principal (trust and resource policies) `Allow states.amazonaws.com to sts:AssumeRole when ...`.
 */
export function statementText(statement: Record<string, unknown>, label: Labeller = (x) => x): string {
    const principal = statement.Principal !== undefined ? `${principalText(statement.Principal, label)} to ` : statement.NotPrincipal !== undefined ? `anyone but ${principalText(statement.NotPrincipal, label)} to ` : "";
    const actions = statement.NotAction !== undefined ? `every action except ${list(statement.NotAction).join(", ")}` : list(statement.Action).join(", ");
    const resources =
        statement.NotResource !== undefined ? ` on every resource except ${list(statement.NotResource).map(label).join(", ")}` : statement.Resource !== undefined ? ` on ${list(statement.Resource).map(label).join(", ")}` : "";
    const condition = conditionText(statement.Condition, label);
    return `${statement.Effect} ${principal}${actions}${resources}${condition ? ` when ${condition}` : ""}`;
}

/** The statements of a policy document, one line each. */
export function policyStatements(policy: unknown, label: Labeller = (x) => x): string[] {
    const statements = typeof policy === "object" && policy !== null ? list((policy as { Statement?: unknown }).Statement) : [];
    return statements.map((s) => statementText(s as Record<string, unknown>, label));
}

/** Protocol and ports as a reviewer reads them: `tcp 443`, `tcp 1024-65535`, `all traffic`. */
function trafficText(protocol: unknown, fromPort: unknown, toPort: unknown): string {
    if (protocol === "-1" || protocol === -1 || protocol === "all") {
        return "all traffic";
    }
    if (fromPort === undefined || fromPort === null) {
        return String(protocol);
    }
    return `${protocol} ${fromPort === toPort || toPort === undefined ? fromPort : `${fromPort}-${toPort}`}`;
}

export type Direction = "inbound" | "outbound";

/**
 * A standalone rule (`aws.vpc.SecurityGroupIngressRule` or `...EgressRule`) as
 * `tcp 443 from 0.0.0.0/0` (inbound) or `tcp 8080 to web-service-sg` (outbound).
 */
export function vpcRuleText(direction: Direction, inputs: Record<string, any>, label: Labeller = (x) => x): string {
    const peers = [inputs.cidrIpv4, inputs.cidrIpv6, inputs.prefixListId, inputs.referencedSecurityGroupId === undefined ? undefined : label(inputs.referencedSecurityGroupId)].filter((p) => p !== undefined);
    return `${trafficText(inputs.ipProtocol, inputs.fromPort, inputs.toPort)} ${direction === "inbound" ? "from" : "to"} ${peers.join(", ") || "nowhere"}`;
}

/** A rule written inline in `aws.ec2.SecurityGroup`'s `ingress` or `egress`, in the same words. */
export function inlineRuleText(direction: Direction, rule: Record<string, any>, label: Labeller = (x) => x): string {
    const peers = [...list(rule.cidrBlocks), ...list(rule.ipv6CidrBlocks), ...list(rule.prefixListIds), ...list(rule.securityGroups).map(label), ...(rule.self ? ["itself"] : [])];
    return `${trafficText(rule.protocol, rule.fromPort, rule.toPort)} ${direction === "inbound" ? "from" : "to"} ${peers.join(", ") || "nowhere"}`;
}
