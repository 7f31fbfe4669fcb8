import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { athenaNamedQueries } from "../reporting/src/kernel/athena/named-queries";
import type { AthenaNames } from "../reporting/src/kernel/athena/names";
import { archiveTableDefinition, PARTITION_COLUMN } from "../reporting/src/kernel/athena/table";
import { accountScope } from "./account-scope";
import { encryptionRules, NO_PUBLIC_ACCESS } from "./bucket-settings";
import type { PolicyDocument } from "./policies";

/**
 * "Athena engine version 3", as ListEngineVersions names it; the workgroup pins it instead of AUTO so the
 * report's SQL always meets the engine it was written for (SelectedEngineVersion:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-athena-workgroup-engineversion.html).
 */
export const ATHENA_ENGINE_VERSION = "Athena engine version 3";
/** Query results are re-fetched by the report within minutes; a week covers re-reading one in the console. */
export const RESULTS_RETENTION_DAYS = 7;
export const RESULTS_PREFIX = "athena-results/";
const BYTES_PER_GB = 1000 ** 3;

export interface ArchiveQueriesArgs {
  names: AthenaNames;
  /** The archive bucket and the key prefix in front of `AWSLogs/`. */
  archiveBucket: pulumi.Input<string>;
  archiveKeyPrefix: string;
  /** Per-query cutoff: Athena cancels a query that would scan more. */
  bytesScannedCutoffGb: number;
  /** Encrypts query results with this key (SSE-KMS); SSE-S3 without. */
  kmsKeyArn?: string;
  /** The first hour folder partition projection offers: the stack's creation (later updates keep it). */
  firstHourMs: number;
  tags?: Record<string, string>;
}

/**
 * The IAM policy a report user needs for `--source athena` (docs/deploying.md shows it): run queries in the
 * workgroup, read the table's metadata, read the archive, and write and read results under the results prefix.
 */
