/**
 * The registry searches' reads: the SQL comes from the search module (filters, order and
 * paging compiled to parameterised Kysely queries); here the rows become entities with
 * their latest versions, tags and aliases (models) or tags (versions).
 */
import { compileModelVersionSearch, compileRegisteredModelSearch } from '../../search/index.js';
import type {
  ModelVersionClause,
  ModelVersionOrderColumn,
  RegisteredModelClause,
  RegisteredModelOrderColumn,
  RegistrySearchQuery,
} from '../../search/index.js';
import type { Database } from '../../db/database.js';
import type { ModelVersion, RegisteredModel } from '../entities.js';
import { withModelDetails, withVersionTags } from './rows.js';

export class RegistrySearchStore {
  constructor(private readonly database: Database) {}

  searchRegisteredModels(query: RegistrySearchQuery<RegisteredModelClause, RegisteredModelOrderColumn>): Promise<RegisteredModel[]> {
    return this.database.read(async (db) => {
      const rows = await compileRegisteredModelSearch(db, this.database.dialect, query).execute();
      return withModelDetails(db, rows);
    });
  }

  searchModelVersions(query: RegistrySearchQuery<ModelVersionClause, ModelVersionOrderColumn>): Promise<ModelVersion[]> {
    return this.database.read(async (db) => {
      const rows = await compileModelVersionSearch(db, this.database.dialect, query).execute();
      return withVersionTags(db, rows);
    });
  }
}
