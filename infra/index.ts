import * as pulumi from "@pulumi/pulumi";
import { InvocationLogging } from "./logging";
import { readStackSettings } from "./settings";

const settings = readStackSettings();
const tags = { "managed-by": "pulumi", project: pulumi.getProject(), stack: pulumi.getStack() };

const logging = new InvocationLogging("bedrock-invocations", { ...settings.logging, tags });

export const region = logging.region;
export const accountId = logging.accountId;
export const logGroupName = logging.logGroup.name;
export const logGroupArn = logging.logGroup.arn;
export const bucketName = logging.bucket.bucket;
export const archivePrefix = logging.archiveRecordsPrefix;
export const roleArn = logging.role.arn;
export const logRetentionDays = settings.logging.logRetentionDays;
export const archiveRetentionDays = settings.logging.archiveRetentionDays;
export const archiveForceDestroy = settings.logging.forceDestroy;
