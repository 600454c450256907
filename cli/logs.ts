/**
 * A task's own log stream: where it is (from the task definition, which ECS keeps after the task
 * is gone) and reading it (GetLogEvents, forward from the last token).
 */
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTaskDefinitionCommand, ECSClient, TaskDefinition } from "@aws-sdk/client-ecs";
import { CliError } from "./errors";

/** The container whose output the command shows (components/taskDefinition.ts MAIN_CONTAINER_NAME). */
export const MAIN_CONTAINER = "app";

/** A log group and the prefix of its streams, as the awslogs driver names them. */
export interface LogLocation {
    readonly group: string;
    /** `<awslogs-stream-prefix>/<container>`: a task's stream is this, a slash, and the task id. */
    readonly streamPrefix: string;
}

/** Where the awslogs driver writes the main container's output, from the task definition. */
export function logLocationOf(taskDefinition: TaskDefinition | undefined): LogLocation {
    const container = taskDefinition?.containerDefinitions?.find((c) => c.name === MAIN_CONTAINER);
    const config = container?.logConfiguration;
    const group = config?.options?.["awslogs-group"];
    const prefix = config?.options?.["awslogs-stream-prefix"];
    if (!container || config?.logDriver !== "awslogs" || !group || !prefix) {
        throw new CliError(`Task definition ${taskDefinition?.taskDefinitionArn ?? "(unknown)"} has no container "${MAIN_CONTAINER}" logging with awslogs (group and stream prefix): its logs cannot be found.`, 4);
    }
    return { group, streamPrefix: `${prefix}/${MAIN_CONTAINER}` };
}

/** Reads log locations once per task definition revision. */
export class LogLocations {
    private readonly cache = new Map<string, Promise<LogLocation>>();

    constructor(private readonly ecs: ECSClient) {}

    of(taskDefinitionArn: string): Promise<LogLocation> {
        let found = this.cache.get(taskDefinitionArn);
        if (!found) {
            found = this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })).then((r) => logLocationOf(r.taskDefinition));
            this.cache.set(taskDefinitionArn, found);
        }
        return found;
    }
}

/** One task's log stream, read forward; each `read` returns the lines written since the last. */
export class LogStream {
    private token: string | undefined;
    /** Whether the stream has existed yet: it appears when the container starts. */
    public started = false;

    constructor(
        private readonly logs: CloudWatchLogsClient,
        public readonly group: string,
        public readonly stream: string,
    ) {}

    async read(): Promise<string[]> {
        const lines: string[] = [];
        // GetLogEvents pages until the forward token comes back unchanged.
        for (let page = 0; page < 1000; page++) {
            let response;
            try {
                response = await this.logs.send(new GetLogEventsCommand({ logGroupName: this.group, logStreamName: this.stream, startFromHead: true, ...(this.token ? { nextToken: this.token } : {}) }));
            } catch (e) {
                if ((e as Error).name === "ResourceNotFoundException") {
                    return lines;
                }
                throw e;
            }
            this.started = true;
            for (const event of response.events ?? []) {
                lines.push((event.message ?? "").replace(/\r?\n$/, ""));
            }
            const next = response.nextForwardToken;
            const done = next === undefined || next === this.token;
            this.token = next ?? this.token;
            if (done) {
                break;
            }
        }
        return lines;
    }
}
