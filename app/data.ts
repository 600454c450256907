import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The TODO app's table: lists by user (`User`) and list id (`ListId`). */
export function createTable(protect: boolean, tags?: Readonly<Record<string, string>>): aws.dynamodb.Table {
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
            serverSideEncryption: { enabled: true },
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

/** Where the nightly exports go: private, encrypted, TLS only, each export expiring after `retentionDays`. */
export function createExportBucket(retentionDays: number, protect: boolean, tags?: Readonly<Record<string, string>>): aws.s3.Bucket {
    const bucket = new aws.s3.Bucket("export-bucket", { forceDestroy: !protect, tags }, { protect, retainOnDelete: protect });
    const opts = { parent: bucket };
    new aws.s3.BucketPublicAccessBlock("export-bucket-public-access", { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, opts);
    new aws.s3.BucketOwnershipControls("export-bucket-ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    new aws.s3.BucketServerSideEncryptionConfiguration(
        "export-bucket-encryption",
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        opts,
    );
    new aws.s3.BucketPolicy(
        "export-bucket-tls-only",
        {
            bucket: bucket.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
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
            ],
        },
        opts,
    );
    return bucket;
}
