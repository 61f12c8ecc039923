/**
 * The jobs table as deployed. The definition lives in @app/jobs so that deploy, the embedded
 * stack and the tests create exactly the same table; this entry point creates it on any endpoint:
 *   DYNAMODB_TABLE=reelsmith-jobs AWS_REGION=eu-west-1 node dist/infra/jobs-table.js
 */
import { loadConfig } from '@app/config';
import { createDynamoClient, ensureJobsTable } from '@app/jobs';

export { jobsTableDefinition } from '@app/jobs';

if (require.main === module) {
  const config = loadConfig();
  ensureJobsTable(createDynamoClient(config.dynamodb), config.dynamodb.table)
    .then(() => console.log(`table ${config.dynamodb.table} is ready`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
