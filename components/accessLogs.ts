import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./iam";
import { childName, physicalName } from "./naming";

/**
 * The Elastic Load Balancing account that delivers access logs in each Region opened before
 * August 2022 (AWS's "enable access logging" page; the same map is in terraform-provider-aws,
 * `internal/service/elb/service_account_data_source.go`). Newer Regions deliver as the service
 * principal `logdelivery.elasticloadbalancing.amazonaws.com`.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-gov-east-1": "190560391635",
    "us-gov-west-1": "048591011584",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
};

/** The principal that writes a Region's load balancer access logs. */
export function logDeliveryPrincipal(partition: string, region: string): { AWS: string } | { Service: string } {
    const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
    return account ? { AWS: `arn:${partition}:iam::${account}:root` } : { Service: "logdelivery.elasticloadbalancing.amazonaws.com" };
}

/**
 * A lifecycle rule that removes the parts of multipart uploads left unfinished for a day, over the
 * whole bucket (an empty filter): S3 bills stored parts until the upload completes or is aborted
 * (Checkov CKV_AWS_300).
 */
export const ABORT_INCOMPLETE_UPLOADS = { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } };

/** A bucket of access logs, made by the load balancer. */
export interface AccessLogBucket {
    readonly bucket: aws.s3.Bucket;
    /** The load balancer waits for it: AWS writes a test file when access logging is turned on. */
    readonly policy: aws.s3.BucketPolicy;
}

/**
 * A private bucket for a load balancer's access logs: S3-managed encryption (the only kind ALB
 * log delivery supports: a KMS key would stop delivery), TLS only, objects expiring after
 * `retentionDays` (unfinished multipart uploads after a day), and a policy that lets the Region's
 * log delivery write under `prefix`.
 */
export function createAccessLogBucket(parent: pulumi.Resource, name: string, ctx: AwsContext, options: { retentionDays: number; prefix?: string; forceDestroy: boolean }): AccessLogBucket {
    const opts = { parent };
    // Bucket names are lower case; the prefix leaves room for Pulumi's suffix within 63 characters.
    const bucketPrefix = `${physicalName([name.toLowerCase()], 24, /[a-z0-9-]/)}-access-logs-`;
    const bucket = new aws.s3.Bucket(childName(name, "access-logs"), { bucketPrefix, forceDestroy: options.forceDestroy }, opts);
    const child = { parent: bucket };
    new aws.s3.BucketPublicAccessBlock(childName(name, "access-logs-public-access"), { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(childName(name, "access-logs-encryption"), { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, child);
    new aws.s3.BucketLifecycleConfiguration(
        childName(name, "access-logs-lifecycle"),
        { bucket: bucket.id, rules: [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: options.retentionDays } }, ABORT_INCOMPLETE_UPLOADS] },
        child,
    );
    const logs = options.prefix ? `${options.prefix}/AWSLogs` : "AWSLogs";
    const policy = new aws.s3.BucketPolicy(
        childName(name, "access-logs-policy"),
        {
            bucket: bucket.id,
            policy: pulumi.all([bucket.arn, ctx.partition, ctx.region, ctx.accountId]).apply(([arn, partition, region, accountId]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "LoadBalancerLogDelivery", Effect: "Allow", Principal: logDeliveryPrincipal(partition, region), Action: "s3:PutObject", Resource: `${arn}/${logs}/${accountId}/*` },
                        denyInsecureTransport(arn, "TlsOnly"),
                    ],
                }),
            ),
        },
        child,
    );
    return { bucket, policy };
}

/** A bucket policy statement that refuses every request to the bucket and its objects not made over TLS (Security Hub S3.5). */
export function denyInsecureTransport<T extends pulumi.Input<string>>(bucketArn: T, sid = "DenyInsecureTransport") {
    return {
        Sid: sid,
        Effect: "Deny" as const,
        Principal: "*",
        Action: "s3:*",
        // A plain ARN (inside an apply) stays plain, so the statement can be JSON.stringify'd there.
        Resource: (typeof bucketArn === "string" ? [bucketArn, `${bucketArn}/*`] : [bucketArn, pulumi.interpolate`${bucketArn}/*`]) as T extends string ? string[] : pulumi.Input<string>[],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}
