/**
 * The limits AWS enforces on the resources a Fargate workload is made of, as pure functions over a
 * resource's type and properties: what `pulumi preview` does not check and AWS rejects at deploy
 * (or accepts into a state that can never work, such as a deployment that cannot progress).
 * Shared by the `aws-limits` policy and the property tests of the components.
 *
 * Sources: the AWS documentation of each service (docs/aws-behaviour.md cites the run-time ones), the EC2 API reference for security group
 * texts, the ACM API reference for certificate names, the CloudWatch API reference for alarm
 * windows, the ECS and IAM quotas. Numbers the components already hold are imported, not repeated.
 *
 * The rules live in limits/, one file per AWS service (limits/elb.ts for the load balancer, and so
 * on), with the names of every resource in limits/names.ts, the limits that span resources in
 * limits/stack.ts and shared helpers in limits/common.ts. This file maps each resource type to its
 * rules and is the one to import from.
 */
import { certificateRules } from "./limits/acm";
import { scalingPolicyRules, scalingTargetRules } from "./limits/appautoscaling";
import { metricAlarmRules } from "./limits/cloudwatch";
import { Rule } from "./limits/common";
import { ruleTextRules, securityGroupRules } from "./limits/ec2";
import { serviceRules, taskDefinitionRules } from "./limits/ecs";
import { canonicalType, listenerRuleRules, listenerRules, loadBalancerRules, targetGroupRules } from "./limits/elb";
import { eventRuleRules, eventTargetRules } from "./limits/events";
import { IAM_QUOTAS, policyDocumentRules, roleRules } from "./limits/iam";
import { logGroupRules } from "./limits/logs";
import { NAME_RULES, nameRule } from "./limits/names";
import { scheduleRules } from "./limits/scheduler";
import { topicRules } from "./limits/sns";
import { queueRules } from "./limits/sqs";
import { stateMachineRules } from "./limits/states";
import { isUnknownError, unknownPaths } from "./preview";

export { ACM_DOMAIN_NAME_MAX } from "./limits/acm";
export { ALARM_WINDOW_SECONDS } from "./limits/cloudwatch";
export { EC2_TEXT, SECURITY_GROUP_DESCRIPTION_MAX } from "./limits/ec2";
export { ECS_QUOTAS } from "./limits/ecs";
export { canonicalType, matcherProblem, TARGET_GROUP_HEALTH_CHECK_DEFAULTS } from "./limits/elb";
export { IAM_QUOTAS } from "./limits/iam";
export { NAME_RULES } from "./limits/names";
export { isIanaTimeZone, SCHEDULER_LIMITS, scheduleExpressionProblem } from "./limits/scheduler";
export { checkStackLimits, type StackResource } from "./limits/stack";
export { allStates, STATES_LIMITS, taskArguments } from "./limits/states";

/** What {@link checkResourceLimits} found: definite violations, and paths it could not read at preview. */
export interface LimitReport {
    readonly violations: string[];
    readonly unknown: string[];
}

const RULES: Readonly<Record<string, readonly Rule[]>> = {
    "aws:ecs/taskDefinition:TaskDefinition": [taskDefinitionRules],
    "aws:ecs/service:Service": [serviceRules],
    "aws:lb/targetGroup:TargetGroup": [targetGroupRules],
    "aws:lb/loadBalancer:LoadBalancer": [loadBalancerRules],
    "aws:lb/listener:Listener": [listenerRules],
    "aws:lb/listenerRule:ListenerRule": [listenerRuleRules],
    "aws:ec2/securityGroup:SecurityGroup": [securityGroupRules],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [ruleTextRules],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [ruleTextRules],
    "aws:ec2/securityGroupRule:SecurityGroupRule": [ruleTextRules],
    "aws:cloudwatch/logGroup:LogGroup": [logGroupRules],
    "aws:iam/role:Role": [roleRules],
    "aws:iam/rolePolicy:RolePolicy": [policyDocumentRules(IAM_QUOTAS.inlineRolePoliciesChars)],
    "aws:iam/policy:Policy": [policyDocumentRules(IAM_QUOTAS.managedPolicyChars)],
    "aws:scheduler/schedule:Schedule": [scheduleRules],
    "aws:cloudwatch/eventRule:EventRule": [eventRuleRules],
    "aws:cloudwatch/eventTarget:EventTarget": [eventTargetRules],
    "aws:cloudwatch/metricAlarm:MetricAlarm": [metricAlarmRules],
    "aws:sfn/stateMachine:StateMachine": [stateMachineRules],
    "aws:sqs/queue:Queue": [queueRules],
    "aws:sns/topic:Topic": [topicRules],
    "aws:acm/certificate:Certificate": [certificateRules],
    "aws:appautoscaling/target:Target": [scalingTargetRules],
    "aws:appautoscaling/policy:Policy": [scalingPolicyRules],
    "aws:ecs/cluster:Cluster": [],
};

/** Resource types {@link checkResourceLimits} knows (others pass unchecked). */
export const LIMIT_CHECKED_TYPES: readonly string[] = [...new Set([...Object.keys(RULES), ...Object.keys(NAME_RULES)])];

/**
 * Checks one resource against the AWS limits of its type. `props` are its inputs (as a policy or
 * the mocks see them); with `logicalName`, a name Pulumi will generate is checked too. Values
 * unknown at preview are not guessed: their paths are returned in `unknown`.
 */
export function checkResourceLimits(type: string, props: Record<string, any>, logicalName?: string): LimitReport {
    const canonical = canonicalType(type);
    const violations: string[] = [];
    const unknown: string[] = [];
    const rules: Rule[] = [...(RULES[canonical] ?? [])];
    const nameRuleOfType = NAME_RULES[canonical];
    if (nameRuleOfType) {
        rules.unshift(nameRule(nameRuleOfType));
    }
    for (const rule of rules) {
        try {
            rule(props, (m) => violations.push(m), logicalName);
        } catch (e) {
            if (!isUnknownError(e)) {
                throw e;
            }
            unknown.push(...unknownPaths(e));
        }
    }
    return { violations, unknown };
}
