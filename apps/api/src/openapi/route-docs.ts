import { type RouteDoc } from './route-doc';
import { ASSETS_DOCS } from './routes/assets.docs';
import { JOBS_DOCS } from './routes/jobs.docs';
import { OPERATIONS_DOCS } from './routes/operations.docs';
import { REVISIONS_DOCS } from './routes/revisions.docs';
import { TOOLS_DOCS } from './routes/tools.docs';

/**
 * Every route the API serves, described once. A new controller adds its `<area>.docs.ts` under
 * routes/ and one line here; openapi.document.spec.ts fails while a Nest route is missing.
 */
export const ROUTE_DOCS: RouteDoc[] = [
  ...JOBS_DOCS,
  ...REVISIONS_DOCS,
  ...TOOLS_DOCS,
  ...ASSETS_DOCS,
  ...OPERATIONS_DOCS,
];
