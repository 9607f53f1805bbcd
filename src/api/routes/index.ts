import type { RouteDef } from '../route.js';
import { backfillRoutes } from './backfills.js';
import { connectorRoutes } from './connectors.js';
import { previewRoutes } from './preview.js';
import { runRoutes } from './runs.js';
import { scheduleRoutes } from './schedules.js';
import { stateRoutes } from './state.js';
import { tokenRoutes } from './tokens.js';

/** Every operation of /api/v1, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly RouteDef[] = [
  ...connectorRoutes,
  ...previewRoutes,
  ...runRoutes,
  ...stateRoutes,
  ...backfillRoutes,
  ...scheduleRoutes,
  ...tokenRoutes,
];
