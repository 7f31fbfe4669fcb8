/**
 * Validation of a `--pricing` file (shared kernel: pure, it takes the text),
 * so a bad file is reported as one UsageError line naming the field and what
 * is allowed.
 *
 * {
 *   "asOf": "2026-10-01",
 *   "discountPercent": 12,
 *   "models": {
 *     "anthropic.claude-sonnet-4-5-20250929-v1:0": { "discountPercent": 20 },
 *     "global.anthropic.claude-opus-4-6-v1": { "global": { "input": 4, "output": 20, "cacheWrite": 5, "cacheRead": 0.4 } },
 *     "anthropic.claude-new-model-v1:0": { "family": "Sonnet", "regional": { "input": 3, "output": 15, "cacheWrite": 3.75, "cacheRead": 0.3 } }
 *   },
 *   "applicationProfiles": {
 *     "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc": "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
 *   }
 * }
 */
import { UsageError } from "../errors";
import { NOT_A_DATE, parseIsoDate } from "../time";
import {
  LONG_CONTEXT_THRESHOLD_TOKENS,
  MODEL_FAMILIES,
  PRICE_CATALOG,
  type LongContextRates,
  type PriceCatalog,
  type ModelFamily,
  type TokenRates,
} from "./catalog";
import type { ModelOverride, PricingOverrides } from "./rules";
import { canonicalModelId, isApplicationProfileArn, parseModelId } from "./model-ids";

const TOP_LEVEL_KEYS = ["asOf", "discountPercent", "models", "applicationProfiles"];
const MODEL_KEYS = ["name", "family", "regional", "global", "longContext", "discountPercent"];
const RATE_KEYS = ["input", "output", "cacheWrite", "cacheRead"];
const LONG_CONTEXT_KEYS = ["thresholdTokens", "regional", "global"];
/**
 * The dearest Claude rate is 75 USD per 1M tokens; a rate far above any real
 * one is a typo, and one near the largest double would make costs Infinity.
 */
const MAX_RATE_USD_PER_MILLION = 1_000_000;

type JsonObject = Record<string, unknown>;

class PricingFileError extends Error {}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function expectObject(value: unknown, where: string, allowedKeys?: string[]): JsonObject {
  if (!isObject(value)) throw new PricingFileError(`${where} must be an object`);
  if (allowedKeys) {
    const unknown = Object.keys(value).find((key) => !allowedKeys.includes(key));
    if (unknown !== undefined)
      throw new PricingFileError(`${where} has unknown field "${unknown}" (allowed: ${allowedKeys.join(", ")})`);
  }
  return value;
}

function expectRate(value: unknown, where: string): number {
  if (typeof value !== "number" || !(value >= 0 && value <= MAX_RATE_USD_PER_MILLION)) {
    throw new PricingFileError(
      `${where} must be a non-negative number of at most ${MAX_RATE_USD_PER_MILLION.toLocaleString("en-US")} (USD per 1M tokens)`,
    );
  }
  return value;
}

function expectDiscount(value: unknown, where: string): number {
  if (typeof value !== "number" || !(value >= 0 && value < 100))
    throw new PricingFileError(`${where} must be a number from 0 to below 100 (percent off)`);
  return value;
}

function parseRates(value: unknown, where: string): TokenRates {
  const object = expectObject(value, where, RATE_KEYS);
  const optional = (key: string) =>
    object[key] === undefined || object[key] === null ? null : expectRate(object[key], `${where}.${key}`);
  return {
    input: expectRate(object.input, `${where}.input`),
    output: expectRate(object.output, `${where}.output`),
    cacheWrite: optional("cacheWrite"),
    cacheRead: optional("cacheRead"),
  };
}

function parseLongContext(value: unknown, where: string): LongContextRates | null {
  if (value === null) return null;
  const object = expectObject(value, where, LONG_CONTEXT_KEYS);
  const threshold = object.thresholdTokens ?? LONG_CONTEXT_THRESHOLD_TOKENS;
  if (typeof threshold !== "number" || !Number.isSafeInteger(threshold) || threshold <= 0) {
    throw new PricingFileError(`${where}.thresholdTokens must be a positive whole number of tokens`);
  }
  return {
    thresholdTokens: threshold,
    regional: parseRates(object.regional, `${where}.regional`),
    global: object.global === undefined || object.global === null ? null : parseRates(object.global, `${where}.global`),
  };
}

function parseModel(where: string, value: unknown): ModelOverride {
  const object = expectObject(value, where, MODEL_KEYS);
  const override: ModelOverride = {};
  if (object.name !== undefined) {
    if (typeof object.name !== "string") throw new PricingFileError(`${where}.name must be a string`);
    override.name = object.name;
  }
  if (object.family !== undefined) {
    if (!MODEL_FAMILIES.includes(object.family as ModelFamily))
      throw new PricingFileError(`${where}.family must be one of ${MODEL_FAMILIES.join(", ")}`);
    override.family = object.family as ModelFamily;
  }
  if (object.regional !== undefined) override.regional = parseRates(object.regional, `${where}.regional`);
  if (object.global !== undefined)
    override.global = object.global === null ? null : parseRates(object.global, `${where}.global`);
  if (object.longContext !== undefined)
    override.longContext = parseLongContext(object.longContext, `${where}.longContext`);
  if (object.discountPercent !== undefined)
    override.discountPercent = expectDiscount(object.discountPercent, `${where}.discountPercent`);
  return override;
}

