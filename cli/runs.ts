/** `runs`: the runs of a job that started last, the last started first, with status, start, duration and reason. */
import { DescribeExecutionCommand, ExecutionListItem, SFNClient } from "@aws-sdk/client-sfn";
import { recentExecutions } from "./aws";
import { firstLine, formatDuration, isSkipped } from "./history";

/** One line of the table. */
export interface RunRow {
    readonly name: string;
    /** The execution status, or SKIPPED for a run that ended because another was running. */
    readonly status: string;
    readonly start?: Date;
    readonly stop?: Date;
    readonly reason: string;
}

/** Statuses whose reason is worth a DescribeExecution. */
const ENDED_BADLY = new Set(["FAILED", "TIMED_OUT", "ABORTED"]);

/** DescribeExecution calls in flight at once: well under its throttling bucket. */
const DESCRIBE_CONCURRENCY = 10;

export async function listRuns(sfn: SFNClient, stateMachineArn: string, limit: number): Promise<RunRow[]> {
    const executions = await recentExecutions(sfn, stateMachineArn, limit);
    const rows: RunRow[] = [];
    for (let i = 0; i < executions.length; i += DESCRIBE_CONCURRENCY) {
        rows.push(...(await Promise.all(executions.slice(i, i + DESCRIBE_CONCURRENCY).map((e) => rowOf(sfn, e)))));
    }
    return rows;
}

async function rowOf(sfn: SFNClient, e: ExecutionListItem): Promise<RunRow> {
    const base = { name: e.name ?? "?", status: e.status ?? "?", start: e.startDate, stop: e.stopDate };
    if (!ENDED_BADLY.has(base.status) || !e.executionArn) {
        return { ...base, reason: "" };
    }
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
    const reason = [d.error, firstLine(d.cause, 120)].filter((s) => s).join(": ");
    return { ...base, status: isSkipped(base.status, d.error) ? "SKIPPED" : base.status, reason };
}

/** The runs as an aligned table (UTC times), one string per line. */
export function formatRuns(rows: readonly RunRow[], now: Date): string[] {
    const cells = rows.map((r) => [
        r.name,
        r.status,
        r.start ? r.start.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "",
        r.start ? (r.stop ? formatDuration(r.stop.getTime() - r.start.getTime()) : `${formatDuration(now.getTime() - r.start.getTime())} so far`) : "",
        r.reason,
    ]);
    const table = [["RUN", "STATUS", "STARTED", "DURATION", "REASON"], ...cells];
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    return table.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd());
}
