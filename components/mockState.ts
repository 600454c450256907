/**
 * What the mock harness (`fargate-workloads/testing`) answers when a resource is registered: an id
 * and the computed outputs AWS (or awsx) would return, derived from the type, the logical name,
 * the inputs and the mock account, so that ARNs, names and ids look real and stay stable.
 */
import * as crypto from "crypto";
import { MockAccount } from "./mockAccount";

/** A stable hex string of `length` characters derived from `text`. */
export function hex(text: string, length: number): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** What a resource's computed state is derived from. */
interface Registration {
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly account: MockAccount;
    /** The physical name: the `name` input, else the `namePrefix` and a suffix, else Pulumi's auto-name (logical name plus 7 hex digits). */
    readonly autoName: string;
    /** An ARN of `service` in the account and its region. */
    arn(service: string, resource: string): string;
}

/** Computed outputs; `__id`, when present, is the resource's id (AWS uses a name or an ARN for some). */
type StateOf = (r: Registration) => Record<string, any>;

const AWS_STATE: Readonly<Record<string, StateOf>> = {
    "aws:iam/role:Role": ({ name, autoName, account: a }) => ({ name: autoName, arn: `arn:${a.partition}:iam::${a.accountId}:role/${autoName}`, uniqueId: `AROA${hex(name, 16).toUpperCase()}`, __id: autoName }),
    "aws:iam/policy:Policy": ({ autoName, account: a }) => ({ name: autoName, arn: `arn:${a.partition}:iam::${a.accountId}:policy/${autoName}` }),
    "aws:cloudwatch/logGroup:LogGroup": ({ autoName, arn }) => ({ name: autoName, arn: arn("logs", `log-group:${autoName}`), __id: autoName }),
    "aws:ecs/cluster:Cluster": ({ autoName, arn }) => ({ name: autoName, arn: arn("ecs", `cluster/${autoName}`), __id: arn("ecs", `cluster/${autoName}`) }),
    "aws:ecs/taskDefinition:TaskDefinition": ({ inputs, arn }) => ({ arn: arn("ecs", `task-definition/${inputs.family}:1`), arnWithoutRevision: arn("ecs", `task-definition/${inputs.family}`), revision: 1, __id: inputs.family }),
    "aws:ecs/service:Service": ({ autoName, arn }) => ({ name: autoName, arn: arn("ecs", `service/${autoName}`) }),
    "aws:lb/loadBalancer:LoadBalancer": ({ name, inputs, autoName, account: a, arn }) => {
        const suffix = `app/${autoName}/${hex(name, 16)}`;
        const dnsName = `${inputs.internal ? "internal-" : ""}${autoName}-${parseInt(hex(name, 8), 16)}.${a.region}.elb.amazonaws.com`;
        return { name: autoName, arn: arn("elasticloadbalancing", `loadbalancer/${suffix}`), arnSuffix: suffix, dnsName, zoneId: "Z35SXDOTRQ7X7K" };
    },
    "aws:lb/targetGroup:TargetGroup": ({ name, autoName, arn }) => {
        const suffix = `targetgroup/${autoName}/${hex(name, 16)}`;
        return { name: autoName, arn: arn("elasticloadbalancing", suffix), arnSuffix: suffix };
    },
    "aws:lb/listener:Listener": ({ name, arn }) => ({ arn: arn("elasticloadbalancing", `listener/app/${name}/${hex(name, 16)}`) }),
    "aws:ec2/securityGroup:SecurityGroup": ({ name, autoName, arn }) => ({ name: autoName, arn: arn("ec2", `security-group/sg-${hex(name, 17)}`), __id: `sg-${hex(name, 17)}` }),
    "aws:acm/certificate:Certificate": ({ name, inputs, arn }) => ({
        arn: arn("acm", `certificate/${hex(name, 8)}-0000-0000-0000-${hex(name, 12)}`),
        domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map((d: string) => ({
            domainName: d,
            resourceRecordName: `_${hex(d, 32)}.${d}.`,
            resourceRecordType: "CNAME",
            resourceRecordValue: `_${hex(d + "v", 32)}.acm-validations.aws.`,
        })),
    }),
    "aws:sfn/stateMachine:StateMachine": ({ autoName, arn }) => ({ name: autoName, arn: arn("states", `stateMachine:${autoName}`), __id: arn("states", `stateMachine:${autoName}`) }),
    "aws:sns/topic:Topic": ({ autoName, arn }) => ({ name: autoName, arn: arn("sns", autoName), __id: arn("sns", autoName) }),
    "aws:sqs/queue:Queue": ({ autoName, account: a, arn }) => {
        const url = `https://sqs.${a.region}.amazonaws.com/${a.accountId}/${autoName}`;
        return { name: autoName, arn: arn("sqs", autoName), url, __id: url };
    },
    "aws:scheduler/schedule:Schedule": ({ inputs, autoName, arn }) => ({ name: autoName, arn: arn("scheduler", `schedule/${inputs.groupName ?? "default"}/${autoName}`) }),
    "aws:cloudwatch/eventRule:EventRule": ({ autoName, arn }) => ({ name: autoName, arn: arn("events", `rule/${autoName}`) }),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ({ autoName, arn }) => ({ name: autoName, arn: arn("cloudwatch", `alarm:${autoName}`) }),
    "aws:s3/bucket:Bucket": bucketState,
    "aws:s3/bucketV2:BucketV2": bucketState,
    "aws:dynamodb/table:Table": ({ autoName, arn }) => ({ name: autoName, arn: arn("dynamodb", `table/${autoName}`), __id: autoName }),
    "aws:appautoscaling/target:Target": ({ inputs }) => ({ __id: `${inputs.serviceNamespace}/${inputs.resourceId}` }),
    "aws:servicediscovery/httpNamespace:HttpNamespace": ({ name, autoName, arn }) => ({ arn: arn("servicediscovery", `namespace/ns-${hex(name, 16)}`), httpName: autoName, __id: `ns-${hex(name, 16)}` }),
    "aws:ecr/repository:Repository": ({ autoName, account: a, arn }) => ({ name: autoName, arn: arn("ecr", `repository/${autoName}`), repositoryUrl: `${a.accountId}.dkr.ecr.${a.region}.amazonaws.com/${autoName}` }),
};

