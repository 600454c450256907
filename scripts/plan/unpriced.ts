/**
 * The resource types of a stack the cost estimate puts no figure on: neither priced by cost.ts
 * nor free of charge of their own. A program of plain `@pulumi/aws` resources makes types the
 * components never do; each is listed, so the total never looks complete when it is not.
 */
import { RecordedResource } from "../../components/testing";

/** Types the estimate prices (cost.ts): their lines are in the cost table. */
export const PRICED_TYPES: readonly string[] = [
    "aws:cloudwatch/dashboard:Dashboard",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:ecs/service:Service",
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:kms/key:Key",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:scheduler/schedule:Schedule",
    "aws:sfn/stateMachine:StateMachine",
    "aws:sqs/queue:Queue",
    "aws:wafv2/webAcl:WebAcl",
    "awsx:ec2:Vpc",
];

/** Types AWS does not bill on their own (what they configure is billed through a priced type, if at all). */
export const FREE_TYPES: readonly string[] = [
    "aws:acm/certificate:Certificate",
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:appautoscaling/policy:Policy",
    "aws:appautoscaling/target:Target",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "aws:ecs/cluster:Cluster",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    "aws:iam/policy:Policy",
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:kms/alias:Alias",
    "aws:lb/listener:Listener",
    "aws:lb/listenerCertificate:ListenerCertificate",
    "aws:lb/listenerRule:ListenerRule",
    "aws:lb/targetGroup:TargetGroup",
    "aws:s3/bucketLogging:BucketLogging",
    "aws:s3/bucketLoggingV2:BucketLoggingV2",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:ssm/parameter:Parameter",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:wafv2/webAclAssociation:WebAclAssociation",
];

/** "type (count)" for each provider resource type of `resources` the estimate neither prices nor knows to be free, sorted. */
export function unpricedTypes(resources: readonly RecordedResource[]): string[] {
    const counts = new Map<string, number>();
    for (const r of resources) {
        if (r.custom && !r.type.startsWith("pulumi:") && !PRICED_TYPES.includes(r.type) && !FREE_TYPES.includes(r.type)) {
            counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        }
    }
    return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${type} (${n})`);
}
