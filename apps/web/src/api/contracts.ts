/**
 * The API's shapes, from the contracts package the services share: types only, so nothing
 * of a service's code is bundled into the web app.
 */
export type * from '@versaai/contracts';
