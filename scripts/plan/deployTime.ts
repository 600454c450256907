/**
 * The modeled time of a rolling deploy of each ECS service the stack creates, from the recorded
 * target group (health check, deregistration delay), task definition (the main container's stop
 * timeout) and service (deployment alarms, which add ECS's bake time). The model and its sources: components/deployTime.ts, docs/aws-behaviour.md.
 */
import { DeployTimeEstimate, describeDeployTime, rollingDeployEstimate } from "../../components/deployTime";
import { MAIN_CONTAINER_NAME } from "../../components/taskDefinition";
import { RecordedResource } from "../../components/testing";

/** A service's modeled deploy time. */
export interface ServiceDeployTime {
    readonly service: string;
    readonly estimate: DeployTimeEstimate;
    readonly text: string;
}

export function deployTimes(resources: readonly RecordedResource[]): ServiceDeployTime[] {
    const byArn = (type: string, arn: unknown) => resources.find((r) => r.type === type && r.state.arn === arn);
    return resources
        // The model is of a rolling deploy; a traffic-shifting one takes its bake times (see docs/deploy-strategies.md).
        .filter((r) => r.type === "aws:ecs/service:Service" && (r.inputs.loadBalancers ?? []).length > 0 && (r.inputs.deploymentConfiguration?.strategy ?? "ROLLING") === "ROLLING")
        .flatMap((service) => {
            const tg = byArn("aws:lb/targetGroup:TargetGroup", service.inputs.loadBalancers[0].targetGroupArn);
            const td = byArn("aws:ecs/taskDefinition:TaskDefinition", service.inputs.taskDefinition);
            if (!tg || !td) {
                return [];
            }
            let containers: any[] = [];
            try {
                containers = JSON.parse(td.inputs.containerDefinitions);
            } catch {
                return [];
            }
            const main = containers.find((c) => c?.name === MAIN_CONTAINER_NAME) ?? containers[0];
            const estimate = rollingDeployEstimate({
                healthCheckIntervalSeconds: tg.inputs.healthCheck?.interval ?? 30,
                healthyThreshold: tg.inputs.healthCheck?.healthyThreshold ?? 3,
                deregistrationDelaySeconds: tg.inputs.deregistrationDelay ?? 300,
                stopTimeoutSeconds: main?.stopTimeout ?? 30,
                // ECS bakes a deployment that watches alarms before it is complete.
                deploymentAlarms: service.inputs.alarms?.enable === true && (service.inputs.alarms?.alarmNames ?? []).length > 0,
            });
            return [{ service: service.name, estimate, text: describeDeployTime(estimate) }];
        });
}
