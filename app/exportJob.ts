import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "../components";

/**
 * The nightly job: a point-in-time export of the table to the bucket, then a wait until it ends.
 * The export API only starts an export; without the wait a failed export would go unnoticed, so
 * the script exits 1 when the export fails (and the BatchTask alerts) and 0 when it completes.
 *
 * DynamoDB cannot cancel an export, so a retried attempt must not start a second one while the
 * first may still succeed: every parameter comes from the run, not from the attempt. The export
 * time, prefix and parameters derive from the run's start (`BATCH_RUN_STARTED_AT`), and the
 * client tokens from the run's id (`BATCH_RUN_ID`, the execution name): the run's first export
 * asks with the run id, its n-th with `<run id>-<n>`. Within DynamoDB's 8-hour idempotency window
 * a token returns the export it started, even a FAILED one, which no retry could then get past;
 * so attempt k asks with each token in turn (k at most): an export in progress or completed is
 * waited for, a FAILED one leads to the next token, and so to a new export. Reads TABLE_ARN,
 * EXPORT_BUCKET and, for an encrypted bucket, EXPORT_KMS_KEY; POLL_SECONDS sets the wait between
 * checks (default 30).
 */
export const EXPORT_SCRIPT = [
    "set -eu",
    // Outside a BatchTask run (by hand), the run is this invocation.
    'run_id="${BATCH_RUN_ID:-manual-$(date -u +%Y%m%dT%H%M%SZ)}"',
    'started="${BATCH_RUN_STARTED_AT:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"',
    'attempt="${BATCH_ATTEMPT:-1}"',
    'prefix="exports/$(printf %s "$started" | cut -c1-19 | tr : -)Z-$run_id"',
    'echo "Exporting $TABLE_ARN as of $started to s3://$EXPORT_BUCKET/$prefix (run $run_id, attempt $attempt)"',
    // With EXPORT_KMS_KEY, the export's objects are encrypted with that key, as the bucket is.
    'sse=""',
    'if [ -n "${EXPORT_KMS_KEY:-}" ]; then sse="--s3-sse-algorithm KMS --s3-sse-kms-key-id $EXPORT_KMS_KEY"; fi',
    "n=1",
    "while true; do",
    '  if [ "$n" -eq 1 ]; then token="$run_id"; else token="$run_id-$n"; fi',
    '  out=$(aws dynamodb export-table-to-point-in-time --table-arn "$TABLE_ARN" --s3-bucket "$EXPORT_BUCKET" --s3-prefix "$prefix" --export-time "$started" --client-token "$token" --export-format DYNAMODB_JSON $sse --query "ExportDescription.[ExportArn,ExportStatus]" --output text)',
    "  set -- $out",
    '  arn="$1"',
    '  if [ "${2:-}" != FAILED ] || [ "$n" -ge "$attempt" ]; then break; fi',
    '  echo "Export $arn (client token $token) failed in an earlier attempt; asking for a new one"',
    "  n=$((n + 1))",
    "done",
    'echo "Export $arn (client token $token)"',
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

/**
 * DynamoDB keeps an export's client token for 8 hours after the first request with it: every
 * attempt of a run, which asks again with the run's first token, must start within that.
 */
export const EXPORT_CLIENT_TOKEN_SECONDS = 8 * 3600;

/** Entry point and command that run {@link EXPORT_SCRIPT} in the AWS CLI image (whose entry point is `aws`). */
export const EXPORT_ENTRY_POINT: readonly string[] = ["/bin/sh", "-c"];

/** Exactly what the export needs: start an export of this table, watch it, write under `exports/` of this bucket. */
export function exportTaskPolicy(tableArn: pulumi.Input<string>, bucketArn: pulumi.Input<string>, kmsKeyArn?: pulumi.Input<string>): PolicyStatement[] {
    return [
        { Sid: "ExportTable", Action: ["dynamodb:ExportTableToPointInTime"], Resource: [tableArn] },
        { Sid: "WatchExport", Action: ["dynamodb:DescribeExport"], Resource: [pulumi.interpolate`${tableArn}/export/*`] },
        { Sid: "WriteExport", Action: ["s3:AbortMultipartUpload", "s3:PutObject", "s3:PutObjectAcl"], Resource: [pulumi.interpolate`${bucketArn}/exports/*`] },
        // An encrypted bucket: writing (in parts) under the key. The table's key is usable through DynamoDB by its policy.
        ...(kmsKeyArn !== undefined ? [{ Sid: "EncryptExport", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [kmsKeyArn] }] : []),
    ];
}
