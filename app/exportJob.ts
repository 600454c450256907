import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "../components";

/**
 * The nightly job: a point-in-time export of the table to the bucket, then a wait until it ends.
 * The export API only starts an export; without the wait a failed export would go unnoticed, so
 * the script exits 1 when the export fails (and the BatchTask alerts) and 0 when it completes.
 * Reads TABLE_ARN and EXPORT_BUCKET; POLL_SECONDS sets the wait between checks (default 30).
 */
export const EXPORT_SCRIPT = [
    "set -eu",
    'prefix="exports/$(date -u +%Y-%m-%dT%H-%M-%SZ)"',
    'echo "Exporting $TABLE_ARN to s3://$EXPORT_BUCKET/$prefix"',
    'arn=$(aws dynamodb export-table-to-point-in-time --table-arn "$TABLE_ARN" --s3-bucket "$EXPORT_BUCKET" --s3-prefix "$prefix" --export-format DYNAMODB_JSON --query ExportDescription.ExportArn --output text)',
    'echo "Started export $arn"',
    "while true; do",
    '  status=$(aws dynamodb describe-export --export-arn "$arn" --query ExportDescription.ExportStatus --output text)',
    '  case "$status" in',
    '    COMPLETED) echo "Export completed"; exit 0 ;;',
    '    FAILED) echo "Export failed: $(aws dynamodb describe-export --export-arn "$arn" --query "[ExportDescription.FailureCode, ExportDescription.FailureMessage]" --output text)" >&2; exit 1 ;;',
    '    IN_PROGRESS) sleep "${POLL_SECONDS:-30}" ;;',
    '    *) echo "Unexpected export status: $status" >&2; exit 1 ;;',
    "  esac",
    "done",
].join("\n");

/** Entry point and command that run {@link EXPORT_SCRIPT} in the AWS CLI image (whose entry point is `aws`). */
export const EXPORT_ENTRY_POINT: readonly string[] = ["/bin/sh", "-c"];

/** Exactly what the export needs: start an export of this table, watch it, write under `exports/` of this bucket. */
export function exportTaskPolicy(tableArn: pulumi.Input<string>, bucketArn: pulumi.Input<string>): PolicyStatement[] {
    return [
        { Sid: "ExportTable", Action: ["dynamodb:ExportTableToPointInTime"], Resource: [tableArn] },
        { Sid: "WatchExport", Action: ["dynamodb:DescribeExport"], Resource: [pulumi.interpolate`${tableArn}/export/*`] },
        { Sid: "WriteExport", Action: ["s3:AbortMultipartUpload", "s3:PutObject", "s3:PutObjectAcl"], Resource: [pulumi.interpolate`${bucketArn}/exports/*`] },
    ];
}
