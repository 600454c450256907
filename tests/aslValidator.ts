/**
 * asl-validator's verdict on a Step Functions definition, cheap enough to ask hundreds of times.
 *
 * asl-validator 4 builds a new Ajv on every call, checks its 15 bundled schemas against the JSON
 * Schema meta-schema and compiles them again: about 90 ms a call, most of the BatchTask property
 * test's time. {@link validateStateMachine} runs the same validator, with the same schemas,
 * formats and checks, but hands it an Ajv that skips the meta-schema check of those fixed schemas
 * and reuses the state-machine schema compiled on the first call: 2 to 3 ms a call.
 * tests/aslValidator.test.ts holds it to asl-validator's own answers.
 */
import * as path from "path";

export interface AslResult {
    readonly isValid: boolean;
    errorsText(separator?: string): string;
}

// asl-validator ships no type declarations, so it is loaded through its documented CommonJS entry.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const aslValidator: (definition: unknown) => AslResult = require("asl-validator");

interface AjvLike {
    getSchema(ref: string): unknown;
}
type AjvClass = new (options: Record<string, unknown>) => AjvLike;

// The Ajv copy asl-validator's schema check loads; it reads the module's `default` on every call.
const schemaCheck = require.resolve("asl-validator/dist/src/checks/json-schema-errors");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ajvModule: { default: AjvClass } = require(require.resolve("ajv", { paths: [path.dirname(schemaCheck)] }));
const Ajv = ajvModule.default;

const compiled = new Map<string, unknown>();

/** Compiled schemas outlive the instance; valid because every call adds the same schemas and formats. */
class ReusingAjv extends Ajv {
    constructor(options: Record<string, unknown>) {
        super({ ...options, validateSchema: false });
    }

    getSchema(ref: string): unknown {
        if (!compiled.has(ref)) {
            compiled.set(ref, super.getSchema(ref));
        }
        return compiled.get(ref);
    }
}

/** asl-validator's result for `definition` (with its default options: paths and ARNs checked). */
export function validateStateMachine(definition: unknown): AslResult {
    // The validator is synchronous, so the swap is seen by this call only.
    ajvModule.default = ReusingAjv;
    try {
        return aslValidator(definition);
    } finally {
        ajvModule.default = Ajv;
    }
}
