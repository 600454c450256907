// The one list of resource types the replacement table covers: every `aws:` type that components/,
// app/ and index.ts create, plus types common in consumers' programs. tests/replacements.test.ts
// fails when a stack creates a type missing here; add it, then run `npm run replacements`.
//
// Each entry names the provider package and the Go symbol that builds the resource's schema: an
// SDKv2 `func ...() *schema.Resource`, or a Plugin Framework resource struct whose `Schema` method
// (its own or an embedded struct's) declares the attributes.

export interface ResourceType {
    /** Pulumi type token. */
    readonly token: string;
    /** Terraform type it is bridged from (pulumi-aws provider/resources.go). */
    readonly terraformType: string;
    /** Provider package directory. */
    readonly pkg: string;
    readonly sdkv2?: string;
    readonly framework?: string;
    /**
     * The property pulumi-aws auto-names where it is not the bridge's default `name`, with the
     * provider/resources.go line that says so.
     */
    readonly autoName?: { readonly property: string; readonly source: string };
    /** Top-level Terraform attributes pulumi-aws renames (resources.go `Fields`), Terraform name to Pulumi name. */
    readonly renames?: Readonly<Record<string, string>>;
}

const sdk = (token: string, terraformType: string, pkg: string, fn: string): ResourceType => ({ token, terraformType, pkg: `internal/service/${pkg}`, sdkv2: fn });
const fw = (token: string, terraformType: string, pkg: string, struct: string): ResourceType => ({ token, terraformType, pkg: `internal/service/${pkg}`, framework: struct });

