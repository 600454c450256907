import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ABORT_INCOMPLETE_UPLOADS, denyInsecureTransport } from "../components";

/** The TODO app's table: lists by user (`User`) and list id (`ListId`). */
export function createTable(protect: boolean, tags?: Readonly<Record<string, string>>, kmsKeyArn?: pulumi.Input<string>): aws.dynamodb.Table {
    return new aws.dynamodb.Table(
        "todo-table",
        {
            attributes: [
                { name: "User", type: "S" },
                { name: "ListId", type: "S" },
            ],
            hashKey: "User",
            rangeKey: "ListId",
            billingMode: "PAY_PER_REQUEST",
            // Point-in-time recovery also makes the nightly export possible.
            pointInTimeRecovery: { enabled: true },
            serverSideEncryption: { enabled: true, ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}) },
            deletionProtectionEnabled: protect,
            tags,
        },
        { protect, retainOnDelete: protect },
    );
}

/** The configuration parameter the app reads under its path (the app writes its data-protection keys under `DataProtection/`). */
export function createParameters(parameterPath: string, table: aws.dynamodb.Table, tags?: Readonly<Record<string, string>>): aws.ssm.Parameter {
    return new aws.ssm.Parameter("todo-table-name-parameter", {
        name: `${parameterPath}TodoTable/Name`,
        type: "String",
        value: table.name,
        description: "Name of the TODO table (read by the app under its parameter path)",
        tags,
    });
}

const AES256 = { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } };

/** A bucket's public access blocked, ACLs off (the owner owns every object), and its default encryption. */
function keepPrivate(name: string, bucket: aws.s3.Bucket, encryption: aws.types.input.s3.BucketServerSideEncryptionConfigurationRule): void {
    const opts = { parent: bucket };
    new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, opts);
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, { bucket: bucket.id, rules: [encryption] }, opts);
}

/** Days a replaced or deleted export version is kept in a versioned (protected) bucket. */
export const NONCURRENT_VERSION_DAYS = 30;
/** Days the export bucket's server access logs are kept. */
export const EXPORT_ACCESS_LOG_DAYS = 90;

/**
 * Where the nightly exports go: private, encrypted, TLS only, each export expiring after
 * `retentionDays`. A protected stack (prod) also keeps object versions (an overwritten or deleted
 * export can be restored for 30 days) and logs every request to the bucket in a second bucket.
 */
export function createExportBucket(retentionDays: number, protect: boolean, tags?: Readonly<Record<string, string>>, kmsKeyArn?: pulumi.Input<string>): aws.s3.Bucket {
    const bucket = new aws.s3.Bucket("export-bucket", { forceDestroy: !protect, tags }, { protect, retainOnDelete: protect });
    const opts = { parent: bucket };
    // Under the stack's key when it has one; a bucket key keeps the KMS requests (and their cost) down.
    keepPrivate("export-bucket", bucket, kmsKeyArn !== undefined ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true } : AES256);
    new aws.s3.BucketPolicy(
        "export-bucket-tls-only",
        {
            bucket: bucket.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    denyInsecureTransport(bucket.arn),
                ],
            }),
        },
        opts,
    );
    new aws.s3.BucketLifecycleConfiguration(
        "export-bucket-expiry",
        {
            bucket: bucket.id,
            rules: [
                { id: "expire-exports", status: "Enabled", filter: { prefix: "exports/" }, expiration: { days: retentionDays } },
                { id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
                ...(protect ? [{ id: "expire-old-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_DAYS } }] : []),
            ],
        },
        opts,
    );
    if (protect) {
        new aws.s3.BucketVersioning("export-bucket-versioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
        createServerAccessLogs(bucket, tags);
    }
    return bucket;
}

/**
 * Server access logs of the export bucket, in a bucket of their own: S3-managed encryption (the
 * only kind a log target takes), private, TLS only, expiring after 90 days (unfinished multipart
 * uploads after a day), writable by S3's logging service for this bucket and account only.
 */
function createServerAccessLogs(source: aws.s3.Bucket, tags?: Readonly<Record<string, string>>): aws.s3.Bucket {
    const logs = new aws.s3.Bucket("export-bucket-access-logs", { forceDestroy: false, tags }, { parent: source });
    const opts = { parent: logs };
    keepPrivate("export-bucket-access-logs", logs, AES256);
    new aws.s3.BucketLifecycleConfiguration(
        "export-bucket-access-logs-expiry",
        { bucket: logs.id, rules: [{ id: "expire-access-logs", status: "Enabled", filter: { prefix: "" }, expiration: { days: EXPORT_ACCESS_LOG_DAYS } }, ABORT_INCOMPLETE_UPLOADS] },
        opts,
    );
    const policy = new aws.s3.BucketPolicy(
        "export-bucket-access-logs-policy",
        {
            bucket: logs.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "S3ServerAccessLogs",
                        Effect: "Allow",
                        Principal: { Service: "logging.s3.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${logs.arn}/export-bucket/*`,
                        Condition: { ArnLike: { "aws:SourceArn": source.arn }, StringEquals: { "aws:SourceAccount": aws.getCallerIdentityOutput({}, opts).accountId } },
                    },
                    denyInsecureTransport(logs.arn),
                ],
            }),
        },
        opts,
    );
    new aws.s3.BucketLogging("export-bucket-logging", { bucket: source.id, targetBucket: logs.id, targetPrefix: "export-bucket/" }, { parent: source, dependsOn: [policy] });
    return logs;
}
