/** `runs`: the runs of a job that started last, the last started first, with status, start, duration and reason. */
import { DescribeExecutionCommand, ExecutionListItem, SFNClient } from "@aws-sdk/client-sfn";
import { formatShardCounts, mapRunOf, recentExecutions } from "./aws";
import { firstLine, formatDuration, isSkipped } from "./history";

/** One line of the table. */
export interface RunRow {
    readonly name: string;
    /** The execution status, or SKIPPED for a run that ended because another was running. */
    readonly status: string;
    readonly start?: Date;
    readonly stop?: Date;
    readonly reason: string;
    /** A sharded run's shards: `100 shards: 96 ok, 3 failed, 1 running`. */
    readonly shards?: string;
}

/** Statuses whose reason is worth a DescribeExecution. */
const ENDED_BADLY = new Set(["FAILED", "TIMED_OUT", "ABORTED"]);

/** DescribeExecution calls in flight at once: well under its throttling bucket. */
const DESCRIBE_CONCURRENCY = 10;

/**
 * The runs of a state machine that started last, with the reason of the failed ones and, for a
 * sharded job's runs, their shards' counts (ListMapRuns and DescribeMapRun). A caller without
 * those permissions gets the runs without counts: the command cannot tell a sharded job from
 * another without them, so it does not warn the callers of jobs that have no shards.
 */
export async function listRuns(sfn: SFNClient, stateMachineArn: string, limit: number): Promise<RunRow[]> {
    const executions = await recentExecutions(sfn, stateMachineArn, limit);
    const shards = { readable: true };
    const rows: RunRow[] = [];
    for (let i = 0; i < executions.length; i += DESCRIBE_CONCURRENCY) {
        rows.push(...(await Promise.all(executions.slice(i, i + DESCRIBE_CONCURRENCY).map((e) => rowOf(sfn, e, shards)))));
    }
    return rows;
}

async function rowOf(sfn: SFNClient, e: ExecutionListItem, shards: { readable: boolean }): Promise<RunRow> {
    const base = { name: e.name ?? "?", status: e.status ?? "?", start: e.startDate, stop: e.stopDate };
    const counts = await shardCounts(sfn, e.executionArn, shards);
    const withShards = counts ? { shards: counts } : {};
    if (!ENDED_BADLY.has(base.status) || !e.executionArn) {
        return { ...base, reason: "", ...withShards };
    }
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
    const reason = [d.error, firstLine(d.cause, 120)].filter((s) => s).join(": ");
    return { ...base, status: isSkipped(base.status, d.error) ? "SKIPPED" : base.status, reason, ...withShards };
}

/** A run's shard counts, or undefined (a run without shards, or counts the caller may not read). */
async function shardCounts(sfn: SFNClient, executionArn: string | undefined, shards: { readable: boolean }): Promise<string | undefined> {
    if (!executionArn || !shards.readable) {
        return undefined;
    }
    try {
        return formatShardCounts((await mapRunOf(sfn, executionArn))?.counts) || undefined;
    } catch (e) {
        if ((e as Error).name === "AccessDeniedException") {
            shards.readable = false;
            return undefined;
        }
        throw e;
    }
}

/** The runs as an aligned table (UTC times), one string per line. */
export function formatRuns(rows: readonly RunRow[], now: Date): string[] {
    // The SHARDS column is there only when a run listed has shards.
    const sharded = rows.some((r) => r.shards !== undefined);
    const cells = rows.map((r) => [
        r.name,
        r.status,
        r.start ? r.start.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "",
        r.start ? (r.stop ? formatDuration(r.stop.getTime() - r.start.getTime()) : `${formatDuration(now.getTime() - r.start.getTime())} so far`) : "",
        ...(sharded ? [r.shards ?? ""] : []),
        r.reason,
    ]);
    const table = [["RUN", "STATUS", "STARTED", "DURATION", ...(sharded ? ["SHARDS"] : []), "REASON"], ...cells];
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    return table.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd());
}