export const RESOURCE_TYPES: readonly ResourceType[] = [
    sdk("aws:acm/certificate:Certificate", "aws_acm_certificate", "acm", "resourceCertificate"),
    sdk("aws:acm/certificateValidation:CertificateValidation", "aws_acm_certificate_validation", "acm", "resourceCertificateValidation"),
    sdk("aws:appautoscaling/policy:Policy", "aws_appautoscaling_policy", "appautoscaling", "resourcePolicy"),
    sdk("aws:appautoscaling/target:Target", "aws_appautoscaling_target", "appautoscaling", "resourceTarget"),
    sdk("aws:cloudwatch/dashboard:Dashboard", "aws_cloudwatch_dashboard", "cloudwatch", "resourceDashboard"),
    sdk("aws:cloudwatch/eventRule:EventRule", "aws_cloudwatch_event_rule", "events", "resourceRule"),
    sdk("aws:cloudwatch/eventTarget:EventTarget", "aws_cloudwatch_event_target", "events", "resourceTarget"),
    sdk("aws:cloudwatch/logGroup:LogGroup", "aws_cloudwatch_log_group", "logs", "resourceGroup"),
    {
        ...sdk("aws:cloudwatch/metricAlarm:MetricAlarm", "aws_cloudwatch_metric_alarm", "cloudwatch", "resourceMetricAlarm"),
        autoName: { property: "name", source: 'pulumi-aws provider/resources.go: "aws_cloudwatch_metric_alarm" Fields "alarm_name": tfbridge.AutoName("name", 255, "-")' },
        renames: { alarm_name: "name" },
    },
    sdk("aws:dynamodb/table:Table", "aws_dynamodb_table", "dynamodb", "resourceTable"),
    sdk("aws:ec2/securityGroup:SecurityGroup", "aws_security_group", "ec2", "resourceSecurityGroup"),
    sdk("aws:ec2/subnet:Subnet", "aws_subnet", "ec2", "resourceSubnet"),
    sdk("aws:ec2/vpc:Vpc", "aws_vpc", "ec2", "resourceVPC"),
    sdk("aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws_ecr_lifecycle_policy", "ecr", "resourceLifecyclePolicy"),
    sdk("aws:ecr/repository:Repository", "aws_ecr_repository", "ecr", "resourceRepository"),
    sdk("aws:ecs/cluster:Cluster", "aws_ecs_cluster", "ecs", "resourceCluster"),
    sdk("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "aws_ecs_cluster_capacity_providers", "ecs", "resourceClusterCapacityProviders"),
    sdk("aws:ecs/service:Service", "aws_ecs_service", "ecs", "resourceService"),
    sdk("aws:ecs/taskDefinition:TaskDefinition", "aws_ecs_task_definition", "ecs", "resourceTaskDefinition"),
    sdk("aws:iam/role:Role", "aws_iam_role", "iam", "resourceRole"),
    sdk("aws:iam/rolePolicy:RolePolicy", "aws_iam_role_policy", "iam", "resourceRolePolicy"),
    sdk("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws_iam_role_policy_attachment", "iam", "resourceRolePolicyAttachment"),
    sdk("aws:kms/alias:Alias", "aws_kms_alias", "kms", "resourceAlias"),
    sdk("aws:kms/key:Key", "aws_kms_key", "kms", "resourceKey"),
    {
        ...sdk("aws:lambda/function:Function", "aws_lambda_function", "lambda", "resourceFunction"),
        autoName: { property: "name", source: 'pulumi-aws provider/resources.go: "aws_lambda_function" Fields "function_name": tfbridge.AutoName("name", 64, "-")' },
        renames: { function_name: "name" },
    },
    sdk("aws:lb/listener:Listener", "aws_lb_listener", "elbv2", "resourceListener"),
    sdk("aws:lb/listenerCertificate:ListenerCertificate", "aws_lb_listener_certificate", "elbv2", "resourceListenerCertificate"),
    sdk("aws:lb/listenerRule:ListenerRule", "aws_lb_listener_rule", "elbv2", "resourceListenerRule"),
    sdk("aws:lb/loadBalancer:LoadBalancer", "aws_lb", "elbv2", "resourceLoadBalancer"),
    sdk("aws:lb/targetGroup:TargetGroup", "aws_lb_target_group", "elbv2", "resourceTargetGroup"),
    sdk("aws:route53/record:Record", "aws_route53_record", "route53", "resourceRecord"),
    {
        ...sdk("aws:s3/bucket:Bucket", "aws_s3_bucket", "s3", "resourceBucket"),
        autoName: { property: "bucket", source: 'pulumi-aws provider/resources.go: "aws_s3_bucket" Fields "bucket": tfbridge.AutoNameTransform("bucket", 63, ...)' },
    },
    fw("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws_s3_bucket_lifecycle_configuration", "s3", "bucketLifecycleConfigurationResource"),
    sdk("aws:s3/bucketLogging:BucketLogging", "aws_s3_bucket_logging", "s3", "resourceBucketLogging"),
    sdk("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws_s3_bucket_ownership_controls", "s3", "resourceBucketOwnershipControls"),
    sdk("aws:s3/bucketPolicy:BucketPolicy", "aws_s3_bucket_policy", "s3", "resourceBucketPolicy"),
    sdk("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws_s3_bucket_public_access_block", "s3", "resourceBucketPublicAccessBlock"),
    sdk("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws_s3_bucket_server_side_encryption_configuration", "s3", "resourceBucketServerSideEncryptionConfiguration"),
    sdk("aws:s3/bucketVersioning:BucketVersioning", "aws_s3_bucket_versioning", "s3", "resourceBucketVersioning"),
    sdk("aws:scheduler/schedule:Schedule", "aws_scheduler_schedule", "scheduler", "resourceSchedule"),
    sdk("aws:servicediscovery/httpNamespace:HttpNamespace", "aws_service_discovery_http_namespace", "servicediscovery", "resourceHTTPNamespace"),
    sdk("aws:sfn/stateMachine:StateMachine", "aws_sfn_state_machine", "sfn", "resourceStateMachine"),
    sdk("aws:sns/topic:Topic", "aws_sns_topic", "sns", "resourceTopic"),
    sdk("aws:sns/topicPolicy:TopicPolicy", "aws_sns_topic_policy", "sns", "resourceTopicPolicy"),
    // @pulumi/aws sns/topicSubscription.d.ts: `topic: pulumi.Input<string | Topic>` is Terraform's topic_arn.
    { ...sdk("aws:sns/topicSubscription:TopicSubscription", "aws_sns_topic_subscription", "sns", "resourceTopicSubscription"), renames: { topic_arn: "topic" } },
    sdk("aws:sqs/queue:Queue", "aws_sqs_queue", "sqs", "resourceQueue"),
    sdk("aws:sqs/queuePolicy:QueuePolicy", "aws_sqs_queue_policy", "sqs", "resourceQueuePolicy"),
    sdk("aws:sqs/redrivePolicy:RedrivePolicy", "aws_sqs_queue_redrive_policy", "sqs", "resourceQueueRedrivePolicy"),
    sdk("aws:ssm/parameter:Parameter", "aws_ssm_parameter", "ssm", "resourceParameter"),
    fw("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws_vpc_security_group_egress_rule", "ec2", "securityGroupEgressRuleResource"),
    fw("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws_vpc_security_group_ingress_rule", "ec2", "securityGroupIngressRuleResource"),
    sdk("aws:wafv2/webAcl:WebAcl", "aws_wafv2_web_acl", "wafv2", "resourceWebACL"),
    sdk("aws:wafv2/webAclAssociation:WebAclAssociation", "aws_wafv2_web_acl_association", "wafv2", "resourceWebACLAssociation"),
    sdk("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "aws_wafv2_web_acl_logging_configuration", "wafv2", "resourceWebACLLoggingConfiguration"),
];
