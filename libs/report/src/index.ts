// The public API of @failmine/report: add an export only when another package needs it.

// Rendering: both walk the same blocks, so they show the same numbers.
export { renderHtml } from './report-html.js';
export { renderMarkdown } from './report-markdown.js';
export { parseRunResults, RunResultsError } from './results-schema.js';
// The document, written beside the report as results.json, and reading it back.
export type {
  ReportCost,
  ReportExtract,
  ReportPlan,
  ReportPlanCategory,
  ReportStep,
  ReportTraining,
  ReportValidation,
  RunReportData,
} from './run-report-data.js';
export { RESULTS_SCHEMA_VERSION } from './run-report-data.js';
