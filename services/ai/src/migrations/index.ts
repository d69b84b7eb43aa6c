import type { Migration } from '@versaai/storage';
import { createModelsTable } from './0001-ai-models.ts';
import { createPipelineTables } from './0002-pipeline.ts';
import { createErasedUsersTable } from './0003-erased-users.ts';

/** Every migration of the ai database, one file each; the runner applies those not yet applied, by name. */
export const aiMigrations: Migration[] = [createModelsTable, createPipelineTables, createErasedUsersTable];
