/**
 * Search filters, order_by and page tokens of MLflow 2.12.2's four searches, and their
 * compilation to parameterised SQL with Kysely.
 */
export type * from './ast.js';
export { parseRunFilter, checkRunClauses } from './runsFilter.js';
export type { RunClauseDraft } from './runsFilter.js';
export { parseExperimentFilter } from './experimentsFilter.js';
export { parseRegisteredModelFilter, parseModelVersionFilter } from './registryFilter.js';
export {
  parseOrderByString,
  parseRunOrderBy,
  parseExperimentOrderBy,
  parseRegisteredModelOrderBy,
  parseModelVersionOrderBy,
} from './orderBy.js';
export { createPageToken, parsePageToken } from './pageToken.js';
export { parseRunSearch, parseExperimentSearch, parseRegisteredModelSearch, parseModelVersionSearch } from './requests.js';
export type { SearchRequestText, ParsedSearch } from './requests.js';
export { applyRunFilter, applyRunOrder, compileRunSearch, runSearchQuery, lifecycleStages } from './runsSql.js';
export type { RunSearchQuery } from './runsSql.js';
export {
  applyExperimentFilter,
  applyExperimentOrder,
  compileExperimentSearch,
  experimentClauseSql,
} from './experimentsSql.js';
export type { ExperimentSearchQuery } from './experimentsSql.js';
export {
  applyRegisteredModelFilter,
  applyRegisteredModelOrder,
  applyModelVersionFilter,
  applyModelVersionOrder,
  compileRegisteredModelSearch,
  compileModelVersionSearch,
  registeredModelClauseSql,
  modelVersionClauseSql,
} from './registrySql.js';
export type { RegistrySearchQuery } from './registrySql.js';
