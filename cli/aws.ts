/** The three SDK clients the command uses, and the history and listing reads they share. */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ECSClient } from "@aws-sdk/client-ecs";
import { DescribeMapRunCommand, ExecutionListItem, HistoryEvent, ListMapRunsCommand, MapRunExecutionCounts, paginateGetExecutionHistory, paginateListExecutions, SFNClient } from "@aws-sdk/client-sfn";

export interface Clients {
    readonly sfn: SFNClient;
    readonly logs: CloudWatchLogsClient;
    readonly ecs: ECSClient;
}

/**
 * Clients for `region` (the state machine's, read from its ARN: it can only be reached there),
 * with credentials from the standard chain (environment, profile, SSO, container or instance role).
 */
export function createClients(region: string): Clients {
    // The SDK's standard retries, with a little more patience for throttled polling.
    const config = { region, maxAttempts: 5 };
    return { sfn: new SFNClient(config), logs: new CloudWatchLogsClient(config), ecs: new ECSClient(config) };
}

/** The history events after `afterId`, oldest first: pages are read newest first and stop at the first seen event. */
export async function eventsAfter(sfn: SFNClient, executionArn: string, afterId: number): Promise<HistoryEvent[]> {
    const fresh: HistoryEvent[] = [];
    for await (const page of paginateGetExecutionHistory({ client: sfn, pageSize: 100 }, { executionArn, reverseOrder: true, includeExecutionData: true })) {
        const events = page.events ?? [];
        fresh.push(...events.filter((e) => (e.id ?? 0) > afterId));
        if (events.some((e) => (e.id ?? 0) <= afterId)) {
            break;
        }
    }
    return fresh.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
}

/** When a listed execution was last started: a redriven run started again then. */
const startedAt = (e: ExecutionListItem): number => Math.max(e.startDate?.getTime() ?? 0, e.redriveDate?.getTime() ?? 0);

/** The time ListExecutions orders by: the start (or redrive) of a running run, the stop of a finished one. */
const listedAt = (e: ExecutionListItem): number => (e.stopDate ? e.stopDate.getTime() : startedAt(e));

/**
 * The `limit` executions of a state machine that started last, the last started first.
 * ListExecutions lists running runs by their start and finished ones by their stop (SDK model),
 * so a long run that ended after a later short one comes first. Every run is listed at or after
 * its start, so once the runs listed so far hold `limit` that started after the listing time
 * reached, no later page can hold one that started later: the pages are read until then.
 */
export async function recentExecutions(sfn: SFNClient, stateMachineArn: string, limit: number): Promise<ExecutionListItem[]> {
    const found: ExecutionListItem[] = [];
    const byStart = (a: ExecutionListItem, b: ExecutionListItem) => startedAt(b) - startedAt(a);
    // A page of at least 20: one call usually holds the runs needed to be sure.
    for await (const page of paginateListExecutions({ client: sfn, pageSize: Math.min(Math.max(limit, 20), 1000) }, { stateMachineArn })) {
        found.push(...(page.executions ?? []).filter((e) => !isShardExecution(e.executionArn)));
        if (found.length >= limit) {
            const reached = Math.min(...found.map(listedAt));
            const kth = [...found].sort(byStart)[limit - 1];
            if (startedAt(kth) >= reached) {
                break;
            }
        }
    }
    return found.sort(byStart).slice(0, limit);
}

/**
 * True for a child execution of a Map Run (a shard of a sharded run): its ARN names the state
 * machine and the Map Run's label, `execution:<state machine>/<label>:<id>`. Execution and state
 * machine names cannot hold a "/", so a run's ARN never does there.
 */
export function isShardExecution(executionArn: string | undefined): boolean {
    return (executionArn ?? "").split(":")[6]?.includes("/") ?? false;
}

/** A sharded run's Map Run and its shards' counts, or undefined for a run without one. */
export async function mapRunOf(sfn: SFNClient, executionArn: string): Promise<{ mapRunArn: string; counts?: MapRunExecutionCounts } | undefined> {
    const listed = await sfn.send(new ListMapRunsCommand({ executionArn }));
    const mapRunArn = listed?.mapRuns?.[0]?.mapRunArn;
    if (!mapRunArn) {
        return undefined;
    }
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    return { mapRunArn, counts: described?.executionCounts };
}

/** A Map Run's counts as people read them: `100 shards: 96 ok, 3 failed, 1 running`, and the rest when there are any. */
export function formatShardCounts(c: MapRunExecutionCounts | undefined): string {
    if (!c) {
        return "";
    }
    const failed = (c.failed ?? 0) + (c.timedOut ?? 0);
    const parts = [`${c.succeeded ?? 0} ok`, `${failed} failed`, `${c.running ?? 0} running`, ...(c.pending ? [`${c.pending} not started`] : []), ...(c.aborted ? [`${c.aborted} stopped`] : [])];
    return `${c.total ?? 0} shard${c.total === 1 ? "" : "s"}: ${parts.join(", ")}`;
}
