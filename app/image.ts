import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { Architecture, DOCKER_PLATFORM } from "../components";

/**
 * Builds the web image from `context` for the task's platform and pushes it to a private ECR
 * repository that scans on push. Tags stay mutable because awsx pushes a moving tag; the service
 * runs the image by digest (`imageUri`), so a tag moving cannot change what runs.
 */
export function buildWebImage(build: { context: string; dockerfile?: string }, architecture: Architecture, protect: boolean, tags?: Readonly<Record<string, string>>): { repository: aws.ecr.Repository; imageUri: pulumi.Output<string> } {
    const repository = new aws.ecr.Repository("web-repository", {
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: "MUTABLE",
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        forceDelete: !protect,
        tags,
    });
    new aws.ecr.LifecyclePolicy(
        "web-repository-lifecycle",
        {
            repository: repository.name,
            policy: JSON.stringify({
                rules: [{ rulePriority: 1, description: "Keep the last 20 images", selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 20 }, action: { type: "expire" } }],
            }),
        },
        { parent: repository },
    );
    const image = new awsx.ecr.Image("web-image", {
        repositoryUrl: repository.repositoryUrl,
        context: build.context,
        ...(build.dockerfile ? { dockerfile: build.dockerfile } : {}),
        platform: DOCKER_PLATFORM[architecture],
    });
    return { repository, imageUri: image.imageUri };
}
