/**
 * The conditions of the provider's `CustomizeDiff` rules in the replacement table
 * (components/replacements.ts lists each rule with its Go logic in `note`), by type and input
 * path: given the old and new values and the new inputs, whether the rule applies. A rule without
 * an entry here may apply: the planner says "replacement unknown" (or "may refuse") rather than guess.
 */
type Condition = (before: unknown, after: unknown, inputs: Record<string, any>) => boolean | undefined;

const nonEmpty = (v: unknown): boolean => typeof v === "string" && v !== "";
const listLength = (v: unknown): number => (Array.isArray(v) ? v.length : v === undefined || v === null ? 0 : 1);
/** NLB-only rules of aws_lb: an Application Load Balancer never meets them. */
const networkOnly: Condition = (_b, _a, inputs) => ((inputs.loadBalancerType ?? "application") === "application" ? false : undefined);

/** When a `CustomizeDiff` entry of `replaceOn` forces a replacement. */
export const REPLACED_WHEN: Readonly<Record<string, Condition>> = {
    // Amazon-issued certificates (the type the library requests): a new name is a new certificate.
    "aws:acm/certificate:Certificate domainName": () => true,
    "aws:acm/certificate:Certificate subjectAlternativeNames": () => true,
    "aws:dynamodb/table:Table restoreBackupArn": (b, a) => b !== a && nonEmpty(a),
    "aws:dynamodb/table:Table restoreSourceName": (b, a) => b !== a && nonEmpty(a),
    "aws:dynamodb/table:Table restoreSourceTableArn": (b, a) => b !== a && nonEmpty(a),
    "aws:ec2/vpc:Vpc cidrBlock": (_b, _a, inputs) => !inputs.ipv4NetmaskLength,
    "aws:ec2/vpc:Vpc instanceTenancy": (b, a) => b !== "dedicated" || a !== "default",
    "aws:lambda/function:Function durableConfig": (b, a) => (listLength(b) === 0) !== (listLength(a) === 0),
    "aws:lb/loadBalancer:LoadBalancer secondaryIpsAutoAssignedPerSubnet": networkOnly,
    "aws:lb/loadBalancer:LoadBalancer securityGroups": networkOnly,
    "aws:lb/loadBalancer:LoadBalancer subnets": networkOnly,
    "aws:ssm/parameter:Parameter tier": (b, a) => b === "Advanced" && a === "Standard",
};

/**
 * When the provider's `CustomizeDiff` refuses a change (`refusedChanges`): a check of the values,
 * or `false` for a refusal only of values the program never sends (a state machine definition
 * Step Functions finds invalid: the library's tests validate every definition).
 */
export const REFUSED_WHEN: Readonly<Record<string, false | Condition>> = {
    "aws:ecs/service:Service capacityProviderStrategies": () => true,
    "aws:s3/bucketVersioning:BucketVersioning versioningConfiguration.status": (b, a) => a === "Disabled" && (b === "Enabled" || b === "Suspended"),
    "aws:sfn/stateMachine:StateMachine definition": false,
};

/**
 * Inputs of awsx components (remote: their children are invisible under the mocks) whose changes
 * are known to reach the children in place: tags, which awsx passes to each child and which no
 * child's provider replaces on (see the table's entries for aws:ec2/vpc:Vpc, subnets and gateways).
 */
export const COMPONENT_IN_PLACE: Readonly<Record<string, readonly string[]>> = {
    "awsx:ec2:Vpc": ["tags"],
};
