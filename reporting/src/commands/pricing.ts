/** `report pricing`: the catalog (or the effective prices with --pricing), its as-of date and sources. */
import type { CliDeps, CommonArgs } from "./context";
import type { PriceCatalog, TokenRates } from "../kernel/pricing/catalog";
import { parseModelId } from "../kernel/pricing/model-ids";
import { priceFor, type PricingOverrides } from "../kernel/pricing/rules";
import { renderRows, type FieldRow } from "../render/rows";
import { TEXT_FORMATS } from "../render/formats";
import { parseFormat } from "./options";
import { emit, refuseOutputOverInputs, useColor } from "./input-output";
import { pricingInputs, pricingInUse, type PricingArgs } from "./pricing-in-use";
import { runCatalogCheck, runCatalogRefresh, type RefreshArgs } from "./pricing-refresh";

export interface PricingCommandArgs extends CommonArgs, PricingArgs, RefreshArgs {}

const ROUTES = [
  { route: "global", example: (id: string) => `global.${id}` },
  // The bare ID: an entry for one geographic profile (`us.`...) gets a row of its own.
  { route: "geo / in-region", example: (id: string) => id },
];

function rateCells(prefix: string, rates: TokenRates | null): FieldRow {
  return {
    [`${prefix}input`]: rates?.input ?? null,
    [`${prefix}output`]: rates?.output ?? null,
    [`${prefix}cacheWrite`]: rates?.cacheWrite ?? null,
    [`${prefix}cacheRead`]: rates?.cacheRead ?? null,
  };
}

/** One row per model and route, and one per geographic profile the overrides price apart, with the rates a report would apply. */
export function priceRows(overrides: PricingOverrides | undefined, catalog: PriceCatalog): FieldRow[] {
  const overridden = Object.keys(overrides?.models ?? {});
  const baseIds = [
    ...new Set([
      ...catalog.models.map((model) => model.baseModelId),
      ...overridden.map((id) => parseModelId(id).baseModelId),
    ]),
  ];
  const priced = baseIds.flatMap((baseModelId) =>
    ROUTES.map(({ route, example }) => ({ baseModelId, route, modelId: example(baseModelId) })),
  );
  const geoProfiles = overridden
    .filter((id) => parseModelId(id).route === "geo")
    .map((id) => ({
      baseModelId: parseModelId(id).baseModelId,
      route: `${id.slice(0, id.indexOf("."))}. profile`,
      modelId: id,
    }));
  const rows: FieldRow[] = [];
  for (const { baseModelId, route, modelId } of [...priced, ...geoProfiles]) {
    const quote = priceFor(modelId, overrides, catalog);
    if (!quote.priced) continue;
    rows.push({
      baseModelId,
      family: quote.family,
      route,
      ...rateCells("", quote.rates),
      ...rateCells("longContext.", quote.longContext?.rates ?? null),
      note: [quote.confirmed ? "" : "UNCONFIRMED", quote.overridden ? "overridden" : "", quote.note ?? ""]
        .filter(Boolean)
        .join("; "),
    });
  }
  return rows;
}

function ratesText(rates: TokenRates | null): string {
  if (!rates) return "-";
  const cell = (rate: number | null) => (rate === null ? "-" : String(Number(rate.toFixed(6))));
  return [rates.input, rates.output, rates.cacheWrite, rates.cacheRead].map(cell).join(" / ");
}

/** For people: the four rates in one cell, so the table fits a terminal. */
function readableRows(overrides: PricingOverrides | undefined, catalog: PriceCatalog): FieldRow[] {
  return priceRows(overrides, catalog).map((row) => ({
    "Model ID": row.baseModelId,
    Family: row.family,
    Route: row.route,
    "Input / output / cache write / cache read": ratesText({
      input: row.input as number,
      output: row.output as number,
      cacheWrite: row.cacheWrite as number | null,
      cacheRead: row.cacheRead as number | null,
    }),
    "Above 200k tokens":
      row["longContext.input"] === null
        ? "-"
        : ratesText({
            input: row["longContext.input"] as number,
            output: row["longContext.output"] as number,
            cacheWrite: row["longContext.cacheWrite"] as number | null,
            cacheRead: row["longContext.cacheRead"] as number | null,
          }),
    Note: row.note,
  }));
}

export async function runPricingCommand(args: PricingCommandArgs, deps: CliDeps): Promise<number> {
  const format = parseFormat(args.format, TEXT_FORMATS);
  await refuseOutputOverInputs(args, pricingInputs(args));
  const { catalog: inUse, overrides } = await pricingInUse(args, deps);
  const catalog = inUse.catalog;
  if (args.refresh) return runCatalogRefresh(args, inUse, deps);
  if (args.check) return runCatalogCheck(args, inUse, overrides, deps);
  const asOf = catalog.asOf;
  if (format === "json") {
    const document = {
      catalog: inUse.label,
      asOf,
      currency: catalog.currency,
      unit: catalog.unit,
      sources: catalog.sources,
      assumptions: catalog.assumptions,
      overrides: overrides ? { file: overrides.label, asOf: overrides.asOf ?? null } : null,
      prices: priceRows(overrides, catalog),
      unconfirmedModels: catalog.unconfirmedModels ?? [],
    };
    await emit(`${JSON.stringify(document, null, 2)}\n`, args, deps);
    return 0;
  }
  const footer = [
    `Long-context rates apply to a whole request above 200,000 input + cache tokens. "-" / empty: not offered.`,
    `Catalog: ${inUse.label}. Sources: ${catalog.sources.join("; ")}.`,
    ...catalog.assumptions.map((assumption) => `Assumption: ${assumption}`),
    ...(catalog.unconfirmedModels ?? []).map(
      (model) => `No confirmed price, so unpriced: ${model.name} (${model.baseModelId}). ${model.note}`,
    ),
    ...(overrides ? [`Overrides: ${overrides.label}${overrides.asOf ? ` (as of ${overrides.asOf})` : ""}.`] : []),
  ];
  const title = `Claude on Bedrock, ${catalog.currency} ${catalog.unit}, as of ${asOf}`;
  const rows = format === "csv" ? priceRows(overrides, catalog) : readableRows(overrides, catalog);
  await emit(
    renderRows(rows, format, format === "table" && useColor(args, deps), title, format === "csv" ? [] : footer),
    args,
    deps,
  );
  return 0;
}
