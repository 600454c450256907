/**
 * Evaluates a recorded `aws.cloudwatch.MetricAlarm` against datapoints, as CloudWatch documents it,
 * so a test can say "with these metrics the alarm goes to ALARM" instead of matching the text of
 * its expression. It covers what the components' alarms use and refuses anything else:
 *
 * - metric math (using-metric-math, "Basic arithmetic functions"): `+ - * /` between numbers and
 *   time series, "Missing values in a time series are treated as 0" where another operand has a
 *   point, and "If the value of a data point causes a function to attempt to divide by zero, the
 *   data point is dropped"; `FILL(m, value)` fills the missing points of `m` with `value`. A
 *   timestamp where every metric is missing and nothing is filled has no point;
 * - the evaluation (AlarmThatSendsEmail, "Evaluating an alarm" and "Configuring how CloudWatch
 *   alarms treat missing data"): ALARM when at least `datapointsToAlarm` of `evaluationPeriods`
 *   points breach. The points are the most recent real ones of the evaluation range (the periods
 *   given); with fewer real points than `evaluationPeriods`, "CloudWatch fills in the missing data
 *   points with the result you specified for how to treat missing data" (`notBreaching`: good,
 *   `breaching`: bad); with `missing` and no real point, INSUFFICIENT_DATA.
 *
 * Datapoints are given per metric name, one value (or `undefined`: not published) per period,
 * oldest first; the alarm's series spans all of them, its evaluation range.
 */
export type AlarmState = "ALARM" | "OK" | "INSUFFICIENT_DATA";

/** One value per period; `undefined` where CloudWatch has no datapoint. */
export type Series = readonly (number | undefined)[];

type Node = { kind: "number"; value: number } | { kind: "id"; name: string } | { kind: "fill"; arg: Node; value: number } | { kind: "binary"; op: string; left: Node; right: Node };

function tokenize(text: string): string[] {
    const tokens = text.match(/\s*([A-Za-z_][A-Za-z0-9_]*|\d+(\.\d+)?|[-+*/(),])\s*/g);
    if (!tokens || tokens.join("").replace(/\s/g, "") !== text.replace(/\s/g, "")) {
        throw new Error(`cloudwatch evaluator: cannot read expression ${JSON.stringify(text)}`);
    }
    return tokens.map((t) => t.trim());
}

function parse(text: string): Node {
    const tokens = tokenize(text);
    let i = 0;
    const peek = () => tokens[i];
    const take = (expected?: string) => {
        const t = tokens[i++];
        if (expected !== undefined && t !== expected) {
            throw new Error(`cloudwatch evaluator: expected ${expected} in ${JSON.stringify(text)}, got ${t}`);
        }
        return t;
    };
    const primary = (): Node => {
        const t = take();
        if (t === "(") {
            const inner = sum();
            take(")");
            return inner;
        }
        if (/^\d/.test(t)) {
            return { kind: "number", value: Number(t) };
        }
        if (t === "FILL") {
            take("(");
            const arg = sum();
            take(",");
            const value = Number(take());
            take(")");
            return { kind: "fill", arg, value };
        }
        if (/^[a-z]/.test(t)) {
            return { kind: "id", name: t };
        }
        throw new Error(`cloudwatch evaluator: ${t} is not supported in ${JSON.stringify(text)}`);
    };
    const product = (): Node => {
        let node = primary();
        while (peek() === "*" || peek() === "/") {
            const op = take();
            node = { kind: "binary", op, left: node, right: primary() };
        }
        return node;
    };
    const sum = (): Node => {
        let node = product();
        while (peek() === "+" || peek() === "-") {
            const op = take();
            node = { kind: "binary", op, left: node, right: product() };
        }
        return node;
    };
    const node = sum();
    if (i !== tokens.length) {
        throw new Error(`cloudwatch evaluator: unread ${tokens.slice(i).join(" ")} in ${JSON.stringify(text)}`);
    }
    return node;
}

/** The value at one period: a number, or undefined (no point). */
function evaluateAt(node: Node, series: Readonly<Record<string, Series>>, t: number): number | undefined {
    switch (node.kind) {
        case "number":
            return node.value;
        case "id": {
            const s = series[node.name];
            if (s === undefined) {
                throw new Error(`cloudwatch evaluator: no series ${node.name}`);
            }
            return s[t];
        }
        case "fill":
            return evaluateAt(node.arg, series, t) ?? node.value;
        case "binary": {
            const left = evaluateAt(node.left, series, t);
            const right = evaluateAt(node.right, series, t);
            if (left === undefined && right === undefined) {
                return undefined;
            }
            // "Missing values in a time series are treated as 0."
            const [a, b] = [left ?? 0, right ?? 0];
            if (node.op === "/") {
                // "... attempt to divide by zero, the data point is dropped."
                return b === 0 ? undefined : a / b;
            }
            return node.op === "+" ? a + b : node.op === "-" ? a - b : a * b;
        }
    }
}

/** The alarm's own time series: its metric's, or its expression's over its metrics. */
export function alarmSeries(inputs: Record<string, any>, datapoints: Readonly<Record<string, Series>>): Series {
    if (!Array.isArray(inputs.metricQueries)) {
        const points = datapoints[inputs.metricName];
        if (points === undefined) {
            throw new Error(`cloudwatch evaluator: no datapoints given for ${inputs.metricName}`);
        }
        return points;
    }
    const byId: Record<string, Series> = {};
    for (const q of inputs.metricQueries.filter((m: any) => m.metric)) {
        const points = datapoints[q.metric.metricName];
        if (points === undefined) {
            throw new Error(`cloudwatch evaluator: no datapoints given for ${q.metric.metricName}`);
        }
        byId[q.id] = points;
    }
    const expression = inputs.metricQueries.find((m: any) => m.returnData).expression as string;
    const tree = parse(expression);
    const length = Math.max(...Object.values(byId).map((s) => s.length));
    return Array.from({ length }, (_, t) => evaluateAt(tree, byId, t));
}

function breaches(comparison: string, value: number, threshold: number): boolean {
    switch (comparison) {
        case "GreaterThanThreshold":
            return value > threshold;
        case "GreaterThanOrEqualToThreshold":
            return value >= threshold;
        case "LessThanThreshold":
            return value < threshold;
        case "LessThanOrEqualToThreshold":
            return value <= threshold;
        default:
            throw new Error(`cloudwatch evaluator: comparison ${comparison} is not supported`);
    }
}

/** The state CloudWatch would give the alarm, the given periods being its evaluation range. */
export function evaluateAlarm(inputs: Record<string, any>, datapoints: Readonly<Record<string, Series>>): AlarmState {
    const periods = inputs.evaluationPeriods as number;
    const treat = (inputs.treatMissingData ?? "missing") as string;
    if (treat === "ignore") {
        throw new Error("cloudwatch evaluator: treatMissingData ignore keeps the previous state, which this evaluator does not track");
    }
    const real = alarmSeries(inputs, datapoints).filter((p): p is number => p !== undefined);
    if (real.length === 0 && treat === "missing") {
        return "INSUFFICIENT_DATA";
    }
    if (real.length < periods && treat === "missing") {
        throw new Error("cloudwatch evaluator: treatMissingData missing with some real points is not modeled");
    }
    // The most recent real points; the rest of the periods filled as the alarm treats missing data.
    const recent = real.slice(-periods);
    const filled = periods - recent.length;
    const breaching = recent.filter((p) => breaches(inputs.comparisonOperator, p, inputs.threshold)).length + (treat === "breaching" ? filled : 0);
    return breaching >= (inputs.datapointsToAlarm ?? periods) ? "ALARM" : "OK";
}
