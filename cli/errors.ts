/**
 * Exit codes of the command, and the one-line messages it prints instead of a stack trace.
 * Scripts rely on the codes: keep them stable and in step with docs/batch-cli.md.
 */

export const EXIT = {
    /** The run succeeded (or the command did what it was asked). */
    ok: 0,
    /** The run failed, timed out or was aborted. */
    runFailed: 1,
    /** Bad usage or input, unknown job or run, no credentials or region, or not allowed. */
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

/** Names of SDK errors that mean a job, run or input the user gave does not exist or is malformed. */
const BAD_INPUT = new Set(["StateMachineDoesNotExist", "ExecutionDoesNotExist", "InvalidArn", "InvalidName", "InvalidExecutionInput"]);

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
    if (BAD_INPUT.has(name)) {
        return { message: `${name}: ${message}`, exitCode: EXIT.usage };
    }
    return { message: `${name}: ${message}`, exitCode: EXIT.failed };
}
