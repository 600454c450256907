import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./iam";

/** AWS's limit on an SNS topic's display name. */
const SNS_DISPLAY_NAME_MAX = 100;

/** The topic alerts go to, and the resources that came with it. */
export interface AlertTopic {
    /** The topic, when it was created here (not when an ARN was given). */
    readonly topic?: aws.sns.Topic;
    /** Its ARN. */
    readonly arn: pulumi.Output<string>;
    /** The email subscription, when an address was given. */
    readonly subscription?: aws.sns.TopicSubscription;
}

/** Options of {@link createAlertTopic}. */
export interface AlertTopicOptions {
    /** Who reads the alerts, as the display name says: "<label> alerts". */
    readonly label: string;
    /** Address to subscribe; AWS mails a confirmation link first. */
    readonly email?: pulumi.Input<string>;
    /** Resource options of the topic (its policy and subscription are its children). */
    readonly opts?: pulumi.CustomResourceOptions;
    /** Tags of the topic. @default none */
    readonly tags?: Readonly<Record<string, string>>;
    /** Resource options of the policy and subscription, when they must keep an earlier parent. */
    readonly childOpts?: { readonly policy?: pulumi.CustomResourceOptions; readonly email?: pulumi.CustomResourceOptions };
}

/**
 * A standard SNS topic that EventBridge and CloudWatch alarms of this account may publish to, with
 * an optional email subscription. Left unencrypted on purpose: EventBridge and CloudWatch cannot
 * publish to a topic encrypted with the AWS-managed key `alias/aws/sns`, and alerts carry no job
 * data. A stack makes one and gives its ARN to every component, so the operator confirms one email.
 */
export function createAlertTopic(name: string, ctx: AwsContext, options: AlertTopicOptions): AlertTopic {
    const topic = new aws.sns.Topic(name, { displayName: `${options.label} alerts`.slice(0, SNS_DISPLAY_NAME_MAX), ...(options.tags ? { tags: options.tags } : {}) }, options.opts);
    new aws.sns.TopicPolicy(
        `${name}-policy`,
        {
            arn: topic.arn,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AlertsPublish",
                        Effect: "Allow",
                        Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
                        Action: "sns:Publish",
                        Resource: topic.arn,
                        Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
                    },
                ],
            }),
        },
        options.childOpts?.policy ?? options.opts,
    );
    const subscription =
        options.email === undefined ? undefined : new aws.sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: options.email }, options.childOpts?.email ?? options.opts);
    return { topic, arn: topic.arn, subscription };
}
