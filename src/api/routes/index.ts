import type { RouteDef } from '../route.js';
import { connectorRoutes } from './connectors.js';
import { runRoutes } from './runs.js';
import { scheduleRoutes } from './schedules.js';
import { tokenRoutes } from './tokens.js';

/** Every operation of /api/v1, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly RouteDef[] = [...connectorRoutes, ...runRoutes, ...scheduleRoutes, ...tokenRoutes];
