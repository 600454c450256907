/**
 * What the end-to-end test needs from the world, passed in so its logic runs under mocks: a clock,
 * the output streams, the Pulumi stack (a small surface of the Automation API), the AWS SDK
 * clients and HTTP. tests/e2e/run.ts gives the real ones.
 */
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { STSClient } from "@aws-sdk/client-sts";
import { Clients } from "../../cli/aws";

export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    sleep(ms: number): Promise<void>;
}

export interface Log {
    /** A progress line (standard error). */
    progress(line: string): void;
    /** A line of the report, or the one line of a run that could not start (standard output). */
    report(line: string): void;
}

/** The stack operations the test uses: what it needs of the Automation API's `Stack`. */
export interface E2eStack {
    readonly name: string;
    /** Sets a top-level key (`namespace:key`); objects are written as JSON, as the program reads them. */
    setConfig(key: string, value: unknown): Promise<void>;
    /** `pulumi up`; resolves to the stack outputs, rejects when the update fails or `signal` aborts it. */
    up(signal: AbortSignal): Promise<Record<string, unknown>>;
    destroy(): Promise<void>;
    /** Removes the (empty) stack and its configuration. */
    remove(): Promise<void>;
}

export interface Backend {
    /** The Pulumi CLI's version, or undefined when no usable CLI is installed. */
    pulumiVersion(): Promise<string | undefined>;
    /** Creates stack `name` of this program, without configuration (the test sets it, so a failure there still removes the stack). */
    createStack(name: string): Promise<E2eStack>;
}

/** The command line's clients, and the ones the checks add. */
export interface E2eClients extends Clients {
    readonly sqs: SQSClient;
    readonly sns: SNSClient;
    readonly sts: STSClient;
}

export interface World {
    readonly clock: Clock;
    readonly log: Log;
    readonly backend: Backend;
    clients(region: string): E2eClients;
    /** The HTTP status of a GET of `url`; rejects on a network error or after `timeoutMs`. */
    httpStatus(url: string, timeoutMs: number): Promise<number>;
    /** A few random letters or digits. */
    random(): string;
    writeFile(path: string, text: string): void;
    /** Aborted on SIGINT or SIGTERM: checks stop, the stack is destroyed. */
    readonly interrupt: AbortSignal;
    /**
     * Aborted with `interrupt` when the signal did not reach the running `pulumi` process itself:
     * a running `up` is then cancelled with one SIGINT. A Ctrl-C in a terminal reaches every
     * process of the foreground group, `pulumi` included; a second SIGINT would make Pulumi
     * terminate at once, which may leave resources it no longer knows about.
     */
    readonly cancelPulumi: AbortSignal;
}
