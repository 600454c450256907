// Public API of fargate-workloads: the components and the building blocks they share.
export * from "./alerts";
export * from "./batchRunner";
export * from "./capacity";
export * from "./cluster";
export * from "./deployTime";
export * from "./errors";
export * from "./iam";
export * from "./loadBalancer";
export * from "./naming";
export * from "./network";
export * from "./routing";
export * from "./sizing";
export * from "./tags";
export * from "./taskDefinition";
export * from "./tokens";
export * from "./webService";
export * from "./batchTask";
