// Types of tsCache.js, which is JavaScript because it is what loads TypeScript.

/** Makes `require` of `.ts` and `.cts` files under `dir` transpile them with the project's own ts-node and typescript, cached by content. */
export function installTypeScript(dir: string, options?: { tsconfig?: string }): { tsNode: string; typescript: string };

/** The project lacks ts-node or typescript: the message says why that matters and how to fix it. */
export class MissingTypeScriptError extends Error {
    constructor(dir: string, missing: string[]);
}

/** Transpiles served from the cache and done, in this process. */
export const counters: { hits: number; misses: number };

/** True for the require hook installTypeScript installs. */
export function isOurs(hook: unknown): boolean;
