/**
 * `logs`: the logs of one run, found through its execution history (which names each attempt's
 * task and task definition) rather than ECS, which forgets stopped tasks within about an hour. A
 * sharded run's tasks are in its shards' histories: `--shard K` finds shard K's child execution
 * (the one whose input says `"shard": K`) and shows its logs the same way.
 */
import { DescribeExecutionCommand, paginateListExecutions } from "@aws-sdk/client-sfn";
import { Clients, eventsAfter, formatShardCounts, mapRunOf, recentExecutions } from "./aws";
import { CliError } from "./errors";
import { applyEvents, EMPTY_VIEW, formatDuration, verdict } from "./history";
import { Io } from "./io";
import { executionArnOf, StateMachine } from "./jobs";
import { LogLocations, LogStream } from "./logs";
import { runNameOf } from "./run";

/**
 * How `logs --shard` paces its DescribeExecution calls: AWS throttles DescribeExecution per
 * account and Region with a bucket of 250 calls refilled at 10 a second (the smaller Regions' figures
 * on the Step Functions quotas page, "Quotas related to API action throttling"), shared with every
 * other caller, so it spends at most `burst` at once, then `perSecond`, and says how far it is
 * every `progressEvery` calls.
 */
export const SHARD_SEARCH = { concurrency: 10, burst: 200, perSecond: 8, progressEvery: 200 } as const;

export async function logsCommand(io: Io, clients: Clients, stateMachine: StateMachine, run: string | undefined, shard?: number): Promise<number> {
    const runArn = run !== undefined ? executionArnOf(stateMachine, run) : await latestRun(clients, stateMachine);
    const runName = runNameOf(runArn);
    const executionArn = shard === undefined ? runArn : await shardExecution(io, clients, runArn, shard);
    const name = shard === undefined ? runName : `${runName} shard ${shard}`;
    const { view } = applyEvents(EMPTY_VIEW, await eventsAfter(clients.sfn, executionArn, 0));
    const locations = new LogLocations(clients.ecs);
    for (const task of view.tasks) {
        if (!task.taskDefinitionArn) {
            io.err(`Task ${task.taskId} (attempt ${task.attempt}): its task definition is not in the history, so its logs cannot be found.`);
            continue;
        }
        const where = await locations.of(task.taskDefinitionArn);
        const stream = new LogStream(clients.logs, where.group, `${where.streamPrefix}/${task.taskId}`);
        io.err(`Task ${task.taskId} (attempt ${task.attempt}${task.onDemand ? ", on-demand" : ""}), log stream ${stream.group} ${stream.stream}:`);
        (await stream.read()).forEach((l) => io.out(l));
        if (!stream.started) {
            io.err(`No log stream for task ${task.taskId}: its container never started, or the log group's retention has removed it.`);
        }
    }
    if (shard === undefined && view.mapRunArn !== undefined) {
        const counts = formatShardCounts((await mapRunOf(clients.sfn, runArn).catch(() => undefined))?.counts);
        io.err(`Run ${runName} ran its tasks in shards${counts ? ` (${counts})` : ""}: add --shard K (0 for the first) to see shard K's logs.`);
    }
    const end = view.stopped ?? io.now();
    io.err(verdict(name, view, formatDuration(end.getTime() - (view.started ?? end).getTime())).line);
    return 0;
}

/**
 * The child execution of shard `shard` of a sharded run. Child executions are named by Step
 * Functions, not by their item, so only their input says which shard each is (`"shard": K`, the
 * index the runner gives it and its task's `SHARD_INDEX`): the Map Run's children are listed
 * (ListExecutions by Map Run), ordered by start, and described nearest the shard's own position
 * first (when the Map state started its items in order, as it usually does though AWS does not
 * promise it, shard K is within a wave of the K-th child to start; otherwise every child may be
 * described), paced under DescribeExecution's throttle ({@link SHARD_SEARCH}).
 */
async function shardExecution(io: Io, clients: Clients, runArn: string, shard: number): Promise<string> {
    const mapRun = await mapRunOf(clients.sfn, runArn);
    if (!mapRun) {
        throw new CliError(`Run ${runNameOf(runArn)} has no shards: it is not a sharded job's run, or it ended before its shards started; leave out --shard.`);
    }
    const total = mapRun.counts?.total;
    if (total !== undefined && shard >= total) {
        throw new CliError(`Run ${runNameOf(runArn)} has ${total} shard${total === 1 ? "" : "s"}, 0 to ${total - 1}: there is no shard ${shard}.`);
    }
    const children: { arn: string; started: number; listed: number }[] = [];
    for await (const page of paginateListExecutions({ client: clients.sfn, pageSize: 1000 }, { mapRunArn: mapRun.mapRunArn })) {
        for (const e of page.executions ?? []) {
            if (e.executionArn) {
                children.push({ arn: e.executionArn, started: e.startDate?.getTime() ?? 0, listed: children.length });
            }
        }
    }
    // ListExecutions lists the most recent first; oldest first, ties in reverse listing order.
    children.sort((a, b) => a.started - b.started || b.listed - a.listed);
    const order = children.map((c, position) => ({ arn: c.arn, distance: Math.abs(position - shard) })).sort((a, b) => a.distance - b.distance);
    const pace = new Pace(io, SHARD_SEARCH.burst, SHARD_SEARCH.perSecond);
    for (let i = 0; i < order.length; i += SHARD_SEARCH.concurrency) {
        if (i > 0 && i % SHARD_SEARCH.progressEvery === 0) {
            io.err(`Looking for shard ${shard}: ${i} of ${order.length} child executions described...`);
        }
        const batch = order.slice(i, i + SHARD_SEARCH.concurrency);
        await pace.take(batch.length);
        const described = await Promise.all(batch.map(({ arn }) => clients.sfn.send(new DescribeExecutionCommand({ executionArn: arn }))));
        const found = described.find((d) => shardOfInput(d.input) === shard);
        if (found?.executionArn) {
            io.err(`Shard ${shard} of run ${runNameOf(runArn)}: execution ${found.executionArn}`);
            return found.executionArn;
        }
    }
    throw new CliError(`Shard ${shard} of run ${runNameOf(runArn)} has no execution (it never started: the run may have failed before it).`);
}

/** A token bucket on the caller's side: `burst` calls at once, then `perSecond`. */
export class Pace {
    private tokens: number;
    private last: number;
    constructor(
        private readonly io: Io,
        private readonly burst: number,
        private readonly perSecond: number,
    ) {
        this.tokens = burst;
        this.last = io.now().getTime();
    }
    async take(n: number): Promise<void> {
        const refill = () => {
            const now = this.io.now().getTime();
            this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
            this.last = now;
        };
        refill();
        if (this.tokens < n) {
            await this.io.sleep(Math.ceil(((n - this.tokens) / this.perSecond) * 1000));
            refill();
        }
        this.tokens -= n;
    }
}

/** The `shard` of a child execution's input, as the runner's Map state gives it. */
function shardOfInput(input: string | undefined): number | undefined {
    try {
        const value = JSON.parse(input ?? "null");
        return typeof value?.shard === "number" ? value.shard : undefined;
    } catch {
        return undefined;
    }
}

async function latestRun(clients: Clients, stateMachine: StateMachine): Promise<string> {
    const [latest] = await recentExecutions(clients.sfn, stateMachine.arn, 1);
    if (!latest?.executionArn) {
        throw new CliError(`${stateMachine.name} has no runs yet; start one with \`fargate-workloads run\`.`);
    }
    return latest.executionArn;
}
