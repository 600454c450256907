// Imported first by the evaluation's child process: Node.js keeps the compiled code of every
// module it loads on disk (its compile cache, Node 22.1 and newer), so the next evaluation loads
// @pulumi/pulumi, @pulumi/aws and the components without compiling them again.
import * as nodeModule from "module";

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
