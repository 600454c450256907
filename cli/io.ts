/** What the commands need from the world, passed in so tests can give a fake clock and fake AWS. */
import { Clients } from "./aws";

export interface Io {
    /** The clients for a region (the state machine's). */
    clients(region: string): Clients;
    /** Data: a job's log lines, the runs table, a started run's ARN. */
    out(line: string): void;
    /** Everything said about the run: links, progress, the result, errors. */
    err(line: string): void;
    now(): Date;
    sleep(ms: number): Promise<void>;
    /** A few random letters or digits, for run names. */
    random(): string;
    readFile(path: string): string;
    readStdin(): Promise<string>;
    /** How long `--follow` waits between polls, in milliseconds. @default 2000 */
    readonly pollMs?: number;
    /** How long `--follow` stays silent before a progress line, in milliseconds. @default 30000 */
    readonly progressMs?: number;
}
