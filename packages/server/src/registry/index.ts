/**
 * The model registry of one server process: stores, services and the handler map of its 21
 * endpoints. It uses the tracking database unless `--registry-store-uri` names another one.
 */
import type { ServerConfig } from '../config/serverConfig.js';
import { Database } from '../db/database.js';
import { ensureSchema } from '../db/migrate.js';
import type { HandlerMap } from '../http/mount.js';
import { AliasStore } from './store/aliases.js';
import { ModelVersionStore } from './store/modelVersions.js';
import { RegisteredModelStore } from './store/registeredModels.js';
import { RegistrySearchStore } from './store/search.js';
import { RegistryTagStore } from './store/tags.js';
import { AliasService } from './service/aliases.js';
import { ModelVersionService } from './service/modelVersions.js';
import { RegisteredModelService } from './service/registeredModels.js';
import { RegistrySearchService } from './service/search.js';
import { RegistryTagService } from './service/tags.js';
import type { RunArtifactUriLookup } from './service/sourceRules.js';
import type { LoggedModelLookup } from './service/modelVersions.js';
import { aliasRoutes } from './routes/aliases.js';
import { modelVersionRoutes } from './routes/modelVersions.js';
import { registeredModelRoutes } from './routes/registeredModels.js';
import { registryTagRoutes } from './routes/tags.js';

export interface RegistryOptions {
  readonly database: Database;
  /** True when the registry has its own database (to initialise and close). */
  readonly ownsDatabase: boolean;
  /** Artifact URI of a tracking run, for local model-version sources. */
  readonly runArtifactUri: RunArtifactUriLookup;
  /** Directory relative local sources resolve against. */
  readonly cwd: string;
  /** MLflow 3.x: the tracking side's logged models, for versions registered from one. */
  readonly loggedModels?: LoggedModelLookup;
}

export class Registry {
  readonly registeredModels: RegisteredModelService;
  /** `getModelVersionDownloadUri(name, version)` serves the artifact routes too. */
  readonly modelVersions: ModelVersionService;
  readonly tags: RegistryTagService;
  readonly aliases: AliasService;
  readonly search: RegistrySearchService;

  constructor(private readonly options: RegistryOptions) {
    const db = options.database;
    this.registeredModels = new RegisteredModelService(new RegisteredModelStore(db));
    this.modelVersions = new ModelVersionService(new ModelVersionStore(db), options.runArtifactUri, options.cwd, options.loggedModels);
    const mlflow3 = () => options.loggedModels?.available() ?? false;
    this.tags = new RegistryTagService(new RegistryTagStore(db), mlflow3);
    this.aliases = new AliasService(new AliasStore(db), mlflow3);
    this.search = new RegistrySearchService(new RegistrySearchStore(db), mlflow3);
  }

  get database(): Database {
    return this.options.database;
  }

  /** Schema at head for a registry-only database (the tracking one is set up by the backend). */
  async initialize(): Promise<void> {
    if (this.options.ownsDatabase) await ensureSchema(this.options.database);
  }

  handlers(): HandlerMap {
    return {
      ...registeredModelRoutes(this.registeredModels, this.search),
      ...modelVersionRoutes(this.modelVersions, this.search),
      ...registryTagRoutes(this.tags),
      ...aliasRoutes(this.aliases),
    } as unknown as HandlerMap;
  }

  async close(): Promise<void> {
    if (this.options.ownsDatabase) await this.options.database.close();
  }
}

/**
 * Startup step of the primary process: a registry database of its own (--registry-store-uri
 * differing from the backend store) gets MLflow's schema, as MLflow's registry store does.
 */
export async function initializeRegistryStore(config: ServerConfig): Promise<void> {
  if (config.registryStoreUri === config.backendStoreUri) return;
  const database = Database.open(config.registryStoreUri, { pool: { size: 2 }, cwd: config.cwd });
  try {
    await ensureSchema(database);
  } finally {
    await database.close();
  }
}
