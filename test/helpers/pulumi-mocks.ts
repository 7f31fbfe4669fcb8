import * as pulumi from "@pulumi/pulumi";

/**
 * One Pulumi mock runtime for every infra test: records each resource the
 * program registers, answers the three identity invokes the program is meant
 * to make, and fails loudly on any other invoke so an unplanned lookup cannot
 * slip into the program unnoticed.
 */

export const TEST_ACCOUNT = "111122223333";
export const TEST_REGION = "us-east-1";
export const TEST_PARTITION = "aws";
export const PROJECT = "bedrock-monitoring";
export const STACK = "test";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  id: string;
  /** The `import` resource option, when set. */
  importId?: string;
}

export const recorded: RecordedResource[] = [];

function arnFor(type: string, name: string, inputs: Record<string, unknown>): string | undefined {
  switch (type) {
    case "aws:cloudwatch/logGroup:LogGroup":
      return `arn:aws:logs:${TEST_REGION}:${TEST_ACCOUNT}:log-group:${String(inputs.name ?? name)}`;
    case "aws:s3/bucket:Bucket":
      return `arn:aws:s3:::${String(inputs.bucket ?? name)}`;
    case "aws:iam/role:Role":
      return `arn:aws:iam::${TEST_ACCOUNT}:role/${name}`;
    case "aws:sns/topic:Topic":
      return `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT}:${name}`;
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return `arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:${String(inputs.name ?? name)}`;
    default:
      return undefined;
  }
}

function idFor(type: string, name: string, inputs: Record<string, unknown>): string {
  if (type === "aws:s3/bucket:Bucket") return String(inputs.bucket ?? name);
  if (type === "aws:cloudwatch/logGroup:LogGroup") return String(inputs.name ?? name);
  return `${name}-id`;
}

const invokes: Record<string, Record<string, unknown>> = {
  "aws:index/getCallerIdentity:getCallerIdentity": {
    accountId: TEST_ACCOUNT,
    arn: `arn:aws:iam::${TEST_ACCOUNT}:user/deployer`,
    userId: "AIDAEXAMPLEUSERID",
    id: TEST_ACCOUNT,
  },
  "aws:index/getRegion:getRegion": {
    name: TEST_REGION,
    region: TEST_REGION,
    id: TEST_REGION,
    description: "US East (N. Virginia)",
    endpoint: `ec2.${TEST_REGION}.amazonaws.com`,
  },
  "aws:index/getPartition:getPartition": {
    partition: TEST_PARTITION,
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
    id: TEST_PARTITION,
  },
};

pulumi.runtime.setMocks(
  {
    newResource(args: pulumi.runtime.MockResourceArgs) {
      const id = idFor(args.type, args.name, args.inputs);
      recorded.push({ type: args.type, name: args.name, inputs: args.inputs, id, importId: args.id || undefined });
      const arn = arnFor(args.type, args.name, args.inputs);
      const computed = args.type === "aws:cloudwatch/queryDefinition:QueryDefinition" ? { queryDefinitionId: id } : {};
      return { id, state: { ...args.inputs, ...computed, ...(arn === undefined ? {} : { arn }) } };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      const answer = invokes[args.token];
      if (answer === undefined) {
        throw new Error(
          `unexpected invoke ${args.token}: the program may only look up caller identity, region and partition`,
        );
      }
      return answer;
    },
  },
  PROJECT,
  STACK,
  false,
);

/** URNs of the explicit and implicit dependencies each resource was registered with, by resource name. */
const dependencyUrns = new Map<string, string[]>();

// The mock monitor does not pass dependencies to newResource, so read them off the register request.
type RegisterRequest = { getName(): string; getType(): string; getDependenciesList(): string[] };
const monitor = pulumi.runtime.getMonitor() as unknown as {
  registerResource(request: RegisterRequest, callback: unknown): unknown;
};
const registerResource = monitor.registerResource.bind(monitor);
monitor.registerResource = (request, callback) => {
  dependencyUrns.set(`${request.getType()}::${request.getName()}`, request.getDependenciesList());
  return registerResource(request, callback);
};

/** The `type::name` of every resource the named resource depends on. */
export function dependenciesOf(type: string, name: string): string[] {
  const urns = dependencyUrns.get(`${type}::${name}`);
  if (urns === undefined) throw new Error(`${type} ${name} was not registered`);
  // urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>
  return urns.map((urn) => {
    const [, , qualifiedType, resourceName] = urn.split("::");
    return `${qualifiedType.split("$").pop()}::${resourceName}`;
  });
}

/** Resolves an Output's value so tests can await it instead of asserting inside apply. */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) =>
    output.apply((value) => {
      resolve(value);
      return value;
    }),
  );
}

/** Recorded resources of one type, in registration order. */
export function resourcesOf(type: string): RecordedResource[] {
  return recorded.filter((resource) => resource.type === type);
}

export function oneResourceOf(type: string): RecordedResource {
  const found = resourcesOf(type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

export function resetRecorded(): void {
  recorded.length = 0;
  dependencyUrns.clear();
}

/** Lets registrations queued by a component's constructor reach the mock monitor. */
export async function settle(...outputs: pulumi.Output<unknown>[]): Promise<void> {
  await Promise.all(outputs.map((output) => promiseOf(output)));
  await new Promise((resolve) => setTimeout(resolve, 10));
}