function bucketState({ name, inputs, account: a }: Registration): Record<string, any> {
    const bucket = inputs.bucket ?? `${name}-${hex(name, 7)}`.toLowerCase();
    return { bucket, arn: `arn:${a.partition}:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, __id: bucket };
}

function subnetId(vpc: string, kind: string, i: number): string {
    return `subnet-${hex(`${vpc}-${kind}-${i}`, 17)}`;
}

// awsx components are remote: under mocks their children are invisible and their outputs
// come from here, shaped like what awsx would build from the same inputs.
const AWSX_STATE: Readonly<Record<string, StateOf>> = {
    "awsx:ec2:Vpc": ({ name, inputs, account }) => {
        const azs = inputs.numberOfAvailabilityZones ?? Math.min(3, account.availabilityZones.length);
        const specs: { type: string }[] = inputs.subnetSpecs ?? [{ type: "Public" }, { type: "Private" }];
        const ids = (kind: string) => (specs.some((s) => s.type === kind) ? Array.from({ length: azs }, (_, i) => subnetId(name, kind, i)) : []);
        return { vpcId: `vpc-${hex(name, 17)}`, publicSubnetIds: ids("Public"), privateSubnetIds: ids("Private"), isolatedSubnetIds: ids("Isolated") };
    },
    "awsx:ecr:Image": ({ name, inputs }) => ({ imageUri: `${inputs.repositoryUrl}@sha256:${hex(`${name}-image`, 64)}` }),
};

/**
 * The computed outputs of a resource of `type` named `name` with `inputs` in `account`, and its id
 * when AWS derives it (else undefined). Other AWS types get an ARN of their module; other
 * packages' types and components, nothing.
 */
export function mockState(account: MockAccount, type: string, name: string, inputs: Record<string, any>): { id?: string; state: Record<string, any> } {
    const [pkg, mod] = type.split(":");
    const registration: Registration = {
        name,
        inputs,
        account,
        // With `namePrefix`, the provider adds a unique suffix to the prefix.
        autoName: inputs.name ?? (typeof inputs.namePrefix === "string" ? `${inputs.namePrefix}${hex(name, 26)}` : `${name}-${hex(name, 7)}`),
        arn: (service, resource) => `arn:${account.partition}:${service}:${account.region}:${account.accountId}:${resource}`,
    };
    const stateOf: StateOf | undefined =
        pkg === "awsx" ? AWSX_STATE[type] : pkg === "aws" ? (AWS_STATE[type] ?? ((r) => ({ arn: r.inputs.arn ?? r.arn(mod.split("/")[0].toLowerCase(), r.name) }))) : undefined;
    const { __id, ...state } = stateOf?.(registration) ?? {};
    return { id: __id, state };
}
