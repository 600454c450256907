/**
 * Exit codes of the command, and the one-line messages it prints instead of a stack trace.
 * Scripts rely on the codes: keep them stable and in step with docs/batch-cli.md.
 */

export const EXIT = {
    /** The run succeeded (or the command did what it was asked). */
    ok: 0,
    /** The run failed, timed out or was aborted. */
    runFailed: 1,
    /** Bad usage or input, unknown job or run, no credentials or region, or not allowed (IAM or the state machine's KMS key). */
    usage: 2,
    /** The run was skipped: another run of the job was still running. */
    skipped: 3,
    /** The command itself could not finish (an AWS error other than the above, the network). */
    failed: 4,
} as const;

/** An error the user can fix; its message is printed as it is, on one line. */
export class CliError extends Error {
    constructor(
        message: string,
        public readonly exitCode: number = EXIT.usage,
    ) {
        super(message);
        this.name = "CliError";
    }
}

/** Names of SDK errors that mean the caller's credentials were found but refused. */
const REJECTED_CREDENTIALS = new Set(["ExpiredToken", "ExpiredTokenException", "UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException", "IncompleteSignature"]);

/** Names of SDK errors that mean a job, run or input the user gave does not exist or is malformed, with what to do. */
const BAD_INPUT: Record<string, string> = {
    StateMachineDoesNotExist: "the stack outputs may be from another stack or account, or the stack was destroyed; read them again with `pulumi stack output --json`",
    ExecutionDoesNotExist: "no such run of this job; `fargate-workloads runs <job>` lists its runs (Step Functions keeps a finished run 90 days)",
    InvalidArn: "check the ARN",
    InvalidName: "check the name",
    InvalidExecutionInput: "check --input",
};

/**
 * KMS errors Step Functions gives for a state machine under a customer-managed key (SDK model of
 * StartExecution, DescribeExecution, GetExecutionHistory): the caller's or the key's permissions,
 * a disabled or deleted key, KMS throttling.
 */
const KMS_ERRORS: Record<string, { message: string; exitCode: number }> = {
    KmsAccessDeniedException: {
        message: "Not allowed to use the state machine's KMS key (the runs of an encrypted state machine are read and started through it): the caller needs kms:Decrypt and kms:GenerateDataKey on the key, and the key policy must allow it; see docs/batch-cli.md",
        exitCode: EXIT.usage,
    },
    KmsInvalidStateException: { message: "The state machine's KMS key is disabled or pending deletion, so its runs can be neither started nor read until the key is enabled again", exitCode: EXIT.failed },
    KmsThrottlingException: { message: "KMS is throttling the calls Step Functions makes for this state machine's key; try again in a moment", exitCode: EXIT.failed },
};

const firstLine = (text: string): string => text.split("\n")[0].trim();

/** What to print for an error thrown anywhere in a command, and the exit code to end with. */
export function describeError(error: unknown): { message: string; exitCode: number } {
    if (error instanceof CliError) {
        return { message: error.message, exitCode: error.exitCode };
    }
    const e = (error ?? {}) as { name?: string; message?: string };
    const name = String(e.name ?? "Error");
    const message = firstLine(String(e.message ?? error));
    if (name === "CredentialsProviderError") {
        return {
            message: `No AWS credentials found (${message}). Set them as for the AWS CLI: AWS_PROFILE with a configured profile (after \`aws sso login\` for SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
            exitCode: EXIT.usage,
        };
    }
    if (/region is missing/i.test(message)) {
        return { message: "No AWS region: set AWS_REGION or a region in your AWS profile.", exitCode: EXIT.usage };
    }
    if (REJECTED_CREDENTIALS.has(name)) {
        return { message: `AWS refused the credentials (${name}: ${message}); refresh them (for SSO, \`aws sso login\`) and try again.`, exitCode: EXIT.usage };
    }
    if (name === "AccessDeniedException" || name === "AccessDenied") {
        return { message: `Not allowed: ${message}. The caller needs the permissions listed in docs/batch-cli.md.`, exitCode: EXIT.usage };
    }
    if (Object.hasOwn(KMS_ERRORS, name)) {
        return { message: `${KMS_ERRORS[name].message} (${name}: ${message}).`, exitCode: KMS_ERRORS[name].exitCode };
    }
    if (Object.hasOwn(BAD_INPUT, name)) {
        return { message: `${name}: ${message}; ${BAD_INPUT[name]}.`, exitCode: EXIT.usage };
    }
    return { message: `${name}: ${message}`, exitCode: EXIT.failed };
}
