/**
 * What a Bedrock usage type on the bill says: which model, which kind of
 * token, which route. AWS names usage types per model and token kind, e.g.
 * `USE1-Claude4.6Sonnet-input-tokens`, `USW2-Claude4.5Sonnet-cache-write-input-token-count`,
 * `USE1-Claude4.5Sonnet-input-tokens-cross-region-global`, and for the
 * bedrock-mantle endpoint `USE1-anthropic.claude-opus-4-8-mantle-input-tokens-standard`
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/cost-mgmt-understanding-cur-data.html:
 * `*-input-tokens`, `*-output-tokens`, `*-cache-read-input-token-count`,
 * `*-cache-write-input-token-count`, `*-mantle-input-tokens-*`). Claude models
 * sold through AWS Marketplace carry the model only in the product or service
 * name (`Claude 3 Haiku (Amazon Bedrock Edition)`) and a usage type such as
 * `USW2-MP:USW2_InputTokenCount-Units` or `USE1-MP:USE1_input_tokens_global_standard-Units`.
 * No public bill shows the newest models yet (Opus 4.8, Opus 5, Sonnet 5, Haiku 5.5): their names are
 * read by the same pattern (`Claude4.8Opus`, `Claude5Sonnet`, `Claude5.5Haiku`).
 * How batch and long-context usage types are spelled could not be confirmed
 * from a public source: `batch` anywhere in the name marks batch usage.
 */
import type { ModelFamily } from "../kernel/pricing/catalog";

export type TokenKind = "input" | "output" | "cacheRead" | "cacheWrite";

export interface BilledModel {
  family: ModelFamily;
  /** Family and version, e.g. `Sonnet 4.5`; the family alone when no version is written. */
  label: string;
}

export interface UsageTypeMeaning {
  /** Null when neither the usage type nor the product name names a model. */
  model: BilledModel | null;
  /** Per-token usage, or `provisioned` (model units by the hour), or `unknown`. */
  kind: TokenKind | "provisioned" | "unknown";
  route: "global" | "geo" | "in-region";
  batch: boolean;
  /** Billed through the bedrock-mantle endpoint, which writes no invocation logs. */
  mantle: boolean;
}

const FAMILY_WORDS: Array<[RegExp, ModelFamily]> = [
  [/opus/i, "Opus"],
  [/sonnet/i, "Sonnet"],
  [/haiku/i, "Haiku"],
];

/**
 * Family and version from any spelling of a Claude model: a billing name
 * (`Claude4.5Sonnet`), a product name (`Claude 3 Haiku (Amazon Bedrock Edition)`),
 * a model ID (`anthropic.claude-sonnet-4-5-20250929-v1:0`) or a catalog name
 * (`Claude Sonnet 4.5`). A one- or two-digit major, then an optional minor
 * after `.` or `-`; a date or `v1` is never read as the version.
 */
export function modelOfName(name: string): BilledModel | null {
  const claude = name.toLowerCase().indexOf("claude");
  if (claude < 0) return null;
  const rest = name.slice(claude + "claude".length).replace(/\(.*$/, "");
  const family = FAMILY_WORDS.find(([word]) => word.test(rest))?.[1] ?? "Other";
  const version = /(?<![\dv])(\d{1,2})(?:[.-](\d{1,2}))?(?!\d)/i.exec(rest);
  const versionText = version ? (version[2] === undefined ? version[1] : `${version[1]}.${version[2]}`) : "";
  if (family === "Other") {
    const word = /[a-z]+/i.exec(rest.replace(/^[^a-z]*/i, ""))?.[0] ?? "";
    const label = ["Claude", word.charAt(0).toUpperCase() + word.slice(1), versionText].filter(Boolean).join(" ");
    return { family, label };
  }
  return { family, label: versionText ? `${family} ${versionText}` : family };
}

function tokenKind(text: string): UsageTypeMeaning["kind"] {
  if (/cache-?read/.test(text)) return "cacheRead";
  if (/cache-?write/.test(text)) return "cacheWrite";
  if (/provisioned|reserved|model-?units?\b/.test(text)) return "provisioned";
  if (/input-?tokens?/.test(text)) return "input";
  if (/output-?tokens?/.test(text)) return "output";
  return "unknown";
}

/** The model segment of a non-Marketplace usage type: after the region prefix, before the token kind. */
function modelSegment(usageType: string): string {
  const withoutRegion = usageType.replace(/^[A-Z0-9]+-/, "");
  const cut = withoutRegion.search(/-(mantle|batch|cache|input|output|provisioned|reserved)/i);
  return cut > 0 ? withoutRegion.slice(0, cut) : withoutRegion;
}

/**
 * The meaning of one usage type; `productName` (the CUR `product_product_name`
 * or Cost Explorer's SERVICE) names the model of Marketplace usage types.
 */
export function usageTypeMeaning(usageType: string, productName: string | null = null): UsageTypeMeaning {
  const text = usageType.toLowerCase().replace(/[_\s]+/g, "-");
  const marketplace = /(^|-)mp:/.test(text);
  const segment = marketplace ? "" : modelSegment(usageType);
  const kind = tokenKind(text);
  let model = /claude/i.test(segment) ? modelOfName(segment) : null;
  if (model === null && productName !== null && /claude/i.test(productName)) model = modelOfName(productName);
  // Another vendor's model (`USE1-NovaPro-input-tokens`): its billing name is all the bill says.
  if (model === null && segment !== "" && kind !== "unknown") model = { family: "Other", label: segment };
  return {
    model,
    kind,
    route: /global/.test(text) ? "global" : /cross-?region|-geo\b/.test(text) ? "geo" : "in-region",
    batch: /batch/.test(text),
    mantle: /mantle/.test(text),
  };
}
