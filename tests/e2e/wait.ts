/** Bounded waits: every wait of a check ends by the check's deadline, or when the run is interrupted. */
import { Clock } from "./world";

/** A check found that a promise does not hold. */
export class CheckFailure extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CheckFailure";
    }
}

/** A check ran out of its time. */
export class CheckTimeout extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CheckTimeout";
    }
}

/** The run was interrupted (SIGINT or SIGTERM). */
export class Interrupted extends Error {
    constructor() {
        super("interrupted");
        this.name = "Interrupted";
    }
}

/** A check's time budget. */
export interface Deadline {
    readonly clock: Clock;
    /** When the check's time runs out (ms since the epoch). */
    readonly at: number;
    readonly interrupt: AbortSignal;
    /** What cancels a running Pulumi operation on an interrupt (see World.cancelPulumi); `interrupt` when not given. */
    readonly cancelPulumi?: AbortSignal;
}

export function throwIfInterrupted(signal: AbortSignal): void {
    if (signal.aborted) {
        throw new Interrupted();
    }
}

/** Sleeps `ms`, but not past the deadline: throws CheckTimeout (with `what`) once it has passed. */
export async function sleepWithin(d: Deadline, ms: number, what: () => string): Promise<void> {
    throwIfInterrupted(d.interrupt);
    const left = d.at - d.clock.now();
    if (left <= 0) {
        throw new CheckTimeout(what());
    }
    await d.clock.sleep(Math.min(ms, left));
    throwIfInterrupted(d.interrupt);
    if (d.clock.now() >= d.at) {
        throw new CheckTimeout(what());
    }
}

/**
 * Polls `probe` every `pollMs` until it returns a value; by the deadline throws CheckTimeout
 * saying what was awaited and what was last seen.
 */
export async function waitFor<T>(d: Deadline, what: string, pollMs: number, probe: () => Promise<{ value?: T; seen: string }>): Promise<T> {
    let seen = "nothing yet";
    for (;;) {
        throwIfInterrupted(d.interrupt);
        const result = await probe();
        if (result.value !== undefined) {
            return result.value;
        }
        seen = result.seen;
        await sleepWithin(d, pollMs, () => `timed out waiting for ${what} (last seen: ${seen})`);
    }
}

/**
 * Runs `operation` with an abort signal that fires at the deadline or when an interrupt must be
 * passed on to it (`cancelPulumi`); at the deadline throws CheckTimeout once the operation has
 * stopped, on an interrupt Interrupted once it has stopped.
 */
export async function withinDeadline<T>(d: Deadline, what: string, operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
    throwIfInterrupted(d.interrupt);
    const timer = new AbortController();
    const signal = AbortSignal.any([timer.signal, d.cancelPulumi ?? d.interrupt]);
    let settled = false;
    const work = operation(signal).finally(() => {
        settled = true;
    });
    const watch = (async () => {
        while (!settled && !signal.aborted) {
            if (d.clock.now() >= d.at) {
                timer.abort();
                return;
            }
            await d.clock.sleep(Math.min(5000, Math.max(d.at - d.clock.now(), 0)));
        }
    })();
    try {
        return await work;
    } catch (e) {
        throwIfInterrupted(d.interrupt);
        if (timer.signal.aborted) {
            throw new CheckTimeout(`timed out: ${what} did not finish in time`);
        }
        throw e;
    } finally {
        settled = true;
        await watch;
    }
}
