// Lint: typescript-eslint's recommended rules plus Pulumi's two rules, enabled by name
// (a bare `plugins` entry registers them without turning them on).
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "bin/", "dist/", ".scratch/", "**/*.js", "**/*.mjs", "examples/", "policy/node_modules/", "policy/bin/"] },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        // One TypeScript program for every file (tsconfig.json includes policy/): the project service
        // would build a second one from policy/tsconfig.json, a third of the lint's time.
        languageOptions: { parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname } },
        plugins: { pulumi },
        rules: {
            "pulumi/no-output-in-template-literal": "error",
            "pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
        },
    },
);
