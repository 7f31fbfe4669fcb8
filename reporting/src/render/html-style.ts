/**
 * The HTML report's style sheet, inlined in the page. One column that fits a
 * phone (charts scale down with their viewBox, wide tables scroll inside
 * their box), two columns of charts on a wide screen; the browser's own
 * fonts; dark text on white for contrast, print included.
 */
export const HTML_STYLE = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --line: #d9d9d9; --panel: #f6f7f9; --warn: #8a4b00; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 28px 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1rem; margin: 0 0 4px; }
.muted { color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.banner { background: #fff1e0; border: 2px solid var(--warn); color: var(--warn); padding: 8px 12px; font-weight: 600; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin: 16px 0 0; }
.figure { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 0; }
.figure dt { font-size: 0.8rem; color: var(--muted); }
.figure dd { margin: 2px 0 0; }
.figure .value { display: block; font-size: 1.25rem; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.figure[data-figure="costUsd"] .value { font-size: 1.6rem; }
.figure[data-figure="window"] .value, .figure[data-figure="source"] .value,
.figure[data-figure="pricingAsOf"] .value { font-size: 1rem; }
.figure .detail { display: block; font-size: 0.8rem; color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 560px), 1fr)); gap: 16px; align-items: start; }
.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 12px; min-width: 0; }
.chart figcaption p { margin: 0 0 8px; color: var(--muted); font-size: 0.9rem; overflow-wrap: anywhere; }
.chart-body svg { display: block; max-width: 100%; height: auto; }
.chart-body .narrow { display: none; }
.table { margin: 0 0 20px; }
.table-scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; font-size: 0.85rem; font-variant-numeric: tabular-nums; width: 100%; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
thead th { background: var(--panel); position: sticky; top: 0; }
td.num, th.num { text-align: right; }
table.key-value td { white-space: normal; overflow-wrap: anywhere; }
.notes li { margin: 4px 0; overflow-wrap: anywhere; }
.notes li.warning { color: var(--warn); }
footer { margin-top: 28px; font-size: 0.8rem; overflow-wrap: anywhere; }
@media (max-width: 600px) {
  main { padding: 10px; }
  body { font-size: 14px; }
  .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .figure .value { font-size: 1.05rem; }
  .figure[data-figure="costUsd"] .value { font-size: 1.3rem; }
  .chart { padding: 8px; }
  .chart-body .wide { display: none; }
  .chart-body .narrow { display: block; }
}
`;