export function athenaReportPolicy(args: {
  partition: string;
  region: string;
  accountId: string;
  names: AthenaNames;
  archiveBucket: string;
  archiveKeyPrefix: string;
  resultsBucket: string;
}): PolicyDocument {
  const { partition, region, accountId, names } = args;
  const glue = (kind: string) => `arn:${partition}:glue:${region}:${accountId}:${kind}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RunReportQueries",
        Effect: "Allow",
        Action: [
          "athena:StartQueryExecution",
          "athena:GetQueryExecution",
          "athena:GetQueryResults",
          "athena:StopQueryExecution",
          "athena:GetWorkGroup",
        ],
        Resource: `arn:${partition}:athena:${region}:${accountId}:workgroup/${names.workgroup}`,
      },
      {
        Sid: "ReadTableMetadata",
        Effect: "Allow",
        Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
        Resource: [glue("catalog"), glue(`database/${names.database}`), glue(`table/${names.database}/${names.table}`)],
      },
      {
        Sid: "ReadArchive",
        Effect: "Allow",
        Action: ["s3:ListBucket", "s3:GetBucketLocation"],
        Resource: [`arn:${partition}:s3:::${args.archiveBucket}`, `arn:${partition}:s3:::${args.resultsBucket}`],
      },
      {
        Sid: "ReadArchiveObjects",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: `arn:${partition}:s3:::${args.archiveBucket}/${args.archiveKeyPrefix}AWSLogs/*`,
      },
      {
        Sid: "WriteQueryResults",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
        Resource: `arn:${partition}:s3:::${args.resultsBucket}/${RESULTS_PREFIX}*`,
      },
    ],
  };
}

/**
 * Athena over the S3 archive: a Glue database and table with partition
 * projection on the hour folders (no crawler), a workgroup on engine version 3
 * with enforced settings, a per-query scan cutoff and its own encrypted results
 * location with a short lifecycle, and named queries mirroring the saved Logs
 * Insights queries.
 */
export class ArchiveQueries extends pulumi.ComponentResource {
  readonly database: aws.glue.CatalogDatabase;
  readonly table: aws.glue.CatalogTable;
  readonly workgroup: aws.athena.Workgroup;
  readonly resultsBucket: aws.s3.Bucket;
  readonly namedQueries: aws.athena.NamedQuery[];
  /** The policy document a report user needs, as JSON. */
  readonly reportPolicy: pulumi.Output<string>;

  constructor(name: string, args: ArchiveQueriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bedrock-monitoring:index:ArchiveQueries", name, {}, opts);
    const child = { parent: this };
    const scope = accountScope(child);
    const { names } = args;

    this.database = new aws.glue.CatalogDatabase(
      `${name}-database`,
      { name: names.database, description: "Bedrock model invocation logs in the S3 archive.", tags: args.tags },
      child,
    );
    const definition = pulumi
      .all([scope, args.archiveBucket])
      .apply(([s, bucket]) =>
        archiveTableDefinition(
          { bucket, keyPrefix: args.archiveKeyPrefix, accountId: s.accountId, region: s.region },
          args.firstHourMs,
        ),
      );
    this.table = new aws.glue.CatalogTable(
      `${name}-table`,
      {
        name: names.table,
        databaseName: this.database.name,
        description: "One row per invocation record; partition projection on the YYYY/MM/DD/HH folders.",
        tableType: definition.tableType,
        parameters: definition.parameters,
        partitionKeys: definition.partitionKeys,
        storageDescriptor: definition.storageDescriptor,
      },
      // The range starts at the stack's creation; a later `pulumi up` must not move it to its own time.
      { ...child, ignoreChanges: [`parameters["projection.${PARTITION_COLUMN}.range"]`] },
    );

    this.resultsBucket = this.createResultsBucket(name, args);
    this.workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        name: names.workgroup,
        description: "The usage report's Athena queries over the Bedrock invocation log archive.",
        state: "ENABLED",
        forceDestroy: true,
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: Math.round(args.bytesScannedCutoffGb * BYTES_PER_GB),
          engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
          resultConfiguration: {
            outputLocation: pulumi.interpolate`s3://${this.resultsBucket.bucket}/${RESULTS_PREFIX}`,
            encryptionConfiguration:
              args.kmsKeyArn === undefined
                ? { encryptionOption: "SSE_S3" }
                : { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn },
          },
        },
        tags: args.tags,
      },
      child,
    );

    this.namedQueries = athenaNamedQueries(names.database, names.table).map(
      (query) =>
        new aws.athena.NamedQuery(
          `${name}-${query.name}`,
          {
            name: query.displayName,
            description: query.description,
            database: this.database.name,
            workgroup: this.workgroup.name,
            query: query.sql,
          },
          { ...child, dependsOn: [this.table] },
        ),
    );

    this.reportPolicy = pulumi
      .all([scope, args.archiveBucket, this.resultsBucket.bucket])
      .apply(([s, archiveBucket, resultsBucket]) =>
        JSON.stringify(
          athenaReportPolicy({ ...s, names, archiveBucket, archiveKeyPrefix: args.archiveKeyPrefix, resultsBucket }),
        ),
      );

    this.registerOutputs({
      databaseName: this.database.name,
      tableName: this.table.name,
      workgroupName: this.workgroup.name,
      resultsBucketName: this.resultsBucket.bucket,
      reportPolicy: this.reportPolicy,
    });
  }

  private createResultsBucket(name: string, args: ArchiveQueriesArgs): aws.s3.Bucket {
    const child = { parent: this };
    const bucket = new aws.s3.Bucket(
      `${name}-results`,
      { bucketPrefix: "bedrock-athena-results-", forceDestroy: true, tags: args.tags },
      child,
    );
    const target = { bucket: bucket.id };
    new aws.s3.BucketOwnershipControls(
      `${name}-results`,
      { ...target, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    new aws.s3.BucketPublicAccessBlock(
      `${name}-results`,
      {
        ...target,
        ...NO_PUBLIC_ACCESS,
      },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-results`,
      {
        ...target,
        rules: encryptionRules(args.kmsKeyArn),
      },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-results`,
      {
        ...target,
        rules: [
          {
            id: "expire-query-results",
            status: "Enabled",
            filter: { prefix: RESULTS_PREFIX },
            expiration: { days: RESULTS_RETENTION_DAYS },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      child,
    );
    return bucket;
  }
}
