/**
 * The jobs table as deployed. The definition lives in @app/persistence so that deploy, the embedded
 * stack and the tests create exactly the same table; this entry point creates it on any endpoint:
 *   DYNAMODB_TABLE=reelsmith-jobs AWS_REGION=eu-west-1 node dist/infra/jobs-table.js
 */
import { loadConfig } from '@app/config';
import { createDynamoClient, ensureJobsTable } from '@app/persistence';

export { jobsTableDefinition } from '@app/persistence';

if (require.main === module) {
  const config = loadConfig();
  ensureJobsTable(createDynamoClient(config.dynamodb), config.dynamodb.table)
    .then((missing) =>
      console.log(
        missing.length
          ? `table ${config.dynamodb.table}: index ${missing.join(', ')} could not be added yet (run again once the one being built is active)`
          : `table ${config.dynamodb.table} is ready`,
      ),
    )
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
