import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./errors";
import { AwsContext } from "./iam";
import { childName, NAME_LIMITS } from "./naming";

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
    /** A customer-managed KMS key for the topic; its policy must let EventBridge and CloudWatch publish. @default unencrypted */
    readonly kmsKeyArn?: pulumi.Input<string>;
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
    const topic = new aws.sns.Topic(
        name,
        { displayName: `${options.label} alerts`.slice(0, SNS_DISPLAY_NAME_MAX), ...(options.kmsKeyArn !== undefined ? { kmsMasterKeyId: options.kmsKeyArn } : {}), ...(options.tags ? { tags: options.tags } : {}) },
        options.opts,
    );
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

/** Where a component's alerts go: an existing topic, an address to subscribe, both, or neither (a topic of its own). */
export interface AlertDestination {
    /**
     * Address subscribed to the topic. AWS mails a confirmation link first: nothing is delivered
     * until someone clicks it (unconfirmed subscriptions lapse after three days).
     */
    readonly email?: pulumi.Input<string>;
    /**
     * An existing standard SNS topic to publish to instead of creating one (the stack's, so the
     * operator confirms one email). Its policy must let `events.amazonaws.com` and
     * `cloudwatch.amazonaws.com` publish. @default a new topic
     */
    readonly topicArn?: pulumi.Input<string>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** Checks an alert destination's plain values (an Output, a secret from the stack's config say, is checked by SNS at deploy). */
export function validateAlertDestination(v: Validator, alerts: AlertDestination, path = "alerts"): void {
    // The address and the topic are checked apart: both problems come in one run.
    const before = v.problemCount;
    if (alerts.email !== undefined && !pulumi.Output.isInstance(alerts.email) && (typeof alerts.email !== "string" || !EMAIL.test(alerts.email))) {
        v.record(v.error(`${path}.email`, alerts.email, "is not an email address", 'give an address such as "oncall@example.com"'));
    }
    if (typeof alerts.topicArn === "string" && !SNS_TOPIC_ARN.test(alerts.topicArn)) {
        v.record(v.error(`${path}.topicArn`, alerts.topicArn, "is not the ARN of a standard (non-FIFO) SNS topic", 'use "arn:aws:sns:REGION:ACCOUNT:NAME", or leave it out to have a topic created'));
    }
    v.throwSince(before);
}

/** The topic alerts go to: the given one (its policy belongs to its owner, and is documented), or a new one. */
export function resolveAlertTopic(parent: pulumi.Resource, name: string, alerts: AlertDestination, ctx: AwsContext, kmsKeyArn?: pulumi.Input<string>): AlertTopic {
    if (alerts.topicArn !== undefined) {
        const arn = pulumi.output(alerts.topicArn);
        const subscription = alerts.email === undefined ? undefined : new aws.sns.TopicSubscription(childName(name, "alerts-email"), { topic: arn, protocol: "email", endpoint: alerts.email }, { parent });
        return { arn, subscription };
    }
    return createAlertTopic(childName(name, "alerts", NAME_LIMITS.snsTopic), ctx, { label: name, email: alerts.email, opts: { parent }, ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}) });
}
