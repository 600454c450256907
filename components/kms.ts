import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./errors";
import { AwsContext } from "./iam";
import { childName } from "./naming";

/** Options of {@link createEncryptionKey}. */
export interface EncryptionKeyOptions {
    /** Parent of the key and its alias. @default none (the stack) */
    readonly parent?: pulumi.Resource;
    /** Tags of the key. @default none */
    readonly tags?: Readonly<Record<string, string>>;
    /** Days before a deleted key is gone, 7 to 30 (a mistaken `pulumi destroy` can be undone meanwhile). @default 30 */
    readonly deletionWindowDays?: number;
}

/**
 * The key policy of a key the components can use for everything they store: the account's IAM
 * policies decide who else may use it (the components grant their roles exactly what they need),
 * CloudWatch Logs encrypts this account's log groups, log delivery writes the Step Functions
 * execution logs, EventBridge and CloudWatch alarms publish to topics under it, and DynamoDB uses
 * it for this account's callers (docs/aws-behaviour.md lists the sources).
 */
export function encryptionKeyPolicy(partition: string, region: string, accountId: string): Record<string, unknown> {
    const logs = `arn:${partition}:logs:${region}:${accountId}:*`;
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "AccountIamPolicies", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
            {
                Sid: "CloudWatchLogs",
                Effect: "Allow",
                Principal: { Service: `logs.${region}.amazonaws.com` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*` } },
            },
            {
                Sid: "LogDelivery",
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: "*",
                Condition: { StringLike: { "kms:EncryptionContext:SourceArn": logs } },
            },
            // AWS supports no source condition for EventBridge publishing to an encrypted topic.
            { Sid: "EventBridgeToTopics", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: "*" },
            {
                Sid: "AlarmsToTopics",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` } },
            },
            {
                Sid: "DynamoDbForThisAccount",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
                Resource: "*",
                Condition: { StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
            },
        ],
    };
}

/**
 * A customer-managed symmetric key, rotated yearly, with {@link encryptionKeyPolicy}, and an
 * alias `alias/<name>` (characters KMS refuses in an alias become `-`). Give its ARN as `kmsKeyArn` to the components. About $1 a month.
 */
export function createEncryptionKey(name: string, ctx: AwsContext, options: EncryptionKeyOptions = {}): { key: aws.kms.Key; alias: aws.kms.Alias } {
    const deletionWindowDays = options.deletionWindowDays ?? 30;
    // KMS refuses another window at deploy.
    new Validator(name).integer("deletionWindowDays", deletionWindowDays, 7, 30, "days");
    const opts = options.parent ? { parent: options.parent } : {};
    const key = new aws.kms.Key(
        childName(name, "key"),
        {
            description: `${name}: logs, topics, queues, schedules, state machines, tables and buckets`,
            keyUsage: "ENCRYPT_DECRYPT",
            customerMasterKeySpec: "SYMMETRIC_DEFAULT",
            enableKeyRotation: true,
            deletionWindowInDays: deletionWindowDays,
            policy: pulumi.all([ctx.partition, ctx.region, ctx.accountId]).apply(([partition, region, accountId]) => JSON.stringify(encryptionKeyPolicy(partition, region, accountId))),
            ...(options.tags ? { tags: options.tags } : {}),
        },
        opts,
    );
    // An alias takes letters, digits, "/", "_" and "-" only (a stack name may hold "."; KMS would refuse it at deploy).
    const alias = new aws.kms.Alias(childName(name, "key-alias"), { name: `alias/${name.replace(/[^A-Za-z0-9/_-]/g, "-")}`, targetKeyId: key.keyId }, opts);
    return { key, alias };
}
