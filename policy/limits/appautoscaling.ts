/**
 * Application Auto Scaling of ECS services: scalable targets (capacity range, resource id) and
 * target tracking policies (target value, cooldowns, ALB request count label).
 */
import { at } from "../preview";
import { Add, intIn, isInt } from "./common";

export function scalingTargetRules(p: Record<string, any>, add: Add): void {
    const min = at(p, "minCapacity");
    const max = at(p, "maxCapacity");
    intIn(add, "minCapacity", min, 0, Number.MAX_SAFE_INTEGER);
    intIn(add, "maxCapacity", max, 0, Number.MAX_SAFE_INTEGER);
    if (isInt(min) && isInt(max) && min > max) {
        add(`minCapacity (${min}) is above maxCapacity (${max})`);
    }
    const resourceId = at(p, "resourceId");
    if (at(p, "serviceNamespace") === "ecs" && typeof resourceId === "string" && !/^service\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/.test(resourceId)) {
        add(`resourceId ${JSON.stringify(resourceId)} is not "service/<cluster>/<service>"`);
    }
}

export function scalingPolicyRules(p: Record<string, any>, add: Add): void {
    const config = at(p, "targetTrackingScalingPolicyConfiguration");
    if (config === undefined) {
        return;
    }
    const value = at(config, "targetValue");
    if (typeof value !== "number" || !(value > 0)) {
        add(`targetTrackingScalingPolicyConfiguration.targetValue (${JSON.stringify(value)}) must be above 0`);
    }
    intIn(add, "scaleInCooldown", at(config, "scaleInCooldown"), 0, Number.MAX_SAFE_INTEGER, "seconds");
    intIn(add, "scaleOutCooldown", at(config, "scaleOutCooldown"), 0, Number.MAX_SAFE_INTEGER, "seconds");
    const metric = at(config, "predefinedMetricSpecification");
    if (metric?.predefinedMetricType === "ALBRequestCountPerTarget") {
        const label = at(metric, "resourceLabel");
        if (typeof label !== "string" || !/^app\/[^/]+\/[^/]+\/targetgroup\/[^/]+\/[^/]+$/.test(label) || label.length > 1023) {
            add(`ALBRequestCountPerTarget needs resourceLabel "app/<lb>/<id>/targetgroup/<tg>/<id>" (got ${JSON.stringify(label)})`);
        }
    }
}
