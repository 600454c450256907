import * as path from "path";
import { maskSecrets, readStackFile } from "../app/stackFile";
import { requireFresh } from "../components/testing";
import { mocks } from "./setup";

export const ROOT = path.join(__dirname, "..");
const PROGRAM = path.join(ROOT, "index.ts");

export type ProgramOutputs = typeof import("../index");

/**
 * Evaluates index.ts for `stack` with the configuration of its `Pulumi.<stack>.yaml`, changed by
 * `edit` (keys with the namespace; undefined deletes; `{ secure: ... }` values become the secret
 * placeholder, as in a stack file), and waits for every registration.
 */
export async function evaluateStack(stack: string, edit: Record<string, unknown> = {}): Promise<ProgramOutputs> {
    const file = readStackFile(ROOT, stack);
    const edited = maskSecrets(edit);
    const config: Record<string, unknown> = { ...file.config };
    const secretKeys = new Set(file.secretKeys);
    for (const [key, value] of Object.entries(edited.config)) {
        secretKeys.delete(key);
        if (value === undefined) {
            delete config[key];
        } else {
            config[key] = value;
        }
    }
    edited.secretKeys.forEach((k) => secretKeys.add(k));
    mocks.useStack(stack, { config, secretKeys: [...secretKeys] });
    const outputs = requireFresh<ProgramOutputs>(PROGRAM);
    await mocks.settle();
    return outputs;
}
