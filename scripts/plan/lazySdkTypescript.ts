/**
 * Imported by the evaluation's child process before the Pulumi SDK: `@pulumi/pulumi` requires the
 * TypeScript compiler (9 MB) when it loads, for its closure serializer (runtime/closure), which a
 * plan never calls unless the program serializes a function (aws.lambda.CallbackFunction). Here
 * that one require gets a stand-in that loads the compiler on first use. A file of another name,
 * in another SDK version, is left alone.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
import nodeModule = require("module");
import * as path from "path";

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const loader = nodeModule as unknown as { _load: Load };
const load = loader._load;
const SHIM = `${path.sep}@pulumi${path.sep}pulumi${path.sep}typescript-shim.js`;

loader._load = function (request, parent, isMain) {
    if (request !== "typescript" || !parent?.filename?.endsWith(SHIM)) {
        return load.call(this, request, parent, isMain);
    }
    let compiler: object | undefined;
    const real = () => (compiler ??= load.call(this, request, parent, isMain) as object);
    return new Proxy(
        {},
        {
            get: (_, key) => Reflect.get(real(), key),
            has: (_, key) => Reflect.has(real(), key),
            ownKeys: () => Reflect.ownKeys(real()),
            getOwnPropertyDescriptor: (_, key) => {
                const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
                return descriptor && { ...descriptor, configurable: true };
            },
        },
    );
};