/**
 * An entry keyed by a profile ID (`us.anthropic...`, `global.anthropic...`)
 * prices that profile only, so it may set its own route's rates and nothing
 * that would be read for another route: such a field would be accepted and
 * never applied.
 */
function checkProfileEntry(override: ModelOverride, where: string, modelId: string): void {
  const { route, baseModelId } = parseModelId(modelId);
  const own = route === "global" ? "global" : "regional";
  const other = route === "global" ? "regional" : "global";
  if (override[other] !== undefined) {
    throw new PricingFileError(
      `${where}.${other}: ${modelId} is billed at its "${own}" rates; set "${own}", or key the entry by the base model ID "${baseModelId}" to set both`,
    );
  }
  if (override.longContext !== undefined) {
    throw new PricingFileError(
      `${where}.longContext: long-context rates belong to the model; set them under the base model ID "${baseModelId}"`,
    );
  }
  if (override.global === null)
    throw new PricingFileError(
      `${where}.global must be rates ({ "input", "output", "cacheWrite", "cacheRead" }) for a global. profile`,
    );
}

/**
 * Entries by the ID they price: a system profile or foundation model ARN
 * stands for its ID, as in the logs. A model the catalog lacks needs rates
 * from its own entry or from the entry of its base model.
 */
function parseModels(value: unknown, catalog: PriceCatalog): Record<string, ModelOverride> {
  const models: Record<string, ModelOverride> = {};
  const keyOf = new Map<string, string>();
  for (const [key, entry] of Object.entries(expectObject(value, "models"))) {
    const where = `models["${key}"]`;
    const modelId = canonicalModelId(key);
    if (isApplicationProfileArn(modelId)) {
      throw new PricingFileError(
        `${where}: an application inference profile is priced as the model it routes to; map it under "applicationProfiles"`,
      );
    }
    if (keyOf.has(modelId))
      throw new PricingFileError(
        `${where} prices ${modelId}, as models["${keyOf.get(modelId)}"] does; keep one of them`,
      );
    keyOf.set(modelId, key);
    const override = parseModel(where, entry);
    if (parseModelId(modelId).route !== "in-region") checkProfileEntry(override, where, modelId);
    models[modelId] = override;
  }
  for (const [modelId, override] of Object.entries(models)) {
    const { route, baseModelId } = parseModelId(modelId);
    if (catalog.models.some((model) => model.baseModelId === baseModelId)) continue;
    const where = `models["${keyOf.get(modelId)}"]`;
    if (route === "in-region" && !override.regional) {
      throw new PricingFileError(
        `${where} is not in the catalog, so it needs "regional" rates ({ "input", "output", "cacheWrite", "cacheRead" })`,
      );
    }
    const own = route === "global" ? "global" : "regional";
    if (route !== "in-region" && !override[own] && !models[baseModelId]) {
      throw new PricingFileError(
        `${where}: ${baseModelId} is not in the catalog, so it needs "${own}" rates ({ "input", "output", "cacheWrite", "cacheRead" })`,
      );
    }
  }
  return models;
}

function parseApplicationProfiles(value: unknown): Record<string, string> {
  const object = expectObject(value, "applicationProfiles");
  const profiles: Record<string, string> = {};
  for (const [arn, target] of Object.entries(object)) {
    if (!isApplicationProfileArn(arn)) {
      throw new PricingFileError(
        `applicationProfiles key "${arn}" must be an application inference profile ARN (arn:aws:bedrock:<region>:<account>:application-inference-profile/<id>)`,
      );
    }
    if (typeof target !== "string" || target === "" || isApplicationProfileArn(target)) {
      throw new PricingFileError(
        `applicationProfiles["${arn}"] must be the model ID the profile routes to, e.g. "us.anthropic.claude-sonnet-4-5-20250929-v1:0"`,
      );
    }
    profiles[arn] = canonicalModelId(target);
  }
  return profiles;
}

function parseDocument(document: unknown, label: string, catalog: PriceCatalog): PricingOverrides {
  const object = expectObject(document, "the top level", TOP_LEVEL_KEYS);
  const overrides: PricingOverrides = { label, models: {}, applicationProfiles: {} };
  if (object.asOf !== undefined) {
    const asOf = typeof object.asOf === "string" ? parseIsoDate(object.asOf) : NOT_A_DATE;
    if (!asOf.ok) throw new PricingFileError(`asOf ${JSON.stringify(object.asOf)}: ${asOf.problem}`);
    overrides.asOf = object.asOf as string;
  }
  if (object.discountPercent !== undefined)
    overrides.discountPercent = expectDiscount(object.discountPercent, "discountPercent");
  if (object.models !== undefined) overrides.models = parseModels(object.models, catalog);
  if (object.applicationProfiles !== undefined)
    overrides.applicationProfiles = parseApplicationProfiles(object.applicationProfiles);
  return overrides;
}

/** Parses the text of a `--pricing` file; any problem becomes one UsageError line. */
export function parsePricingOverrides(text: string, label: string, catalog = PRICE_CATALOG): PricingOverrides {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--pricing ${label}: not valid JSON (${(error as Error).message}); expected an object with asOf, discountPercent, models, applicationProfiles`,
      { cause: error },
    );
  }
  try {
    return parseDocument(document, label, catalog);
  } catch (error) {
    if (error instanceof PricingFileError)
      throw new UsageError(`--pricing ${label}: ${error.message}`, { cause: error });
    throw error;
  }
}
