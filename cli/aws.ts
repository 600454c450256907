/** The three SDK clients the command uses, and the history and listing reads they share. */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ECSClient } from "@aws-sdk/client-ecs";
import { ExecutionListItem, HistoryEvent, paginateGetExecutionHistory, paginateListExecutions, SFNClient } from "@aws-sdk/client-sfn";

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

/** The newest `limit` executions of a state machine, newest first. */
export async function recentExecutions(sfn: SFNClient, stateMachineArn: string, limit: number): Promise<ExecutionListItem[]> {
    const found: ExecutionListItem[] = [];
    for await (const page of paginateListExecutions({ client: sfn, pageSize: Math.min(limit, 1000) }, { stateMachineArn })) {
        found.push(...(page.executions ?? []));
        if (found.length >= limit) {
            break;
        }
    }
    // ListExecutions lists newest first; sorting keeps that true whatever the pages hold.
    return found.sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0)).slice(0, limit);
}
